"""Parse a support agent's reply posted to the widget channel (pure logic, no Sanic).

``POST /webhooks/widget/agent_message`` carries ``{"conversation_id", "text",
"agent"}`` with ``Authorization: Bearer <RASA_AUTH_TOKEN>``. The request is
turned into an :class:`AgentMessage` or a :class:`Refusal` (HTTP status and
reason) before anything is sent.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Optional, Union

from channels.sanitize import strip_controls
from channels.session_token import is_conversation_id

MAX_AGENT_TEXT = 4000
MAX_AGENT_BODY = 64 * 1024
MAX_AGENT_NAME = 80


@dataclass(frozen=True)
class AgentMessage:
    """A valid reply: the widget conversation, the cleaned text and the agent's name."""

    conversation_id: str
    text: str
    agent: Optional[str]


@dataclass(frozen=True)
class Refusal:
    """Why the request is refused, as an HTTP status and a short reason."""

    status: int
    error: str


def bearer_token(authorization: Optional[str]) -> str:
    """The token of an ``Authorization: Bearer ...`` header, "" otherwise."""
    header = authorization or ""
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def parse_agent_message(
    body: Optional[bytes], authorization: Optional[str], expected_token: str
) -> Union[AgentMessage, Refusal]:
    """Check the token, the size and every field; never trust the body."""
    given = bearer_token(authorization)
    if not expected_token or not hmac.compare_digest(given.encode(), expected_token.encode()):
        return Refusal(401, "unauthorized")
    if len(body or b"") > MAX_AGENT_BODY:
        return Refusal(413, "body too large")
    try:
        data = json.loads(body or b"")
    except ValueError:
        return Refusal(400, "body must be JSON")
    if not isinstance(data, dict):
        return Refusal(400, "body must be a JSON object")
    conversation_id, text, agent = data.get("conversation_id"), data.get("text"), data.get("agent")
    if not is_conversation_id(conversation_id):
        return Refusal(400, "conversation_id is not a widget conversation")
    if not isinstance(text, str) or not strip_controls(text).strip():
        return Refusal(400, "text must be a non-empty string")
    if agent is not None and not isinstance(agent, str):
        return Refusal(400, "agent must be a string")
    return AgentMessage(
        conversation_id=conversation_id,
        text=strip_controls(text).strip()[:MAX_AGENT_TEXT],
        agent=strip_controls(agent or "").strip()[:MAX_AGENT_NAME] or None,
    )
