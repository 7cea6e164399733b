"""What goes into an escalation ticket (pure logic, no Rasa SDK)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional

from actions.clarification import CLARIFY_ACTION

ACCOUNT_TOPICS = {
    "oos_billing": "utter_account_topic_billing",
    "oos_password": "utter_account_topic_password",
    "oos_hacked": "utter_account_topic_hacked",
    "oos_line_fault": "utter_account_topic_line",
    "oos_contract": "utter_account_topic_contract",
}

#: Lines of finished sessions kept in the ``earlier_transcript`` slot (actions/session.py):
#: more than one full session of ten customer messages, small enough to ride along.
CARRIED_LINES = 40
CARRIED_LINE_CHARS = 1000  # a pasted wall of text does not ride along whole, session after session
TRANSCRIPT_LINES = 200
_SENDERS = ("user", "bot", "agent")

TICKET_SLOTS = ("protocol", "device", "devices", "mail_client", "recommended_protocol",
                "rec_devices", "rec_offline", "rec_storage", "rec_space")


def escalation_reason(intent: Optional[str], fallback_streak: int, previous_action: Optional[str]) -> str:
    """Why the conversation goes to a person.

    ``previous_action`` is the assistant's last action before the customer's
    latest message (an offer of a person, a clarification, ...).
    """
    if intent in ACCOUNT_TOPICS:
        return "account_topic"
    if previous_action == "utter_offer_human" or fallback_streak >= 2:
        return "repeated_misunderstanding"
    if previous_action == CLARIFY_ACTION or fallback_streak == 1:
        return "low_confidence"
    return "explicit_request"


def recent_intents(events: Iterable[Dict[str, Any]], limit: int = 5) -> List[Dict[str, Any]]:
    """The last ``limit`` user intents with their confidences, oldest first."""
    found: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        if intent.get("name"):
            found.append({
                "name": intent.get("name"),
                "confidence": round(float(intent.get("confidence") or 0.0), 3),
                "text": (event.get("text") or "")[:200],
            })
    return found[-limit:]


def _when(timestamp: Any) -> str:
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return ""


def transcript(events: Iterable[Dict[str, Any]], max_lines: int = TRANSCRIPT_LINES) -> List[Dict[str, str]]:
    """User and bot lines of the conversation, oldest first."""
    lines: List[Dict[str, str]] = []
    for event in events:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        text = event.get("text") or ""
        if kind == "bot" and not text:
            continue
        sender = "user" if kind == "user" else (
            "agent" if (event.get("metadata") or {}).get("agent") else "bot")
        lines.append({"sender": sender, "text": text, "time": _when(event.get("timestamp"))})
    return lines[-max_lines:]


def earlier_lines(value: Any) -> List[Dict[str, str]]:
    """The well-formed lines of an ``earlier_transcript`` slot value (anything else is dropped)."""
    if not isinstance(value, list):
        return []
    return [{"sender": line["sender"], "text": line["text"], "time": str(line.get("time") or "")}
            for line in value
            if isinstance(line, dict) and line.get("sender") in _SENDERS
            and isinstance(line.get("text"), str)]


def carried_transcript(earlier: Any, events: Iterable[Dict[str, Any]],
                       max_lines: int = CARRIED_LINES) -> List[Dict[str, str]]:
    """What a new session carries: the earlier lines, then the finished session's, the last ``max_lines``.

    Nothing from before a restart: the customer asked to start over.
    """
    events = list(events)
    restarts = [index for index, event in enumerate(events) if event.get("event") == "restart"]
    if restarts:
        earlier, events = None, events[restarts[-1] + 1:]
    return [{**line, "text": line["text"][:CARRIED_LINE_CHARS]}
            for line in conversation_transcript(earlier, events, max_lines)]


def conversation_transcript(earlier: Any, events: Iterable[Dict[str, Any]],
                            max_lines: int = TRANSCRIPT_LINES) -> List[Dict[str, str]]:
    """The ticket's transcript: lines carried from earlier sessions, then this session's."""
    return (earlier_lines(earlier) + transcript(events))[-max_lines:] if max_lines > 0 else []


def ticket_slots(get_slot) -> Dict[str, Any]:
    """Slots worth handing to an agent, skipping the empty ones."""
    return {name: get_slot(name) for name in TICKET_SLOTS if get_slot(name) not in (None, [], "")}


def page_url(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The last page URL the widget reported in message metadata."""
    url = None
    for event in events:
        if event.get("event") == "user":
            meta = event.get("metadata") or {}
            candidate = meta.get("page_url")
            if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
                url = candidate[:500]
    return url


def client_of(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The alias of the client address the channel put on the latest user message."""
    for event in reversed(list(events)):
        if event.get("event") == "user":
            client = (event.get("metadata") or {}).get("client")
            return client[:40] if isinstance(client, str) and client else None
    return None


def previous_bot_action(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The last action the assistant ran before the latest user message."""
    seen_user = False
    for event in reversed(list(events)):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action":
            name = event.get("name")
            if name and name != "action_listen":
                return str(name)
    return None
