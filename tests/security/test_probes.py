"""Security probes against the running stack: each one is refused, and chatting still works.

The stack is the real one (Rasa with the repository's credentials.yml, the
guarded action server, the website); the probes come from loopback, as an
attacker on the same network would send them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

import aiohttp
import pytest

from tests.support.stack import Stack
from tests.widget.chat_client import Visitor, user_events

pytestmark = pytest.mark.stack


def http(url: str, body: Optional[bytes] = None, content_type: str = "application/json",
         method: Optional[str] = None) -> Tuple[int, str]:
    """Status and body of one request (errors included)."""
    request = urllib.request.Request(url, data=body, method=method or ("POST" if body is not None else "GET"),
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def rest(stack: Stack, body: bytes) -> Tuple[int, str]:
    return http(f"{stack.rasa_url}/webhooks/rest/webhook", body)


def chat_still_works(stack: Stack) -> None:
    status, text = rest(stack, json.dumps({"sender": "probe-check", "message": "cos'è imap?"}).encode())
    assert status == 200 and json.loads(text), text


# ------------------------------------------------------------------ REST channel

@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b'"ciao"', b"{not json", json.dumps({"message": "ciao"}).encode(),
     json.dumps({"sender": "", "message": "ciao"}).encode(),
     json.dumps({"sender": 42, "message": "ciao"}).encode(),
     json.dumps({"sender": "<script>x</script>", "message": "ciao"}).encode(),
     json.dumps({"sender": "web-" + "0" * 32, "message": "ciao"}).encode()],
    ids=["empty", "array", "string", "bad-json", "no-sender", "empty-sender", "number-sender",
         "markup-sender", "widget-namespace"],
)
def test_rest_refuses_a_missing_or_malformed_sender(stack: Stack, body: bytes) -> None:
    status, text = rest(stack, body)
    assert status == 400, (status, text)
    chat_still_works(stack)


def test_rest_cannot_continue_a_widget_conversation(stack: Stack) -> None:
    async def widget_conversation() -> str:
        visitor = Visitor(stack.socket_url, stack.origin)
        await visitor.connect()
        try:
            assert await visitor.ask("ciao")
            return visitor.conversation_id
        finally:
            await visitor.close()

    conversation_id = asyncio.run(widget_conversation())
    before = len(user_events(stack.tracker(conversation_id)))
    status, _ = rest(stack, json.dumps({"sender": conversation_id, "message": "/restart"}).encode())
    assert status == 400
    status, _ = rest(stack, json.dumps({"sender": conversation_id.upper(), "message": "ciao"}).encode())
    assert status == 400
    assert len(user_events(stack.tracker(conversation_id))) == before
    chat_still_works(stack)


def test_rest_refuses_a_huge_body(stack: Stack) -> None:
    body = json.dumps({"sender": "probe-huge", "message": "a" * 200_000}).encode()
    status, _ = rest(stack, body)
    assert status == 413
    chat_still_works(stack)


def test_page_urls_reach_the_tracker_without_raw_markup(stack: Stack) -> None:
    async def send() -> str:
        visitor = Visitor(stack.socket_url, stack.origin)
        await visitor.connect()
        try:
            page = 'https://shop.example/offerte"><script>alert(1)</script>?q=1'
            await visitor.send("ciao", customData={"language": "it", "page_url": page})
            await visitor.collect()
            return visitor.conversation_id
        finally:
            await visitor.close()

    conversation_id = asyncio.run(send())
    metadata = user_events(stack.tracker(conversation_id))[-1].get("metadata") or {}
    url = metadata.get("page_url", "")
    assert url.startswith("https://shop.example/") and not set('"<>') & set(url), url


# ------------------------------------------------------------------ action server

def _action_call(action: str, sender: str = "probe-forged") -> Dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "tracker": {
            "sender_id": sender, "slots": {}, "latest_message": {"text": "", "intent": {}},
            "events": [{"event": "bot", "text": "Operatore: mi scrivi la tua password?"}],
            "active_loop": {}, "latest_action_name": "action_listen",
        },
        "domain": {},
    }


@pytest.mark.parametrize("token", [None, "", "wrong-token"], ids=["none", "empty", "wrong"])
def test_the_action_server_refuses_calls_without_its_token(stack: Stack, token: Optional[str]) -> None:
    query = "" if token is None else f"?token={token}"
    # a forged escalation (invented transcript) and a forged contact change
    for action in ("action_escalate", "action_save_contact"):
        status, text = http(f"{stack.actions_url}/webhook{query}", json.dumps(_action_call(action)).encode())
        assert status == 401, (action, status, text)
    status, _ = http(f"{stack.actions_url}/actions{query}")
    assert status == 401
    chat_still_works(stack)


def test_the_action_server_takes_json_only(stack: Stack) -> None:
    token = stack.env["ACTION_SERVER_TOKEN"]
    # text/plain is what a cross-site form or a no-cors fetch can send.
    status, _ = http(f"{stack.actions_url}/webhook?token={token}",
                     json.dumps(_action_call("action_escalate")).encode(), content_type="text/plain")
    assert status == 415
    chat_still_works(stack)


def test_action_server_errors_do_not_echo_the_request(stack: Stack) -> None:
    token = stack.env["ACTION_SERVER_TOKEN"]
    marker = "ECHO-MARKER-7f3a"
    status, text = http(f"{stack.actions_url}/webhook?token={token}",
                        json.dumps({"next_action": "action_explain", "tracker": marker}).encode())
    assert status >= 400 and marker not in text, (status, text)


# ------------------------------------------------------------------ versions

def test_no_server_announces_its_version(stack: Stack) -> None:
    import rasa

    for url in (f"{stack.rasa_url}/", f"{stack.webapp_url}/", f"{stack.actions_url}/health"):
        request = urllib.request.Request(url)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode("utf-8", "replace")
            server = response.headers.get("Server", "")
        assert rasa.__version__ not in body and "aiohttp" not in server and "Python" not in server, url
    assert http(f"{stack.rasa_url}/version")[0] == 404


# ------------------------------------------------------------------ process list

def test_no_secret_is_on_a_command_line(stack: Stack) -> None:
    """Any local user can read every process's arguments with ps."""
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert "supervisor.rasa_run" in listing and "supervisor.action_server" in listing
    for name in ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "WIDGET_SESSION_SECRET"):
        secret = stack.env[name]
        assert secret and secret not in listing, f"{name} is visible in ps"


# ------------------------------------------------------------------ rate limits
# Last in the file: they spend this address's budgets (the other probes use REST
# with their own senders or a single widget session).

def test_rest_is_rate_limited_per_sender(stack: Stack) -> None:
    async def flood() -> list:
        body = json.dumps({"sender": "probe-flood", "message": "ciao"})
        async with aiohttp.ClientSession() as session:
            async def one() -> int:
                async with session.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                                        headers={"Content-Type": "application/json"}) as response:
                    return response.status
            return await asyncio.gather(*(one() for _ in range(150)))

    statuses = asyncio.run(flood())
    assert statuses.count(429) >= 50 and set(statuses) <= {200, 429}, statuses
    chat_still_works(stack)  # another sender is not affected


def test_fresh_sockets_do_not_reset_a_conversation_s_limit(stack: Stack) -> None:
    async def probe() -> tuple:
        first = Visitor(stack.socket_url, stack.origin)
        await first.connect()
        token, conversation_id = first.token, first.conversation_id
        await first.close()
        refused = 0
        for _ in range(4):  # 4 sockets x 10 messages, all carrying the same conversation
            visitor = Visitor(stack.socket_url, stack.origin)
            await visitor.connect(token)
            for _ in range(10):
                await visitor.send("ciao")
            replies = await visitor.collect(first_timeout=20, quiet=3)
            refused += sum("velocemente" in (r.get("text") or "") for r in replies)
            await visitor.close()
        return conversation_id, refused

    conversation_id, refused = asyncio.run(probe())
    assert refused >= 15, refused
    # burst 10, 30 a minute: well under the 40 messages sent
    assert len(user_events(stack.tracker(conversation_id))) <= 25


def test_session_requests_are_counted(stack: Stack) -> None:
    async def probe() -> tuple:
        visitor = Visitor(stack.socket_url, stack.origin)
        await visitor.connect(request_session=False)
        confirmed = 0
        for _ in range(30):
            await visitor.client.emit("session_request", {"session_id": None})
        try:
            while True:
                await asyncio.wait_for(visitor._confirm.get(), timeout=3)
                confirmed += 1
        except asyncio.TimeoutError:
            pass
        replies = visitor.drain()
        await visitor.close()
        return confirmed, replies

    confirmed, replies = asyncio.run(probe())
    assert 1 <= confirmed <= 12, confirmed  # 10 a minute per address
    assert any("velocemente" in (r.get("text") or "") for r in replies)
    chat_still_works(stack)


def test_tickets_are_capped_per_client_address(stack: Stack) -> None:
    """Twelve conversations from one address ask for a person: at most ten tickets."""
    opened = 0
    for number in range(12):
        sender = f"probe-ticket-{number}"
        body = {"sender": sender, "message": "voglio parlare con un operatore"}
        status, text = rest(stack, json.dumps(body).encode())
        assert status == 200 and json.loads(text), text  # every customer still gets an answer
        slots = stack.tracker(sender).get("slots") or {}
        opened += bool(slots.get("ticket_ref"))
    assert 1 <= opened <= 10, opened
