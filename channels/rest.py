"""REST channel that sanitises user text like the website widget does.

It is the internal channel (benchmark, operators' scripts, evaluation
harnesses). It cannot reach the widget's conversations: their ids are in the
widget's namespace (``web-…``), which is refused here with every other
missing or malformed sender.
"""

from __future__ import annotations

import re
from typing import Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from channels.payloads import button_intents
from channels.sanitize import sanitize_user_text
from channels.session_token import WIDGET_PREFIX
from escalation.masking import mask_secrets
from settings import load_settings

#: Letters, digits and a few separators: ids, e-mail addresses, "test 12" (no markup, no controls).
SENDER = re.compile(r"\w[\w .:@+=-]{0,99}")


def sender_problem(sender: object) -> Optional[str]:
    """Why ``sender`` cannot name a REST conversation, or None when it can."""
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        return "a JSON object with a 'sender' of 1-100 letters, digits, spaces and _.:@+=- is required"
    if sender.lower().startswith(WIDGET_PREFIX):
        return "this conversation belongs to the website widget"
    return None


class SafeRestInput(RestInput):
    """``/webhooks/rest/webhook`` with text sanitised before Rasa parses it."""

    @classmethod
    def name(cls) -> Text:
        """Keep the standard REST URL."""
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = req.json.get("sender") if isinstance(req.json, dict) else None
        problem = sender_problem(sender)
        if problem:
            raise InvalidUsage(problem)  # 400, before anything reaches the tracker
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        raw = (req.json or {}).get("message") if isinstance(req.json, dict) else None
        text = sanitize_user_text(
            raw if isinstance(raw, str) else "",
            load_settings().max_message_chars,
            button_intents(req.app),
        )
        # Passwords never reach the tracker store, tickets or notifications.
        return mask_secrets(text)
