"""Every customer message gets an answer, whatever came before it.

Rules and memoized stories decide the dialogue (there is no TEDPolicy), so a
turn that none of them covers goes to Rasa's core fallback. This drives every
intent of the domain, sent as a button payload, after each of a few typical
openings through the running Rasa and action server, and checks from the
tracker that the last turn sent at least one bot message.
"""

from __future__ import annotations

import uuid
from typing import List

import pytest
import yaml

from tests.conversations.conftest import ROOT
from tests.conversations.test_conversations import send
from tests.support.dialogues import read_turn
from tests.support.stack import Stack

pytestmark = pytest.mark.stack

#: Where a conversation can stand when the next message arrives.
OPENINGS = {
    "after a topic answer": ["se cancello una mail dal telefono sparisce anche dal pc?"],
    "inside the recommendation": ["/ask_recommendation"],
    "asked for a call-back contact": ["/request_human", "/affirm"],
    "after the hand-over": ["/request_human"],
    "after goodbye": ["/goodbye"],
    "during set-up help": ["come configuro la posta sul telefono?"],
    "after a clarification": ["asdf qwer zxcv"],
}


def _intents() -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


@pytest.mark.parametrize("opening", list(OPENINGS))
def test_every_intent_gets_an_answer(assistant: Stack, opening: str) -> None:
    silent = []
    for intent in _intents():
        sender = f"answered-{uuid.uuid4().hex}"
        for text in OPENINGS[opening] + [f"/{intent}"]:
            send(assistant, sender, text)
        result = read_turn(assistant.tracker(sender))
        if not result.texts:
            silent.append(f"/{intent}: {result.names}")
    assert silent == [], f"no answer {opening}:\n" + "\n".join(silent)
