"""A tracker store that is down is an error, not a fresh conversation.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore``: when PostgreSQL
cannot be reached it logs, hands the message a brand-new in-memory tracker and
answers without the conversation's context; the turn is then saved in that
process's memory only, so PostgreSQL never sees it. With several processes this
is wrong twice over (the customer is answered as a stranger, and the turn is
lost); with one process and the in-memory store the fallback never triggers.
Here the store's error propagates instead: the channels answer "riprova tra
poco" (``channels.rest.handle_or_apologise``), the HTTP API answers 500, nothing
is written anywhere, and the next message after the outage finds the whole
conversation again.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from supervisor.rasa_version import require_patched_version

logger = logging.getLogger(__name__)


def _reraise(self: Any, error: Exception) -> NoReturn:
    logger.error("Tracker store unavailable (%s: %s): the message is not handled.",
                 type(error).__name__, error)
    raise error


def install(rasa_version: str | None = None) -> None:
    """Make ``FailSafeTrackerStore`` re-raise the primary store's errors (Rasa 3.6.21 only)."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    require_patched_version("supervisor.store_errors", rasa_version)

    FailSafeTrackerStore.on_tracker_store_error = _reraise  # type: ignore[method-assign]
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _reraise  # type: ignore[method-assign]

