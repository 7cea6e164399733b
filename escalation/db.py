"""Database engine and sessions (SQLAlchemy 1.4, 2.0 style)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from escalation.config import REPO_ROOT

ENV_VAR = "TICKETS_DB_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The revision that matches databases created before migrations existed.
BASELINE = "0001"
#: PostgreSQL advisory lock key held while migrating (any constant shared by every process).
MIGRATION_LOCK = 73_019_462
_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def default_url() -> str:
    """SQLite file ``var/tickets.sqlite3`` inside the repository."""
    return f"sqlite:///{REPO_ROOT / 'var' / 'tickets.sqlite3'}"


def database_url() -> str:
    """The ticket database URL (``TICKETS_DB_URL`` or the SQLite default)."""
    return os.environ.get(ENV_VAR) or default_url()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    upgrade_schema(engine)
    return engine


def upgrade_schema(engine: Engine) -> None:
    """Bring the database to the newest migration (escalation/migrations).

    A database created before migrations existed (tables but no
    ``alembic_version``) is first stamped at the baseline it matches. On
    PostgreSQL an advisory lock makes concurrent first starts migrate once.
    """
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes start at once (the cluster, Kubernetes replicas): one migrates,
            # the others wait here and then find the schema at head. Released at commit.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "escalation_tickets" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")


def get_engine(url: str | None = None) -> Engine:
    """The (cached) engine for ``url``; the schema is migrated on first use."""
    target = url or database_url()
    with _lock:
        if target not in _engines:
            _engines[target] = _make_engine(target)
        return _engines[target]


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session whose work is committed as ONE transaction, or rolled back."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Close every cached engine (tests, forks)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
