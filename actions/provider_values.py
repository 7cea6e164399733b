"""Turn provider settings into the values response templates need."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from actions.vocabulary import security_label
from settings import ProviderSettings

#: Keys of the settings that may be reported missing (named by ``utter_missing_<key>``).
MISSING_KEYS = ("imap", "pop3", "smtp", "username", "support_phone", "support_email",
                "support_hours", "webmail_url")


def server_values(settings: ProviderSettings) -> Tuple[Dict[str, str], List[str]]:
    """Template values for all servers and the keys of the missing settings."""
    values: Dict[str, str] = {}
    missing: List[str] = []
    for kind in ("imap", "pop3", "smtp"):
        server = settings.server(kind)
        if not server.complete:
            missing.append(kind)
        values[f"{kind}_host"] = server.host or ""
        values[f"{kind}_port"] = str(server.port or "")
        values[f"{kind}_security"] = security_label(server.security)
    return values, missing


def support_values(settings: ProviderSettings) -> Tuple[Dict[str, str], List[str]]:
    """Template values for the support desk contacts and what is missing."""
    values = {
        "support_phone": settings.support_phone or "",
        "support_email": settings.support_email or "",
        "support_hours": settings.support_hours_text or "",
    }
    missing = [key for key, value in values.items() if not value]
    return values, missing


def support_contact_line(settings: ProviderSettings) -> Optional[str]:
    """Phone and e-mail of the support desk as configured, or None when neither is."""
    parts = [p for p in (settings.support_phone, settings.support_email) if p]
    return " / ".join(parts) if parts else None


def ticket_failed_message(settings: ProviderSettings) -> Tuple[str, Dict[str, str]]:
    """Response (and its values) for "I could not record your request"."""
    contact = support_contact_line(settings)
    if contact:
        return "utter_ticket_failed", {"support_contact": contact}
    return "utter_ticket_failed_no_contact", {}


def webmail_values(settings: ProviderSettings) -> Tuple[Dict[str, str], List[str]]:
    """Template values for the webmail answer and what is missing."""
    if settings.webmail_url:
        return {"webmail_url": settings.webmail_url}, []
    return {"webmail_url": ""}, ["webmail_url"]
