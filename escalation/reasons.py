"""Why a conversation was escalated, as codes and plain Italian words."""

from __future__ import annotations

REASONS: dict[str, str] = {
    "explicit_request": "Il cliente ha chiesto di parlare con un operatore.",
    "repeated_misunderstanding": "L'assistente non ha capito il cliente più volte di seguito.",
    "low_confidence": "L'assistente non era abbastanza sicuro di aver capito la domanda.",
    "account_topic": (
        "La richiesta riguarda l'account del cliente "
        "(fatturazione, password, contratto o casella violata)."
    ),
}

SHORT_REASONS: dict[str, str] = {
    "explicit_request": "richiesta di un operatore",
    "repeated_misunderstanding": "incomprensioni ripetute",
    "low_confidence": "domanda non capita con sicurezza",
    "account_topic": "questione legata all'account",
}


def check_reason(reason: str) -> str:
    """Return ``reason`` if it is a known code, else raise ``ValueError``."""
    if reason not in REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}; expected one of {sorted(REASONS)}")
    return reason


def describe(reason: str) -> str:
    """The reason in plain Italian words."""
    return REASONS.get(reason, reason)
