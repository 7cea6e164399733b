"""Rasa's SQL event broker, writing each tracker save's events in one transaction off the event loop.

Rasa 3.6's ``SQLEventBroker.publish`` opens a session and commits once per event,
synchronously, inside the server's event loop: with about eight events a turn it
was a fifth of the Rasa process's samples (bench/changes.md). This subclass
writes the same table and the same rows in the same order (sender id, the event
as JSON), but queues them: the events a save publishes together are inserted in
one transaction by a single worker thread, after the save's loop step ends.

A failed write is logged and kept for the next one (up to ``MAX_PENDING`` events,
then the oldest are dropped and counted in the log), so a broker database
outage never fails a customer's message. ``close()`` (Rasa calls it on shutdown)
writes what is still queued. Configure it in endpoints.yml with
``type: analytics.broker.BatchingSQLEventBroker`` and the ``SQL`` broker's keys.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

from rasa.core.brokers.sql import SQLEventBroker

logger = logging.getLogger(__name__)

MAX_PENDING = 50_000


class BatchingSQLEventBroker(SQLEventBroker):
    """``SQLEventBroker`` whose writes are batched per loop step and run on a worker thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: List[Dict[str, Optional[str]]] = []
        self._lock = threading.Lock()
        self._flush_requested = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="event-broker")

    def publish(self, event: Dict[str, Any]) -> None:
        """Queue one event; the write is scheduled once per batch."""
        row = {"sender_id": event.get("sender_id"), "data": json.dumps(event)}
        with self._lock:
            self._pending.append(row)
            schedule = not self._flush_requested
            self._flush_requested = True
        if not schedule:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside an event loop: write now, in this thread
            self.flush()
            return
        # After the current loop step, so that all events of this save go in one batch.
        loop.call_soon(self._writer.submit, self.flush)

    def flush(self) -> int:
        """Write every queued event in one transaction; return how many were written."""
        with self._lock:
            rows, self._pending = self._pending, []
            self._flush_requested = False
        if not rows:
            return 0
        try:
            with self.session_scope() as session:
                session.execute(self.SQLBrokerEvent.__table__.insert(), rows)
                session.commit()
        except Exception:  # noqa: BLE001 - any database error: keep the events, never fail a turn
            self._requeue(rows)
            logger.exception("Event broker: %d event(s) not written, kept for the next write.", len(rows))
            return 0
        return len(rows)

    def _requeue(self, rows: List[Dict[str, Optional[str]]]) -> None:
        """Put unwritten rows back in front of the queue, dropping the oldest beyond ``MAX_PENDING``."""
        with self._lock:
            self._pending = rows + self._pending
            dropped = len(self._pending) - MAX_PENDING
            if dropped > 0:
                del self._pending[:dropped]
                logger.error("Event broker: queue full, %d oldest event(s) dropped.", dropped)

    def pending(self) -> int:
        """How many events wait to be written."""
        with self._lock:
            return len(self._pending)

    async def close(self) -> None:
        """Write what is queued, then stop the worker and release the connections."""
        await asyncio.get_running_loop().run_in_executor(self._writer, self.flush)
        self._writer.shutdown(wait=True)
        self.engine.dispose()
