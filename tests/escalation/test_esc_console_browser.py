"""The console in a real headless Chromium driven by Playwright: login, live updates, no script injection.

Skipped when Chromium is not installed (Debian package ``chromium``).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from aiohttp import web
from esc_helpers import TOKEN, FakeRasaState, free_port, open_sample, rasa_app

from escalation.console.app import create_app
from escalation.rasa_client import RasaClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
playwright_api = pytest.importorskip("playwright.async_api")
async_playwright, expect = playwright_api.async_playwright, playwright_api.expect
PASSWORD = "browser-test-password"
HOSTILE = '<img src=x onerror="window.__xss=1"> la mia password è pippo123'

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


async def _serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def test_live_view_in_a_real_browser(write_config, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    state = FakeRasaState()
    rasa_port, console_port = free_port(), free_port()
    config = write_config([], console={"refresh_seconds": 1})
    rasa_runner = await _serve(rasa_app(state), rasa_port)
    client = RasaClient(f"http://127.0.0.1:{rasa_port}", TOKEN)
    console_runner = await _serve(create_app(config, rasa=client), console_port)
    base = f"http://127.0.0.1:{console_port}"
    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                               args=CHROMIUM_ARGS)
    try:
        reference = open_sample(conversation_id="browser-1")
        page = await browser.new_page()
        await page.goto(f"{base}/login")
        await page.fill("input[name=username]", "demo")
        await page.fill("input[name=password]", PASSWORD)
        async with page.expect_navigation():
            await page.click("form [type=submit]")
        await page.wait_for_url(f"{base}/tickets**")
        assert reference in await page.inner_text("body")

        await page.goto(f"{base}/tickets/{reference}")
        live, status = page.locator("#live"), page.locator("#live-status")
        await expect(status).to_contain_text("in pausa", timeout=20_000)
        state.events.append({"event": "user", "text": HOSTILE, "timestamp": time.time()})
        await expect(live).to_contain_text("onerror", timeout=20_000)  # shown as text
        text = await live.inner_text()
        assert "la mia password è ********" in text and "pippo123" not in text
        assert await page.locator("#live img").count() == 0
        assert await page.evaluate("window.__xss === undefined")
    finally:
        await browser.close()
        await playwright.stop()
        await console_runner.cleanup()
        await rasa_runner.cleanup()
        await client.close()
