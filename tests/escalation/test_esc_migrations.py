"""The ticket database is built and upgraded by Alembic migrations, never by create_all."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from escalation import db
from escalation.models import Base


def head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def version(engine) -> str:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_new_database_is_at_the_newest_migration_and_matches_the_models(isolated_db):
    engine = db.get_engine(isolated_db)
    assert version(engine) == head()
    with engine.connect() as connection:
        # a model changed without a migration shows up here
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_database_from_before_migrations_is_upgraded_and_keeps_its_tickets(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = create_engine(url, future=True)
    Base.metadata.create_all(old)  # how the project created tables before Alembic
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with old.begin() as connection:
        connection.execute(text(
            "INSERT INTO escalation_tickets (reference, conversation_id, reason, intents, slots, "
            "summary, transcript, status, created_at, updated_at) VALUES ('IPT-OLD001', 'c1', "
            "'explicit_request', '[]', '{}', '', '[]', 'open', :now, :now)"), {"now": now})
    old.dispose()
    assert "alembic_version" not in inspect(create_engine(url)).get_table_names()

    engine = db.get_engine(url)
    assert version(engine) == head()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT reference FROM escalation_tickets")).all()
    assert [r[0] for r in rows] == ["IPT-OLD001"]
    db.dispose_engines()
