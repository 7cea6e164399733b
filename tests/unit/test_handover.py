"""Pure helpers of the hand-over to a person."""

from __future__ import annotations

from actions.handover import (
    CARRIED_LINE_CHARS,
    CARRIED_LINES,
    carried_transcript,
    client_of,
    conversation_transcript,
    earlier_lines,
    transcript,
)


def test_the_client_is_read_from_the_latest_user_message():
    events = [
        {"event": "user", "metadata": {"client": "a-old"}},
        {"event": "bot", "metadata": {"client": "a-bot"}},
        {"event": "user", "metadata": {"client": "a-new"}},
        {"event": "action"},
    ]
    assert client_of(events) == "a-new"
    assert client_of([{"event": "user", "metadata": {}}]) is None
    assert client_of([{"event": "user", "metadata": {"client": 7}}]) is None
    assert client_of([]) is None


def _session(*texts: str) -> list:
    """User and bot events alternating, with an action and an empty bot message between."""
    events: list = []
    for number, text in enumerate(texts):
        events += [{"event": "user" if number % 2 == 0 else "bot", "text": text, "timestamp": 1.0},
                   {"event": "action", "name": "action_listen"}, {"event": "bot", "text": None}]
    return events


def test_a_new_session_carries_the_last_lines_after_the_earlier_ones():
    earlier = [{"sender": "user", "text": "uso pop3", "time": "t0"}]
    carried = carried_transcript(earlier, _session("la casella si riempie?", "Con POP3 ..."))
    assert [line["text"] for line in carried] == ["uso pop3", "la casella si riempie?", "Con POP3 ..."]
    assert [line["sender"] for line in carried] == ["user", "user", "bot"]
    many = _session(*(f"riga {n}" for n in range(100)))
    assert [line["text"] for line in carried_transcript(earlier, many)] == [
        f"riga {n}" for n in range(100 - CARRIED_LINES, 100)]
    assert carried_transcript(None, []) == []
    wall = carried_transcript(None, _session("x" * 5000))
    assert [len(line["text"]) for line in wall] == [CARRIED_LINE_CHARS]
    restarted = _session("vecchia domanda") + [{"event": "restart"}] + _session("nuova domanda")
    assert [line["text"] for line in carried_transcript(earlier, restarted)] == ["nuova domanda"]


def test_only_well_formed_earlier_lines_are_kept():
    value = [{"sender": "user", "text": "ciao"}, {"sender": "hacker", "text": "x"},
             {"sender": "bot", "text": 7}, "stringa", None]
    assert earlier_lines(value) == [{"sender": "user", "text": "ciao", "time": ""}]
    for junk in (None, "testo", {"sender": "user"}, 5):
        assert earlier_lines(junk) == []


def test_the_ticket_transcript_starts_with_the_carried_lines():
    earlier = [{"sender": "user", "text": "prima sessione", "time": "t0"}]
    lines = conversation_transcript(earlier, _session("voglio un operatore"))
    assert [line["text"] for line in lines] == ["prima sessione", "voglio un operatore"]
    assert conversation_transcript(None, _session("solo questa")) == transcript(_session("solo questa"))
