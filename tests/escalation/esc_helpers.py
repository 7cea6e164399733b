"""Helpers shared by the escalation tests: sample data and real HTTP receivers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import threading
import time
from typing import Any, Callable

from aiohttp import web


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SAMPLE_TRANSCRIPT = [
    {"sender": "user", "text": "ciao, non mi arriva la posta sul cell", "time": 1_700_000_000},
    {"sender": "bot", "text": "Usi IMAP o POP3?", "time": 1_700_000_001},
    {"sender": "user", "text": "imap credo, la mia password è pippo123", "time": 1_700_000_010},
    {"sender": "user", "text": "voglio parlare con una persona", "time": 1_700_000_020},
]
SAMPLE_INTENTS = [
    {"name": "ask_sync", "confidence": 0.41},
    {"name": "request_human", "confidence": 0.97},
]
SAMPLE_SLOTS = {"protocol": "imap", "device": "smartphone", "mail_client": "Outlook"}


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def notification_due() -> bool:
    """True when a pending notification's next attempt, or a lease, has come
    (or when nothing is left to deliver: then there is nothing to wait for)."""
    from escalation import db
    from escalation.models import Notification, NotificationStatus, utcnow

    with db.session_scope() as session:
        rows = session.query(Notification).all()
        now = utcnow()
        waiting = [r for r in rows if r.status in (NotificationStatus.PENDING, NotificationStatus.SENDING)]
        return not waiting or any(
            (row.status == NotificationStatus.PENDING and row.next_attempt_at <= now)
            or (row.status == NotificationStatus.SENDING and row.lease_until and row.lease_until < now)
            for row in waiting
        )


def open_sample(**overrides: Any) -> str:
    """Open a ticket with realistic data; keyword arguments override fields."""
    from escalation import service

    data: dict[str, Any] = {
        "conversation_id": "conv-1",
        "reason": "explicit_request",
        "intents": SAMPLE_INTENTS,
        "slots": SAMPLE_SLOTS,
        "transcript": SAMPLE_TRANSCRIPT,
        "page_url": "https://www.example.org/assistenza/posta",
    }
    data.update(overrides)
    return service.open_ticket(**data)


class WebhookReceiver:
    """A real help-desk endpoint on 127.0.0.1, run in its own thread.

    It checks the HMAC-SHA256 signature itself (not with the code under test),
    records every delivery attempt and accepts each idempotency key once.
    ``hold_nth`` makes it keep the n-th distinct delivery open (to kill the
    sender mid-delivery) until ``release()``.
    """

    def __init__(self, secret: str, port: int, hold_nth: int | None = None) -> None:
        self.secret = secret.encode()
        self.port = port
        self.hold_nth = hold_nth
        self.attempts: list[dict[str, Any]] = []
        self.accepted: dict[str, dict[str, Any]] = {}
        self.rejected: list[str] = []
        self.holding = threading.Event()
        self._release = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get("X-Timestamp", "")
        signature = request.headers.get("X-Signature", "")
        key = request.headers.get("X-Idempotency-Key", "")
        expected = (
            "sha256="
            + hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        if not (fresh and hmac.compare_digest(expected, signature)):
            self.rejected.append(key)
            return web.json_response({"error": "bad signature"}, status=401)
        self.attempts.append({"key": key, "body": body, "headers": dict(request.headers)})
        duplicate = key in self.accepted
        if not duplicate:
            self.accepted[key] = await request.json()
        if self.hold_nth is not None and not duplicate and len(self.accepted) == self.hold_nth:
            self.holding.set()
            while not self._release.is_set():
                await asyncio.sleep(0.05)
        return web.json_response({"ok": True, "duplicate": duplicate})

    def start(self) -> WebhookReceiver:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_post("/hook", self._handle)
            self._runner = web.AppRunner(app)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
            loop.run_until_complete(site.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        assert ready.wait(10), "receiver did not start"
        return self

    def release(self) -> None:
        self._release.set()

    def stop(self) -> None:
        self.release()
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)


TOKEN = "rasa-test-token"


class FakeRasaState:
    """What the recording Rasa server knows and received."""

    def __init__(self) -> None:
        self.paused = True
        self.events: list[dict[str, Any]] = []
        self.appended: list[tuple[str, list[dict[str, Any]]]] = []
        self.pushed: list[dict[str, Any]] = []
        self.unauthorised = 0


def rasa_app(state: FakeRasaState) -> web.Application:
    """A small real HTTP server with Rasa's tracker API and the widget endpoint."""

    def authorised(request: web.Request) -> bool:
        ok = request.query.get("token") == TOKEN
        state.unauthorised += not ok
        return ok

    async def tracker(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response(
            {"sender_id": request.match_info["cid"], "paused": state.paused, "events": state.events}
        )

    async def events(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        body = await request.json()
        body = body if isinstance(body, list) else [body]
        state.appended.append((request.match_info["cid"], body))
        for event in body:
            if event["event"] == "resume":
                state.paused = False
            state.events.append(dict(event, timestamp=time.time()))
        return web.json_response({"sender_id": request.match_info["cid"]})

    async def widget(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            state.unauthorised += 1
            return web.json_response({"error": "unauthorised"}, status=401)
        state.pushed.append(await request.json())
        return web.json_response({"delivered": True})

    app = web.Application()
    app.router.add_get("/conversations/{cid}/tracker", tracker)
    app.router.add_post("/conversations/{cid}/tracker/events", events)
    app.router.add_post("/webhooks/widget/agent_message", widget)
    return app
