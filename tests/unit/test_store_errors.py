"""supervisor.store_errors: a tracker store that fails raises instead of answering from an empty tracker."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from supervisor import store_errors
from supervisor.rasa_version import UnsupportedRasaVersion


class BrokenStore(InMemoryTrackerStore):
    """A real in-memory store whose database is "down": every call fails as SQLAlchemy would."""

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        raise ConnectionError("database unreachable")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database unreachable")


@pytest.fixture
def restore_fail_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        monkeypatch.setattr(FailSafeTrackerStore, name, getattr(FailSafeTrackerStore, name))


@pytest.mark.asyncio
async def test_unpatched_rasa_hides_the_outage(restore_fail_safe: Any) -> None:
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    assert await store.retrieve("visitor") is None  # Rasa would start a blank conversation


@pytest.mark.asyncio
async def test_patched_store_raises_on_retrieve_and_save(restore_fail_safe: Any) -> None:
    store_errors.install()
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(ConnectionError):
        await store.retrieve("visitor")
    with pytest.raises(ConnectionError):
        await store.save(DialogueStateTracker("visitor", slots=[]))
    assert await store.fallback_tracker_store.retrieve("visitor") is None  # nothing kept aside


@pytest.mark.asyncio
async def test_a_working_store_is_untouched(restore_fail_safe: Any) -> None:
    store_errors.install()
    store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
    await store.save(DialogueStateTracker("visitor", slots=[]))
    assert (await store.retrieve("visitor")).sender_id == "visitor"


@pytest.mark.parametrize("version", ["3.6.20", "3.7.0"])
def test_other_rasa_versions_are_refused(version: str, restore_fail_safe: Any) -> None:
    before = FailSafeTrackerStore.on_tracker_store_error
    with pytest.raises(UnsupportedRasaVersion, match=version):
        store_errors.install(rasa_version=version)
    assert FailSafeTrackerStore.on_tracker_store_error is before
