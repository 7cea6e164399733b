"""``python -m cluster.schema``: create the tracker store's and event broker's tables, migrate tickets.

Run once before the servers start, so that two Rasa processes (and two action
servers) never race to create the same tables. Connection settings come from
the environment (``TRACKER_DB_*``, ``ANALYTICS_DB_NAME``, ``TICKETS_DB_URL``), never
from arguments.
"""

from __future__ import annotations

import os


def main() -> None:
    """Tracker and broker tables through Rasa's own classes; tickets through the alembic migrations."""
    from rasa.core.brokers.sql import SQLEventBroker
    from rasa.core.tracker_store import SQLTrackerStore

    server = {"dialect": "postgresql", "host": os.environ["TRACKER_DB_HOST"],
              "port": os.environ["TRACKER_DB_PORT"], "username": os.environ["TRACKER_DB_USER"],
              "password": os.environ["TRACKER_DB_PASSWORD"]}
    SQLTrackerStore(db=os.environ["TRACKER_DB_NAME"], **server).engine.dispose()
    SQLEventBroker(db=os.environ["ANALYTICS_DB_NAME"], **server).engine.dispose()
    from escalation.db import get_engine

    get_engine(os.environ["TICKETS_DB_URL"]).dispose()


if __name__ == "__main__":
    main()
