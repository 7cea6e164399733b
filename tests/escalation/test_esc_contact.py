"""Contact validation: e-mail (no DNS) and Italian phone numbers."""

from __future__ import annotations

import pytest

from escalation.contact import normalise_contact, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mario.rossi@example.org", "mario.rossi@example.org"),
        ("  Mario.Rossi@Example.ORG ", "Mario.Rossi@example.org"),
        ("<anna@example.org>", "anna@example.org"),
    ],
)
def test_valid_emails(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text", ["", "mario", "mario@", "mario rossi@example.org", "a@b", "x" * 300 + "@example.org"]
)
def test_invalid_emails(text: str) -> None:
    assert normalise_email(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("333 123 4567", "+393331234567"),
        ("+39 333 1234567", "+393331234567"),
        ("0039 06 1234 5678", "+390612345678"),
        ("06-12345678", "+390612345678"),
    ],
)
def test_valid_phones(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize("text", ["", "123", "tre tre tre", "333 123 4567 8888 9999", "+39 0"])
def test_invalid_phones(text: str) -> None:
    assert normalise_phone(text) is None


def test_unknown_kind() -> None:
    with pytest.raises(ValueError):
        normalise_contact("fax", "06 1234 5678")
