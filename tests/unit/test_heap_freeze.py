"""The heap is frozen after a model load, garbage is not, and the next load releases the last model."""

from __future__ import annotations

import gc
import weakref
from typing import Any, Iterator, List

import pytest

from supervisor import heap_freeze
from supervisor.rasa_version import UnsupportedRasaVersion


class Node:
    """An object that can sit in a reference cycle (only the cyclic collector frees it)."""

    def __init__(self) -> None:
        self.other: Any = self


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_loaded_objects_are_frozen_and_the_load_garbage_is_collected() -> None:
    garbage: List[weakref.ref] = []

    def load() -> Node:
        dropped = Node()
        garbage.append(weakref.ref(dropped))
        return Node()

    before = gc.get_freeze_count()
    model = heap_freeze.frozen_after(load)()
    assert gc.get_freeze_count() > before
    assert not any(obj is model for obj in gc.get_objects())  # frozen objects are not listed
    assert garbage[0]() is None


def test_the_next_load_releases_the_replaced_model() -> None:
    load = heap_freeze.frozen_after(Node)
    first = weakref.ref(load())  # frozen, then no longer referenced (the model replaced)
    gc.collect()
    assert first() is not None  # a full collection does not look at frozen objects
    load()
    assert first() is None


def test_install_wraps_the_agent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent

    monkeypatch.setattr(Agent, "load_model", Agent.load_model)
    original = Agent.load_model
    heap_freeze.install()
    heap_freeze.install()
    assert Agent.load_model.__wrapped__ is original


def test_install_refuses_another_rasa_version() -> None:
    with pytest.raises(UnsupportedRasaVersion, match="supervisor.heap_freeze"):
        heap_freeze.install("3.6.20")
