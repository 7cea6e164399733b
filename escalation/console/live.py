"""Messages of a conversation since the escalation, read from a Rasa tracker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from escalation.transcript import clean_text, iso_time


def live_messages(tracker: dict[str, Any], since: datetime) -> list[dict[str, Any]]:
    """User and bot messages after ``since`` (masked), agent replies marked as such."""
    boundary = since.timestamp()
    messages: list[dict[str, Any]] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        if kind not in ("user", "bot") or not event.get("text"):
            continue
        stamp = event.get("timestamp")
        if not isinstance(stamp, (int, float)) or stamp <= boundary:
            continue
        metadata = event.get("metadata") or {}
        agent = metadata.get("agent") if kind == "bot" else None
        message = {
            "sender": "agent" if agent else kind,
            "text": clean_text(event["text"]),
            "time": iso_time(stamp),
        }
        if agent:
            message["agent"] = clean_text(agent, 100)
        messages.append(message)
    return messages


def new_user_lines(
    live: list[dict[str, Any]], stored: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Customer messages from ``live`` that the stored transcript does not hold yet."""
    seen = {(line.get("time"), line.get("text")) for line in stored if line.get("sender") == "user"}
    return [
        line
        for line in live
        if line["sender"] == "user" and (line["time"], line["text"]) not in seen
    ]
