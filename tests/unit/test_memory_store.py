"""The in-memory store streams the same events to the broker without reading the session back."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

from supervisor import memory_store
from supervisor.rasa_version import UnsupportedRasaVersion

DOMAIN = Domain.from_yaml("slots:\n  protocol:\n    type: text\n    mappings: []\n")


def _session_start(protocol: Any = None) -> List[Event]:
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    if protocol:
        events.append(SlotSet("protocol", protocol))
    return events + [ActionExecuted("action_listen")]


def _message(number: int) -> List[Event]:
    return [UserUttered(f"domanda {number}", {"name": "ask_offline", "confidence": 0.9}),
            ActionExecuted("action_explain"), BotUttered(f"risposta {number}"),
            ActionExecuted("action_listen")]


#: What the processor appends at each message of two conversations: a renewal
#: (a new session inside the same tracker), a forgotten message, a new sender.
SCRIPT: List[tuple] = [
    ("a", _session_start() + _message(1)),
    ("a", _message(2)),
    ("b", _session_start() + _message(1)),
    ("a", [UserUttered("???"), ActionExecuted("action_default_fallback"), UserUtteranceReverted(),
           ActionExecuted("action_listen")]),
    ("a", _session_start("pop3") + _message(3)),  # renewal: the old session is still in the tracker
    ("a", _message(4)),
    ("b", _message(2)),
    ("a", _session_start("pop3") + _message(5)),
    ("a", _message(6)),
]


def _play(db: Path) -> List[Dict[str, Any]]:
    """Run SCRIPT as Rasa's processor does (retrieve, append, save); the broker's rows."""
    broker = SQLEventBroker(db=str(db))
    store = InMemoryTrackerStore(DOMAIN, event_broker=broker)

    async def run() -> None:
        for sender, events in SCRIPT:
            tracker = await store.retrieve(sender) or store.init_tracker(sender)
            for event in events:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(run())
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()
    published = []
    for sender, data in rows:
        event = json.loads(data)
        event.pop("timestamp", None)
        published.append({"sender": sender, **event})
    return published


def test_the_broker_gets_the_same_events_as_with_rasas_store(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _play(tmp_path / "rasa.db")
    for name in ("save", "stream_events"):
        monkeypatch.setattr(InMemoryTrackerStore, name, getattr(InMemoryTrackerStore, name))
    memory_store.install()
    retrieved = 0
    original_retrieve = InMemoryTrackerStore.retrieve

    async def counting_retrieve(self: Any, sender_id: str) -> Any:
        nonlocal retrieved
        retrieved += 1
        return await original_retrieve(self, sender_id)

    monkeypatch.setattr(InMemoryTrackerStore, "retrieve", counting_retrieve)
    assert _play(tmp_path / "patched.db") == expected
    assert len(expected) == sum(len(events) for _, events in SCRIPT)
    # one retrieve per message (the processor's) plus one per new sender (Rasa's stream)
    assert retrieved == len(SCRIPT) + 2


def test_the_last_session_is_counted_as_rasa_splits_it() -> None:
    size = memory_store.last_session_size
    assert size([]) == 0
    assert size([None, "action_listen", None]) == 3
    assert size(["action_session_start", None, "action_listen"]) == 3
    assert size(["action_session_start", None, "action_listen", None,
                 "action_session_start", None, "action_listen"]) == 3


@pytest.mark.parametrize("version", ["3.6.20", "3.7.0"])
def test_other_rasa_versions_are_refused(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(InMemoryTrackerStore, "save", InMemoryTrackerStore.save)
    before = InMemoryTrackerStore.save
    with pytest.raises(UnsupportedRasaVersion, match=version):
        memory_store.install(rasa_version=version)
    assert InMemoryTrackerStore.save is before
