"""The widget channel on its own (echo bot, no trained model): rooms, ids, CORS."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import aiohttp
import pytest
import socketio

from channels.rate_limit import client_alias
from tests.support.stack import Server, free_port, spawn, write_settings
from tests.widget.chat_client import Visitor, texts

pytestmark = pytest.mark.servers

HERE = Path(__file__).resolve().parent
ORIGIN = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
def echo_url(tmp_path_factory: Any) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("echo")
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "PROVIDER_SETTINGS": str(write_settings(tmp, [ORIGIN], ORIGIN)),
            "WIDGET_SESSION_SECRET": secrets.token_urlsafe(32),
            "RASA_AUTH_TOKEN": "echo-token",
            "RASA_TELEMETRY_ENABLED": "false",
        }
    )
    env.pop("SOCKETIO_REDIS_URL", None)
    server: Server = spawn(
        "echo", [sys.executable, str(HERE / "echo_server.py"), str(port), ORIGIN], env, tmp
    )
    try:
        server.wait_ready(f"http://127.0.0.1:{port}/webhooks/widget/", 180)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _echo(message: str) -> tuple:
    _, conversation_id, rest = message.split(":", 2)
    text, metadata = rest.rsplit("|", 1)
    return conversation_id, text, json.loads(metadata)


@pytest.mark.asyncio
@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_room_join_reload_and_sanitising(echo_url: str, transport: str) -> None:
    first = Visitor(echo_url, ORIGIN)
    token = await first.connect(transports=(transport,))
    cid, text, metadata = _echo(texts(await first.ask(" /restart"))[0])
    assert cid == first.conversation_id and text == "\uff0frestart"
    # what the browser may say (query string dropped), plus the server's alias of its address
    client = metadata.pop("client")
    assert client == client_alias("127.0.0.1")
    assert metadata == {"language": "it", "page_url": "http://127.0.0.1/test-page"}
    await first.close()
    # Reload: same token, same conversation, and replies reach the new socket.
    again = Visitor(echo_url, ORIGIN)
    assert await again.connect(token, transports=(transport,)) == token
    cid2, text2, _ = _echo(texts(await again.ask("/ask_difference"))[0])
    assert (cid2, text2) == (cid, "/ask_difference")
    await again.close()


@pytest.mark.asyncio
async def test_forged_id_and_crossing(echo_url: str) -> None:
    alice, bob = Visitor(echo_url, ORIGIN), Visitor(echo_url, ORIGIN)
    await asyncio.gather(alice.connect(), bob.connect(transports=("polling",)))
    mallory = Visitor(echo_url, ORIGIN)
    await mallory.connect(alice.conversation_id)  # bare id: refused
    assert mallory.conversation_id != alice.conversation_id
    await mallory.send("x", session_id=alice.token)  # token in the message: ignored
    got = _echo(texts(await mallory.collect(first_timeout=10, quiet=0.5))[0])
    assert got[0] == mallory.conversation_id
    replies = await asyncio.gather(alice.ask("a"), bob.ask("b"))
    assert [_echo(m)[:2] for m in texts(replies[0])] == [(alice.conversation_id, "a")]
    assert [_echo(m)[:2] for m in texts(replies[1])] == [(bob.conversation_id, "b")]
    assert alice.drain() == [] and bob.drain() == []
    await asyncio.gather(alice.close(), bob.close(), mallory.close())


@pytest.mark.asyncio
async def test_cors_single_exact_header(echo_url: str) -> None:
    url = f"{echo_url}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Origin": ORIGIN}) as response:
            assert response.status == 200
            assert response.headers.getall("Access-Control-Allow-Origin") == [ORIGIN]
            assert "Access-Control-Allow-Credentials" not in response.headers
        for evil in ("https://evil.example", "http://127.0.0.1:8081", "null", ORIGIN + ".evil.example"):
            async with session.get(url, headers={"Origin": evil}) as response:
                assert response.status == 400, evil
                assert "Access-Control-Allow-Origin" not in response.headers
    visitor = Visitor(echo_url, "https://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await visitor.connect(transports=("websocket",))
    await visitor.close()


@pytest.mark.asyncio
async def test_agent_bridge_auth(echo_url: str) -> None:
    visitor = Visitor(echo_url, ORIGIN)
    await visitor.connect()
    url = f"{echo_url}/webhooks/widget/agent_message"
    body = {"conversation_id": visitor.conversation_id, "text": "ciao da Giulia", "agent": "Giulia"}
    async with aiohttp.ClientSession() as session:
        for headers, data, status in [
            ({}, json.dumps(body), 401),
            ({"Authorization": "Bearer nope"}, json.dumps(body), 401),
            ({"Authorization": "Basic echo-token"}, json.dumps(body), 401),
            ({"Authorization": "Bearer echo-token"}, "{bad", 400),
            ({"Authorization": "Bearer echo-token"}, json.dumps({**body, "text": 5}), 400),
            ({"Authorization": "Bearer echo-token"}, json.dumps({**body, "agent": []}), 400),
            ({"Authorization": "Bearer echo-token"}, json.dumps(body), 200),
        ]:
            async with session.post(url, data=data, headers=headers) as response:
                assert response.status == status, (headers, data)
    assert texts(await visitor.collect(first_timeout=10, quiet=0.5)) == ["ciao da Giulia"]
    await visitor.close()


REDIS_SERVER = shutil.which("redis-server")


@pytest.mark.asyncio
@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server missing: apt-get install -y redis-server")
async def test_two_processes_share_rooms_through_redis(tmp_path: Path) -> None:
    """With SOCKETIO_REDIS_URL, a process that does not hold the socket still reaches it."""
    redis_port = free_port()
    redis = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    env = dict(os.environ)
    env.update(
        {
            "PROVIDER_SETTINGS": str(write_settings(tmp_path, [ORIGIN], ORIGIN)),
            "WIDGET_SESSION_SECRET": secrets.token_urlsafe(32),  # shared by both processes
            "RASA_AUTH_TOKEN": "echo-token",
            "SOCKETIO_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        }
    )
    ports = [free_port(), free_port()]
    servers = [
        spawn(f"echo{i}", [sys.executable, str(HERE / "echo_server.py"), str(port), ORIGIN], env, tmp_path)
        for i, port in enumerate(ports)
    ]
    try:
        for server, port in zip(servers, ports):
            server.wait_ready(f"http://127.0.0.1:{port}/webhooks/widget/", 180)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        visitor = Visitor(first, ORIGIN)
        token = await visitor.connect()
        # The token issued by process 1 is accepted by process 2 (same secret) ...
        other = Visitor(second, ORIGIN)
        assert await other.connect(token) == token
        await other.close()
        # ... and an agent message posted to process 2 reaches the socket held by process 1.
        body = {"conversation_id": visitor.conversation_id, "text": "via redis", "agent": "x"}
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{second}/webhooks/widget/agent_message", json=body,
                headers={"Authorization": "Bearer echo-token"},
            ) as response:
                assert response.status == 200
        assert texts(await visitor.collect(first_timeout=10, quiet=0.5)) == ["via redis"]
        await visitor.close()
    finally:
        for server in servers:
            server.stop()
        redis.terminate()
        redis.wait(timeout=10)
