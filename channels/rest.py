"""REST channel that sanitises user text like the website widget does."""

from __future__ import annotations

from typing import AbstractSet, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from channels.sanitize import allowed_button_intents, sanitize_user_text
from escalation.masking import mask_secrets
from settings import load_settings


def domain_button_intents(request: Request) -> AbstractSet[str]:
    """Intents of the loaded model whose ``/intent`` payload a user may send."""
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    return allowed_button_intents(domain.intents if domain else [])


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
            domain_button_intents(req),
        )
        # Passwords never reach the tracker store, tickets or notifications.
        return mask_secrets(text)
