"""Password masking: typical Italian phrasings are masked, ordinary text kept."""

from __future__ import annotations

import pytest

from escalation.masking import MASK, mask_secrets


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("la mia password è pippo123", "pippo123"),
        ("la mia password e' pippo123", "pippo123"),
        ("la password e pippo123", "pippo123"),
        ("pwd: xyz", "xyz"),
        ("password=S3greta!", "S3greta!"),
        ("password pippo123", "pippo123"),
        ("pass qwerty", "qwerty"),
        ("PASSWORD E' Ciao99", "Ciao99"),
        ("la parola d'ordine: girasole", "girasole"),
        ("parola d’ordine girasole", "girasole"),
        ("la password della mail è Pippo!", "Pippo!"),
        ("la password che uso è tramonto", "tramonto"),
        ("password nuova: tramonto", "tramonto"),
        ("my password is hunter2", "hunter2"),
        ("il pin è 4821", "4821"),
        ("password: «pippo 123» grazie", "pippo 123"),
        ("imap://mario:segreto@imap.example.org", "segreto"),
    ],
)
def test_masks_passwords(text: str, secret: str) -> None:
    masked = mask_secrets(text)
    assert secret not in masked
    assert MASK in masked


@pytest.mark.parametrize(
    "text",
    [
        "ho dimenticato la password e non riesco a entrare",
        "la password è sbagliata",
        "come cambio la password?",
        "Password dimenticata, aiuto",
        "il password-reset non funziona",
        "password: non la ricordo",
        "se cancello dal cell sparisce anche dal pc??",
        "Ho un pass per il parcheggio",
        "",
    ],
)
def test_keeps_ordinary_text(text: str) -> None:
    assert mask_secrets(text) == text


def test_masks_every_occurrence_and_keeps_the_rest() -> None:
    masked = mask_secrets("pass pippo ma anche pwd=pluto, grazie")
    assert "pippo" not in masked and "pluto" not in masked
    assert masked.startswith("pass ") and masked.endswith("grazie")
