"""Database tables: tickets, their outbox notifications, console agents."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

class TicketStatus(str, Enum):
    """Where a ticket is: waiting for an agent, taken by one, or closed."""

    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class NotificationStatus(str, Enum):
    """Where a notification is in the outbox."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


TICKET_STATUSES = tuple(status.value for status in TicketStatus)
NOTIFICATION_STATUSES = tuple(status.value for status in NotificationStatus)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on every database alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc)
        return value.replace(tzinfo=timezone.utc)


class Ticket(Base):
    """One escalated conversation."""

    __tablename__ = "escalation_tickets"

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    reason = Column(String(40), nullable=False)
    intents = Column(JSON, nullable=False, default=list)
    slots = Column(JSON, nullable=False, default=dict)
    summary = Column(Text, nullable=False, default="")
    transcript = Column(JSON, nullable=False, default=list)
    page_url = Column(String(2048))
    contact_kind = Column(String(10))
    contact_value = Column(String(320))
    status = Column(String(10), nullable=False, default=TicketStatus.OPEN.value)
    claimed_by = Column(String(100))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)

    notifications = relationship(
        "Notification", back_populates="ticket", cascade="all, delete-orphan"
    )


class Notification(Base):
    """One message to one notifier, waiting in the outbox until delivered."""

    __tablename__ = "escalation_outbox"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(
        Integer, ForeignKey("escalation_tickets.id", ondelete="CASCADE"), nullable=False
    )
    event = Column(String(40), nullable=False)
    notifier = Column(String(100), nullable=False)
    idempotency_key = Column(String(64), nullable=False, unique=True)
    payload = Column(JSON, nullable=False)
    status = Column(String(10), nullable=False, default=NotificationStatus.PENDING.value)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, default=utcnow)
    lease_owner = Column(String(100))
    lease_until = Column(UTCDateTime)
    last_error = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime)

    ticket = relationship("Ticket", back_populates="notifications")

    __table_args__ = (Index("ix_escalation_outbox_due", "status", "next_attempt_at"),)


class Agent(Base):
    """A console agent stored in the database (alternative to the settings file)."""

    __tablename__ = "escalation_agents"

    name = Column(String(100), primary_key=True)
    password_hash = Column(String(300), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
