"""Rasa's Redis ticket lock with every read-modify-write done atomically (WATCH/MULTI).

Rasa 3.6's ``RedisLockStore`` reads the lock, changes it in Python and writes it
back with plain GET and SET. Two Rasa processes taking a ticket for the same
conversation at the same instant can therefore both read the same lock: both
get the same ticket number and handle the turn at once (one turn's events are
lost), or one overwrites the other's ticket, or one deletes the lock while the
other waits on it (``LockError``: the message is never handled). The cluster
test of simultaneous messages saw a lost turn in CI.

This subclass keeps Rasa's data (the same key, the same JSON ticket list) and
its waiting loop, but issues, expires and returns tickets inside a Redis
transaction that is retried when another client changed the key meanwhile.
Configure it in endpoints.yml with ``type: stores.redis_lock.AtomicRedisLockStore``
and the ``redis`` lock store's keys.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes are optimistic Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Same keys as ``type: redis`` (``url`` is the host)."""
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[Optional[TicketLock]], Any]) -> Any:
        """Run ``change`` on the stored lock and store what it leaves, atomically.

        ``change`` gets the lock (or None) and returns ``(lock or None, result)``;
        None deletes the key. Retried by redis-py when the key changed meanwhile.
        """
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            kept, result = change(lock)
            pipe.multi()
            if kept is None:
                pipe.delete(key)
            else:
                pipe.set(key, kept.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket on the conversation's lock (created if missing)."""

        def issue(lock: Optional[TicketLock]) -> Any:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # noqa: BLE001 - Rasa's contract: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop the expired tickets (a missing lock stays missing)."""

        def expire(lock: Optional[TicketLock]) -> Any:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return the ticket and delete the lock if nobody else waits, in one transaction.

        Rasa's ``cleanup`` does this in two steps (``finish_serving``, then a
        delete if idle), between which another process may take a ticket.
        """

        def finish(lock: Optional[TicketLock]) -> Any:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
