"""A long conversation renews its session between flows and keeps what the customer told us.

Driven through the running Rasa server (``supervisor.rasa_run`` with its
patches) and action server; the tracker is read back over the HTTP API.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any, Dict, List

import pytest

from supervisor.long_sessions import DEFAULT_MAX_USER_TURNS
from tests.conversations.test_conversations import send
from tests.support.dialogues import read_turn
from tests.support.stack import Stack

pytestmark = pytest.mark.stack

QUESTIONS = [
    "se sono in aereo senza connessione posso leggere la posta?",
    "cancello una mail dal telefono, sparisce anche dal computer?",
    "la casella rischia di riempirsi?",
    "le mail che mando dal pc le vedo anche sul cellulare?",
]


def _user_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Customer messages of the tracker the server holds."""
    return [e for e in tracker.get("events") or [] if e.get("event") == "user"]


def _sessions(tracker: Dict[str, Any]) -> List[int]:
    """Customer messages per session, oldest session first."""
    counts: List[int] = []
    for event in tracker.get("events") or []:
        if event.get("event") == "session_started":
            counts.append(0)
        elif event.get("event") == "user" and counts:
            counts[-1] += 1
    return counts


def test_a_long_conversation_starts_a_new_session_and_keeps_the_protocol(assistant: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    send(assistant, sender, "uso pop3")
    assert read_turn(assistant.tracker(sender)).slots.get("protocol") == "pop3"
    for turn in range(2, DEFAULT_MAX_USER_TURNS + 1):
        send(assistant, sender, QUESTIONS[turn % len(QUESTIONS)])
    tracker = assistant.tracker(sender)
    assert len(_user_events(tracker)) == DEFAULT_MAX_USER_TURNS, "renewed too early"

    assert _sessions(tracker) == [DEFAULT_MAX_USER_TURNS]

    send(assistant, sender, QUESTIONS[0])  # message 21: the session is full and at rest
    tracker = assistant.tracker(sender)
    assert _sessions(tracker) == [DEFAULT_MAX_USER_TURNS, 1], "a new session starts with message 21"
    result = read_turn(tracker)
    assert result.slots.get("protocol") == "pop3", "the protocol is carried over"
    assert "utter_offline_pop3" in result.names, result.names

    send(assistant, sender, QUESTIONS[1])
    tracker = assistant.tracker(sender)
    assert len(_user_events(tracker)) == 2, "the finished session no longer weighs on each message"
    result = read_turn(tracker)
    assert "utter_delete_pop3" in result.names, result.names


def test_a_question_waiting_for_the_protocol_survives_the_renewal(assistant: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    for turn in range(1, DEFAULT_MAX_USER_TURNS + 1):  # protocol never named: "Tu quale usi?"
        send(assistant, sender, QUESTIONS[turn % len(QUESTIONS)])
    assert read_turn(assistant.tracker(sender)).slots.get("pending_topic")
    send(assistant, sender, "se lo leggo dal tablet lo vedo anche sul pc?")  # 21st: new session
    tracker = assistant.tracker(sender)
    assert _sessions(tracker) == [DEFAULT_MAX_USER_TURNS, 1]
    result = read_turn(tracker)
    assert "utter_sync_both" in result.names and result.slots.get("pending_topic"), result.names
    send(assistant, sender, "uso imap")  # answers the question asked before, in the new session
    result = read_turn(assistant.tracker(sender))
    assert "utter_sync_imap" in result.names, result.names
    assert result.slots.get("protocol") == "imap"


def test_no_renewal_inside_the_recommendation_form(assistant: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    send(assistant, sender, "uso imap")
    for turn in range(2, DEFAULT_MAX_USER_TURNS):
        send(assistant, sender, QUESTIONS[turn % len(QUESTIONS)])
    send(assistant, sender, "mi consigli imap o pop3?")  # 20th: the form starts
    assert read_turn(assistant.tracker(sender)).active_loop == "recommend_form"
    send(assistant, sender, "li leggo su telefono e computer")  # 21st: an answer, same session
    tracker = assistant.tracker(sender)
    assert _sessions(tracker) == [DEFAULT_MAX_USER_TURNS + 1]
    assert read_turn(tracker).active_loop == "recommend_form"


def _ticket_transcript(assistant: Stack, sender: str) -> List[Dict[str, Any]]:
    """The transcript stored with the conversation's ticket, read from the ticket database."""
    with sqlite3.connect(assistant.tmp_dir / "tickets.sqlite3") as db:
        rows = db.execute("SELECT transcript FROM escalation_tickets WHERE conversation_id = ?",
                          (sender,)).fetchall()
    assert len(rows) == 1, rows
    return json.loads(rows[0][0])


def test_a_ticket_after_a_renewal_carries_the_earlier_session(assistant: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    send(assistant, sender, "uso pop3, la mia prima domanda")
    for turn in range(2, DEFAULT_MAX_USER_TURNS + 3):
        send(assistant, sender, QUESTIONS[turn % len(QUESTIONS)])
    assert len(_user_events(assistant.tracker(sender))) == 2, "renewed at message 11"
    send(assistant, sender, "vorrei parlare con una persona")
    result = read_turn(assistant.tracker(sender))
    assert "action_escalate" in result.names, result.names
    lines = _ticket_transcript(assistant, sender)
    users = [line["text"] for line in lines if line["sender"] == "user"]
    assert users[0] == "uso pop3, la mia prima domanda", users
    assert users[-1] == "vorrei parlare con una persona"
    assert len(users) == DEFAULT_MAX_USER_TURNS + 3, "every customer message, once"
    assert any(line["sender"] == "bot" for line in lines[:3])


def test_a_call_back_question_is_answered_before_the_renewal(assistant: Stack) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    for turn in range(1, DEFAULT_MAX_USER_TURNS):
        send(assistant, sender, QUESTIONS[turn % len(QUESTIONS)])
    send(assistant, sender, "voglio un operatore")  # the last message of the session
    assert "action_escalate" in read_turn(assistant.tracker(sender)).names
    send(assistant, sender, "no grazie")  # answers "leave a contact?": same session
    tracker = assistant.tracker(sender)
    assert _sessions(tracker) == [DEFAULT_MAX_USER_TURNS + 1]
    assert "utter_no_contact" in read_turn(tracker).names, read_turn(tracker).names
    send(assistant, sender, QUESTIONS[0])  # now at rest: a new session
    assert _sessions(assistant.tracker(sender)) == [DEFAULT_MAX_USER_TURNS + 1, 1]
