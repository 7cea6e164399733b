"""Socket.io input channel for the website widget (rasa-webchat 1.0.1).

Declared in ``credentials.yml`` as::

    channels.widget.WidgetInput:
      socketio_path: /socket.io      # optional, default shown
      user_message_evt: user_uttered # optional
      bot_message_evt: bot_uttered   # optional
      rate_limit_burst: 10           # optional, messages a conversation may send at once
      rate_limit_per_minute: 30      # optional, sustained rate per conversation
      address_rate_limit_burst: 40   # optional, the same per client address
      address_rate_limit_per_minute: 120
      sessions_per_minute: 10        # optional, new or resumed sessions per address

What it changes compared with Rasa's own ``socketio`` channel:

* rooms are joined with ``await sio.enter_room(...)`` (Rasa 3.6.21 forgets the
  ``await``; with python-socketio >= 5.10 the join silently never happens and
  replies never reach the widget);
* conversation ids are issued and signed by the server (``session_token``):
  the browser's ``session_id`` is accepted only with a valid signature,
  anything else gets a brand-new conversation. The id Rasa uses is taken from
  the socket's server-side session, never from the message the browser sends;
* socket.io CORS allows exactly the site origins of ``settings/provider.yml``
  (``web.allowed_origins``), no pattern, no ``*``;
* visitor text goes through ``channels.sanitize.sanitize_user_text``: no
  control characters, length capped, and a leading "/" only for the allowed
  quick-reply payloads;
* only a sanitised page URL (``metadata["page_url"]``) and language
  (``metadata["language"]``) of the widget's ``customData`` reach Rasa;
* a per-socket rate limit;
* ``POST /webhooks/widget/agent_message`` lets the escalation console (holding
  ``RASA_AUTH_TOKEN``) write into a widget conversation;
* with ``SOCKETIO_REDIS_URL`` set, a Redis client manager lets any Rasa process
  reach any socket (sticky sessions are still needed for HTTP long-polling).

Who can read a conversation
---------------------------
Replies go to the socket.io room named after the conversation id, and a socket
joins that room only through ``session_request`` with a token whose HMAC
signature verifies (or with a fresh token the server just issued to it). The
token is a bearer secret: it lives in the visitor's browser storage and travels
only inside the socket connection (TLS in production); Rasa, the tracker
store, tickets and logs see the bare conversation id, which is refused as a
session id. Several sockets presenting the same genuine token (tabs of the same
browser, or a reload while the old socket is still closing) share the room on
purpose; a visitor without the token cannot join it. A message is always filed
under the conversation bound to its socket, whatever ``session_id`` it names.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

import rasa.core.channels.channel
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

import messages
from channels.agent_message import Refusal, parse_agent_message
from channels.payloads import button_intents
from channels.rate_limit import KeyedLimiter, allow_all, client_address, client_alias
from channels.rest import handle_or_apologise
from channels.sanitize import (
    sanitize_page_url,
    sanitize_user_text,
)
from channels.session_token import SessionSigner
from escalation.masking import mask_secrets
from escalation.payload import conversation_alias

try:
    from sanic_cors.core import SANIC_CORS_EVALUATED as _SANIC_CORS_EVALUATED
except ImportError:  # pragma: no cover - Sanic-CORS ships with rasa 3.6
    _SANIC_CORS_EVALUATED = "_sanic_cors_e"

logger = logging.getLogger(__name__)

AUTH_TOKEN_ENV = "RASA_AUTH_TOKEN"
REDIS_URL_ENV = "SOCKETIO_REDIS_URL"


def _load_settings() -> Any:
    from settings import load_settings

    return load_settings()


class WidgetOutput(SocketIOOutput):
    """Sends bot messages to the room of the conversation."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Send custom JSON as the payload (Rasa passes it as emit() arguments)."""
        await self.sio.emit(self.bot_message_evt, json_message, room=recipient_id)


class _WidgetBlueprint(SocketBlueprint):
    """Socket.io blueprint that owns the CORS decision for its path.

    ``rasa run --cors ...`` applies Sanic-CORS to every route, the socket.io
    one included, while python-engineio adds its own CORS headers: the
    ``Access-Control-Allow-Origin`` header then appears twice and browsers
    refuse the long-polling requests. Requests to the socket.io path are marked
    as already evaluated for Sanic-CORS, so only engineio's exact origin list
    decides there. It also remembers the app, to read the agent's domain.
    """

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.on_register(app)
        path = "/" + self.ctx.socketio_path.strip("/")

        async def leave_cors_to_engineio(request: Request) -> None:
            if request.path == path or request.path.startswith(path + "/"):
                setattr(request.ctx, _SANIC_CORS_EVALUATED, "1")

        app.register_middleware(leave_cors_to_engineio, "request")
        super().register(app, options)


class WidgetInput(SocketIOInput):
    """Socket.io channel of the website widget (see module doc)."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetInput":
        credentials = credentials or {}
        if credentials.get("session_persistence") is False:
            logger.warning(
                "channels.widget.WidgetInput always keeps sessions; "
                "`session_persistence: false` is ignored."
            )
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            namespace=credentials.get("namespace"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=credentials.get("jwt_key"),
            jwt_method=credentials.get("jwt_method", "HS256"),
            metadata_key=credentials.get("metadata_key", "metadata"),
            rate_limit_burst=int(credentials.get("rate_limit_burst", 10)),
            rate_limit_per_minute=float(credentials.get("rate_limit_per_minute", 30)),
            address_rate_limit_burst=int(credentials.get("address_rate_limit_burst", 40)),
            address_rate_limit_per_minute=float(credentials.get("address_rate_limit_per_minute", 120)),
            sessions_per_minute=float(credentials.get("sessions_per_minute", 10)),
        )

    def __init__(
        self,
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        namespace: Optional[Text] = None,
        socketio_path: Optional[Text] = "/socket.io",
        jwt_key: Optional[Text] = None,
        jwt_method: Optional[Text] = "HS256",
        metadata_key: Optional[Text] = "metadata",
        rate_limit_burst: int = 10,
        rate_limit_per_minute: float = 30,
        address_rate_limit_burst: int = 40,
        address_rate_limit_per_minute: float = 120,
        sessions_per_minute: float = 10,
        signer: Optional[SessionSigner] = None,
        settings: Any = None,
    ) -> None:
        super().__init__(
            user_message_evt=user_message_evt,
            bot_message_evt=bot_message_evt,
            namespace=namespace,
            session_persistence=True,
            socketio_path=socketio_path,
            jwt_key=jwt_key,
            jwt_method=jwt_method,
            metadata_key=metadata_key,
        )
        self.settings = settings if settings is not None else _load_settings()
        self.signer = signer or SessionSigner.from_env()
        # Messages per conversation and per client address, new conversations
        # per address: counted across sockets, so a fresh socket is no way round.
        self._per_conversation = KeyedLimiter(rate_limit_burst, rate_limit_per_minute)
        self._per_address = KeyedLimiter(address_rate_limit_burst, address_rate_limit_per_minute)
        self._sessions = KeyedLimiter(max(1, int(sessions_per_minute)), sessions_per_minute)
        self._addresses: Dict[Text, str] = {}
        self._app: Optional[Sanic] = None
        self._max_chars = int(self.settings.max_message_chars)
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None

    # ----------------------------------------------------------------- helpers
    def get_output_channel(self) -> Optional[WidgetOutput]:
        """Output channel used by the HTTP API (``output_channel=latest``)."""
        if self.sio is None:
            return None
        return WidgetOutput(self.sio, self.bot_message_evt)

    def cors_allowed_origins(self) -> Any:
        """Exact list of allowed site origins (same origin only when empty)."""
        origins = [o.rstrip("/") for o in self.settings.allowed_origins if o and o != "*"]
        if not origins:
            logger.warning(
                "web.allowed_origins is empty: the widget socket accepts only pages "
                "served by the Rasa server itself."
            )
            return None  # python-engineio: same origin only ([] would disable CORS)
        return origins

    def allowed_intents(self) -> Set[str]:
        """Intents whose ``/intent`` button payload a visitor may send."""
        return set(button_intents(self._app))

    def message_metadata(self, data: Dict[Text, Any]) -> Dict[Text, Any]:
        """The only metadata taken from the browser: page URL and language."""
        metadata: Dict[Text, Any] = {}
        for source in (data.get("customData"), data.get(self.metadata_key)):
            if isinstance(source, str) and len(source) < 10_000:
                try:
                    source = json.loads(source)
                except ValueError:
                    source = None
            if not isinstance(source, dict):
                continue
            url = sanitize_page_url(source.get("page_url") or source.get("pageUrl"))
            if url and "page_url" not in metadata:
                metadata["page_url"] = url
            language = source.get("language")
            if (
                isinstance(language, str)
                and 2 <= len(language) <= 5
                and language.replace("-", "").isalpha()
                and language.isascii()
                and "language" not in metadata
            ):
                metadata["language"] = language
        return metadata

    async def _bind(self, sid: Text, conversation_id: Text) -> None:
        sio = self.sio
        assert sio is not None
        session = await sio.get_session(sid, namespace=self.namespace)
        previous = session.get("conversation_id")
        if previous and previous != conversation_id:
            await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
        # The fix for rasa 3.6.21: enter_room is a coroutine in python-socketio 5.10+.
        await _maybe_await(sio.enter_room(sid, conversation_id, namespace=self.namespace))
        session["conversation_id"] = conversation_id
        await sio.save_session(sid, session, namespace=self.namespace)

    # --------------------------------------------------------------- blueprint
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io server (handlers below) plus the agent bridge route."""
        client_manager = None
        redis_url = os.environ.get(REDIS_URL_ENV)
        if redis_url:
            import socketio

            client_manager = socketio.AsyncRedisManager(redis_url)
            logger.info("Widget socket.io uses the Redis client manager.")
        self._max_chars = int(self.settings.max_message_chars)
        self._on_new_message = on_new_message
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.cors_allowed_origins(),
            cors_credentials=False,
            client_manager=client_manager,
            max_http_buffer_size=max(100_000, self._max_chars * 16),
        )
        self.sio = sio
        for event, handler in (
            ("connect", self._on_connect),
            ("disconnect", self._on_disconnect),
            ("session_request", self._on_session_request),
            (self.user_message_evt, self._on_user_message),
        ):
            sio.on(event, namespace=self.namespace)(handler)
        bp = _WidgetBlueprint(sio, self.socketio_path, "widget_webhook", __name__)
        bp.ctx.on_register = self._remember_app
        # Sanic marks route handlers with attributes, which bound methods cannot take.
        async def health(request: Request) -> HTTPResponse:
            return await self._health(request)

        async def agent_message(request: Request) -> HTTPResponse:
            return await self._agent_message(request)

        bp.add_route(health, "/", methods=["GET"])
        bp.add_route(agent_message, "/agent_message", methods=["POST"])
        return bp

    def _remember_app(self, app: Sanic) -> None:
        self._app = app

    async def _health(self, _: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    async def _on_connect(self, sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
        if self.jwt_key:
            payload = None
            if isinstance(auth, dict) and auth.get("token"):
                payload = rasa.core.channels.channel.decode_bearer_token(
                    auth.get("token"), self.jwt_key, self.jwt_algorithm
                )
            if not payload:
                return False
        request = environ.get("sanic.request")
        headers = {key[5:].replace("_", "-").lower(): str(value)
                   for key, value in environ.items() if key.startswith("HTTP_")}
        self._addresses[sid] = client_address(
            getattr(request, "ip", None), headers, getattr(self.settings, "trusted_proxy_header", None)
        )
        return True

    async def _on_disconnect(self, sid: Text, *args: Any) -> None:
        self._addresses.pop(sid, None)

    async def _refuse(self, sid: Text) -> None:
        """Tell a visitor over the limit to slow down."""
        assert self.sio is not None
        await self.sio.emit(
            self.bot_message_evt, {"text": messages.text("widget.rate_limited")},
            room=sid, namespace=self.namespace,
        )

    async def _on_session_request(self, sid: Text, data: Any = None) -> None:
        """Confirm the visitor's signed conversation id, or issue a new one."""
        offered = data.get("session_id") if isinstance(data, dict) else None
        if not self._sessions.allow(self._addresses.get(sid, "unknown")):
            await self._refuse(sid)
            return
        conversation_id = self.signer.verify(offered)
        if conversation_id is None:
            if offered:
                logger.info("Widget: refused an unsigned or forged session id, new conversation.")
            token = self.signer.issue()
            conversation_id = self.signer.verify(token)
        else:
            token = offered
        assert conversation_id is not None and self.sio is not None
        await self._bind(sid, conversation_id)
        await self.sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

    async def _on_user_message(self, sid: Text, data: Any = None) -> None:
        """A visitor's message: bound conversation, rate limit, sanitised text, then Rasa."""
        sio = self.sio
        if not isinstance(data, dict) or sio is None:
            return
        session = await sio.get_session(sid, namespace=self.namespace)
        conversation_id = session.get("conversation_id")
        if not conversation_id:
            # Message before session_request: only a genuine token binds.
            conversation_id = self.signer.verify(data.get("session_id"))
            if conversation_id is None:
                logger.info("Widget: message without a confirmed session ignored.")
                return
            await self._bind(sid, conversation_id)
        address = self._addresses.get(sid, "unknown")
        if not allow_all([(self._per_conversation, conversation_id), (self._per_address, address)]):
            await self._refuse(sid)
            return
        text = sanitize_user_text(data.get("message"), self._max_chars, self.allowed_intents())
        # Passwords never reach the tracker store, tickets or notifications.
        text = mask_secrets(text)
        message = UserMessage(
            text,
            WidgetOutput(sio, self.bot_message_evt),
            conversation_id,
            input_channel=self.name(),
            metadata={**self.message_metadata(data), "client": client_alias(address)},
        )

        async def apologise(text: str) -> None:
            # Straight to this socket, not through Redis (which may be the store that is down).
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace,
                           ignore_queue=True)

        await handle_or_apologise(self._on_new_message, message, apologise)

    async def _agent_message(self, request: Request) -> HTTPResponse:
        """``POST /webhooks/widget/agent_message``: a support agent's reply."""
        parsed = parse_agent_message(
            request.body, request.headers.get("Authorization"), os.environ.get(AUTH_TOKEN_ENV, "")
        )
        if isinstance(parsed, Refusal):
            return response.json({"error": parsed.error}, status=parsed.status)
        if self.sio is None:
            return response.json({"error": "socket server not ready"}, status=503)
        await self.sio.emit(
            self.bot_message_evt, {"text": parsed.text}, room=parsed.conversation_id,
            namespace=self.namespace,
        )
        logger.info("Widget: agent %s wrote to conversation %s.", parsed.agent or "?",
                    conversation_alias(parsed.conversation_id))
        return response.json({"status": "sent", "conversation_id": parsed.conversation_id})


async def _maybe_await(result: Any) -> Any:
    if inspect.isawaitable(result):
        return await result
    return result
