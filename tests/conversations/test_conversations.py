"""Multi-turn dialogues driven through the running Rasa server and action server.

Each dialogue in ``tests/conversations/*.yml`` is sent turn by turn to the REST
channel; after every turn the tracker is read back with the API token and the
turn's expectations are checked (see ``tests/support/dialogues.py`` for the
format). Unlike ``rasa test core``, this runs the custom actions, the form's
validation and every slot mapping, exactly as a customer meets them.

Every dialogue runs twice: with the default session length, and with a new
session after every three customer messages (``SESSION_MAX_USER_TURNS=3``), so
a renewal falls inside most dialogues: whatever a conversation is in the middle
of must survive it.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path
from typing import List

import pytest

from tests.support.dialogues import Dialogue, check_turn, load_dialogues, read_turn, transcript
from tests.support.stack import Stack

HERE = Path(__file__).resolve().parent
DIALOGUES: List[Dialogue] = load_dialogues(sorted(HERE.glob("*.yml")))

pytestmark = pytest.mark.stack


def send(stack: Stack, sender: str, text: str) -> None:
    """One customer message over the REST channel."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook", data=body, method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        json.loads(response.read().decode("utf-8") or "[]")


def _param(dialogue: Dialogue) -> object:
    """A known issue runs as an expected failure, so it stays visible in every report."""
    marks = [pytest.mark.xfail(reason=dialogue.known_issue, strict=False)] if dialogue.known_issue else []
    return pytest.param(dialogue, marks=marks, id=dialogue.name)


@pytest.mark.parametrize("dialogue", [_param(d) for d in DIALOGUES])
def test_dialogue(assistant: Stack, dialogue: Dialogue) -> None:
    _drive(assistant, dialogue)


@pytest.mark.parametrize("dialogue", [_param(d) for d in DIALOGUES])
def test_dialogue_with_a_new_session_every_three_messages(short_sessions: Stack,
                                                          dialogue: Dialogue) -> None:
    _drive(short_sessions, dialogue)


def _drive(stack: Stack, dialogue: Dialogue) -> None:
    """Send the dialogue turn by turn; fail on the first turn that misses its expectations."""
    sender = f"conv-{uuid.uuid4().hex}"
    lines: List[str] = [f"[{dialogue.source}] {dialogue.name}"]
    for number, turn in enumerate(dialogue.turns, start=1):
        send(stack, sender, turn.user)
        result = read_turn(stack.tracker(sender))
        lines.append(f"  {number}. user: {turn.user}")
        lines.append(f"     bot:  {result.names}  loop={result.active_loop}")
        problems = check_turn(turn, result)
        if problems:
            lines += [f"     !! {p}" for p in problems]
            lines.append("     last bot texts: " + " | ".join(t[:120] for t in result.texts))
            pytest.fail(transcript(lines), pytrace=False)


def test_there_are_enough_dialogues() -> None:
    assert len(DIALOGUES) >= 80
