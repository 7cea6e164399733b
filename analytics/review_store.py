"""Conversations marked "da rivedere" and the reviewer's note (I/O only).

Table ``conversation_reviews`` in the analytics database: ``key`` (the
conversation's :attr:`~analytics.conversations.Conversation.key`),
``flagged``, ``note``, ``reviewer``, ``updated_at``. The purge clears rows
older than the retention period, as it clears the events they are about.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Engine

from analytics.store import engine_for, purge_rows_before, sqlite_missing

MAX_NOTE_CHARS = 2000
REVIEWS = Table(
    "conversation_reviews",
    MetaData(),
    Column("key", String(64), primary_key=True),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("note", Text),
    Column("reviewer", String(100)),
    Column("updated_at", DateTime, nullable=False),
)


def _db(url: str | None = None) -> Engine:
    return engine_for(REVIEWS, url)


def save(key: str, flagged: bool, note: str, reviewer: str | None, url: str | None = None) -> None:
    """Set the mark and the note of one conversation (the note is cut to ``MAX_NOTE_CHARS``)."""
    row = {"key": key[:64], "flagged": bool(flagged), "note": (note or "").strip()[:MAX_NOTE_CHARS],
           "reviewer": reviewer, "updated_at": datetime.now(timezone.utc).replace(tzinfo=None)}
    with _db(url).begin() as connection:
        connection.execute(delete(REVIEWS).where(REVIEWS.c.key == row["key"]))
        connection.execute(REVIEWS.insert().values(**row))


def reviews(url: str | None = None) -> dict[str, dict[str, Any]]:
    """Every mark and note by conversation key."""
    if sqlite_missing(url):
        return {}
    with _db(url).connect() as connection:
        return {row["key"]: dict(row) for row in connection.execute(select(REVIEWS)).mappings()}


def purge_reviews(cutoff: datetime, url: str | None = None, dry_run: bool = False) -> int:
    """Delete marks and notes last changed before ``cutoff``; returns how many (would) go."""
    return purge_rows_before(REVIEWS, "updated_at", cutoff, url, dry_run)
