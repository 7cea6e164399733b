"""Stream a conversation's new events without reading the whole session back first.

Rasa 3.6.21's ``TrackerStore.stream_events`` (run on every save when an event
broker is configured, as the analytics need) retrieves the stored tracker
again, deserialising every event of the session, only to learn how many events
it held: the new ones are the saved tracker's events after that count. For the
in-memory store, the one ``make run`` uses, ``install()`` remembers that count
at each save instead. It is the number of events of the last session written,
which is what Rasa's ``retrieve`` would return, so the same events reach the
broker. A conversation the store has not saved in this process, or a store
with ``max_event_history``, keeps Rasa's way.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, Optional, Sequence

from supervisor.rasa_version import require_patched_version

SESSION_START = "action_session_start"


def last_session_size(action_names: Sequence[Optional[str]]) -> int:
    """Events in the last session, as Rasa splits sessions (one action name or None per event).

    A session begins at an ``action_session_start`` action; events before the
    first one belong to the first session.
    """
    for index in range(len(action_names) - 1, -1, -1):
        if action_names[index] == SESSION_START:
            return len(action_names) - index
    return len(action_names)


def install(rasa_version: str | None = None) -> None:
    """Patch ``InMemoryTrackerStore`` in this process (Rasa 3.6.21 only)."""
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.events import ActionExecuted

    require_patched_version("supervisor.memory_store", rasa_version)
    rasa_save = InMemoryTrackerStore.save
    rasa_stream_events = InMemoryTrackerStore.stream_events

    def sizes(store: Any) -> Dict[str, int]:
        return store.__dict__.setdefault("_session_sizes", {})

    async def stream_events(self: Any, tracker: Any) -> None:
        known = sizes(self).get(tracker.sender_id)
        if self.event_broker is None or known is None or self.max_event_history is not None:
            return await rasa_stream_events(self, tracker)
        new_events = list(itertools.islice(tracker.events, known, None))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def save(self: Any, tracker: Any) -> None:
        await rasa_save(self, tracker)
        sizes(self)[tracker.sender_id] = last_session_size(
            [event.action_name if isinstance(event, ActionExecuted) else None
             for event in tracker.events])

    InMemoryTrackerStore.stream_events = stream_events  # type: ignore[method-assign]
    InMemoryTrackerStore.save = save  # type: ignore[method-assign]
