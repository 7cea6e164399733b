"""Read the broker's events and the tickets' reasons; delete old events (I/O only).

The broker database is ``ANALYTICS_DB_URL`` or the SQLite file
``var/analytics_events.sqlite3`` that endpoints.yml points Rasa's SQL event
broker at. Table ``events``: ``id``, ``sender_id``, ``data`` (JSON text).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, delete, inspect, select, text
from sqlalchemy.engine import Engine

from escalation.config import REPO_ROOT

ENV_VAR = "ANALYTICS_DB_URL"
TABLE = "events"
_CHUNK = 500
_engines: dict[str, Engine] = {}


def default_url() -> str:
    """The SQLite file Rasa's broker writes by default (see endpoints.yml)."""
    return f"sqlite:///{REPO_ROOT / 'var' / 'analytics_events.sqlite3'}"


def database_url() -> str:
    """``ANALYTICS_DB_URL`` or the SQLite default."""
    return os.environ.get(ENV_VAR) or default_url()


def engine(url: str | None = None) -> Engine:
    """A cached engine for the broker database."""
    target = url or database_url()
    if target not in _engines:
        _engines[target] = create_engine(target, future=True)
    return _engines[target]


def engine_for(table: Table, url: str | None = None) -> Engine:
    """The analytics engine with ``table`` created if missing (the tables analytics own)."""
    target = url or database_url()
    if target.startswith("sqlite:///"):
        Path(target.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    db = engine(url)
    table.metadata.create_all(db, tables=[table])
    return db


def sqlite_missing(url: str | None = None) -> bool:
    """True when the database is a SQLite file that does not exist (yet)."""
    target = url or database_url()
    return target.startswith("sqlite:///") and not os.path.exists(target.split("///", 1)[1])


def purge_rows_before(table: Table, column: str, cutoff: datetime, url: str | None = None,
                      dry_run: bool = False) -> int:
    """Delete the rows of an analytics-owned ``table`` whose ``column`` is before ``cutoff``."""
    if sqlite_missing(url):
        return 0  # no analytics database yet: nothing to purge, and none is created
    limit = cutoff.astimezone(timezone.utc).replace(tzinfo=None) if cutoff.tzinfo else cutoff
    db = engine_for(table, url)
    when = table.c[column]
    with db.connect() as connection:
        old = connection.execute(select(table).where(when < limit)).all()
    if old and not dry_run:
        with db.begin() as connection:
            connection.execute(delete(table).where(when < limit))
    return len(old)


def _has_events(db: Engine) -> bool:
    return inspect(db).has_table(TABLE)


def _stamp(data: Any) -> float | None:
    try:
        return float(json.loads(data).get("timestamp") or 0)
    except (TypeError, ValueError, AttributeError):
        return None


def first_id_from(db: Engine, moment: datetime) -> int | None:
    """The smallest event id recorded at or after ``moment`` (binary search on ids).

    The broker appends events in time order, so timestamps grow with the id
    (give or take the seconds between processes, which the callers' margin
    covers). About log2(rows) one-row queries; None when nothing is that late.
    """
    limit = moment.timestamp()
    with db.connect() as connection:
        low, high = connection.execute(text(f"SELECT MIN(id), MAX(id) FROM {TABLE}")).one()
        if low is None:
            return None
        found: int | None = None
        while low <= high:
            middle = (low + high) // 2
            row = connection.execute(
                text(f"SELECT id, data FROM {TABLE} WHERE id >= :id ORDER BY id LIMIT 1"),
                {"id": middle},
            ).first()
            if row is None:
                high = middle - 1
                continue
            stamp = _stamp(row[1])
            if stamp is not None and stamp >= limit:
                found, high = row[0], middle - 1
            else:
                low = row[0] + 1
        return found


def _session_start(event: dict[str, Any]) -> bool:
    kind = event.get("event")
    return kind == "session_started" or (
        kind == "action" and event.get("name") == "action_session_start")


def load_events(
    url: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The recorded events, grouped by sender and in recording order.

    With ``since``/``until`` only the rows recorded in that window are read
    (:func:`first_id_from` finds its ids), and each sender's leading events
    before its first session start in the window are dropped: that session
    began before the window. A missing database or table gives an empty result.
    """
    if sqlite_missing(url):
        return {}
    db = engine(url)
    if not _has_events(db):
        return {}
    low = first_id_from(db, since) if since else None
    high = first_id_from(db, until) if until else None
    if since and low is None:
        return {}
    query = f"SELECT sender_id, data FROM {TABLE} WHERE id >= :low"
    query += " AND id < :high" if high is not None else ""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with db.connect() as connection:
        rows = connection.execute(text(query + " ORDER BY id"), {"low": low or 0, "high": high})
        for sender_id, data in rows:
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                continue
            sender = sender_id or event.get("sender_id") or ""
            if since and sender not in grouped and not _session_start(event):
                continue
            grouped[sender].append(event)
    return dict(grouped)


def ticket_reasons(sender_ids: Iterable[str]) -> dict[str, list[tuple[datetime, str]]]:
    """The tickets' (created_at, reason) per conversation id, oldest first."""
    from escalation.db import session_scope
    from escalation.models import Ticket

    wanted = sorted(set(sender_ids))
    found: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    if not wanted:
        return {}
    with session_scope() as session:
        for start in range(0, len(wanted), _CHUNK):
            query = (
                select(Ticket.conversation_id, Ticket.created_at, Ticket.reason)
                .where(Ticket.conversation_id.in_(wanted[start : start + _CHUNK]))
                .order_by(Ticket.created_at)
            )
            for conversation_id, created_at, reason in session.execute(query):
                found[conversation_id].append((created_at, reason))
    return dict(found)


def purge_events(cutoff: datetime, url: str | None = None, dry_run: bool = False) -> int:
    """Delete events whose timestamp is before ``cutoff``; returns how many (would) go."""
    if sqlite_missing(url):
        return 0
    db = engine(url)
    if not _has_events(db):
        return 0
    limit = cutoff.timestamp()
    old: list[int] = []
    with db.connect() as connection:
        for row_id, data in connection.execute(text(f"SELECT id, data FROM {TABLE}")):
            stamp = _stamp(data)
            if stamp is not None and stamp < limit:
                old.append(row_id)
    if old and not dry_run:
        from sqlalchemy import Column, Integer, MetaData, Table

        events = Table(TABLE, MetaData(), Column("id", Integer, primary_key=True))
        with db.begin() as connection:
            for start in range(0, len(old), _CHUNK):
                connection.execute(delete(events).where(events.c.id.in_(old[start : start + _CHUNK])))
    return len(old)


def dispose() -> None:
    """Close the cached engines (tests)."""
    for db in _engines.values():
        db.dispose()
    _engines.clear()
