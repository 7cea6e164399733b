"""The customer's situation and a short summary for agents (pure functions)."""

from __future__ import annotations

from typing import Any

from escalation.reasons import describe

SUMMARY_CHARS = 600
_PROTOCOL_NAMES = {"imap": "IMAP", "pop3": "POP3", "pop": "POP3"}


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def situation(slots: dict[str, Any]) -> dict[str, Any]:
    """Protocol, devices and mail client from the slots (None / [] when unknown).

    Reads the slots ``protocol``, ``device`` or ``devices``, ``mail_client``.
    """
    protocol = slots.get("protocol")
    devices = _as_list(slots.get("devices")) or _as_list(slots.get("device"))
    client = slots.get("mail_client")
    return {
        "protocol": _PROTOCOL_NAMES.get(str(protocol).lower(), str(protocol)) if protocol else None,
        "devices": list(dict.fromkeys(devices)),
        "mail_client": str(client) if client else None,
    }


def _last_user_text(transcript: list[dict[str, Any]]) -> str | None:
    for line in reversed(transcript):
        if line.get("sender") == "user" and line.get("text", "").strip():
            return line["text"].strip()
    return None


def build_summary(
    reason: str,
    intents: list[dict[str, Any]],
    slots: dict[str, Any],
    transcript: list[dict[str, Any]],
) -> str:
    """A few Italian sentences an agent reads first."""
    parts = [describe(reason)]
    last = _last_user_text(transcript)
    if last:
        quoted = last if len(last) <= 200 else last[:200] + "..."
        parts.append(f"Ultimo messaggio del cliente: «{quoted}».")
    known = situation(slots)
    facts = []
    if known["protocol"]:
        facts.append(f"protocollo {known['protocol']}")
    if known["devices"]:
        facts.append("dispositivi: " + ", ".join(known["devices"]))
    if known["mail_client"]:
        facts.append(f"programma di posta {known['mail_client']}")
    parts.append(
        ("Situazione nota: " + "; ".join(facts) + ".") if facts else "Situazione non nota."
    )
    if intents:
        top = intents[-1]
        confidence = top.get("confidence")
        share = f" ({confidence:.0%})" if isinstance(confidence, (int, float)) else ""
        parts.append(f"Ultimo argomento riconosciuto: {top['name']}{share}.")
    text = " ".join(parts)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 3] + "..."
