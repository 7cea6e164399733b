"""Delete tickets (and their transcripts and notifications) past retention.

Analytics events (Rasa's event broker database, ``analytics.store``) older than
the same period are deleted too.

Usage: ``python -m escalation.purge [--days N] [--dry-run]``; the default
period is ``tickets.retention_days`` in settings/escalation.yml (30 days).
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from analytics import inbox_store, review_store
from analytics.store import purge_events
from escalation.config import load_config
from escalation.db import session_scope
from escalation.models import Notification, Ticket, utcnow

logger = logging.getLogger(__name__)


def purge(days: int, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Remove tickets created more than ``days`` ago; returns their references."""
    if days < 0:
        raise ValueError("days must be >= 0")
    cutoff = (now or utcnow()) - timedelta(days=days)
    with session_scope() as session:
        old = select(Ticket.id).where(Ticket.created_at < cutoff)
        references = list(
            session.execute(select(Ticket.reference).where(Ticket.created_at < cutoff)).scalars()
        )
        if references and not dry_run:
            session.execute(
                delete(Notification)
                .where(Notification.ticket_id.in_(old))
                .execution_options(synchronize_session=False)
            )
            session.execute(
                delete(Ticket)
                .where(Ticket.created_at < cutoff)
                .execution_options(synchronize_session=False)
            )
    return references


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, help="retention in days (default: from settings)")
    parser.add_argument("--dry-run", action="store_true", help="only list what would go")
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else load_config().retention_days
    removed = purge(days, dry_run=args.dry_run)
    events = purge_events(utcnow() - timedelta(days=days), dry_run=args.dry_run)
    cutoff = utcnow() - timedelta(days=days)
    reviews = inbox_store.purge_reviews(cutoff, dry_run=args.dry_run)
    reviews += review_store.purge_reviews(cutoff, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(removed)} ticket(s) older than {days} day(s)")
    print(f"{verb} {events} analytics event(s) older than {days} day(s)")
    print(f"{verb} {reviews} inbox decision(s) and conversation note(s) older than {days} day(s)")
    for reference in removed:
        print(f"  {reference}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
