"""Keep the loaded model out of Python's full garbage collections.

A loaded assistant holds about 600,000 Python objects (TensorFlow, spaCy,
Rasa), none of which become garbage while it serves. Python's oldest-generation
collection walks all of them: in the Rasa process it took 285-400 ms about
every 500 messages, and every conversation in flight waited for it.
``install()`` wraps ``Agent.load_model``, the one place a model is loaded in
Rasa 3.6.21 (at start-up, through the HTTP API and from a model server), so
that the model's objects move to the permanent generation once loaded
(``gc.freeze``). Collections then take a few milliseconds (bench/changes.md).

Frozen objects are never collected, so the permanent generation is released
before each load: the model being replaced can then be collected, at the
latest after the next load.
"""

from __future__ import annotations

import functools
import gc
from typing import Any, Callable, TypeVar

from supervisor.rasa_version import require_patched_version

Loader = TypeVar("Loader", bound=Callable[..., Any])


def frozen_after(load: Loader) -> Loader:
    """``load`` that releases the permanent generation before it runs and fills it after."""

    @functools.wraps(load)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gc.unfreeze()
        result = load(*args, **kwargs)
        gc.collect()  # what the load left as garbage is not kept for ever
        gc.freeze()
        return result

    return wrapper  # type: ignore[return-value]


def install(rasa_version: str | None = None) -> None:
    """Freeze the heap after every model load in this process (Rasa 3.6.21 only)."""
    from rasa.core.agent import Agent

    require_patched_version("supervisor.heap_freeze", rasa_version)
    if not getattr(Agent.load_model, "__wrapped__", None):
        Agent.load_model = frozen_after(Agent.load_model)  # type: ignore[method-assign]
