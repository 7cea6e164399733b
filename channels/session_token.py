"""Conversation ids issued and signed by the server.

A widget session token looks like ``<conversation id>.<issued>:<signature>``:
the conversation id is ``web-`` and 32 random hex digits, ``issued`` the time
of issue (hex seconds), the signature an HMAC-SHA256 of both under a server
secret (base64url, no padding). A token older than ``max_age_days`` (30 by
default) starts a new conversation. Rasa only ever sees the
conversation id; the token is handed to the visitor's browser alone
(``session_confirm``) and works as a bearer secret: whoever presents it
continues that conversation. The signature is never stored or logged, so an id
read in a log, a ticket or the escalation console cannot be turned back into a
token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
import uuid
from typing import Callable, Optional

logger = logging.getLogger(__name__)

SECRET_ENV = "WIDGET_SESSION_SECRET"
_CONTEXT = b"ip-telecom-widget-session:v3:"
#: Widget conversations live in their own namespace, which the REST channel refuses.
WIDGET_PREFIX = "web-"
CONVERSATION_ID = re.compile(r"^web-[0-9a-f]{32}$")
_TOKEN = re.compile(r"^(web-[0-9a-f]{32})\.([0-9a-f]{1,12}):([A-Za-z0-9_-]{43})$")
MAX_AGE_DAYS = 30


class SessionSigner:
    """Issues and verifies signed conversation tokens."""

    def __init__(self, secret: bytes, max_age_days: float = MAX_AGE_DAYS,
                 clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the widget session secret must be at least 16 bytes long")
        self._secret = secret
        self._max_age = max_age_days * 86400
        self._clock = clock

    @classmethod
    def from_env(cls, env_var: str = SECRET_ENV) -> "SessionSigner":
        """Use the secret in ``env_var``; without it make a random one and warn."""
        value = os.environ.get(env_var, "")
        if value:
            return cls(value.encode("utf-8"))
        logger.warning(
            "%s is not set: using a random secret made at start. Widget conversations "
            "will not survive a restart and will not work across several Rasa "
            "processes. Set %s (e.g. `python -c \"import secrets; "
            "print(secrets.token_urlsafe(32))\"`).",
            env_var,
            env_var,
        )
        return cls(secrets.token_bytes(32))

    def _signature(self, conversation_id: str, issued: str) -> str:
        message = _CONTEXT + f"{conversation_id}:{issued}".encode("ascii")
        digest = hmac.new(self._secret, message, hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")

    def issue(self) -> str:
        """A token for a brand-new conversation."""
        return self.sign(WIDGET_PREFIX + uuid.uuid4().hex)

    def sign(self, conversation_id: str) -> str:
        """The token of ``conversation_id``."""
        if not CONVERSATION_ID.match(conversation_id):
            raise ValueError("not a conversation id")
        issued = f"{int(self._clock()):x}"
        return f"{conversation_id}.{issued}:{self._signature(conversation_id, issued)}"

    def verify(self, token: object) -> Optional[str]:
        """The conversation id of a genuine token, else None."""
        if not isinstance(token, str) or len(token) > 100:
            return None
        match = _TOKEN.match(token)
        if not match:
            return None
        conversation_id, issued, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(conversation_id, issued)):
            return None
        if self._clock() - int(issued, 16) > self._max_age:
            return None  # expired: the visitor gets a new conversation
        return conversation_id


def is_conversation_id(value: object) -> bool:
    """True for a well-formed conversation id (not a token)."""
    return isinstance(value, str) and bool(CONVERSATION_ID.match(value))
