"""Alembic environment of the ticket database.

Migrations run from code (escalation.db.upgrade_schema) with the connection in
``config.attributes["connection"]``; ``alembic`` on the command line works too
(``alembic -c escalation/migrations/alembic.ini upgrade head`` with TICKETS_DB_URL).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from escalation.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from escalation.db import database_url

    engine = create_engine(database_url(), future=True)
    with engine.begin() as own:
        context.configure(connection=own, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
