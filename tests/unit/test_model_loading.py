"""Loading DIET for prediction without Rasa's one-example fit: same parses, guarded version."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.utils.tensorflow.models import RasaModel

from bench.conversations import load_examples
from supervisor import model_loading
from supervisor.rasa_version import UnsupportedRasaVersion
from tests.support.stack import model_or_skip

ROOT = Path(__file__).resolve().parents[2]
# Wordings DIET has not seen (the held-out split) and input the guards would catch.
EXTRA = ["", "😀😀", "<b>imap</b> o pop?", "/request_human", "x" * 400, "IMAP IMAP IMAP pop3"]


def _parses(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    """Intent ranking and entities of every text, from a freshly loaded agent."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    results = asyncio.run(parse_all())
    return [{"ranking": result.get("intent_ranking"), "intent": result.get("intent"),
             "entities": result.get("entities")} for result in results]


def test_other_rasa_versions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RasaModel, "load", RasaModel.__dict__["load"])
    before = RasaModel.__dict__["load"]
    for version in ("3.6.20", "3.7.0"):
        with pytest.raises(UnsupportedRasaVersion, match=version):
            model_loading.install(rasa_version=version)
    assert RasaModel.__dict__["load"] is before


@pytest.mark.stack  # slow: loads the trained model twice and parses 420 messages with each
def test_predictions_are_identical_to_rasas_own_load(monkeypatch: pytest.MonkeyPatch) -> None:
    model = model_or_skip()
    texts = [text for items in load_examples(ROOT / "tests" / "nlu").values() for text in items] + EXTRA
    assert len(texts) > 300
    monkeypatch.setattr(RasaModel, "load", RasaModel.__dict__["load"])
    rasas = _parses(model, texts)

    finetune_flags: List[bool] = []
    original = model_loading.load_for_prediction

    def counted(*args: Any, **kwargs: Any) -> Any:
        finetune_flags.append(kwargs.get("finetune_mode", False))
        return original(*args, **kwargs)

    monkeypatch.setattr(model_loading, "load_for_prediction", counted)
    model_loading.install()
    ours = _parses(model, texts)
    assert finetune_flags and not any(finetune_flags), "DIET was not loaded through the patch's own path"
    mismatched = [text for text, a, b in zip(texts, rasas, ours) if a != b]
    assert not mismatched, f"{len(mismatched)} parses differ, e.g. {mismatched[:3]}"
    assert any(parse["entities"] for parse in ours), "entities are compared too"
