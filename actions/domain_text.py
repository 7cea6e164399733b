"""Read response texts from the domain sent to the action server."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from actions.client_names import CLIENT_KEYS
from actions.vocabulary import join_it


def response_text(domain: Dict[str, Any], name: str) -> Optional[str]:
    """Text of the first variation of response ``name``, or None."""
    variations = (domain.get("responses") or {}).get(name) or []
    for variation in variations:
        text = variation.get("text")
        if text:
            return str(text)
    return None


def app_names(domain: Dict[str, Any]) -> Dict[str, str]:
    """The apps' names with their article, from the ``utter_app_<client>`` responses."""
    return {key: response_text(domain, f"utter_app_{key}") or "" for key in CLIENT_KEYS}


def missing_text(domain: Dict[str, Any], keys: Iterable[str]) -> str:
    """The missing settings named in the domain's words ("server IMAP e server SMTP")."""
    return join_it([response_text(domain, f"utter_missing_{key}") or key for key in keys])


def username_hint(domain: Dict[str, Any], username_format: Optional[str]) -> Optional[str]:
    """What to type as user name, in the domain's words, or None when not configured."""
    if not username_format:
        return None
    return response_text(domain, f"utter_username_{username_format}")
