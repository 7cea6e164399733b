"""Rasa SDK glue: ask once per conversation "Ti sono stato utile?" and record the answer.

``satisfaction_asked`` remembers that the question was asked. The answer is a
slot (``satisfaction``: positive or negative, and the optional
``feedback_reason``) so Rasa's event broker records it for analytics.
Ignoring the question costs nothing: the buttons are just not pressed. The
decisions are in :mod:`actions.satisfaction`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.satisfaction import after_agent, rating_of, reason_of, should_ask


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
    """After a goodbye or an agent's close: the question, unless it was already asked."""

    def name(self) -> Text:
        return "action_ask_satisfaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not should_ask(bool(tracker.get_slot("satisfaction_asked")), _active_loop(tracker)):
            return []
        agent = after_agent(tracker.events)
        dispatcher.utter_message(
            response="utter_ask_satisfaction_agent" if agent else "utter_ask_satisfaction")
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
