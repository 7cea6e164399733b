"""Validation of the contact a customer leaves (pure functions)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

CONTACT_KINDS = ("email", "phone")
DEFAULT_REGION = "IT"


def normalise_email(text: str) -> str | None:
    """The normalised e-mail address in ``text``, or None if it is not one.

    Syntax only: no DNS look-up, so it works offline and does not leak lookups.
    """
    candidate = (text or "").strip().strip("<>").strip()
    if not candidate or len(candidate) > 254 or any(c.isspace() for c in candidate):
        return None
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The phone number in ``text`` in E.164 form (+39...), or None if invalid."""
    candidate = (text or "").strip()
    if not candidate or len(candidate) > 40 or any(c.isalpha() for c in candidate):
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_contact(kind: str, value: str) -> str | None:
    """Normalise ``value`` as a contact of ``kind`` (``email`` or ``phone``)."""
    if kind == "email":
        return normalise_email(value)
    if kind == "phone":
        return normalise_phone(value)
    raise ValueError(f"unknown contact kind: {kind!r}")
