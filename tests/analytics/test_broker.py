"""The batching event broker against real SQLite files, compared with Rasa's own SQL broker."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import sqlalchemy
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from analytics import broker as broker_module
from analytics.broker import BatchingSQLEventBroker


def events(sender: str, count: int) -> List[Dict[str, Any]]:
    """``count`` user events of one conversation, as Rasa's tracker store publishes them."""
    return [{"sender_id": sender, "event": "user", "text": f"messaggio {n} è così 👍",
             "timestamp": 1_700_000_000 + n} for n in range(count)]


def rows(db: Path) -> List[tuple]:
    """Every row of the broker table, in id order."""
    engine = sqlalchemy.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        found = connection.execute(sqlalchemy.text("SELECT id, sender_id, data FROM events ORDER BY id"))
        result = [tuple(row) for row in found]
    engine.dispose()
    return result


def commits(engine: sqlalchemy.engine.Engine) -> List[int]:
    """A list that grows by one for every transaction committed on ``engine``."""
    seen: List[int] = []
    sqlalchemy.event.listen(engine, "commit", lambda _connection: seen.append(1))
    return seen


async def publish_turns(broker: EventBroker, turns: List[List[Dict[str, Any]]]) -> None:
    """Publish each turn's events in one loop step, as ``TrackerStore.stream_events`` does."""
    for turn in turns:
        for event in turn:
            broker.publish(event)
        await asyncio.sleep(0.05)
    await broker.close()


def test_same_rows_as_rasas_broker_one_transaction_per_turn(tmp_path: Path) -> None:
    turns = [events("a", 8), events("b", 3), events("a", 5)]
    rasa_db, ours_db = tmp_path / "rasa.sqlite3", tmp_path / "ours.sqlite3"
    rasa = SQLEventBroker(dialect="sqlite", db=str(rasa_db))
    ours = BatchingSQLEventBroker(dialect="sqlite", db=str(ours_db))
    ours_commits, rasa_commits = commits(ours.engine), commits(rasa.engine)

    asyncio.run(publish_turns(rasa, turns))
    asyncio.run(publish_turns(ours, turns))

    assert rows(ours_db) == rows(rasa_db)
    assert len(rows(ours_db)) == 16
    assert len(rasa_commits) == 16, "Rasa's broker commits once per event"
    assert len(ours_commits) == 3, "one transaction per turn"


def test_a_failed_write_is_kept_and_written_later(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    broker = BatchingSQLEventBroker(dialect="sqlite", db=str(db))
    with broker.engine.begin() as connection:
        connection.execute(sqlalchemy.text("ALTER TABLE events RENAME TO events_away"))

    async def outage_then_recovery() -> None:
        for event in events("c", 4):
            broker.publish(event)
        await asyncio.sleep(0.2)
        assert broker.pending() == 4, "the failed batch waits in the queue"
        with broker.engine.begin() as connection:
            connection.execute(sqlalchemy.text("ALTER TABLE events_away RENAME TO events"))
        broker.publish(events("d", 1)[0])
        await broker.close()

    asyncio.run(outage_then_recovery())
    written = rows(db)
    assert [row[1] for row in written] == ["c"] * 4 + ["d"]
    assert [f'"messaggio {n} ' in row[2] for n, row in enumerate(written[:4])] == [True] * 4


def test_queue_is_bounded_oldest_dropped(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(broker_module, "MAX_PENDING", 3)
    db = tmp_path / "events.sqlite3"
    broker = BatchingSQLEventBroker(dialect="sqlite", db=str(db))
    with broker.engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP TABLE events"))
    for event in events("e", 5):
        broker.publish(event)  # outside a loop: each write is tried at once and fails
    assert broker.pending() == 3
    broker.SQLBrokerEvent.metadata.create_all(broker.engine)
    assert broker.flush() == 3
    assert [row[2].count('"messaggio 2 ') + row[2].count('"messaggio 4 ') for row in rows(db)] == [1, 0, 1]


def test_outside_an_event_loop_each_event_is_written_at_once(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    broker = BatchingSQLEventBroker(dialect="sqlite", db=str(db))
    broker.publish(events("f", 1)[0])
    assert len(rows(db)) == 1 and broker.pending() == 0


def test_rasa_builds_it_from_the_endpoint_config(tmp_path: Path) -> None:
    config = EndpointConfig(type="analytics.broker.BatchingSQLEventBroker", dialect="sqlite",
                            db=str(tmp_path / "events.sqlite3"))
    created = asyncio.run(EventBroker.create(config))
    assert isinstance(created, BatchingSQLEventBroker)
