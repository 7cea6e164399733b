"""The deployed Redis lock store against a real Redis server, raced by several clients at once.

Each client stands for one Rasa process: its own store instance and connection,
its own event loop on its own thread, all taking the lock of the same
conversation in a loop. Rasa's own ``RedisLockStore`` is run the same way as
the can-fail case: its plain GET-then-SET loses tickets, so two clients hold the
lock at once or a client waits on a ticket nobody will serve.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest
import yaml
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from cluster.stores import Redis
from stores.redis_lock import AtomicRedisLockStore
from tests.support.stack import ROOT, free_port

pytestmark = pytest.mark.servers

CLIENTS = 6
ROUNDS = 12
#: One attempt that has not got the lock after this long is stuck (a lost ticket is never served).
STUCK_S = 2.0


@pytest.fixture(scope="module")
def redis_server() -> Iterator[Redis]:
    """A throwaway Redis server (the cluster's runner: loopback, password, nothing on disk)."""
    if shutil.which("redis-server") is None:
        message = "redis-server missing: bash scripts/setup_cluster_deps.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    data_dir = Path(tempfile.mkdtemp(prefix="imap-lock-"))
    data_dir.chmod(0o711)  # the stores' user must reach its own subdirectory
    server = Redis(data_dir / "redis", free_port(), secrets.token_urlsafe(16), data_dir / "redis.log")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class Race:
    """What the clients saw: turns done, turns overlapping another, errors, stuck attempts."""

    done: int = 0
    overlaps: int = 0
    errors: int = 0
    stuck: int = 0
    active: int = 0
    guard: threading.Lock = field(default_factory=threading.Lock)


def race(make_store: Callable[[], LockStore], conversation_id: str, stuck_s: float = STUCK_S) -> Race:
    """``CLIENTS`` clients each take the conversation's lock ``ROUNDS`` times, holding it 1 ms."""
    seen = Race()

    async def turn(store: LockStore) -> None:
        async with store.lock(conversation_id, wait_time_in_seconds=0.002):
            with seen.guard:
                seen.overlaps += seen.active > 0
                seen.active += 1
            await asyncio.sleep(0.001)
            with seen.guard:
                seen.active -= 1
                seen.done += 1

    async def client() -> None:
        store = make_store()
        for _ in range(ROUNDS):
            try:
                await asyncio.wait_for(turn(store), stuck_s)
            except LockError:
                with seen.guard:
                    seen.errors += 1
            except asyncio.TimeoutError:
                with seen.guard:
                    seen.stuck += 1

    threads = [threading.Thread(target=asyncio.run, args=(client(),)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def _config(server: Redis) -> EndpointConfig:
    """The deployed ``lock_store`` section, pointed at ``server``."""
    return EndpointConfig.from_dict({"type": "stores.redis_lock.AtomicRedisLockStore",
                                     "url": "127.0.0.1", "port": server.port, "db": 1,
                                     "password": server.password, "key_prefix": "imappop"})


def _rasas_store(server: Redis, **kwargs: str) -> RedisLockStore:
    return RedisLockStore(host="127.0.0.1", port=server.port, db=1, password=server.password, **kwargs)


def test_every_turn_runs_alone_and_none_is_lost(redis_server: Redis) -> None:
    """Six processes hammering one conversation: 72 turns, one at a time, no error, nothing stuck."""
    conversation = f"race-{secrets.token_hex(4)}"
    seen = race(lambda: AtomicRedisLockStore(_config(redis_server)), conversation)
    assert (seen.done, seen.overlaps, seen.errors, seen.stuck) == (CLIENTS * ROUNDS, 0, 0, 0)
    # The last one out deleted the lock, as Rasa's store does.
    assert _rasas_store(redis_server).red.keys("*") == []


def test_rasas_own_store_fails_the_same_race(redis_server: Redis) -> None:
    """Can-fail case: Rasa 3.6's RedisLockStore under the same load overlaps, errs or gets stuck."""
    conversation = f"race-{secrets.token_hex(4)}"
    seen = race(lambda: _rasas_store(redis_server), conversation, 0.5)
    assert seen.overlaps + seen.errors + seen.stuck > 0, seen


def test_rasa_loads_it_from_the_deployed_endpoints(redis_server: Redis) -> None:
    """Both deployed endpoints files name this class, with Rasa's ``redis`` keys, and Rasa builds it."""
    for path in (ROOT / "cluster" / "endpoints.yml", ROOT / "deploy" / "k8s" / "base" / "endpoints.yml"):
        section = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["lock_store"]
        assert section["type"] == "stores.redis_lock.AtomicRedisLockStore", path
        assert str(section["key_prefix"]).isalnum(), path
    store = LockStore.create(_config(redis_server))
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "imappop:lock:"
    # Same data as Rasa's store: a lock written by one is read by the other.
    ticket = store.issue_ticket("shared")
    stock = _rasas_store(redis_server, key_prefix="imappop")
    assert stock.get_lock("shared").now_serving == ticket
    store.cleanup("shared", ticket)
    assert stock.get_lock("shared") is None
