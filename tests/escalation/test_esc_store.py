"""Ticket store: what open_ticket and set_contact write, in one transaction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from esc_helpers import SAMPLE_TRANSCRIPT, open_sample
from sqlalchemy import func, select

from escalation import outbox, references, service
from escalation.db import session_scope
from escalation.models import Notification, Ticket

FILES = [{"name": "files", "type": "file", "directory": "var/test-unused"}]
TWO = FILES + [{"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/x"}]


def _count(model: Any) -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_open_ticket_stores_everything_masked(write_config) -> None:
    write_config(TWO)
    reference = open_sample()
    assert re.fullmatch(r"IPT-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}", reference)
    ticket = service.get_ticket(reference)
    assert ticket is not None
    assert ticket["status"] == "open" and ticket["reason"] == "explicit_request"
    assert ticket["conversation_id"] == "conv-1"
    assert ticket["page_url"] == "https://www.example.org/assistenza/posta"
    assert ticket["intents"][-1] == {"name": "request_human", "confidence": 0.97}
    assert ticket["situation"] == {
        "protocol": "IMAP",
        "devices": ["smartphone"],
        "mail_client": "Outlook",
    }
    texts = [line["text"] for line in ticket["transcript"]]
    assert len(texts) == len(SAMPLE_TRANSCRIPT)
    assert "imap credo, la mia password è ********" in texts
    assert "pippo123" not in str(ticket)
    assert ticket["transcript"][0]["time"] == "2023-11-14T22:13:20+00:00"
    assert "operatore" in ticket["summary"] and "IMAP" in ticket["summary"]


def test_one_notification_per_notifier_with_unique_keys(write_config) -> None:
    write_config(TWO)
    reference = open_sample()
    with session_scope() as session:
        rows = session.execute(select(Notification)).scalars().all()
        assert {row.notifier for row in rows} == {"files", "hook"}
        assert len({row.idempotency_key for row in rows}) == 2
        for row in rows:
            assert row.status == "pending" and row.event == "ticket.created"
            assert row.payload["ticket"]["reference"] == reference
            assert row.payload["idempotency_key"] == row.idempotency_key
            assert "pippo123" not in str(row.payload)


def test_ticket_and_outbox_are_one_transaction(write_config, monkeypatch) -> None:
    write_config(FILES)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full while queueing")

    monkeypatch.setattr(outbox, "build_payload", broken)
    with pytest.raises(RuntimeError):
        open_sample()
    assert _count(Ticket) == 0 and _count(Notification) == 0


def test_reference_collision_is_retried(write_config, monkeypatch) -> None:
    write_config(FILES)
    first = open_sample()
    names = iter([first, first, "IPT-ZZZZZZ"])
    monkeypatch.setattr(service, "new_reference", lambda _prefix: next(names))
    assert open_sample() == "IPT-ZZZZZZ"
    assert _count(Ticket) == 2 and _count(Notification) == 2


def test_invalid_input_is_refused(write_config) -> None:
    write_config(FILES)
    with pytest.raises(ValueError):
        open_sample(reason="bored")
    with pytest.raises(ValueError):
        open_sample(conversation_id="")
    assert _count(Ticket) == 0


def test_hostile_page_url_is_dropped(write_config) -> None:
    write_config([])
    reference = open_sample(page_url="javascript:alert(1)")
    assert service.get_ticket(reference)["page_url"] is None


def test_set_contact_normalises_and_queues_update(write_config) -> None:
    write_config(FILES)
    reference = open_sample()
    service.set_contact(reference.lower(), "phone", "333 123 4567")
    ticket = service.get_ticket(reference)
    assert ticket["contact"] == {"kind": "phone", "value": "+393331234567"}
    with session_scope() as session:
        rows = session.execute(select(Notification).order_by(Notification.id)).scalars().all()
    assert [row.event for row in rows] == ["ticket.created", "ticket.contact_updated"]
    update = rows[1].payload
    assert update["ticket"]["contact"] == {"kind": "phone", "value": "+393331234567"}
    assert update["thread_key"] == rows[0].idempotency_key


def test_set_contact_errors(write_config) -> None:
    write_config(FILES)
    reference = open_sample()
    with pytest.raises(ValueError):
        service.set_contact(reference, "email", "non è una mail")
    with pytest.raises(ValueError):
        service.set_contact(reference, "fax", "06 1234 5678")
    with pytest.raises(service.TicketNotFound):
        service.set_contact("IPT-NOPE22", "email", "a@example.org")
    assert service.get_ticket(reference)["contact"] is None
    assert _count(Notification) == 1


def test_console_operations(write_config) -> None:
    write_config([])
    older = open_sample(conversation_id="a")
    newer = open_sample(conversation_id="b")
    assert [t["reference"] for t in service.list_open_tickets()] == [newer, older]
    service.claim_ticket(older, "anna")
    service.claim_ticket(older, "anna")  # idempotent
    with pytest.raises(service.TicketConflict):
        service.claim_ticket(older, "bruno")
    service.append_transcript(
        older, [{"sender": "agent", "text": "Ciao, sono Anna", "agent": "anna"}]
    )
    with pytest.raises(service.TicketConflict):
        service.close_ticket(older, "bruno")
    service.close_ticket(older, "anna", [{"sender": "user", "text": "pwd: segreto", "time": 1}])
    closed = service.get_ticket(older)
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert closed["transcript"][-2]["agent"] == "anna"
    assert closed["transcript"][-1]["text"] == "pwd: ********"
    assert [t["reference"] for t in service.list_open_tickets()] == [newer]


def test_references_are_readable() -> None:
    seen = {references.new_reference() for _ in range(200)}
    assert len(seen) == 200
    assert all(not set(ref[4:]) & set("01ILOU") for ref in seen)


def test_only_the_conversation_that_opened_a_ticket_can_change_its_contact(write_config) -> None:
    write_config(FILES)
    reference = open_sample(conversation_id="conv-owner")
    with pytest.raises(service.TicketNotFound):
        service.set_contact(reference, "email", "intruder@example.org", conversation_id="conv-other")
    assert service.get_ticket(reference)["contact"] is None
    service.set_contact(reference, "email", "anna@example.org", conversation_id="conv-owner")
    assert service.get_ticket(reference)["contact"] == {"kind": "email", "value": "anna@example.org"}


def test_a_conversation_gets_its_latest_ticket_back_beyond_the_hourly_cap(write_config) -> None:
    write_config(FILES)
    references = [open_sample(conversation_id="conv-flood") for _ in range(3)]
    assert len(set(references)) == 3
    again = open_sample(conversation_id="conv-flood")
    assert again == references[-1]  # no fourth ticket ...
    assert _count(Notification) == 3  # ... and no fourth notification
    assert open_sample(conversation_id="conv-other") not in references
