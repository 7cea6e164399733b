"""Agent console against the real app, with a real recording Rasa HTTP server."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from esc_helpers import TOKEN, FakeRasaState, free_port, open_sample, rasa_app

from escalation import agents, service
from escalation.console.app import create_app
from escalation.passwords import hash_password
from escalation.rasa_client import RESUMED_TEXT, RasaClient

pytestmark = pytest.mark.asyncio

PASSWORD = "password-di-prova-123"
HOSTILE = "<script>alert('x')</script> la mia password è pippo123"


@pytest_asyncio.fixture
async def rasa() -> AsyncIterator[tuple[FakeRasaState, TestServer]]:
    state = FakeRasaState()
    server = TestServer(rasa_app(state), host="127.0.0.1")
    await server.start_server()
    yield state, server
    await server.close()


@pytest_asyncio.fixture
async def console(write_config, monkeypatch, rasa) -> AsyncIterator[TestClient]:
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    config = write_config([])
    _state, server = rasa
    client_for_rasa = RasaClient(str(server.make_url("")), TOKEN)
    client = TestClient(TestServer(create_app(config, rasa=client_for_rasa), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


async def _csrf(client: TestClient, path: str) -> str:
    page = await client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', await page.text())
    assert match, "no CSRF token on " + path
    return match.group(1)


async def _login(client: TestClient, user: str = "demo", password: str = PASSWORD) -> Any:
    token = await _csrf(client, "/login")
    return await client.post(
        "/login",
        data={"csrf_token": token, "username": user, "password": password},
        allow_redirects=False,
    )


async def test_pages_need_a_login(console: TestClient) -> None:
    response = await console.get("/tickets", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/login"
    assert (await console.get("/tickets/IPT-AAAAAA/live")).status == 401
    response = await console.post("/tickets/IPT-AAAAAA/claim", data={"csrf_token": "x"})
    assert response.status == 401


async def test_login_sets_a_strict_httponly_cookie(console: TestClient) -> None:
    response = await _login(console)
    assert response.status == 302 and response.headers["Location"] == "/tickets"
    cookie = next(c for c in response.headers.getall("Set-Cookie") if "ipt_console_session" in c)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = await console.get("/tickets")
    assert page.status == 200 and "Operatore: demo" in await page.text()


async def test_wrong_password_and_throttle(console: TestClient) -> None:
    for _ in range(5):
        response = await _login(console, password="sbagliata")
        assert response.headers["Location"] == "/login?msg=login_failed"
    response = await _login(console)  # right password, but too many failures
    assert response.headers["Location"] == "/login?msg=login_blocked"


async def test_login_form_needs_its_csrf_token(console: TestClient) -> None:
    await console.get("/login")
    response = await console.post(
        "/login",
        data={"csrf_token": "forged", "username": "demo", "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/login?msg=expired"


async def test_agent_from_the_database_can_log_in(console: TestClient) -> None:
    agents.save_agent("anna", hash_password("anna-password-1"))
    response = await _login(console, "anna", "anna-password-1")
    assert response.headers["Location"] == "/tickets"


async def test_everything_customer_written_is_escaped(console: TestClient, rasa) -> None:
    state, _server = rasa
    reference = open_sample(
        transcript=[{"sender": "user", "text": HOSTILE, "time": time.time()}],
        slots={"device": "<img src=x onerror=alert(1)>", "protocol": "pop3"},
        page_url="https://example.org/?q=<b>x</b>",
    )
    state.events = [
        {"event": "user", "text": "<b>ancora io</b> pwd: segreta", "timestamp": time.time() + 5}
    ]
    await _login(console)
    listing = await (await console.get("/tickets")).text()
    page_response = await console.get(f"/tickets/{reference}")
    page = await page_response.text()
    for html in (listing, page):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "pippo123" not in page and "segreta" not in page
    assert "&lt;b&gt;ancora io&lt;/b&gt; pwd: ********" in page
    csp = page_response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    live = await (await console.get(f"/tickets/{reference}/live")).json()
    assert live["paused"] is True
    assert live["messages"][0]["text"] == "<b>ancora io</b> pwd: ********"  # shown via textContent


async def test_posts_need_csrf_token_and_same_origin(console: TestClient) -> None:
    reference = open_sample()
    await _login(console)
    url = f"/tickets/{reference}/claim"
    assert (await console.post(url, data={})).status == 403
    assert (await console.post(url, data={"csrf_token": "forged"})).status == 403
    token = await _csrf(console, f"/tickets/{reference}")
    evil = await console.post(
        url, data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status == 403
    assert service.get_ticket(reference)["status"] == "open"
    ok = await console.post(url, data={"csrf_token": token}, allow_redirects=False)
    assert ok.status == 302 and ok.headers["Location"].endswith("?msg=claimed")
    assert service.get_ticket(reference)["claimed_by"] == "demo"


async def test_list_is_newest_first_and_hides_closed(console: TestClient) -> None:
    older, newer, closed = open_sample(), open_sample(), open_sample()
    service.close_ticket(closed, "demo")
    await _login(console)
    html = await (await console.get("/tickets")).text()
    assert html.index(newer) < html.index(older) and closed not in html


async def test_reply_reaches_tracker_widget_and_transcript(console: TestClient, rasa) -> None:
    state, _server = rasa
    reference = open_sample(conversation_id="web-42")
    await _login(console)
    token = await _csrf(console, f"/tickets/{reference}")
    response = await console.post(
        f"/tickets/{reference}/reply",
        data={"csrf_token": token, "text": "Buongiorno, sono Demo del supporto."},
        allow_redirects=False,
    )
    assert response.headers["Location"].endswith("?msg=replied")
    assert state.appended == [
        (
            "web-42",
            [
                {
                    "event": "bot",
                    "text": "Buongiorno, sono Demo del supporto.",
                    "metadata": {"agent": "demo"},
                }
            ],
        )
    ]
    assert state.pushed == [
        {
            "conversation_id": "web-42",
            "text": "Buongiorno, sono Demo del supporto.",
            "agent": "demo",
        }
    ]
    assert state.unauthorised == 0
    ticket = service.get_ticket(reference)
    assert ticket["status"] == "claimed" and ticket["claimed_by"] == "demo"
    assert ticket["transcript"][-1]["sender"] == "agent"
    assert ticket["transcript"][-1]["text"] == "Buongiorno, sono Demo del supporto."
    live = await (await console.get(f"/tickets/{reference}/live")).json()
    assert live["messages"][-1]["sender"] == "agent" and live["messages"][-1]["agent"] == "demo"


async def test_close_resumes_the_bot_and_tells_the_customer(console: TestClient, rasa) -> None:
    state, _server = rasa
    reference = open_sample(conversation_id="web-7")
    state.events = [{"event": "user", "text": "ci siete?", "timestamp": time.time() + 1}]
    await _login(console)
    token = await _csrf(console, f"/tickets/{reference}")
    response = await console.post(
        f"/tickets/{reference}/close", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.headers["Location"] == "/tickets?msg=closed"
    assert [events for _cid, events in state.appended] == [
        [{"event": "resume"}],
        [
            {"event": "bot", "text": RESUMED_TEXT, "metadata": {"resumed_by": "demo"}},
            {"event": "action", "name": "action_listen"},
        ],
    ]
    assert state.paused is False
    assert state.pushed == [{"conversation_id": "web-7", "text": RESUMED_TEXT, "agent": "demo"}]
    ticket = service.get_ticket(reference)
    assert ticket["status"] == "closed"
    assert [line["text"] for line in ticket["transcript"][-2:]] == ["ci siete?", RESUMED_TEXT]


async def test_other_agents_cannot_act_on_a_claimed_ticket(console: TestClient, rasa) -> None:
    state, _server = rasa
    reference = open_sample()
    service.claim_ticket(reference, "anna")
    await _login(console)
    token = await _csrf(console, f"/tickets/{reference}")
    for action in ("reply", "close"):
        response = await console.post(
            f"/tickets/{reference}/{action}",
            data={"csrf_token": token, "text": "ciao"},
            allow_redirects=False,
        )
        assert response.headers["Location"].endswith("?msg=conflict")
    assert state.appended == [] and state.pushed == []


async def test_rasa_down_sends_nothing_and_keeps_the_ticket(write_config, monkeypatch) -> None:
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    config = write_config([])
    down = RasaClient(f"http://127.0.0.1:{free_port()}", TOKEN, timeout_seconds=2)
    client = TestClient(TestServer(create_app(config, rasa=down), host="127.0.0.1"))
    await client.start_server()
    try:
        reference = open_sample()
        await _login(client)
        page = await client.get(f"/tickets/{reference}")
        assert page.status == 200
        live = await (await client.get(f"/tickets/{reference}/live")).json()
        assert live["error"] and live["paused"] is None
        token = await _csrf(client, f"/tickets/{reference}")
        for action in ("reply", "close"):
            response = await client.post(
                f"/tickets/{reference}/{action}",
                data={"csrf_token": token, "text": "ciao"},
                allow_redirects=False,
            )
            assert response.headers["Location"].endswith("?msg=rasa_down")
        ticket = service.get_ticket(reference)
        assert ticket["status"] == "claimed" and ticket["transcript"][-1]["sender"] != "agent"
        response = await client.post(
            f"/tickets/{reference}/close",
            data={"csrf_token": token, "skip_rasa": "1"},
            allow_redirects=False,
        )
        assert response.headers["Location"] == "/tickets?msg=closed_quiet"
        assert service.get_ticket(reference)["status"] == "closed"
    finally:
        await client.close()


async def test_logout_ends_the_session(console: TestClient) -> None:
    await _login(console)
    token = await _csrf(console, "/tickets")
    response = await console.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.headers["Location"] == "/login"
    assert (await console.get("/tickets", allow_redirects=False)).status == 302


async def test_the_console_announces_no_server_versions(console: TestClient) -> None:
    for path in ("/login", "/no-such-page"):
        response = await console.get(path, allow_redirects=False)
        server = response.headers.get("Server", "")
        assert "aiohttp" not in server and "Python" not in server, (path, server)


async def test_spraying_user_names_from_one_address_is_blocked(console: TestClient) -> None:
    for number in range(20):  # per-address limit: 20 failures, whatever the user name
        response = await _login(console, f"nobody{number}", "sbagliata")
        assert response.headers["Location"] == "/login?msg=login_failed"
    response = await _login(console)  # a real account, right password, same address
    assert response.headers["Location"] == "/login?msg=login_blocked"


async def test_an_https_console_sets_secure_cookies(write_config, monkeypatch, rasa) -> None:
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    # secure_cookies left false on purpose: an https console must set Secure anyway
    config = write_config([], console={"public_url": "https://desk.example.org", "secure_cookies": False})
    _state, server = rasa
    client = TestClient(TestServer(create_app(config, rasa=RasaClient(str(server.make_url("")), TOKEN)),
                                   host="127.0.0.1"))
    await client.start_server()
    try:
        page = await client.get("/login")
        cookies = page.headers.getall("Set-Cookie")
        assert cookies and all("Secure" in cookie for cookie in cookies), cookies
    finally:
        await client.close()
