"""The Rasa HTTP calls the console makes, in one place.

- read a tracker: ``GET /conversations/{id}/tracker?token=...``
- append events: ``POST /conversations/{id}/tracker/events?token=...``
- run one action: ``POST /conversations/{id}/execute?output_channel=latest``
  (its messages go to the channel the customer wrote from; the widget's
  output reaches the conversation's socket.io room);
- push to the widget: ``POST /webhooks/widget/agent_message`` with
  ``Authorization: Bearer <token>`` and ``{"conversation_id", "text", "agent"}``;
  the widget channel emits it to the socket.io room of that conversation (with
  a Redis client manager, any Rasa process can reach the customer's socket).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

import messages

WIDGET_PATH = "/webhooks/widget/agent_message"
RESUMED_TEXT = messages.text("takeover.agent_closed")
SATISFACTION_ACTION = "action_ask_satisfaction"


class RasaError(RuntimeError):
    """The Rasa server did not accept a call (or could not be reached)."""


class RasaClient:
    """Async client for the Rasa server HTTP API and the widget channel."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        session: aiohttp.ClientSession | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()

    def _params(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    def _conversation_url(self, conversation_id: str, suffix: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{suffix}"

    async def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        client = await self._client()
        try:
            async with client.request(method, url, timeout=self._timeout, **kwargs) as response:
                if response.status >= 300:
                    detail = (await response.text())[:200]
                    raise RasaError(
                        f"{method} {url.split('?')[0]}: HTTP {response.status} {detail}"
                    )
                if response.content_type == "application/json":
                    return await response.json()
                return await response.text()
        except aiohttp.ClientError as error:
            raise RasaError(f"{method} {url.split('?')[0]}: {error}") from error
        except asyncio.TimeoutError as error:
            raise RasaError(f"{method} {url.split('?')[0]}: timeout") from error

    async def get_tracker(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's tracker (events since the last restart)."""
        url = self._conversation_url(conversation_id, "tracker")
        return await self._request("GET", url, params=self._params())

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the tracker (no side effects executed)."""
        url = self._conversation_url(conversation_id, "tracker/events")
        await self._request("POST", url, params=self._params(), json=events)

    async def push_to_widget(self, conversation_id: str, text: str, agent: str) -> None:
        """Deliver a message to the customer's open widget through the channel."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {"conversation_id": conversation_id, "text": text, "agent": agent}
        await self._request("POST", self.base_url + WIDGET_PATH, headers=headers, json=body)

    async def resume_bot(self, conversation_id: str, agent: str, text: str = RESUMED_TEXT) -> None:
        """Resume the bot, tell the customer in the tracker and in the widget."""
        await self.append_events(conversation_id, [{"event": "resume"}])
        # The trailing action_listen tells the policies that the next user
        # message starts a fresh turn (the pause came in the middle of one).
        await self.append_events(
            conversation_id,
            [
                {"event": "bot", "text": text, "metadata": {"resumed_by": agent}},
                {"event": "action", "name": "action_listen"},
            ],
        )
        await self.push_to_widget(conversation_id, text, agent)

    async def ask_satisfaction(self, conversation_id: str) -> None:
        """Run ``action_ask_satisfaction`` as if the bot had chosen it, then listen.

        The action decides (never twice, never in a form); its question and
        buttons reach the customer on the channel they last wrote from, and
        its events reach the event broker like any other turn's. Rasa 3.6
        marks this endpoint deprecated in favour of external intents; those
        would record a customer message that the customer never wrote.
        """
        url = self._conversation_url(conversation_id, "execute")
        params = dict(self._params(), output_channel="latest")
        await self._request("POST", url, params=params, json={"name": SATISFACTION_ACTION})
        await self.append_events(conversation_id, [{"event": "action", "name": "action_listen"}])
