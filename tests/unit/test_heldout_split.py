"""The held-out NLU split (tests/nlu) stays out of the training data."""

from __future__ import annotations

from pathlib import Path
from typing import Set

from bench.conversations import load_examples, strip_annotations

ROOT = Path(__file__).resolve().parents[2]


def _fold(text: str) -> str:
    """Case and spacing folded, so a copy that differs only in those still matches."""
    return " ".join(text.lower().split())


def _sentences(folder: Path) -> Set[str]:
    """Every intent example of the NLU files in ``folder``, annotations removed and folded."""
    return {_fold(text) for texts in load_examples(folder).values() for text in texts}


def test_no_heldout_sentence_is_in_the_training_data() -> None:
    heldout = _sentences(ROOT / "tests" / "nlu")
    assert len(heldout) > 300, "the held-out split is where the gate expects it"
    leaked = sorted(heldout & _sentences(ROOT / "data" / "nlu"))
    assert not leaked, f"held-out sentences found in data/nlu: {leaked}"


def test_the_check_sees_an_annotated_copy() -> None:
    annotated = "Uso [IMAP](protocol) sul  [PC]{\"entity\": \"device\"}"
    assert _fold(strip_annotations(annotated)) == "uso imap sul pc"
