"""Retention: tickets, transcripts and notifications older than N days go."""

from __future__ import annotations

from datetime import timedelta

from esc_helpers import open_sample
from sqlalchemy import select, update

from escalation import purge, service
from escalation.db import session_scope
from escalation.models import Notification, Ticket, utcnow


def _age(reference: str, days: float) -> None:
    with session_scope() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.reference == reference)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def test_purge_removes_only_old_tickets(write_config) -> None:
    write_config([{"name": "files", "type": "file", "directory": "var/unused"}])
    old, recent = open_sample(), open_sample()
    _age(old, 31)
    _age(recent, 29)
    assert purge.purge(30, dry_run=True) == [old]
    assert service.get_ticket(old) is not None
    assert purge.purge(30) == [old]
    assert service.get_ticket(old) is None
    assert service.get_ticket(recent) is not None
    with session_scope() as session:
        refs = session.execute(select(Notification.payload)).scalars().all()
    assert [p["ticket"]["reference"] for p in refs] == [recent]


def test_cli_uses_retention_from_settings(write_config, capsys) -> None:
    write_config([], tickets={"retention_days": 7})
    old = open_sample()
    _age(old, 8)
    assert purge.main(["--dry-run"]) == 0
    assert "would delete 1 ticket(s) older than 7 day(s)" in capsys.readouterr().out
    assert purge.main([]) == 0
    assert service.get_ticket(old) is None
