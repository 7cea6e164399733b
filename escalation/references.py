"""Human-friendly ticket references such as ``IPT-7K3Q9X``."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L or U: easy to read aloud and to type from a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6


def new_reference(prefix: str = "IPT") -> str:
    """A random reference; uniqueness is enforced by the database."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{prefix}-{body}"


def clean_reference(text: str) -> str:
    """Normalise a reference typed by a person (upper case, no spaces)."""
    return re.sub(r"\s+", "", text or "").upper()
