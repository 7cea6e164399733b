"""Rasa SDK glue: ask once per conversation "Ti sono stato utile?" and record the answer.

The question comes when a conversation ends (a goodbye, or thanks after an
answer), never inside a form and never twice: ``satisfaction_asked`` remembers
it. The answer is a slot (``satisfaction``: positive or negative, and the
optional ``feedback_reason``) so Rasa's event broker records it for analytics.
Ignoring the question costs nothing: the buttons are just not pressed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

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


def _active_loop(tracker: Tracker) -> Optional[str]:
    return (tracker.active_loop or {}).get("name")


class ActionWelcome(Action):
    """Answers thanks; the first time, the answer carries the satisfaction question."""

    def name(self) -> Text:
        return "action_welcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if should_ask(bool(tracker.get_slot("satisfaction_asked")), _active_loop(tracker)):
            dispatcher.utter_message(response="utter_youre_welcome_rate")
            return [SlotSet("satisfaction_asked", True)]
        dispatcher.utter_message(response="utter_youre_welcome")
        return []


class ActionAskSatisfaction(Action):
    """After a goodbye: the satisfaction question, unless it was already asked."""

    def name(self) -> Text:
        return "action_ask_satisfaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not should_ask(bool(tracker.get_slot("satisfaction_asked")), _active_loop(tracker)):
            return []
        dispatcher.utter_message(response="utter_ask_satisfaction")
        return [SlotSet("satisfaction_asked", True)]


class ActionRecordSatisfaction(Action):
    """Stores a rating button's answer (and, after a 👎, the reason picked)."""

    def name(self) -> Text:
        return "action_record_satisfaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        rating = rating_of(intent)
        if rating == "positive":
            dispatcher.utter_message(response="utter_rating_thanks")
            return [SlotSet("satisfaction_asked", True), SlotSet("satisfaction", rating)]
        if rating == "negative":
            dispatcher.utter_message(response="utter_rating_sorry")
            return [SlotSet("satisfaction_asked", True), SlotSet("satisfaction", rating)]
        reason = reason_of(intent)
        if reason is None:
            return []
        response = "utter_feedback_person" if reason == "wanted_person" else "utter_feedback_thanks"
        dispatcher.utter_message(response=response)
        return [SlotSet("feedback_reason", reason)]
