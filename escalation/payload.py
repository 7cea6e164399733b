"""The content of a notification: a JSON-ready snapshot of the ticket."""

from __future__ import annotations

import hashlib
from typing import Any

from escalation.models import Ticket
from escalation.reasons import describe
from escalation.summary import situation

EVENT_CREATED = "ticket.created"
EVENT_CONTACT = "ticket.contact_updated"
EVENTS = (EVENT_CREATED, EVENT_CONTACT)


def contact_of(ticket: Ticket) -> dict[str, str] | None:
    """The customer's contact, if given."""
    if ticket.contact_kind and ticket.contact_value:
        return {"kind": ticket.contact_kind, "value": ticket.contact_value}
    return None


def conversation_alias(conversation_id: str) -> str:
    """A stable stand-in for a conversation id, for places outside the console.

    Notifications and logs name the conversation by this alias: the id itself
    is what the widget's signed token carries, and it stays in the database.
    """
    return "c-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:16]


def ticket_fields(ticket: Ticket) -> dict[str, Any]:
    """The fields of a ticket that every view of it shows (console, CLI, notifications)."""
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "reason": ticket.reason,
        "reason_text": describe(ticket.reason),
        "intents": list(ticket.intents or []),
        "slots": dict(ticket.slots or {}),
        "summary": ticket.summary,
        "transcript": list(ticket.transcript or []),
        "page_url": ticket.page_url,
        "contact": contact_of(ticket),
        "status": ticket.status,
    }


def build_payload(
    ticket: Ticket, event: str, idempotency_key: str, console_url: str
) -> dict[str, Any]:
    """Everything an agent needs, frozen at the time the notification is queued."""
    known = situation(ticket.slots or {})
    return {
        "event": event,
        "idempotency_key": idempotency_key,
        "ticket": {
            **ticket_fields(ticket),
            "conversation_id": conversation_alias(ticket.conversation_id),
            "created_at": ticket.created_at.isoformat(timespec="seconds"),
            "protocol": known["protocol"],
            "devices": known["devices"],
            "mail_client": known["mail_client"],
            "console_url": f"{console_url.rstrip('/')}/tickets/{ticket.reference}",
        },
    }
