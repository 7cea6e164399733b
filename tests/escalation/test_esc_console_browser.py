"""The console in a real headless Chromium: login, live updates, no script injection.

Skipped when Chromium is not installed (Debian package ``chromium``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from esc_helpers import TOKEN, FakeRasaState, free_port, open_sample, rasa_app

from escalation.console.app import create_app
from escalation.rasa_client import RasaClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "browser-test-password"
HOSTILE = '<img src=x onerror="window.__xss=1"> la mia password è pippo123'

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


class Page:
    """Minimal Chrome DevTools Protocol client for one tab."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.socket.send_json({"id": call_id, "method": method, "params": params})
        while True:
            message = json.loads((await self.socket.receive(timeout=30)).data)
            if message.get("id") == call_id:
                assert "error" not in message, message
                return message.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, seconds: float = 20) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        raise AssertionError(f"timed out waiting for {expression}")


async def _serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def test_live_view_in_a_real_browser(write_config, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONSOLE_DEMO_PASSWORD", PASSWORD)
    state = FakeRasaState()
    rasa_port, console_port, debug_port = free_port(), free_port(), free_port()
    config = write_config([], console={"refresh_seconds": 1})
    rasa_runner = await _serve(rasa_app(state), rasa_port)
    client = RasaClient(f"http://127.0.0.1:{rasa_port}", TOKEN)
    console_runner = await _serve(create_app(config, rasa=client), console_port)
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--remote-debugging-port={debug_port}",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{console_port}"
    try:
        reference = open_sample(conversation_id="browser-1")
        async with aiohttp.ClientSession() as http:
            targets: list[dict[str, Any]] = []
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{debug_port}/json/list") as response:
                        targets = [t for t in await response.json() if t["type"] == "page"]
                    if targets:
                        break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            assert targets, "chromium did not start"
            async with http.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                await page.call("Page.navigate", url=f"{base}/login")
                await page.wait_for("document.querySelector('input[name=username]') !== null")
                await page.evaluate(
                    "document.querySelector('input[name=username]').value = 'demo';"
                    f"document.querySelector('input[name=password]').value = '{PASSWORD}';"
                    "document.querySelector('form').submit(); true"
                )
                await page.wait_for("location.pathname === '/tickets'")
                assert reference in await page.evaluate("document.body.innerText")

                await page.call("Page.navigate", url=f"{base}/tickets/{reference}")
                await page.wait_for("document.getElementById('live') !== null")
                await page.wait_for(
                    "document.getElementById('live-status').innerText.includes('in pausa')"
                )
                state.events.append({"event": "user", "text": HOSTILE, "timestamp": time.time()})
                text = await page.wait_for(
                    "document.getElementById('live').innerText.includes('onerror') && "
                    "document.getElementById('live').innerText"
                )
                assert "la mia password è ********" in text and "pippo123" not in text
                assert await page.evaluate("document.querySelectorAll('#live img').length") == 0
                assert await page.evaluate("window.__xss === undefined")
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        await console_runner.cleanup()
        await rasa_runner.cleanup()
        await client.close()
