"""Mask e-mail addresses, phone numbers and password-like values in customer text.

Passwords reuse :func:`escalation.masking.mask_secrets`; phone numbers are found
by ``phonenumbers`` (the library the contact form validates with); e-mail
addresses by one pattern here, since the escalation package has none.
"""

from __future__ import annotations

import re

import phonenumbers

from escalation.contact import DEFAULT_REGION
from escalation.masking import mask_secrets

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[telefono]"
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Digit runs long enough to be a phone number, for what phonenumbers refuses.
_DIGITS = re.compile(r"\+?\d[\d ./-]{6,}\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}")


def _mask_phones(text: str) -> str:
    spans = [
        (match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=0)
        if not _DATE.fullmatch(match.raw_string.strip())
    ]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_MASK + text[end:]
    return _DIGITS.sub(_phone_like, text)


def _phone_like(match: re.Match[str]) -> str:
    value = match.group(0)
    if _DATE.fullmatch(value.strip()) or sum(c.isdigit() for c in value) < 8:
        return value
    return PHONE_MASK


def mask_personal(text: str | None) -> str:
    """``text`` with e-mails, phone numbers and secrets replaced by placeholders."""
    if not text:
        return ""
    text = mask_secrets(text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    return _mask_phones(text)
