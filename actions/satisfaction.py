"""When to ask "Ti sono stato utile?" and how a button's answer is read (pure logic).

The question comes when a conversation ends (a goodbye, or thanks after an
answer), never inside a form and never twice. The SDK glue is
:mod:`actions.rating`.
"""

from __future__ import annotations

from typing import Optional

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
