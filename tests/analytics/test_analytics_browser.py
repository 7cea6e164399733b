"""The analytics pages in a real headless Chromium (Playwright): login, every page, screenshots.

Events are written by Rasa's own SQLEventBroker into a temporary SQLite file;
the console runs in-process on a real port. Screenshots go to
``results/screenshots/`` (kept for a reviewer; the directory is not tracked).
Skipped when Chromium is not installed (Debian package ``chromium``).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from rasa.core.brokers.sql import SQLEventBroker
from rasa_events import DAY, Dialogue

from analytics import store
from escalation import db
from escalation.config import load_config
from escalation.console.app import create_app
from escalation.rasa_client import RasaClient
from tests.support.stack import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
playwright_api = pytest.importorskip("playwright.async_api")
PASSWORD = "browser-analytics-password"
SHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"
RANGE = "from=2026-03-09&to=2026-03-11"

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


def _seed(events: Path) -> None:
    missed = [("nlu_fallback", 0.3), ("ask_mailbox_full", 0.28)]
    dialogues = [
        Dialogue("b-up").user("/ask_difference", "ask_difference").action("utter_difference").listen()
        .user("grazie mille", "thank", 0.98).action("action_welcome").listen()
        .user("/rate_helpful", "rate_helpful").slot("satisfaction", "positive").listen(),
        Dialogue("b-human").user("voglio un operatore, scrivete a anna@example.org", "request_human", 0.93)
        .action("action_escalate").listen(),
        Dialogue("b-lost", start=DAY + 86400).user("la casella mi scoppia", "nlu_fallback", 0.3,
                                                   ranking=missed).action("action_clarify").listen(),
        Dialogue("b-lost2", start=DAY + 86400).user("la casella mi scoppia!!", "nlu_fallback", 0.3,
                                                    ranking=missed).action("action_clarify").listen(),
        Dialogue("b-before", start=DAY - 86400).user("/ask_offline", "ask_offline").listen(),
    ]
    broker = SQLEventBroker(dialect="sqlite", db=str(events))
    for dialogue in dialogues:
        for event in dialogue.events:
            broker.publish(event)
    broker.engine.dispose()


def _drawn_pixels(png: bytes) -> int:
    """Pixels that differ from the image's most common colour (the background)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[0] if colours else 0
    return image.width * image.height - background


async def test_every_analytics_page_in_chromium(tmp_path: Path, monkeypatch: Any) -> None:
    events = tmp_path / "events.sqlite3"
    monkeypatch.setenv("ANALYTICS_DB_URL", f"sqlite:///{events}")
    monkeypatch.setenv("TICKETS_DB_URL", f"sqlite:///{tmp_path / 'tickets.sqlite3'}")
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    _seed(events)
    settings = tmp_path / "escalation.yml"
    settings.write_text(yaml.safe_dump({
        "tickets": {"reference_prefix": "IPT", "retention_days": 30}, "notifiers": [],
        "console": {"agents": [{"name": "demo", "password_env": "CONSOLE_DEMO_PASSWORD"}]}}),
        encoding="utf-8")
    port = free_port()
    client = RasaClient("http://127.0.0.1:9", "x")
    runner = web.AppRunner(create_app(load_config(settings), rasa=client))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    playwright = await playwright_api.async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                               args=CHROMIUM_ARGS)
    outside: list[str] = []
    try:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        await page.goto(f"{base}/login")
        await page.fill("input[name=username]", "demo")
        await page.fill("input[name=password]", PASSWORD)
        async with page.expect_navigation():
            await page.click("form [type=submit]")

        # Statistiche: the chart has drawn bars for the days with conversations.
        await page.goto(f"{base}/statistiche?{RANGE}")
        await page.screenshot(path=str(SHOTS / "statistiche.png"), full_page=True)
        heights = await page.eval_on_selector_all(
            "figure.chart svg .bar-conversations", "bars => bars.map(b => b.getBBox().height)")
        # 1, 2 and 2 conversations on the three days: bars drawn in that proportion.
        assert len(heights) == 3 and heights[0] > 0, heights
        assert abs(heights[1] - 2 * heights[0]) < 2 and heights[1] == heights[2], heights
        chart = await page.locator("figure.chart svg").screenshot(path=str(SHOTS / "chart.png"))
        assert _drawn_pixels(chart) > 500
        body = await page.inner_text("body")
        assert "100% su 1" in body and "anna@example.org" not in body  # one 👍 of one answer

        # Conversazioni: the list, then a transcript with confidences, masked.
        await page.goto(f"{base}/conversazioni?{RANGE}")
        await page.screenshot(path=str(SHOTS / "conversazioni.png"), full_page=True)
        assert await page.locator("table.conversations tbody tr").count() == 5
        await page.goto(f"{base}/conversazioni?{RANGE}&handoff=si")
        async with page.expect_navigation():
            await page.click("table.conversations tbody tr a")
        await page.screenshot(path=str(SHOTS / "conversazione.png"), full_page=True)
        transcript = await page.inner_text("table.transcript")
        assert "[e-mail]" in transcript and "93%" in transcript and "anna@example.org" not in transcript

        # Da insegnare: the two "scoppia" messages are one group with the model's guess.
        await page.goto(f"{base}/da-insegnare?{RANGE}")
        await page.screenshot(path=str(SHOTS / "da-insegnare.png"), full_page=True)
        groups = page.locator("table.inbox tr.group")
        assert await groups.count() == 1
        assert "ask_mailbox_full (28%)" in await groups.first.inner_text()
        async with page.expect_navigation():
            await groups.first.locator("button[value=confirmed]").click()
        assert "Confermato come ask_mailbox_full" in await page.inner_text("table.inbox")
        assert outside == []  # no request leaves the console
    finally:
        await browser.close()
        await playwright.stop()
        await runner.cleanup()
        await client.close()
        store.dispose()
        db.dispose_engines()
