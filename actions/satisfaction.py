"""When to ask "Ti sono stato utile?" and how a button's answer is read (pure logic).

The question comes when a conversation ends (a goodbye, thanks after an
answer, or an agent closing the ticket), never inside a form and never twice.
Once a person took part it asks about the help received, not about the bot alone. The SDK glue is
:mod:`actions.rating`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

#: Intent sent by each rating button, and the value stored for it.
RATINGS = {"rate_helpful": "positive", "rate_not_helpful": "negative"}
FEEDBACK_REASONS = ("no_answer", "unclear", "wanted_person")
#: After a 👎, one button per reason: ``rate_<reason>`` (buttons carry no entities).
REASON_PREFIX = "rate_"


def should_ask(already_asked: bool, active_loop: Optional[str]) -> bool:
    """Ask only outside forms, and only once."""
    return not already_asked and not active_loop


def rating_of(intent: Optional[str]) -> Optional[str]:
    """``positive``/``negative`` for a rating button's intent, else None."""
    return RATINGS.get(intent or "")


def reason_of(intent: Optional[str]) -> Optional[str]:
    """The feedback reason a reason button's intent stands for, else None."""
    reason = (intent or "")[len(REASON_PREFIX):] if (intent or "").startswith(REASON_PREFIX) else ""
    return reason if reason in FEEDBACK_REASONS else None


def after_agent(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when a person took part in this session: handed over, or an agent wrote."""
    person = False
    for event in events:
        kind, metadata = event.get("event"), event.get("metadata") or {}
        if kind == "session_started":
            person = False
        elif kind == "action" and event.get("name") == "action_escalate":
            person = True
        elif kind == "bot" and ("agent" in metadata or "resumed_by" in metadata):
            person = True
    return person
