"""Public links to the auto-configuration files, as shown in the chat."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

THUNDERBIRD_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"
THUNDERBIRD_LEGACY_PATH = "/mail/config-v1.1.xml"
AUTODISCOVER_PATH = "/autodiscover/autodiscover.xml"
AUTODISCOVER_ALT_PATH = "/Autodiscover/Autodiscover.xml"
MOBILECONFIG_PATH = "/mobileconfig"

_QUERY_PROTOCOL = {"imap": "imap", "pop3": "pop", "pop": "pop"}


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def thunderbird_url(public_url: str, address: str) -> str:
    """Thunderbird autoconfig file for ``address`` (any address of the domain works)."""
    query = urlencode({"emailaddress": address}, safe="@")
    return f"{_base(public_url)}{THUNDERBIRD_PATH}?{query}"


def autodiscover_url(public_url: str) -> str:
    """Outlook Autodiscover endpoint (POST only: Outlook calls it by itself)."""
    return f"{_base(public_url)}{AUTODISCOVER_PATH}"


def mobileconfig_url(public_url: str, protocol: str, address: Optional[str] = None) -> str:
    """Apple profile download for ``imap``/``pop3``.

    Without an address the link opens a small form where the customer types it.
    """
    query = {"protocol": _QUERY_PROTOCOL[protocol]}
    if address:
        query["emailaddress"] = address
    return f"{_base(public_url)}{MOBILECONFIG_PATH}?{urlencode(query, safe='@')}"
