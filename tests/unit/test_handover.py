"""Pure helpers of the hand-over to a person."""

from __future__ import annotations

from actions.handover import client_of


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
