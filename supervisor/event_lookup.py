"""Find an event class by its type name without walking every Event subclass each time.

Rasa 3.6.21's ``Event.resolve_by_type`` lists all subclasses of ``Event``
(recursively, with an abstractness check) for every event it deserialises. The
in-memory tracker store deserialises the whole conversation several times per
message, so this walk grew into the largest cost of a long conversation (about
a fifth of the Rasa process's CPU per message at turn 130). ``install()`` keeps a
name -> class table, filled from the same walk in the same order, and walks
again only for a name it has not seen (a subclass imported later is still found).
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from supervisor.rasa_version import require_patched_version

_BY_NAME: Dict[str, type] = {}


def resolve_by_type(type_name: str, default: Optional[Type] = None) -> Optional[Type]:
    """Same answer as Rasa's ``Event.resolve_by_type``, from a table."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    found = _BY_NAME.get(type_name)
    if found is None:
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            _BY_NAME.setdefault(cls.type_name, cls)
        found = _BY_NAME.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install(rasa_version: str | None = None) -> None:
    """Patch ``Event.resolve_by_type`` in this process (Rasa 3.6.21 only)."""
    from rasa.shared.core.events import Event

    require_patched_version("supervisor.event_lookup", rasa_version)
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
