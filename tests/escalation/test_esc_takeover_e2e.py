"""Live takeover end to end, with every real part running.

A visitor chats over socket.io with the real Rasa server and action server,
asks for a person during office hours and the bot pauses; an agent logs into the
real console (HTTP), claims the ticket and replies: the reply reaches the
visitor's socket at once and lands in the transcript; a message the visitor
writes meanwhile shows up in the console; the agent closes the ticket, the bot
asks once whether the help was useful (the 👍 is stored) and answers again.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from tests.support.stack import ROOT, free_port, stack_or_skip
from tests.widget.chat_client import Visitor, texts

OPEN_SETTINGS = ROOT / "tests" / "settings" / "provider.open.yml"
PASSWORD = "una-password-di-prova-lunga"

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def takeover_stack(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("takeover")
    db_url = f"sqlite:///{tmp / 'tickets.sqlite3'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("PROVIDER_SETTINGS", str(OPEN_SETTINGS))
    stack = stack_or_skip(tmp, extra_env={"TICKETS_DB_URL": db_url})
    mp.undo()
    port = free_port()
    env = dict(stack.env, TICKETS_DB_URL=db_url, CONSOLE_PORT=str(port),
               RASA_URL=stack.rasa_url, RASA_AUTH_TOKEN=stack.auth_token,
               CONSOLE_DEMO_PASSWORD=PASSWORD)
    log = open(tmp / "console.log", "w")
    console = subprocess.Popen([sys.executable, "-m", "escalation.console", "--port", str(port)],
                               cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if time.time() > deadline or console.poll() is not None:
                console.kill()
                stack.stop()
                pytest.fail("console did not start:\n" + Path(tmp / "console.log").read_text())
            time.sleep(0.5)
    yield stack, url
    console.terminate()
    console.wait(10)
    stack.stop()


async def _login(session: aiohttp.ClientSession, url: str) -> None:
    page = await (await session.get(f"{url}/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await session.post(f"{url}/login", headers={"Origin": url},
                                  data={"csrf_token": token, "username": "demo", "password": PASSWORD})
    assert response.status == 200 and "/tickets" in str(response.url), await response.text()


async def _post(session: aiohttp.ClientSession, url: str, path: str, **fields: str) -> str:
    page = await (await session.get(f"{url}/tickets/{fields.pop('reference')}")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await session.post(f"{url}{path}", headers={"Origin": url},
                                  data={"csrf_token": token, **fields})
    assert response.status == 200, await response.text()
    return await response.text()


def test_escalate_agent_replies_in_widget_then_bot_resumes(takeover_stack):
    stack, console_url = takeover_stack

    async def scenario() -> None:
        visitor = Visitor(stack.rasa_url, stack.origin)
        await visitor.connect()
        try:
            replies = texts(await visitor.ask("voglio parlare con un operatore"))
            joined = " ".join(replies)
            reference = re.search(r"IPT-[A-Z0-9]{6}", joined).group(0)
            assert "operatore" in joined and "a breve" in joined

            # Paused: the bot stays silent, the message is recorded.
            assert texts(await visitor.ask("ci siete? ho un problema con outlook", )) == []

            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as agent:
                await _login(agent, console_url)
                listing = await (await agent.get(f"{console_url}/tickets")).text()
                assert reference in listing
                await _post(agent, console_url, f"/tickets/{reference}/claim", reference=reference)
                page = await (await agent.get(f"{console_url}/tickets/{reference}/live")).text()
                assert "ho un problema con outlook" in page

                await _post(agent, console_url, f"/tickets/{reference}/reply", reference=reference,
                            text="Buongiorno, sono Anna dell'assistenza: come posso aiutarla?")
                pushed = texts(await visitor.collect(first_timeout=15))
                assert any("sono Anna" in t for t in pushed), pushed

                await _post(agent, console_url, f"/tickets/{reference}/close", reference=reference)
                closing = await visitor.collect(first_timeout=15)
                resumed = texts(closing)
                assert resumed, "the customer is told the assistant is back"

            # Then, once, the satisfaction question about the help received, with its buttons.
            assert any("utile" in t for t in resumed), resumed
            buttons = [reply.get("payload") for message in closing
                       for reply in message.get("quick_replies") or []]
            assert buttons == ["/rate_helpful", "/rate_not_helpful"], closing
            tracker = stack.tracker(visitor.conversation_id)
            bot_lines = [e.get("text") for e in tracker["events"] if e.get("event") == "bot"]
            assert any("sono Anna" in (t or "") for t in bot_lines)
            asked = [e for e in tracker["events"] if e.get("event") == "bot"
                     and (e.get("metadata") or {}).get("utter_action") == "utter_ask_satisfaction_agent"]
            assert len(asked) == 1 and tracker["slots"]["satisfaction_asked"] is True
            last = tracker["events"][-1]
            assert (last["event"], last.get("name")) == ("action", "action_listen")

            thanked = texts(await visitor.ask("/rate_helpful"))
            assert thanked and stack.tracker(visitor.conversation_id)["slots"]["satisfaction"] == "positive"

            # The assistant answers again.
            after = texts(await visitor.ask("quanto costa usare imap?"))
            assert any("cost" in t.lower() for t in after), after
        finally:
            await visitor.close()

    asyncio.run(scenario())
