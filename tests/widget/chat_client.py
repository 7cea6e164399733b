"""A socket.io visitor speaking the rasa-webchat protocol, for the widget tests."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Sequence

import aiohttp
import socketio

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio 4.15's asyncio client builds aiohttp.ClientWSTimeout (aiohttp
    # >= 3.10); rasa 3.6 pins aiohttp 3.9, whose ws_connect takes the close timeout
    # as a plain number. Test-client shim only: the server side is not involved.
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, ws_receive=None: ws_close  # type: ignore[attr-defined]


class Visitor:
    """One browser tab: connects, asks for a session, sends and collects messages."""

    def __init__(self, server_url: str, origin: Optional[str]) -> None:
        self.server_url = server_url
        self.origin = origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.token: Optional[str] = None
        self.replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self._confirm: "asyncio.Queue[Any]" = asyncio.Queue()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot)

    async def _on_confirm(self, data: Any) -> None:
        await self._confirm.put(data)

    async def _on_bot(self, data: Any) -> None:
        await self.replies.put(data)

    @property
    def conversation_id(self) -> str:
        assert self.token
        return self.token.split(".")[0]

    async def connect(
        self,
        session_id: Any = None,
        transports: Sequence[str] = ("websocket",),
        request_session: bool = True,
    ) -> Optional[str]:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.client.connect(
            self.server_url,
            headers=headers,
            transports=list(transports),
            socketio_path="/socket.io",
            wait_timeout=15,
        )
        if request_session:
            return await self.request_session(session_id)
        return None

    async def request_session(self, session_id: Any = None) -> str:
        await self.client.emit("session_request", {"session_id": session_id})
        data = await asyncio.wait_for(self._confirm.get(), timeout=15)
        token = data.get("session_id") if isinstance(data, dict) else data
        assert isinstance(token, str)
        self.token = token
        return token

    async def send(self, text: Any, session_id: Any = "__own__", **extra: Any) -> None:
        payload: Dict[str, Any] = {
            "message": text,
            "session_id": self.token if session_id == "__own__" else session_id,
            "customData": {"language": "it", "page_url": "http://127.0.0.1/test-page?x=1"},
        }
        payload.update(extra)
        await self.client.emit("user_uttered", payload)

    async def collect(self, first_timeout: float = 45.0, quiet: float = 1.5) -> List[Dict[str, Any]]:
        """Messages until none arrived for ``quiet`` seconds (after the first one)."""
        messages: List[Dict[str, Any]] = []
        try:
            messages.append(await asyncio.wait_for(self.replies.get(), timeout=first_timeout))
        except asyncio.TimeoutError:
            return messages
        while True:
            try:
                messages.append(await asyncio.wait_for(self.replies.get(), timeout=quiet))
            except asyncio.TimeoutError:
                return messages

    async def ask(self, text: Any, **kwargs: Any) -> List[Dict[str, Any]]:
        await self.send(text, **kwargs)
        return await self.collect()

    def drain(self) -> List[Dict[str, Any]]:
        items = []
        while not self.replies.empty():
            items.append(self.replies.get_nowait())
        return items

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("text", "") for m in messages if isinstance(m, dict)]


def user_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [e for e in tracker.get("events", []) if e.get("event") == "user"]
