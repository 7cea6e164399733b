"""REST channel that sanitises user text like the website widget does."""

from __future__ import annotations

from typing import Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from channels.payloads import button_intents
from channels.sanitize import sanitize_user_text
from escalation.masking import mask_secrets
from settings import load_settings


class SafeRestInput(RestInput):
    """``/webhooks/rest/webhook`` with text sanitised before Rasa parses it."""

    @classmethod
    def name(cls) -> Text:
        """Keep the standard REST URL."""
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        raw = (req.json or {}).get("message") if isinstance(req.json, dict) else None
        text = sanitize_user_text(
            raw if isinstance(raw, str) else "",
            load_settings().max_message_chars,
            button_intents(req.app),
        )
        # Passwords never reach the tracker store, tickets or notifications.
        return mask_secrets(text)
