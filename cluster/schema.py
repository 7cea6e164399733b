"""``python -m cluster.schema``: create the tracker store's tables and migrate the ticket database.

Run once before the servers start, so that two Rasa processes (and two action
servers) never race to create the same tables. Connection settings come from
the environment (``TRACKER_DB_*``, ``TICKETS_DB_URL``), never from arguments.
"""

from __future__ import annotations

import os


def main() -> None:
    """Tracker tables through Rasa's own store class; ticket tables through the alembic migrations."""
    from rasa.core.tracker_store import SQLTrackerStore

    store = SQLTrackerStore(
        dialect="postgresql", host=os.environ["TRACKER_DB_HOST"], port=os.environ["TRACKER_DB_PORT"],
        db=os.environ["TRACKER_DB_NAME"], username=os.environ["TRACKER_DB_USER"],
        password=os.environ["TRACKER_DB_PASSWORD"],
    )
    store.engine.dispose()
    from escalation.db import get_engine

    get_engine(os.environ["TICKETS_DB_URL"]).dispose()


if __name__ == "__main__":
    main()
