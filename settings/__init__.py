"""Deployment settings of the provider, read from one YAML file.

The file path comes from the ``PROVIDER_SETTINGS`` environment variable and
defaults to ``settings/provider.yml``. Missing values are ``None``: callers must
say they do not know rather than guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "provider.yml"
ENV_VAR = "PROVIDER_SETTINGS"
USERNAME_FORMATS = ("email", "local_part")


@dataclass(frozen=True)
class MailServer:
    """One mail server as a client must be configured for it."""

    host: Optional[str]
    port: Optional[int]
    security: Optional[str]  # "ssl" (implicit TLS) or "starttls"

    @property
    def complete(self) -> bool:
        """True when host, port and security are all known."""
        return bool(self.host and self.port and self.security)


@dataclass(frozen=True)
class OfficeHours:
    """Weekly opening hours of the human support desk."""

    timezone: str = "Europe/Rome"  #: IANA name
    days: List[str] = field(default_factory=list)  #: "mon" … "sun"
    open: Optional[str] = None  #: "HH:MM", local time
    close: Optional[str] = None  #: "HH:MM", local time


@dataclass(frozen=True)
class ProviderSettings:
    """Everything the assistant may say about the provider's deployment."""

    name: str = "ip telecom"
    mail_domains: List[str] = field(default_factory=list)
    webmail_url: Optional[str] = None
    support_phone: Optional[str] = None
    support_email: Optional[str] = None
    support_hours_text: Optional[str] = None
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    imap: MailServer = MailServer(None, None, None)
    pop3: MailServer = MailServer(None, None, None)
    smtp: MailServer = MailServer(None, None, None)
    public_url: str = "http://127.0.0.1:8080"
    allowed_origins: List[str] = field(default_factory=list)
    max_message_chars: int = 2000
    #: Header set by the trusted reverse proxy with the client's address
    #: (e.g. X-Forwarded-For); None: the connection's peer is the client.
    trusted_proxy_header: Optional[str] = None
    #: What customers type as user name: ``email`` (the full address) or
    #: ``local_part`` (the part before the @); None when not configured.
    username_format: Optional[str] = None

    def server(self, kind: str) -> MailServer:
        """Return the server for ``imap``, ``pop3`` or ``smtp``."""
        return {"imap": self.imap, "pop3": self.pop3, "smtp": self.smtp}[kind]


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _server(raw: Dict[str, Any]) -> MailServer:
    port = raw.get("port")
    security = _text(raw.get("security"))
    return MailServer(
        host=_text(raw.get("host")),
        port=int(port) if port not in (None, "") else None,
        security=security.lower() if security else None,
    )


def parse_settings(raw: Dict[str, Any]) -> ProviderSettings:
    """Build settings from the parsed YAML mapping (missing keys become None)."""
    provider = raw.get("provider") or {}
    support = raw.get("support") or {}
    hours = support.get("office_hours") or {}
    servers = raw.get("servers") or {}
    web = raw.get("web") or {}
    defaults, default_hours = ProviderSettings(), OfficeHours()
    return ProviderSettings(
        name=_text(provider.get("name")) or defaults.name,
        mail_domains=[str(d).strip().lower() for d in provider.get("mail_domains") or [] if d],
        webmail_url=_text(provider.get("webmail_url")),
        support_phone=_text(support.get("phone")),
        support_email=_text(support.get("email")),
        support_hours_text=_text(support.get("hours_text")),
        office_hours=OfficeHours(
            timezone=_text(hours.get("timezone")) or default_hours.timezone,
            days=[str(d).lower()[:3] for d in hours.get("days") or []],
            open=_text(hours.get("open")),
            close=_text(hours.get("close")),
        ),
        imap=_server(servers.get("imap") or {}),
        pop3=_server(servers.get("pop3") or {}),
        smtp=_server(servers.get("smtp") or {}),
        public_url=(_text(web.get("public_url")) or defaults.public_url).rstrip("/"),
        allowed_origins=[str(o).strip() for o in web.get("allowed_origins") or [] if o],
        max_message_chars=int(web.get("max_message_chars") or defaults.max_message_chars),
        trusted_proxy_header=_text(web.get("trusted_proxy_header")),
        username_format=_username_format(servers.get("username")),
    )


def _username_format(value: Any) -> Optional[str]:
    text = _text(value)
    if text is None:
        return None
    if text not in USERNAME_FORMATS:
        raise ValueError(f"servers.username must be one of {USERNAME_FORMATS}, not {text!r}")
    return text


def settings_path() -> Path:
    """Path of the settings file in use."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


@lru_cache(maxsize=4)
def _load(path: str) -> ProviderSettings:
    with open(path, encoding="utf-8") as handle:
        return parse_settings(yaml.safe_load(handle) or {})


def load_settings(path: Optional[Path] = None) -> ProviderSettings:
    """Load (and cache) the provider settings."""
    return _load(str(path or settings_path()))
