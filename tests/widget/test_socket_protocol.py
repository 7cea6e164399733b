"""The widget's socket.io protocol against a real Rasa server (tests/support/stack.py).

session_request / session_confirm, user_uttered / bot_uttered, conversations
that never cross, server-issued ids, reload, hostile input, CORS, agent bridge.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from typing import Any, Dict, List

import aiohttp
import pytest
import socketio
import yaml

from channels.sanitize import NEUTRALISED_SLASH
from channels.session_token import SessionSigner
from tests.support.stack import Stack
from tests.widget.chat_client import Visitor, texts, user_events

pytestmark = [pytest.mark.asyncio, pytest.mark.stack]

TOKEN_FORMAT = re.compile(r"^web-[0-9a-f]{32}\.[0-9a-f]+:[A-Za-z0-9_-]{43}$")
EVIL_ORIGIN = "https://evil.example"


def _max_chars(stack: Stack) -> int:
    raw = yaml.safe_load(stack.settings_path.read_text(encoding="utf-8"))
    return int(raw["web"]["max_message_chars"])


async def _visitor(stack: Stack, session_id: Any = None, **kwargs: Any) -> Visitor:
    visitor = Visitor(stack.socket_url, stack.origin)
    await visitor.connect(session_id, **kwargs)
    return visitor


async def _tracker(stack: Stack, conversation_id: str) -> Dict[str, Any]:
    return await asyncio.to_thread(stack.tracker, conversation_id)


async def test_session_confirm_and_greeting_with_buttons(rasa_stack: Stack) -> None:
    visitor = await _visitor(rasa_stack)
    try:
        assert TOKEN_FORMAT.match(visitor.token or "")
        replies = await visitor.ask("Ciao")
        assert replies, "no bot_uttered after the greeting"
        assert any(r.get("quick_replies") for r in replies), replies
        payloads = [q["payload"] for r in replies for q in r.get("quick_replies") or []]
        assert all(p.startswith("/") for p in payloads)
        # A button payload from the greeting is accepted as an intent.
        answer = await visitor.ask(payloads[0])
        assert texts(answer)
        tracker = await _tracker(rasa_stack, visitor.conversation_id)
        events = user_events(tracker)
        assert events[-1]["text"] == payloads[0]
        assert events[-1]["parse_data"]["intent"]["name"] == payloads[0][1:]
        assert events[-1]["input_channel"] == "widget"
    finally:
        await visitor.close()


async def test_two_concurrent_visitors_never_cross(rasa_stack: Stack) -> None:
    alice, bob = await asyncio.gather(_visitor(rasa_stack), _visitor(rasa_stack))
    try:
        assert alice.conversation_id != bob.conversation_id
        alice_lines = ["Ciao", "che differenza c'è tra imap e pop?"]
        bob_lines = ["cosa succede se cancello una mail dal telefono?", "grazie"]
        for alice_text, bob_text in zip(alice_lines, bob_lines):
            replies_a, replies_b = await asyncio.gather(alice.ask(alice_text), bob.ask(bob_text))
            assert replies_a and replies_b
        # Only Alice's messages in Alice's conversation, and the other way round.
        tracker_a = await _tracker(rasa_stack, alice.conversation_id)
        tracker_b = await _tracker(rasa_stack, bob.conversation_id)
        assert [e["text"] for e in user_events(tracker_a)] == alice_lines
        assert [e["text"] for e in user_events(tracker_b)] == bob_lines
        # A message addressed to Alice's conversation reaches Alice only.
        await _agent_message(rasa_stack, alice.conversation_id, "messaggio-solo-per-alice")
        got_a = await alice.collect(first_timeout=10, quiet=1.0)
        got_b = await bob.collect(first_timeout=2, quiet=0.5)
        assert "messaggio-solo-per-alice" in texts(got_a)
        assert got_b == []
    finally:
        await asyncio.gather(alice.close(), bob.close())


async def test_forged_or_reused_ids_get_a_new_conversation(rasa_stack: Stack) -> None:
    owner = await _visitor(rasa_stack)
    try:
        await owner.ask("Ciao")
        events_before = len((await _tracker(rasa_stack, owner.conversation_id))["events"])
        cid, signature = owner.token.split(".")
        other_secret = SessionSigner(b"not-the-server-secret-at-all!!!!").sign(cid)
        forgeries = [
            cid,  # the bare id, as it appears in Rasa's tracker, logs and tickets
            f"{cid}.{signature[:-2]}AA",
            other_secret,
            owner.token.upper(),
            f"{cid}.{signature}.extra",
            {"session_id": owner.token},
            "../../etc/passwd",
        ]
        for forged in forgeries:
            attacker = await _visitor(rasa_stack, session_id=forged)
            try:
                assert attacker.token != owner.token
                assert attacker.conversation_id != cid
                assert TOKEN_FORMAT.match(attacker.token)
                # Naming the victim's token in the message does not redirect it either.
                await attacker.send("che cos'è imap?", session_id=owner.token)
                assert await attacker.collect()
            finally:
                await attacker.close()
        assert owner.drain() == [], "the owner received someone else's replies"
        after = (await _tracker(rasa_stack, owner.conversation_id))["events"]
        assert len(after) == events_before, "a forged id wrote into the owner's conversation"
    finally:
        await owner.close()


async def test_message_without_session_and_forged_id_is_ignored(rasa_stack: Stack) -> None:
    owner = await _visitor(rasa_stack)
    sneaky = Visitor(rasa_stack.socket_url, rasa_stack.origin)
    try:
        await owner.ask("Ciao")
        before = len((await _tracker(rasa_stack, owner.conversation_id))["events"])
        await sneaky.connect(request_session=False)
        await sneaky.send("ciao", session_id=owner.conversation_id)
        assert await sneaky.collect(first_timeout=4) == []
        after = len((await _tracker(rasa_stack, owner.conversation_id))["events"])
        assert after == before
    finally:
        await asyncio.gather(owner.close(), sneaky.close())


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_reload_keeps_the_conversation(rasa_stack: Stack, transport: str) -> None:
    first = await _visitor(rasa_stack, transports=(transport,))
    await first.ask("Ciao")
    token = first.token
    await first.close()

    reloaded = await _visitor(rasa_stack, session_id=token, transports=(transport,))
    try:
        assert reloaded.token == token
        # The reply reaches the new socket: it really joined the conversation's room.
        replies = await reloaded.ask("che differenza c'è tra imap e pop?")
        assert texts(replies)
        tracker = await _tracker(rasa_stack, reloaded.conversation_id)
        assert [e["text"] for e in user_events(tracker)] == [
            "Ciao", "che differenza c'è tra imap e pop?"]
    finally:
        await reloaded.close()


async def test_hostile_inputs_get_a_reply_and_change_nothing(rasa_stack: Stack) -> None:
    max_chars = _max_chars(rasa_stack)
    visitor = await _visitor(rasa_stack)
    hostile: List[Any] = [
        "/restart",
        '/inform{"protocol":"imap"}',
        "/session_start",
        "x" * 10_000,
        "<script>alert(1)</script>",
        "\x00\x01\x02\ufffe\ud800\x7f\x1b[0m",
        "\U0001F600\U0001F44D",
        "",
        "   \u2028/restart",
    ]
    try:
        await visitor.ask("Ciao")
        for text in hostile:
            replies = await visitor.ask(text)
            assert texts(replies), f"no reply to {text[:40]!r}"
        # (eight messages: within the per-socket burst of ten, no rate limit hit)
        tracker = await _tracker(rasa_stack, visitor.conversation_id)
        kinds = [e["event"] for e in tracker["events"]]
        assert "restart" not in kinds
        assert kinds.count("session_started") == 1
        assert tracker.get("slots", {}).get("protocol") != "imap"
        users = user_events(tracker)
        assert len(users) == len(hostile) + 1
        by_text = {e["text"]: e for e in users}
        assert NEUTRALISED_SLASH + "restart" in by_text
        assert NEUTRALISED_SLASH + 'inform{"protocol":"imap"}' in by_text
        for event in users[1:]:
            assert not event["text"].startswith("/")
            intent = event["parse_data"]["intent"].get("name")
            assert intent not in ("restart", "inform", "session_start")
            extractors = {e.get("extractor") for e in event["parse_data"].get("entities", [])}
            assert "RegexMessageHandler" not in extractors
        long_event = next(e for e in users if e["text"].startswith("xxx"))
        assert len(long_event["text"]) == max_chars + 1
        binary_event = users[6]
        assert all(ord(c) >= 0x20 or c == "\n" for c in binary_event["text"])
        # The page URL reached the metadata without its query string.
        assert users[0]["metadata"].get("page_url") == "http://127.0.0.1/test-page"
    finally:
        await visitor.close()


async def test_rate_limit(rasa_stack: Stack) -> None:
    visitor = await _visitor(rasa_stack)
    try:
        for _ in range(14):
            await visitor.send("ciao")
        replies = await visitor.collect(first_timeout=30, quiet=3)
        assert any("velocemente" in t for t in texts(replies))
        tracker = await _tracker(rasa_stack, visitor.conversation_id)
        assert len(user_events(tracker)) <= 11
    finally:
        await visitor.close()


async def test_disallowed_origin_is_refused(rasa_stack: Stack) -> None:
    for transports in (["websocket"], ["polling"]):
        visitor = Visitor(rasa_stack.socket_url, EVIL_ORIGIN)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await visitor.client.connect(
                rasa_stack.socket_url, headers={"Origin": EVIL_ORIGIN},
                transports=transports, socketio_path="/socket.io", wait_timeout=10,
            )
        await visitor.close()
    url = f"{rasa_stack.socket_url}/socket.io/?EIO=4&transport=polling"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Origin": EVIL_ORIGIN}) as response:
            assert response.status == 400
            assert "Access-Control-Allow-Origin" not in response.headers
        async with session.get(url, headers={"Origin": rasa_stack.origin}) as response:
            assert response.status == 200
            assert response.headers.getall("Access-Control-Allow-Origin") == [rasa_stack.origin]
        # Same host, other port: a different origin, refused as well.
        other = rasa_stack.origin.rsplit(":", 1)[0] + ":1"
        async with session.get(url, headers={"Origin": other}) as response:
            assert response.status == 400


def _post(stack: Stack, body: bytes, token: Any) -> urllib.request.Request:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return urllib.request.Request(
        f"{stack.rasa_url}/webhooks/widget/agent_message", data=body, method="POST", headers=headers
    )


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def _agent_message(stack: Stack, conversation_id: str, text: str) -> None:
    body = json.dumps({"conversation_id": conversation_id, "text": text, "agent": "Giulia"})
    status = await asyncio.to_thread(_status, _post(stack, body.encode(), stack.auth_token))
    assert status == 200


async def test_agent_bridge_endpoint(rasa_stack: Stack) -> None:
    visitor = await _visitor(rasa_stack)
    try:
        good = json.dumps(
            {"conversation_id": visitor.conversation_id, "text": "Sono Giulia del supporto.",
             "agent": "Giulia"}
        ).encode()
        cases = [
            (good, None, 401),
            (good, "wrong-token", 401),
            (good, rasa_stack.auth_token + "x", 401),
            (b"{not json", rasa_stack.auth_token, 400),
            (b"[1, 2]", rasa_stack.auth_token, 400),
            (json.dumps({"conversation_id": "abc", "text": "x"}).encode(), rasa_stack.auth_token, 400),
            (json.dumps({"conversation_id": visitor.conversation_id, "text": "  "}).encode(),
             rasa_stack.auth_token, 400),
        ]
        for body, token, expected in cases:
            status = await asyncio.to_thread(_status, _post(rasa_stack, body, token))
            assert status == expected, (body[:60], token, status)
        assert await visitor.collect(first_timeout=2, quiet=0.5) == []
        status = await asyncio.to_thread(_status, _post(rasa_stack, good, rasa_stack.auth_token))
        assert status == 200
        got = await visitor.collect(first_timeout=10, quiet=0.5)
        assert texts(got) == ["Sono Giulia del supporto."]
    finally:
        await visitor.close()


async def test_http_api_needs_the_token(rasa_stack: Stack) -> None:
    url = f"{rasa_stack.rasa_url}/conversations/abc/tracker"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            assert response.status == 401
        async with session.get(url + "?token=wrong") as response:
            assert response.status == 401
