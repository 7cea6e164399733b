"""Seeded figures end to end: real Rasa (the event broker of endpoints.yml), action server and console.

Six conversations go through the REST channel with the desk CLOSED
(tests/settings/provider.closed.yml: a handoff opens a ticket and offers a
call-back). Button payloads ("/intent") keep the NLU out of the figures,
except the contact messages typed in the call-back form.

By hand (all started today, UTC):
- c-human:  /request_human, /affirm, e-mail           3 msgs, handoff explicit_request
- c-lost:   /nlu_fallback (clarify), /nlu_fallback (offer a person), /affirm (escalate),
            /affirm, phone                            5 msgs, 2 fallbacks, repeated_misunderstanding
- c-imap:   recommendation form to the end -> imap   5 msgs
- c-pop3:   recommendation form to the end -> pop3   5 msgs
- c-left:   /ask_recommendation, /choose_many_devices, then silence: abandoned
- c-once:   /nlu_fallback (clarify)                   1 msg, 1 fallback
- c-down:   /ask_difference, "ciao ciao" (goodbye, the question), /rate_not_helpful,
            /rate_unclear                             4 msgs, 👎
- widget:   /ask_difference, "grazie mille" (thanks with the question), /rate_helpful,
            through the widget's socket.io client     3 msgs, 👍
conversations 8, user_messages 28, containment 6/8, handoff 2/8, fallback 3/28,
satisfaction 2 answers, 1/2 👍, avg_turns 28/8 = 3.5, abandonment 1/8.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.stack import ROOT, free_port, stack_or_skip

pytestmark = pytest.mark.stack

API_TOKEN = "analytics-stack-test-token"
PASSWORD = "una-password-di-prova-lunga"
EMAIL = "mario.rossi@example.org"
PHONE = "333 987 6543"
CONVERSATIONS = {
    "c-human": ["/request_human", "/affirm", EMAIL],
    "c-lost": ["/nlu_fallback", "/nlu_fallback", "/affirm", "/affirm", PHONE],
    "c-imap": ["/ask_recommendation", "/choose_many_devices", "/deny", "/choose_server", "/affirm"],
    "c-pop3": ["/ask_recommendation", "/choose_one_device", "/affirm", "/choose_device", "/deny"],
    "c-left": ["/ask_recommendation", "/choose_many_devices"],
    "c-once": ["/nlu_fallback"],
    "c-down": ["/ask_difference", "ciao ciao", "/rate_not_helpful", "/rate_unclear"],
}
WIDGET_TURNS = ["/ask_difference", "grazie mille", "/rate_helpful"]
#: The event broker as endpoints.yml deploys it (Rasa's SQLEventBroker, batched per turn).
DEPLOYED_BROKER = yaml.safe_load((ROOT / "endpoints.yml").read_text())["event_broker"]


async def _widget_conversation(stack: Any) -> list[list[str]]:
    """The widget conversation, as a visitor's browser would hold it (socket.io)."""
    from tests.widget.chat_client import Visitor, texts

    visitor = Visitor(stack.socket_url, stack.origin)
    await visitor.connect()
    try:
        return [texts(await visitor.ask(text)) for text in WIDGET_TURNS]
    finally:
        await visitor.client.disconnect()


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("console did not start:\n" + log.read_text())
            time.sleep(0.5)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("analytics")
    events_db = tmp / "events.sqlite3"
    tickets_url = f"sqlite:///{tmp / 'tickets.sqlite3'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("PROVIDER_SETTINGS", str(ROOT / "tests" / "settings" / "provider.closed.yml"))
    stack = stack_or_skip(
        tmp,
        with_webapp=False,
        extra_env={"TICKETS_DB_URL": tickets_url},
        endpoints_extra={"event_broker": {**DEPLOYED_BROKER, "dialect": "sqlite", "db": str(events_db)}},
    )
    mp.undo()
    replies: dict[str, list[list[dict]]] = {}
    console = None
    try:
        for sender, messages in CONVERSATIONS.items():
            for text in messages:
                body = json.dumps({"sender": sender, "message": text}).encode()
                request = urllib.request.Request(
                    f"{stack.rasa_url}/webhooks/rest/webhook", data=body, method="POST",
                    headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=120) as response:
                    replies.setdefault(sender, []).append(json.loads(response.read()))
        replies["widget"] = asyncio.run(_widget_conversation(stack))
        port = free_port()
        env = dict(stack.env, TICKETS_DB_URL=tickets_url, ANALYTICS_DB_URL=f"sqlite:///{events_db}",
                   CONSOLE_PORT=str(port), CONSOLE_API_TOKEN=API_TOKEN, CONSOLE_DEMO_PASSWORD=PASSWORD,
                   RASA_URL=stack.rasa_url, RASA_AUTH_TOKEN=stack.auth_token)
        log = tmp / "console.log"
        with open(log, "w") as out:
            console = subprocess.Popen(
                [sys.executable, "-m", "escalation.console", "--port", str(port)],
                cwd=str(ROOT), env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        _wait(f"{url}/healthz", console, log)
        yield {"url": url, "events_db": events_db, "replies": replies, "stack": stack}
    finally:
        if console is not None:
            console.terminate()
            console.wait(10)
        stack.stop()


def _get(url: str, token: str | None = API_TOKEN) -> tuple[int, str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def test_seeded_figures_from_the_real_feed(seeded: Any) -> None:
    today = datetime.now(timezone.utc).date().isoformat()
    status, body, _ = _get(f"{seeded['url']}/api/stats?from={today}&to={today}")
    assert status == 200, body
    figures = json.loads(body)
    intents = {item["intent"]: item["count"] for item in figures.pop("top_intents")}
    assert figures == {
        "conversations": 8,
        "user_messages": 28,
        "containment_rate": 0.75,
        "handoff_rate": 0.25,
        "handoffs_by_reason": {"explicit_request": 1, "low_confidence": 0,
                               "repeated_misunderstanding": 1, "account_topic": 0},
        "fallback_rate": 0.107,
        "satisfaction": {"answers": 2, "positive_share": 0.5},
        "recommendations": {"imap": 1, "pop3": 1},
        "avg_turns": 3.5,
        "abandonment_rate": 0.125,
    }
    # 24 button payloads; the 2 typed contacts, the thanks and the goodbye get whatever
    # intent the NLU predicts, asked here of the same server. Top 10 cuts some intents seen once.
    payloads = Counter({"affirm": 5, "ask_recommendation": 3, "nlu_fallback": 3, "choose_many_devices": 2,
                        "deny": 2, "ask_difference": 2})
    typed = Counter(seeded["stack"].api("POST", "/model/parse", {"text": text})["intent"]["name"]
                    for text in (EMAIL, PHONE, "ciao ciao", "grazie mille"))
    expected = payloads + typed
    assert {name: intents.get(name) for name in payloads} == {name: expected[name] for name in payloads}
    assert len(intents) == 10 and sum(intents.values()) <= 28

    # The widget visitor saw the question once, with the thanks, and the answer to the 👍.
    thanks, rated = seeded["replies"]["widget"][1:]
    assert any("ti sono stato utile" in t.lower() for t in thanks), thanks
    assert any("mi fa piacere" in t for t in rated), rated

    status, body, _ = _get(f"{seeded['url']}/api/stats?from=2026-13-01")
    assert status == 400 and "AAAA-MM-GG" in json.loads(body)["error"]
    assert _get(f"{seeded['url']}/api/stats?from={today}&to={today}", token=None)[0] == 401


def _agent(url: str) -> urllib.request.OpenerDirector:
    """An opener logged into the console as the demo agent."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{url}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "username": "demo", "password": PASSWORD})
    request = urllib.request.Request(f"{url}/login", data=form.encode(), headers={"Origin": url})
    with opener.open(request, timeout=30) as response:
        assert response.url.endswith("/tickets"), response.url
    return opener


def test_page_csv_and_masking(seeded: Any) -> None:
    url = seeded["url"]
    today = datetime.now(timezone.utc).date().isoformat()
    agent = _agent(url)
    with agent.open(f"{url}/statistiche.csv?from={today}&to={today}", timeout=30) as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
        csv = response.read().decode()
    assert csv.splitlines()[1:] == [f"{today},8,28,2,0.75,0.107,0.125,1,1,2,0.5"]
    with agent.open(f"{url}/statistiche?from={today}&to={today}", timeout=30) as response:
        page = response.read().decode()
    assert "<svg" in page and 'class="bar-conversations"' in page
    for text in (csv, page):
        assert EMAIL not in text and PHONE not in text and "3339876543" not in text
    # The raw feed does hold what the customer typed ...
    raw = seeded["events_db"].read_bytes().decode("utf-8", "replace")
    assert EMAIL in raw
    # ... the analytics never hand it out.
    import os

    os.environ["ANALYTICS_DB_URL"] = f"sqlite:///{seeded['events_db']}"
    try:
        from analytics import report, store
        from analytics.export import daily_csv
        from analytics.stats import daily_rows

        day = datetime.now(timezone.utc).date()
        conversations = report.load_conversations(day, day, with_tickets=False)
        texts = " ".join(m.text for c in conversations for m in c.messages)
        assert "[e-mail]" in texts and "[telefono]" in texts
        assert EMAIL not in texts and PHONE not in texts and "3339876543" not in texts
        csv = daily_csv(daily_rows(conversations, day, day))
        assert csv.splitlines()[1] == f"{today},8,28,2,0.75,0.107,0.125,1,1,2,0.5"
    finally:
        os.environ.pop("ANALYTICS_DB_URL", None)
        store.dispose()
    status, body, _ = _get(f"{seeded['url']}/api/stats?from={today}&to={today}")
    assert EMAIL not in body and "987" not in body
