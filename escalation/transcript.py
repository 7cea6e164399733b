"""Clean transcript lines and intents before they are stored (masking included)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from escalation.masking import mask_secrets

SENDERS = ("user", "bot", "agent")
_SENDER_ALIASES = {"customer": "user", "cliente": "user", "assistant": "bot", "operator": "agent"}
MAX_LINE_CHARS = 4000
MAX_LINES = 300
MAX_INTENTS = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: Any, limit: int = MAX_LINE_CHARS) -> str:
    """Text without control characters, length-capped and with secrets masked."""
    value = _CONTROL.sub("", str(text if text is not None else ""))
    if len(value) > limit:
        value = value[:limit] + " [...]"
    return mask_secrets(value)


def iso_time(value: Any) -> str:
    """An ISO 8601 UTC time from an epoch number, a datetime or an ISO string."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(float(value), timezone.utc)
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            moment = datetime.now(timezone.utc)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    else:
        moment = datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def clean_line(line: dict[str, Any], agent: str | None = None) -> dict[str, Any]:
    """One transcript line as ``{sender, text, time}`` (plus ``agent`` if any)."""
    sender = str(line.get("sender") or "bot").lower()
    sender = _SENDER_ALIASES.get(sender, sender)
    if sender not in SENDERS:
        sender = "bot"
    result: dict[str, Any] = {
        "sender": sender,
        "text": clean_text(line.get("text")),
        "time": iso_time(line.get("time")),
    }
    name = agent or line.get("agent")
    if sender == "agent" and name:
        result["agent"] = clean_text(name, 100)
    return result


def clean_transcript(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last ``MAX_LINES`` lines, each cleaned and masked; empty lines dropped."""
    cleaned = [clean_line(line) for line in lines or [] if isinstance(line, dict)]
    return [line for line in cleaned if line["text"].strip()][-MAX_LINES:]


def clean_intents(intents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recent intents as ``{name, confidence}`` with confidences in 0..1."""
    result = []
    for item in intents or []:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        try:
            confidence: float | None = round(float(item.get("confidence")), 3)
        except (TypeError, ValueError):
            confidence = None
        result.append({"name": clean_text(item["name"], 100), "confidence": confidence})
    return result[-MAX_INTENTS:]


def clean_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """Slots that are set, with string values masked and capped."""
    result: dict[str, Any] = {}
    for key, value in (slots or {}).items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, str):
            value = clean_text(value, 500)
        elif isinstance(value, list):
            value = [clean_text(v, 200) if isinstance(v, str) else v for v in value][:20]
        elif not isinstance(value, (int, float, bool)):
            value = clean_text(value, 500)
        result[clean_text(key, 100)] = value
    return result
