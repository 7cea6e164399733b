"""REST channel that sanitises user text like the website widget does.

It is the internal channel (benchmark, operators' scripts, evaluation
harnesses). It cannot reach the widget's conversations: their ids are in the
widget's namespace (``web-…``), which is refused here with every other
missing or malformed sender.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

import messages
from channels.payloads import button_intents
from channels.rate_limit import KeyedLimiter, allow_all, client_address, client_alias
from channels.sanitize import sanitize_user_text
from channels.session_token import WIDGET_PREFIX
from escalation.masking import mask_secrets
from escalation.payload import conversation_alias
from settings import load_settings

#: Letters, digits and a few separators: ids, e-mail addresses, "test 12" (no markup, no controls).
SENDER = re.compile(r"\w[\w .:@+=-]{0,99}")


TOKEN_ENV = "REST_CHANNEL_TOKEN"
logger = logging.getLogger(__name__)


def store_errors() -> Tuple[type, ...]:
    """Exceptions that mean "a shared store is down" (tracker store, lock store), not a bug."""
    from rasa.core.lock_store import LockError
    from rasa.shared.exceptions import ConnectionException
    from redis.exceptions import RedisError
    from sqlalchemy.exc import SQLAlchemyError

    return (LockError, ConnectionException, RedisError, SQLAlchemyError)


async def handle_or_apologise(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
    apologise: Callable[[str], Awaitable[Any]],
) -> None:
    """Hand ``message`` to Rasa; if a store is down, log it and ``apologise`` (the process lives on)."""
    try:
        await on_new_message(message)
    except store_errors() as error:
        logger.error("Store unavailable, conversation %s not handled: %s: %s",
                     conversation_alias(message.sender_id or ""), type(error).__name__, error)
        await apologise(messages.text("widget.store_unavailable"))


def access_problem(
    peer: Optional[str], authorization: Optional[str], token: str
) -> Optional[Tuple[int, str]]:
    """Why a caller may not use the REST channel (status, reason), or None.

    With ``REST_CHANNEL_TOKEN`` set, every call needs ``Authorization: Bearer
    <token>``; without it, only callers on this machine (loopback) may use it.
    """
    if token:
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return 401, "a valid bearer token is required"
        return None
    try:
        local = ipaddress.ip_address((peer or "").split("%")[0]).is_loopback
    except ValueError:
        local = False
    return None if local else (403, f"the REST channel is internal: set {TOKEN_ENV} to open it")


def sender_problem(sender: object) -> Optional[str]:
    """Why ``sender`` cannot name a REST conversation, or None when it can."""
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        return "a JSON object with a 'sender' of 1-100 letters, digits, spaces and _.:@+=- is required"
    if sender.lower().startswith(WIDGET_PREFIX):
        return "this conversation belongs to the website widget"
    return None


class SafeRestInput(RestInput):
    """``/webhooks/rest/webhook`` with text sanitised before Rasa parses it.

    Limits per sender and per client address (``credentials.yml`` keys
    ``rate_limit_per_minute``, ``address_rate_limit_per_minute`` and their
    ``_burst``) answer 429 above them; the address ones are generous, for
    benchmarks and evaluation harnesses that run many conversations at once.
    """

    def __init__(self, rate_limit_burst: int = 60, rate_limit_per_minute: float = 120,
                 address_rate_limit_burst: int = 600,
                 address_rate_limit_per_minute: float = 3000) -> None:
        super().__init__()
        self._per_sender = KeyedLimiter(rate_limit_burst, rate_limit_per_minute)
        self._per_address = KeyedLimiter(address_rate_limit_burst, address_rate_limit_per_minute)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SafeRestInput":
        """The limits from ``credentials.yml`` (all optional)."""
        values = credentials or {}
        return cls(
            rate_limit_burst=int(values.get("rate_limit_burst", 60)),
            rate_limit_per_minute=float(values.get("rate_limit_per_minute", 120)),
            address_rate_limit_burst=int(values.get("address_rate_limit_burst", 600)),
            address_rate_limit_per_minute=float(values.get("address_rate_limit_per_minute", 3000)),
        )

    @classmethod
    def name(cls) -> Text:
        """Keep the standard REST URL."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        """Rasa's REST blueprint, answering "riprova tra poco" when a shared store is down."""

        async def guarded(message: UserMessage) -> None:
            async def apologise(text: str) -> None:
                await message.output_channel.send_text_message(message.sender_id, text)

            await handle_or_apologise(on_new_message, message, apologise)

        return super().blueprint(guarded)

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        denied = access_problem(req.ip, req.headers.get("Authorization"), os.environ.get(TOKEN_ENV, ""))
        if denied:
            raise SanicException(denied[1], status_code=denied[0])
        sender = req.json.get("sender") if isinstance(req.json, dict) else None
        problem = sender_problem(sender)
        if problem:
            raise InvalidUsage(problem)  # 400, before anything reaches the tracker
        address = self._address(req)
        if not allow_all([(self._per_sender, sender), (self._per_address, address)]):
            raise SanicException("too many messages, slow down", status_code=429)
        return sender

    @staticmethod
    def _address(req: Request) -> str:
        return client_address(req.ip, req.headers, load_settings().trusted_proxy_header)

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """Only what the server knows: the caller's alias (the body's metadata is not trusted)."""
        return {"client": client_alias(self._address(request))}

    def _extract_message(self, req: Request) -> Optional[Text]:
        raw = (req.json or {}).get("message") if isinstance(req.json, dict) else None
        text = sanitize_user_text(
            raw if isinstance(raw, str) else "",
            load_settings().max_message_chars,
            button_intents(req.app),
        )
        # Passwords never reach the tracker store, tickets or notifications.
        return mask_secrets(text)
