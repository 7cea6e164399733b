"""Validation shared by the auto-configuration generators.

Everything here is pure: it takes the raw user input and the provider settings
and either returns a clean value or raises an error whose ``message`` can be
shown to the customer as is (Italian, then English).
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional

import messages
from settings import MailServer, ProviderSettings

#: Longest address accepted (RFC 5321 path limit minus the angle brackets).
MAX_ADDRESS_LENGTH = 254
#: Longest local part (RFC 5321, 4.5.3.1.1).
MAX_LOCAL_LENGTH = 64

#: Security modes a server may declare in the settings file.
SECURITY_MODES = ("ssl", "starttls")

# Dot-atom of RFC 5322, ASCII only: quoted local parts and internationalised
# addresses are refused (no mail client needs them for this provider).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_RE = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")

_PROTOCOL_ALIASES = {"imap": "imap", "pop": "pop3", "pop3": "pop3"}


class AutoconfigError(ValueError):
    """Base class: ``message`` is safe to show (never echoes the input)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AddressError(AutoconfigError):
    """The e-mail address is missing, malformed or not one of the provider's."""


class ProtocolError(AutoconfigError):
    """The requested protocol is not ``imap`` or ``pop``."""


class MissingSettingError(AutoconfigError):
    """A server needed for the answer is not (completely) configured."""

    def __init__(self, missing: List[str]) -> None:
        self.missing = list(missing)
        names = ", ".join(self.missing)
        super().__init__(
            messages.text("autoconfig.missing_setting", missing=names) + "\n"
            f"Server settings are not available (missing: {names}). Please contact support."
        )


def validate_address(raw: Optional[str], mail_domains: Iterable[str]) -> str:
    """Return the normalised address (domain lowercased) or raise AddressError.

    The address must be a plain ASCII ``local@domain`` within the RFC length
    limits, and its domain must be exactly one of ``mail_domains``.
    """
    if raw is None or not raw.strip():
        raise AddressError(
            messages.text("autoconfig.address_missing")
            + "\nMissing e-mail address: please give your full address."
        )
    address = raw.strip()
    invalid = AddressError(
        messages.text("autoconfig.address_invalid")
        + "\nInvalid e-mail address: please give your full address."
    )
    if len(address) > MAX_ADDRESS_LENGTH or address.count("@") != 1:
        raise invalid
    local, domain = address.split("@")
    domain = domain.lower()
    if not local or len(local) > MAX_LOCAL_LENGTH or not _LOCAL_RE.fullmatch(local):
        raise invalid
    domains = {d.strip().lower() for d in mail_domains if d and d.strip()}
    if domain not in domains:
        raise AddressError(
            messages.text("autoconfig.address_foreign")
            + "\nThis address is not one of the provider's mailboxes."
        )
    return f"{local}@{domain}"


def normalize_protocol(raw: Optional[str], default: Optional[str] = None) -> str:
    """Map ``imap``/``pop``/``pop3`` (any case) to ``imap`` or ``pop3``.

    ``None`` or an empty value gives ``default`` when one is set; anything else
    raises :class:`ProtocolError`.
    """
    value = (raw or "").strip().lower()
    if not value and default:
        return default
    try:
        return _PROTOCOL_ALIASES[value]
    except KeyError:
        raise ProtocolError(
            messages.text("autoconfig.protocol_invalid") + "\nInvalid protocol: use imap or pop."
        ) from None


def server_is_usable(server: MailServer) -> bool:
    """True when host, a valid port and a known security mode are all set."""
    return bool(
        server.complete
        and server.port is not None
        and 0 < server.port < 65536
        and server.security in SECURITY_MODES
    )


def missing_servers(settings: ProviderSettings, kinds: Iterable[str]) -> List[str]:
    """Names (``imap``, ``pop3``, ``smtp``) of the servers not usable in settings."""
    return [kind for kind in kinds if not server_is_usable(settings.server(kind))]


def require_servers(settings: ProviderSettings, kinds: Iterable[str]) -> Dict[str, MailServer]:
    """Return the requested servers, or raise MissingSettingError naming the gaps."""
    wanted = list(kinds)
    missing = missing_servers(settings, wanted)
    if missing:
        raise MissingSettingError(missing)
    return {kind: settings.server(kind) for kind in wanted}


def usable_incoming(settings: ProviderSettings) -> Dict[str, MailServer]:
    """IMAP and POP3 servers that are usable, IMAP first; SMTP must be usable too.

    Raises MissingSettingError when SMTP or both incoming servers are missing,
    so a file is never served without a way to send and receive.
    """
    incoming = {
        k: settings.server(k) for k in ("imap", "pop3") if server_is_usable(settings.server(k))
    }
    missing = missing_servers(settings, ["smtp"])
    if not incoming:
        missing = ["imap", "pop3"] + missing
    if missing:
        raise MissingSettingError(missing)
    return incoming


def login_name(address: str, settings: ProviderSettings) -> str:
    """What the mail app must send as user name for ``address`` (``servers.username``).

    Raises MissingSettingError when the settings do not say which format the
    provider uses: the files never guess it.
    """
    if settings.username_format == "email":
        return address
    if settings.username_format == "local_part":
        return address.rsplit("@", 1)[0]
    raise MissingSettingError(["username"])
