"""Which ``/intent`` button payloads a user may send: the intents of the loaded model.

Both input channels ask here, so the rule is written once. The intents come
from the domain of the model the Rasa server has loaded (``app.ctx.agent``);
before a model is loaded no payload is allowed.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Tuple

from channels.sanitize import allowed_button_intents

_cache: Tuple[Any, FrozenSet[str]] = (None, frozenset())


def button_intents(app: Any) -> FrozenSet[str]:
    """Intents of the loaded domain whose ``/intent`` payload a user may send."""
    global _cache
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    if domain is None:
        return frozenset()
    cached_for, cached = _cache
    if cached_for is not domain:
        cached = frozenset(allowed_button_intents(domain.intents))
        _cache = (domain, cached)
    return cached
