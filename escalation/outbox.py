"""The outbox: notifications queued with their ticket, leased, sent, marked.

A row is leased (status ``sending``, owner, expiry) in its own committed
transaction before anything is sent and marked ``sent`` only after the
notifier confirmed. A worker that dies mid-delivery leaves a lease that
expires, so another run picks the row up again: nothing is lost. If it died
after the receiver accepted but before the mark, the row is sent again with
the SAME idempotency key, which lets the receiver drop the duplicate.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from escalation.config import EscalationConfig, OutboxConfig
from escalation.db import session_scope
from escalation.models import Notification, NotificationStatus, Ticket, utcnow
from escalation.payload import build_payload


@dataclass(frozen=True)
class LeasedNotification:
    """A notification this worker may now deliver."""

    id: int
    notifier: str
    event: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int


def enqueue(
    session: Session, ticket: Ticket, event: str, config: EscalationConfig
) -> list[Notification]:
    """Queue one notification per enabled notifier, in the caller's transaction."""
    rows = []
    for notifier in config.notifiers:
        key = uuid.uuid4().hex
        payload = build_payload(ticket, event, key, config.console.public_url)
        first = next(
            (n for n in ticket.notifications if n.notifier == notifier.name and n.event != event),
            None,
        )
        payload["thread_key"] = first.idempotency_key if first else key
        row = Notification(
            event=event,
            notifier=notifier.name,
            idempotency_key=key,
            payload=payload,
            status=NotificationStatus.PENDING.value,
            attempts=0,
            next_attempt_at=utcnow(),
        )
        ticket.notifications.append(row)
        rows.append(row)
    session.flush()
    return rows


def _due(now: datetime) -> Any:
    return or_(
        and_(Notification.status == NotificationStatus.PENDING.value, Notification.next_attempt_at <= now),
        and_(Notification.status == NotificationStatus.SENDING.value, Notification.lease_until < now),
    )


def lease_next(
    worker_id: str, lease_seconds: float, now: datetime | None = None
) -> LeasedNotification | None:
    """Atomically take the oldest due notification, or None when nothing is due."""
    now = now or utcnow()
    with session_scope() as session:
        candidates = (
            session.execute(
                select(Notification.id).where(_due(now)).order_by(Notification.id).limit(20)
            )
            .scalars()
            .all()
        )
        for row_id in candidates:
            result = session.execute(
                update(Notification)
                .where(Notification.id == row_id, _due(now))
                .values(
                    status=NotificationStatus.SENDING.value,
                    lease_owner=worker_id,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    attempts=Notification.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                row = session.get(Notification, row_id, populate_existing=True)
                return LeasedNotification(
                    id=row.id,
                    notifier=row.notifier,
                    event=row.event,
                    idempotency_key=row.idempotency_key,
                    payload=row.payload,
                    attempts=row.attempts,
                )
    return None


def mark_sent(row_id: int, worker_id: str) -> bool:
    """Record a confirmed delivery; False if our lease had been taken over."""
    with session_scope() as session:
        result = session.execute(
            update(Notification)
            .where(
                Notification.id == row_id,
                Notification.status == NotificationStatus.SENDING.value,
                Notification.lease_owner == worker_id,
            )
            .values(status=NotificationStatus.SENT.value, sent_at=utcnow(),
                    lease_owner=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def backoff_seconds(attempts: int, policy: OutboxConfig, jitter: bool = True) -> float:
    """Exponential backoff after ``attempts`` failed tries, capped, with +-20% jitter."""
    delay = min(policy.backoff_max_seconds, policy.backoff_base_seconds * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.8, 1.2) if jitter else delay


def mark_failed(
    row_id: int, worker_id: str, attempts: int, error: str, policy: OutboxConfig
) -> str:
    """Schedule a retry with backoff, or give up after ``max_attempts``; returns the status."""
    status = (NotificationStatus.FAILED if attempts >= policy.max_attempts
              else NotificationStatus.PENDING).value
    with session_scope() as session:
        session.execute(
            update(Notification)
            .where(Notification.id == row_id, Notification.lease_owner == worker_id)
            .values(
                status=status,
                lease_owner=None,
                lease_until=None,
                last_error=error[:2000],
                next_attempt_at=utcnow() + timedelta(seconds=backoff_seconds(attempts, policy)),
            )
            .execution_options(synchronize_session=False)
        )
    return status


def requeue_failed() -> int:
    """Put notifications that ran out of attempts back in the queue."""
    with session_scope() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.status == NotificationStatus.FAILED.value)
            .values(status=NotificationStatus.PENDING.value, attempts=0, next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def counts() -> dict[str, int]:
    """Number of notifications per status."""
    with session_scope() as session:
        rows = session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    return {status: number for status, number in rows}
