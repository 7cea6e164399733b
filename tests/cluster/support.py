"""The cluster fixture and clients of the cluster tests (REST, HTTP API, events in PostgreSQL, widget)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, TypeVar
from urllib.parse import quote

import aiohttp
import pytest
import socketio
import yaml

from cluster.config import ClusterConfig
from cluster.runner import Cluster
from cluster.stores import postgres_bin
from tests.support.stack import ROOT, TEST_WIDGET, model_or_skip
from tests.widget.chat_client import Visitor

ORIGIN = "http://127.0.0.1:8080"
#: Desk always open: an escalation pauses the conversation for an agent (the restart test needs one).
OPEN_SETTINGS = ROOT / "tests" / "settings" / "provider.open.yml"


def _missing_binaries() -> List[str]:
    missing = [name for name in ("redis-server", "nginx")
               if not (shutil.which(name) or Path(f"/usr/sbin/{name}").exists())]
    try:
        postgres_bin("postgres")
    except FileNotFoundError:
        missing.append("postgresql")
    return missing


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def write_cluster_files(data_dir: Path) -> Tuple[Path, Path]:
    """Provider settings (desk open, the test origin) and credentials with the test limits."""
    raw = yaml.safe_load(OPEN_SETTINGS.read_text(encoding="utf-8")) or {}
    raw["web"] = {**(raw.get("web") or {}), "allowed_origins": [ORIGIN], "public_url": ORIGIN}
    settings = data_dir / "provider.yml"
    settings.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    credentials = data_dir / "credentials.yml"
    credentials.write_text(yaml.safe_dump({
        "channels.widget.WidgetInput": TEST_WIDGET,
        "channels.rest.SafeRestInput": {"rate_limit_burst": 1000, "rate_limit_per_minute": 10000,
                                        "address_rate_limit_burst": 100000,
                                        "address_rate_limit_per_minute": 100000},
    }), encoding="utf-8")
    return settings, credentials


def make_cluster(lock_store: bool = True) -> Cluster:
    """A cluster on free ports in a fresh directory under /tmp (reachable by the stores' user)."""
    missing = _missing_binaries()
    if missing:
        _skip_or_fail(f"{', '.join(missing)} missing: bash scripts/setup_cluster_deps.sh")
    model = model_or_skip()
    data_dir = Path(tempfile.mkdtemp(prefix="imap-cluster-"))
    settings, credentials = write_cluster_files(data_dir)
    config = ClusterConfig.ephemeral(
        data_dir, model, credentials=credentials, with_web=False, lock_store=lock_store,
        extra_env={"PROVIDER_SETTINGS": str(settings), "TICKETS_PER_CLIENT_PER_HOUR": "100000"},
    )
    return Cluster(config)


def cluster_fixture() -> Iterator[Cluster]:
    """Start the cluster once (``CLUSTER_TEST_NO_LOCK=1``: without the lock store, to see test 2 fail)."""
    cluster = make_cluster(lock_store=os.environ.get("CLUSTER_TEST_NO_LOCK") != "1")
    started = time.monotonic()
    cluster.start()
    print(f"\ncluster started in {time.monotonic() - started:.0f}s")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.config.data_dir, ignore_errors=True)


# ------------------------------------------------------------------ REST and API

def rest(base_url: str, sender: str, text: str, timeout: float = 60) -> Tuple[str, List[Dict[str, Any]]]:
    """One REST turn: (upstream that served it, bot messages)."""
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.headers.get("X-Cluster-Upstream", ""), json.loads(response.read() or b"[]")


async def arest(session: aiohttp.ClientSession, base_url: str, sender: str,
                text: str) -> List[Dict[str, Any]]:
    """One REST turn, asynchronously."""
    async with session.post(f"{base_url}/webhooks/rest/webhook",
                            json={"sender": sender, "message": text}) as response:
        assert response.status == 200, await response.text()
        return await response.json()


T = TypeVar("T")


def eventually(check: Callable[[], T], why: str, timeout: float = 20.0) -> T:
    """``check()`` once it is truthy, polled for ``timeout`` seconds.

    A reply reaches the client before Rasa has saved the turn (it still predicts
    the next action), so state read right after a reply can lag behind it.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            assert value, f"{why} (still {value!r} after {timeout:.0f}s)"
            return value
        time.sleep(0.5)


def log_tails(cluster: Cluster, prefix: str = "actions", lines: int = 40) -> str:
    """The last lines of the cluster's server logs whose name starts with ``prefix`` (for failures)."""
    parts = []
    for log in sorted(cluster.logs.glob(f"{prefix}*.log")):
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        parts.append(f"--- {log.name}\n" + "\n".join(tail))
    return "\n".join(parts)


def tracker(cluster: Cluster, sender: str, base_url: Optional[str] = None) -> Dict[str, Any]:
    """The whole tracker through the HTTP API (token), via the balancer by default."""
    url = (f"{base_url or cluster.config.public_url}/conversations/{quote(sender, safe='')}/tracker"
           f"?include_events=ALL&token={cluster.auth_token}")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def turns(tracker_json: Dict[str, Any]) -> List[Tuple[str, List[str]]]:
    """(user text, responses the bot uttered for it) per user message, in tracker order."""
    result: List[Tuple[str, List[str]]] = []
    for event in tracker_json["events"]:
        if event["event"] == "user":
            result.append((event.get("text") or "", []))
        elif event["event"] == "bot" and result:
            result[-1][1].append((event.get("metadata") or {}).get("utter_action") or event.get("text", ""))
    return result


def stored_events(cluster: Cluster, sender: str) -> List[Tuple[str, float, str]]:
    """(type, timestamp, data) of the conversation's rows in Rasa's ``events`` table."""
    return [tuple(row) for row in cluster.postgres.query(
        "SELECT type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))]


def assert_every_event_once(cluster: Cluster, sender: str) -> Dict[str, Any]:
    """PostgreSQL holds each event of the tracker exactly once, in the same order; returns the tracker."""
    rows = stored_events(cluster, sender)
    assert len(rows) == len(set(rows)), "duplicate event rows in PostgreSQL"
    state = tracker(cluster, sender)
    assert [row[0] for row in rows] == [event["event"] for event in state["events"]]
    assert [round(row[1], 3) for row in rows] == [round(e["timestamp"], 3) for e in state["events"]]
    return state


# ------------------------------------------------------------------ widget

def socket_upstream(public_url: str) -> str:
    """The Rasa process the balancer pins this client address to for ``/socket.io/``."""
    request = urllib.request.Request(f"{public_url}/socket.io/?EIO=4&transport=polling",
                                     headers={"Origin": ORIGIN})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return response.headers["X-Cluster-Upstream"]


class ReconnectingVisitor(Visitor):
    """A widget tab that reconnects by itself and asks for its conversation again, as rasa-webchat does."""

    def __init__(self, server_url: str, origin: str = ORIGIN) -> None:
        super().__init__(server_url, origin)
        self.client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2,
                                           reconnection_delay_max=1, randomization_factor=0)
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("connect", self._on_reconnect)
        self.client.on("disconnect", self._on_disconnect)
        self.disconnected = asyncio.Event()

    async def _on_disconnect(self, *args: Any) -> None:
        self.disconnected.set()

    async def _on_reconnect(self) -> None:
        if self.token:  # a reconnection: the same signed conversation id
            await self.client.emit("session_request", {"session_id": self.token})

    async def confirmed(self, timeout: float = 30) -> str:
        """The session_confirm after a reconnection."""
        data = await asyncio.wait_for(self._confirm.get(), timeout=timeout)
        return data.get("session_id") if isinstance(data, dict) else data
