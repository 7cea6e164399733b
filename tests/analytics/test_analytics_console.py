"""The console's Statistiche page, CSV and /api/stats (in-process) and the purge.

The events are written by Rasa's own SQLEventBroker into a temporary SQLite file.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml
from aiohttp.test_utils import TestClient, TestServer
from rasa.core.brokers.sql import SQLEventBroker
from rasa_events import DAY, Dialogue

from analytics import store
from escalation import db, purge
from escalation.config import load_config
from escalation.console.app import create_app
from escalation.rasa_client import RasaClient

PASSWORD = "password-di-prova-123"
API_TOKEN = "token-di-sola-lettura-per-i-test"
RANGE = "from=2026-03-10&to=2026-03-10"


def _publish(path: Path, dialogues: list[Dialogue]) -> None:
    broker = SQLEventBroker(dialect="sqlite", db=str(path))
    for dialogue in dialogues:
        for event in dialogue.events:
            broker.publish(event)
    broker.engine.dispose()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    events = tmp_path / "events.sqlite3"
    monkeypatch.setenv("ANALYTICS_DB_URL", f"sqlite:///{events}")
    monkeypatch.setenv("TICKETS_DB_URL", f"sqlite:///{tmp_path / 'tickets.sqlite3'}")
    monkeypatch.setenv("ESCALATION_SETTINGS", str(tmp_path / "escalation.yml"))
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    monkeypatch.setenv("CONSOLE_API_TOKEN", API_TOKEN)
    yield events
    store.dispose()
    db.dispose_engines()


def _seed(events: Path) -> None:
    _publish(events, [
        Dialogue("c-human").user("mi passi un operatore? anna@example.org 3339876543",
                                 "request_human", 0.9).action("action_escalate").listen(),
        Dialogue("c-ok").user("/ask_difference", "ask_difference").action("utter_difference")
        .listen().user("boh", "nlu_fallback", 0.2).action("action_clarify").listen(),
        Dialogue("c-before", start=DAY - 86400).user("/greet", "greet").action("utter_greet"),
    ])


@pytest_asyncio.fixture
async def console(tmp_path: Path) -> AsyncIterator[TestClient]:
    raw: dict[str, Any] = {
        "tickets": {"reference_prefix": "IPT", "retention_days": 30},
        "notifiers": [],
        "console": {"agents": [{"name": "demo", "password_env": "CONSOLE_DEMO_PASSWORD"}]},
    }
    path = tmp_path / "escalation.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    app = create_app(load_config(path), rasa=RasaClient("http://127.0.0.1:9", "x"))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


async def _login(client: TestClient) -> None:
    page = await (await client.get("/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await client.post("/login", data={"csrf_token": token, "username": "demo",
                                                 "password": PASSWORD}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/tickets"


@pytest.mark.asyncio
async def test_api_needs_login_or_token(console: TestClient, isolated: Path) -> None:
    _seed(isolated)
    assert (await console.get(f"/api/stats?{RANGE}")).status == 401
    wrong = {"Authorization": "Bearer sbagliato"}
    assert (await console.get(f"/api/stats?{RANGE}", headers=wrong)).status == 401
    assert (await console.get(f"/statistiche?{RANGE}", allow_redirects=False)).status == 302
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    assert (await console.get(f"/statistiche?{RANGE}", headers=bearer,
                              allow_redirects=False)).status == 302  # the token is API-only
    response = await console.get(f"/api/stats?{RANGE}", headers=bearer)
    assert response.status == 200
    figures = await response.json()
    assert figures["conversations"] == 2 and figures["user_messages"] == 3
    assert figures["handoff_rate"] == 0.5 and figures["fallback_rate"] == 0.333
    assert figures["handoffs_by_reason"]["explicit_request"] == 1
    bad = await console.get("/api/stats?from=10-03-2026", headers=bearer)
    assert bad.status == 400 and "formato AAAA-MM-GG" in (await bad.json())["error"]
    empty = await (await console.get("/api/stats?from=2020-01-01&to=2020-01-02",
                                     headers=bearer)).json()
    assert empty["conversations"] == 0 and empty["containment_rate"] == 0.0


@pytest.mark.asyncio
async def test_api_token_unset_means_login_only(console: TestClient, isolated: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSOLE_API_TOKEN")
    for header in ("Bearer ", f"Bearer {API_TOKEN}"):
        response = await console.get(f"/api/stats?{RANGE}", headers={"Authorization": header})
        assert response.status == 401
    await _login(console)
    assert (await console.get(f"/api/stats?{RANGE}")).status == 200


@pytest.mark.asyncio
async def test_page_chart_and_csv_for_an_agent(console: TestClient, isolated: Path) -> None:
    _seed(isolated)
    await _login(console)
    tickets = await (await console.get("/tickets")).text()
    assert 'href="/statistiche"' in tickets
    response = await console.get("/statistiche?from=2026-03-09&to=2026-03-10")
    page = await response.text()
    assert response.status == 200 and "Statistiche" in page
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "<svg" in page and page.count('class="bar-conversations"') == 2
    assert "2026-03-07 – 2026-03-08" in page  # the previous period beside it
    assert "anna@example.org" not in page and "3339876543" not in page
    csv = await console.get("/statistiche.csv?from=2026-03-09&to=2026-03-10")
    assert csv.status == 200 and csv.headers["Content-Disposition"].startswith("attachment")
    lines = (await csv.text()).splitlines()
    assert lines[1:] == ["2026-03-09,1,1,0,1.0,0.0,0.0,0,0,0,0.0",
                         "2026-03-10,2,3,1,0.5,0.333,0.0,0,0,0,0.0"]
    bad = await console.get("/statistiche?from=ieri")
    assert bad.status == 400 and "formato AAAA-MM-GG" in await bad.text()


def test_purge_removes_old_events(isolated: Path, capsys: pytest.CaptureFixture) -> None:
    now = datetime.now(timezone.utc)
    _publish(isolated, [Dialogue("old", start=(now - timedelta(days=40)).timestamp())
                        .user("/greet", "greet"),
                        Dialogue("new", start=(now - timedelta(days=1)).timestamp())
                        .user("/greet", "greet")])
    assert set(store.load_events()) == {"old", "new"}
    assert purge.main(["--days", "30", "--dry-run"]) == 0
    assert "would delete 4 analytics event(s)" in capsys.readouterr().out
    assert set(store.load_events()) == {"old", "new"}
    assert purge.main(["--days", "30"]) == 0
    assert "deleted 4 analytics event(s) older than 30 day(s)" in capsys.readouterr().out
    assert set(store.load_events()) == {"new"}


# --- "Da insegnare" (NLU inbox) -----------------------------------------------------------------

def _seed_inbox(events: Path) -> None:
    missed = [("nlu_fallback", 0.3), ("ask_mailbox_full", 0.27)]
    _publish(events, [
        Dialogue("c-a").user("la casella mi scoppia, aiuto", "nlu_fallback", 0.3, ranking=missed)
        .action("action_clarify").listen(),
        Dialogue("c-b").user("La casella mi scoppia! aiuto", "nlu_fallback", 0.3, ranking=missed)
        .action("action_clarify").listen()
        .user("uso imap", "inform", 0.97).listen(),
        Dialogue("c-c").user("ciao", "greet", 0.45).action("utter_greet").listen(),  # "ciao" is in data/
    ])


async def _csrf(client: TestClient, path: str) -> tuple[str, str]:
    page = await (await client.get(path)).text()
    return page, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.asyncio
async def test_inbox_groups_confirm_discard_and_export(console: TestClient, isolated: Path,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from analytics import export_inbox, inbox_store

    monkeypatch.setattr(export_inbox, "OUT_DIR", tmp_path / "inbox")
    _seed_inbox(isolated)
    assert (await console.get(f"/da-insegnare?{RANGE}", allow_redirects=False)).status == 302
    await _login(console)
    page, token = await _csrf(console, f"/da-insegnare?{RANGE}")
    assert 'href="/da-insegnare"' in page
    assert page.count('<tr class="group">') == 2  # the two "scoppia" messages are one group
    assert "la casella mi scoppia, aiuto" in page and "ask_mailbox_full (27%)" in page
    assert "uso imap" not in page  # understood with high confidence
    assert "Già presente negli esempi" in page  # "ciao" is a training sentence
    form = {"csrf_token": token, "from": "2026-03-10", "to": "2026-03-10"}
    # Not an intent customers type, a forged key, no CSRF token: all refused, nothing stored.
    for bad in ({"key": "la casella mi scoppia aiuto", "decision": "confirmed", "intent": "rate_helpful"},
                {"key": "testo inventato", "decision": "discarded"}):
        response = await console.post("/da-insegnare", data={**form, **bad}, allow_redirects=False)
        assert response.status == 302 and "msg=inbox_" in response.headers["Location"]
    no_token = {**form, "csrf_token": "x", "key": "ciao", "decision": "discarded"}
    assert (await console.post("/da-insegnare", data=no_token)).status == 403
    assert inbox_store.decisions() == {}
    # Confirm the mailbox group under its intent, discard the greeting.
    confirmed = await console.post("/da-insegnare", allow_redirects=False, data={
        **form, "key": "la casella mi scoppia aiuto", "decision": "confirmed", "intent": "ask_mailbox_full"})
    assert "msg=inbox_confirmed" in confirmed.headers["Location"]
    await console.post("/da-insegnare", data={**form, "key": "ciao", "decision": "discarded"})
    stored = inbox_store.decisions()
    assert stored["la casella mi scoppia aiuto"]["texts"] == ["la casella mi scoppia, aiuto",
                                                               "La casella mi scoppia! aiuto"]
    assert stored["ciao"]["decision"] == "discarded" and stored["ciao"]["reviewer"] == "demo"
    page, token = await _csrf(console, f"/da-insegnare?{RANGE}")
    assert "Confermato come ask_mailbox_full" in page and "Scartato" in page
    # Export: a file under var/inbox (here tmp), never data/; a second export has nothing new.
    exported = await console.post("/da-insegnare/esporta", data={**form, "csrf_token": token},
                                  allow_redirects=False)
    assert "msg=inbox_exported" in exported.headers["Location"]
    (written,) = (tmp_path / "inbox").glob("inbox-*.yml")
    text = written.read_text(encoding="utf-8")
    assert "- intent: ask_mailbox_full" in text and "    - la casella mi scoppia, aiuto" in text
    assert "ciao" not in text.split("nlu:", 1)[1]
    again = await console.post("/da-insegnare/esporta", data={**form, "csrf_token": token},
                               allow_redirects=False)
    assert "msg=inbox_nothing" in again.headers["Location"]


# --- "Conversazioni" ------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_conversations_list_filters_transcript_and_review(console: TestClient,
                                                                isolated: Path) -> None:
    _seed(isolated)
    assert (await console.get(f"/conversazioni?{RANGE}", allow_redirects=False)).status == 302
    await _login(console)

    async def listed(query: str) -> list[str]:
        page = await (await console.get(f"/conversazioni?{RANGE}&{query}")).text()
        return re.findall(r'href="/conversazioni/([0-9a-f]{20})\?', page)

    everything = await listed("")
    assert len(everything) == 2  # c-before started the day before the range
    human, = await listed("handoff=si")
    ok, = await listed("handoff=no")
    assert {human, ok} == set(everything)
    assert await listed("fallback=si") == [ok] and await listed("fallback=no") == [human]
    assert await listed("intent=request_human") == [human]
    assert await listed("satisfaction=positive") == [] and len(await listed("satisfaction=nessuna")) == 2
    assert len(await listed("handoff=forse&satisfaction=<script>&intent=")) == 2  # unknown values: ignored
    page = await (await console.get(f"/conversazioni?{RANGE}")).text()
    assert "anna@example.org" not in page
    # Transcript: masked, with the intent and confidence of each customer message.
    transcript = await (await console.get(f"/conversazioni/{human}?{RANGE}")).text()
    assert "mi passi un operatore? [e-mail] [telefono]" in transcript
    assert "request_human" in transcript and "90%" in transcript
    assert "anna@example.org" not in transcript and "3339876543" not in transcript
    assert (await console.get(f"/conversazioni/{'0' * 20}?{RANGE}")).status == 404
    # Mark "da rivedere" with a note; the filter finds it; a forged token is refused.
    token = re.search(r'name="csrf_token" value="([^"]+)"', transcript).group(1)
    form = {"csrf_token": token, "from": "2026-03-10", "to": "2026-03-10", "da_rivedere": "si",
            "note": "Il cliente voleva <b>subito</b> una persona"}
    saved = await console.post(f"/conversazioni/{human}", data=form, allow_redirects=False)
    assert saved.status == 302 and "msg=review_saved" in saved.headers["Location"]
    assert await listed("da_rivedere=si") == [human]
    again = await (await console.get(f"/conversazioni/{human}?{RANGE}")).text()
    assert "Il cliente voleva &lt;b&gt;subito&lt;/b&gt; una persona" in again  # escaped
    assert "Ultima modifica di demo" in again
    forged = await console.post(f"/conversazioni/{ok}", data={**form, "csrf_token": "x"})
    assert forged.status == 403 and await listed("da_rivedere=si") == [human]
    unflag = {**form, "note": ""}
    unflag.pop("da_rivedere")
    await console.post(f"/conversazioni/{human}", data=unflag)
    assert await listed("da_rivedere=si") == []


def test_a_period_reads_only_its_window_of_events(isolated: Path) -> None:
    """Ids found by binary search bound the rows read; the figures match a full read."""
    from datetime import date

    from analytics import report

    day = 86400
    base = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc).timestamp()
    dialogues = [Dialogue(f"d{n}", start=base + n * day).user("/greet", "greet")
                 .action("utter_greet").listen() for n in range(10)]
    _publish(isolated, dialogues)
    db = store.engine()
    first_of_day_5 = 1 + 5 * len(dialogues[0].events)
    assert store.first_id_from(db, datetime.fromtimestamp(base + 5 * day, timezone.utc)) \
        == first_of_day_5
    assert store.first_id_from(db, datetime.fromtimestamp(base + 11 * day, timezone.utc)) is None
    window = store.load_events(since=datetime.fromtimestamp(base + 4 * day, timezone.utc),
                               until=datetime.fromtimestamp(base + 6 * day, timezone.utc))
    assert sorted(window) == ["d4", "d5"]
    every = [c for sender, events in store.load_events().items()
             for c in report.conversations_of(sender, events)]
    wanted = [c.sender_id for c in every if date(2026, 5, 4) <= c.start.date() <= date(2026, 5, 6)]
    assert [c.sender_id for c in report.load_conversations(date(2026, 5, 4), date(2026, 5, 6))] \
        == wanted == ["d3", "d4", "d5"]


def test_a_session_begun_before_the_window_is_left_out_whole(isolated: Path) -> None:
    from datetime import date

    from analytics import report

    base = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc).timestamp()
    long_one = Dialogue("long", start=base).user("/greet", "greet").listen()
    long_one.clock += 3 * 86400  # the same session, three days later
    long_one.user("/ask_difference", "ask_difference").action("utter_difference").listen()
    _publish(isolated, [long_one, Dialogue("late", start=base + 3 * 86400).user("/greet", "greet")])
    assert [c.sender_id for c in report.load_conversations(date(2026, 5, 4), date(2026, 5, 4))] \
        == ["late"]
