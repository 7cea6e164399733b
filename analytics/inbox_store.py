"""Reviewers' decisions on the "Da insegnare" inbox (I/O only).

One row per reviewed group, in the analytics database (next to the events it
is about, so the purge clears both): ``key`` (the group's plain text),
``decision`` (``confirmed``/``discarded``), ``intent``, ``texts`` (the masked
sentences, JSON), ``reviewer``, ``decided_at`` and ``exported_at``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Engine

from analytics.store import engine_for, purge_rows_before, sqlite_missing

DECISIONS = ("confirmed", "discarded")
_METADATA = MetaData()
REVIEWS = Table(
    "inbox_reviews",
    _METADATA,
    Column("key", String(500), primary_key=True),
    Column("decision", String(20), nullable=False),
    Column("intent", String(100)),
    Column("texts", Text, nullable=False),
    Column("reviewer", String(100)),
    Column("decided_at", DateTime, nullable=False),
    Column("exported_at", DateTime),
)


def _db(url: str | None = None) -> Engine:
    return engine_for(REVIEWS, url)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def decide(key: str, decision: str, texts: list[str], intent: str | None = None,
           reviewer: str | None = None, url: str | None = None) -> None:
    """Record (or replace) the decision on one group; a new decision is exported afresh."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if decision == "confirmed" and not intent:
        raise ValueError("a confirmed group needs an intent")
    row = {"key": key[:500], "decision": decision, "intent": intent if decision == "confirmed" else None,
           "texts": json.dumps(texts, ensure_ascii=False), "reviewer": reviewer,
           "decided_at": _now(), "exported_at": None}
    with _db(url).begin() as connection:
        connection.execute(delete(REVIEWS).where(REVIEWS.c.key == row["key"]))
        connection.execute(REVIEWS.insert().values(**row))


def decisions(url: str | None = None) -> dict[str, dict[str, Any]]:
    """Every decision by group key."""
    if sqlite_missing(url):
        return {}
    with _db(url).connect() as connection:
        rows = connection.execute(select(REVIEWS)).mappings().all()
    return {row["key"]: {**row, "texts": json.loads(row["texts"])} for row in rows}


def to_export(include_exported: bool = False, url: str | None = None) -> list[dict[str, Any]]:
    """Confirmed decisions not exported yet (or all confirmed ones), oldest first."""
    if sqlite_missing(url):
        return []
    query = select(REVIEWS).where(REVIEWS.c.decision == "confirmed").order_by(REVIEWS.c.decided_at)
    if not include_exported:
        query = query.where(REVIEWS.c.exported_at.is_(None))
    with _db(url).connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [{**row, "texts": json.loads(row["texts"])} for row in rows]


def mark_exported(keys: list[str], url: str | None = None) -> None:
    """Note that these confirmed groups were written to a file."""
    if not keys:
        return
    with _db(url).begin() as connection:
        connection.execute(REVIEWS.update().where(REVIEWS.c.key.in_(keys)).values(exported_at=_now()))


def purge_reviews(cutoff: datetime, url: str | None = None, dry_run: bool = False) -> int:
    """Delete decisions taken before ``cutoff`` (naive UTC or aware); returns how many (would) go."""
    return purge_rows_before(REVIEWS, "decided_at", cutoff, url, dry_run)
