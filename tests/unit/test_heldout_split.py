"""The held-out NLU split (tests/nlu) stays out of the training data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)|\[([^\]]+)\]\{[^}]+\}")


def _plain(example: str) -> str:
    """The sentence a customer typed: entity annotations removed, case and spaces folded."""
    text = ANNOTATION.sub(lambda match: match.group(1) or match.group(2), example)
    return " ".join(text.lower().split())


def _examples(folder: Path) -> Iterator[Tuple[str, str, Path]]:
    """(plain sentence, intent, file) for every intent example of the YAML files under folder."""
    for path in sorted(folder.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    yield _plain(line.strip()[2:]), block["intent"], path


def test_no_heldout_sentence_is_in_the_training_data() -> None:
    training: Dict[str, Path] = {text: path for text, _, path in _examples(ROOT / "data")}
    heldout = list(_examples(ROOT / "tests" / "nlu"))
    assert len(heldout) > 300, "the held-out split is where the gate expects it"
    leaked = [(text, str(training[text].relative_to(ROOT))) for text, _, _ in heldout if text in training]
    assert not leaked, f"held-out sentences found in the training data: {leaked}"


def test_the_check_sees_an_annotated_copy() -> None:
    assert _plain("Uso [IMAP](protocol) sul  [PC]{\"entity\": \"device\"}") == "uso imap sul pc"
