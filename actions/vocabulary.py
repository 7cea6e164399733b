"""One home for the assistant's vocabulary: protocol and security names, normalisers, lists."""

from __future__ import annotations

from typing import Dict, Iterable, Optional

PROTOCOLS = ("imap", "pop3")
#: How protocols are written in answers.
PROTOCOL_LABELS: Dict[str, str] = {"imap": "IMAP", "pop3": "POP3"}
#: How the security modes of settings/provider.yml are written in answers and app screens.
SECURITY_LABELS: Dict[str, str] = {"ssl": "SSL/TLS", "starttls": "STARTTLS"}


def normalize_protocol(value: Optional[object]) -> Optional[str]:
    """``imap`` or ``pop3`` from an entity or slot value ("IMAP4", "pop", "pop 3"), else None."""
    text = str(value or "").lower().replace(" ", "").replace("-", "").replace("_", "")
    if text.startswith("imap"):
        return "imap"
    if text.startswith("pop"):
        return "pop3"
    return None


def protocol_label(value: Optional[object]) -> str:
    """"IMAP"/"POP3" for a protocol value, "" when it is not one."""
    protocol = normalize_protocol(value)
    return PROTOCOL_LABELS[protocol] if protocol else ""


def security_label(security: Optional[str]) -> str:
    """"SSL/TLS"/"STARTTLS" for a settings value, "" when unknown."""
    return SECURITY_LABELS.get((security or "").lower(), "")


def join_it(items: Iterable[str]) -> str:
    """An Italian list: "a", "a e b", "a, b e c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " e " + items[-1]
