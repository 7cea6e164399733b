"""Public API used by the Rasa actions and the console (synchronous).

``open_ticket`` and ``set_contact`` write the ticket change and its outbox
notifications in ONE transaction: either both are stored or neither is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from escalation.config import EscalationConfig, load_config
from escalation.contact import CONTACT_KINDS, normalise_contact
from escalation.db import session_scope
from escalation.models import Ticket, TicketStatus, utcnow
from escalation.outbox import enqueue
from escalation.payload import EVENT_CONTACT, EVENT_CREATED, ticket_fields
from escalation.reasons import check_reason
from escalation.references import clean_reference, new_reference
from escalation.summary import build_summary, situation
from escalation.transcript import (
    clean_intents,
    clean_line,
    clean_slots,
    clean_text,
    clean_transcript,
)

_REFERENCE_TRIES = 8


class TicketNotFound(LookupError):
    """No ticket has that reference."""


class TicketConflict(RuntimeError):
    """The ticket is claimed by another agent or already closed."""


def _clean_url(page_url: str | None) -> str | None:
    if not page_url:
        return None
    text = clean_text(page_url, 2000).strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def open_ticket(
    conversation_id: str,
    reason: str,
    intents: list[dict[str, Any]],
    slots: dict[str, Any],
    transcript: list[dict[str, Any]],
    page_url: str | None = None,
    config: EscalationConfig | None = None,
) -> str:
    """Store a ticket and queue its notifications; returns the reference.

    ``reason`` is one of explicit_request, repeated_misunderstanding,
    low_confidence, account_topic. ``transcript`` lines are
    ``{"sender": "user"|"bot"|"agent", "text": str, "time": epoch|ISO}``;
    every line is masked for passwords before it is stored.
    """
    config = config or load_config()
    check_reason(reason)
    if not conversation_id:
        raise ValueError("conversation_id is required")
    recent = _recent_ticket(str(conversation_id)[:255], config.tickets_per_conversation_per_hour)
    if recent:
        return recent
    lines = clean_transcript(transcript)
    clean_intent_list = clean_intents(intents)
    clean_slot_map = clean_slots(slots)
    summary = build_summary(reason, clean_intent_list, clean_slot_map, lines)
    for _ in range(_REFERENCE_TRIES):
        reference = new_reference(config.reference_prefix)
        try:
            with session_scope() as session:
                ticket = Ticket(
                    reference=reference,
                    conversation_id=str(conversation_id)[:255],
                    reason=reason,
                    intents=clean_intent_list,
                    slots=clean_slot_map,
                    summary=summary,
                    transcript=lines,
                    page_url=_clean_url(page_url),
                    status=TicketStatus.OPEN.value,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
                session.add(ticket)
                session.flush()
                enqueue(session, ticket, EVENT_CREATED, config)
            return reference
        except IntegrityError:
            continue  # reference collision: try another one
    raise RuntimeError("could not allocate a unique ticket reference")


def _recent_ticket(conversation_id: str, per_hour: int) -> str | None:
    """The conversation's latest reference when it opened ``per_hour`` tickets in the last hour."""
    since = utcnow() - timedelta(hours=1)
    with session_scope() as session:
        references = session.execute(
            select(Ticket.reference)
            .where(Ticket.conversation_id == conversation_id, Ticket.created_at >= since)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        ).scalars().all()
    return references[0] if per_hour > 0 and len(references) >= per_hour else None


def _ticket(session: Session, reference: str, lock: bool = False) -> Ticket:
    query = select(Ticket).where(Ticket.reference == clean_reference(reference))
    if lock:
        query = query.with_for_update()
    ticket = session.execute(query).scalar_one_or_none()
    if ticket is None:
        raise TicketNotFound(reference)
    return ticket


def set_contact(
    reference: str, kind: str, value: str, config: EscalationConfig | None = None,
    conversation_id: str | None = None,
) -> None:
    """Record the customer's contact and queue an update notification.

    Raises ``ValueError`` for an unknown kind or an invalid address/number and
    ``TicketNotFound`` for an unknown reference, or (with ``conversation_id``)
    for a ticket another conversation opened: a known reference is not enough.
    """
    config = config or load_config()
    if kind not in CONTACT_KINDS:
        raise ValueError(f"contact kind must be one of {CONTACT_KINDS}")
    normalised = normalise_contact(kind, value)
    if normalised is None:
        raise ValueError(f"invalid {kind}")
    with session_scope() as session:
        ticket = _ticket(session, reference, lock=True)
        if conversation_id is not None and ticket.conversation_id != conversation_id:
            raise TicketNotFound(reference)
        ticket.contact_kind = kind
        ticket.contact_value = normalised
        ticket.updated_at = utcnow()
        session.flush()
        enqueue(session, ticket, EVENT_CONTACT, config)


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    """A plain dict of a ticket for the console and the CLI."""
    return {
        **ticket_fields(ticket),
        "situation": situation(ticket.slots or {}),
        "claimed_by": ticket.claimed_by,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "claimed_at": ticket.claimed_at,
        "closed_at": ticket.closed_at,
    }


def get_ticket(reference: str) -> dict[str, Any] | None:
    """The ticket with ``reference`` as a dict, or None."""
    with session_scope() as session:
        try:
            return ticket_view(_ticket(session, reference))
        except TicketNotFound:
            return None


def list_open_tickets(limit: int = 200) -> list[dict[str, Any]]:
    """Tickets not closed yet, newest first."""
    with session_scope() as session:
        rows = (
            session.execute(
                select(Ticket)
                .where(Ticket.status != TicketStatus.CLOSED.value)
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        return [ticket_view(row) for row in rows]


def claim_ticket(reference: str, agent: str) -> None:
    """Assign an open ticket to ``agent`` (idempotent for the same agent)."""
    with session_scope() as session:
        ticket = _ticket(session, reference, lock=True)
        if ticket.status == TicketStatus.CLOSED or (ticket.claimed_by and ticket.claimed_by != agent):
            raise TicketConflict(ticket.claimed_by or "closed")
        if ticket.claimed_by != agent:
            ticket.status, ticket.claimed_by, ticket.claimed_at = TicketStatus.CLAIMED.value, agent, utcnow()
            ticket.updated_at = utcnow()


def append_transcript(reference: str, lines: list[dict[str, Any]]) -> None:
    """Add lines (masked) to the stored transcript."""
    if not lines:
        return
    with session_scope() as session:
        ticket = _ticket(session, reference, lock=True)
        ticket.transcript = list(ticket.transcript or []) + [clean_line(line) for line in lines]
        ticket.updated_at = utcnow()


def close_ticket(
    reference: str, agent: str, extra_lines: list[dict[str, Any]] | None = None
) -> None:
    """Close a ticket claimed by ``agent`` (or still unclaimed), adding final lines."""
    with session_scope() as session:
        ticket = _ticket(session, reference, lock=True)
        if ticket.status == TicketStatus.CLOSED:
            return
        if ticket.claimed_by and ticket.claimed_by != agent:
            raise TicketConflict(ticket.claimed_by)
        if extra_lines:
            ticket.transcript = list(ticket.transcript or []) + [clean_line(x) for x in extra_lines]
        now = utcnow()
        ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED.value, now, now
        ticket.claimed_by = ticket.claimed_by or agent
