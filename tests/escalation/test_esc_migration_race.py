"""Several processes starting at once migrate the ticket database once (real PostgreSQL).

On a first start the cluster's action servers, console and worker (or the
Kubernetes replicas) all call ``upgrade_schema`` on an empty database; the
advisory lock in ``escalation.db`` makes one of them migrate and the others
find the schema at head.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from escalation import db

pytestmark = [pytest.mark.servers, pytest.mark.database]


@pytest.fixture
def postgres():
    from cluster.stores import Postgres, postgres_bin
    from supervisor import free_port

    try:
        postgres_bin("postgres")
    except FileNotFoundError:
        if os.environ.get("CI"):
            pytest.fail("postgresql missing: bash scripts/setup_cluster_deps.sh")
        pytest.skip("postgresql missing: bash scripts/setup_cluster_deps.sh")
    base = Path(tempfile.mkdtemp(prefix="imap-migrate-"))  # under /tmp: the service user can enter
    os.chmod(base, 0o755)
    server = Postgres(base / "pg", free_port(), secrets.token_hex(12), secrets.token_hex(12),
                      base / "postgres.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_concurrent_first_starts_migrate_once(postgres) -> None:
    url = f"postgresql://rasa:{postgres.password}@127.0.0.1:{postgres.port}/tickets"
    # A lock wait over 20 s fails instead of hanging (without the advisory lock the
    # migrations block each other on their DDL).
    engines = [create_engine(url, future=True, connect_args={"options": "-c lock_timeout=20000"})
               for _ in range(4)]
    start = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def first_start(engine) -> None:
        start.wait()
        try:
            db.upgrade_schema(engine)
        except BaseException as error:  # noqa: BLE001 - collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=first_start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    try:
        assert errors == []
        with engines[0].connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            assert len(versions) == 1
            assert "escalation_tickets" in inspect(connection).get_table_names()
    finally:
        for engine in engines:
            engine.dispose()
