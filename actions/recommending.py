"""Rasa SDK glue: the recommendation form and its verdict.

The form's slots have ``type: custom`` mappings without an action, so Rasa
never extracts them on its own: ``validate_recommend_form`` reads the reply to
the question being asked (``extract_<slot>``, decided by
:func:`actions.answers.read_answer`). It runs only while the form is active,
not on every message. A reply that is not an answer leaves the slot empty, the
form rejects, and the dialogue rules answer the side question or the small
talk before the same question is asked again.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import read_answer
from actions.domain_text import response_text
from actions.recommendation import recommend

FORM_SLOTS = ("rec_devices", "rec_offline", "rec_storage", "rec_space")


def known_devices(tracker: Tracker) -> List[str]:
    """Devices named so far in the conversation (the ``devices`` list slot)."""
    return [d for d in (tracker.get_slot("devices") or []) if d]


class ValidateRecommendForm(FormValidationAction):
    """Turns button clicks and free text into the form's normalised answers."""

    def name(self) -> Text:
        return "validate_recommend_form"

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        message = tracker.latest_message or {}
        devices = list(tracker.get_latest_entity_values("device"))
        intent = message.get("intent") or {}
        reading = read_answer(slot, intent.get("name"), message.get("text"), devices,
                              float(intent.get("confidence") or 0.0))
        if reading.kind == "answer":
            return {slot: reading.value}
        if reading.kind == "unclear":
            dispatcher.utter_message(response="utter_rec_not_understood")
            # An explicit empty value: the form asks again instead of rejecting.
            return {slot: None}
        return {}

    def extract_rec_devices(self, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("rec_devices", dispatcher, tracker)

    def extract_rec_offline(self, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("rec_offline", dispatcher, tracker)

    def extract_rec_storage(self, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("rec_storage", dispatcher, tracker)

    def extract_rec_space(self, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("rec_space", dispatcher, tracker)


def bullets(domain: Dict[str, Any], names: List[str]) -> str:
    """One bullet line per response text."""
    return "\n".join(f"• {text}" for text in (response_text(domain, n) for n in names) if text)


class ActionReadAccountTopic(Action):
    """An account topic guessed during the form: does the message answer the question instead?"""

    def name(self) -> Text:
        return "action_read_account_topic"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        slot = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        answers = slot in FORM_SLOTS and read_answer(
            slot, intent.get("name"), message.get("text"),
            list(tracker.get_latest_entity_values("device")), float(intent.get("confidence") or 0.0),
        ).kind == "answer"
        return [SlotSet("account_topic_answers", answers)]


class ActionStartRecommendation(Action):
    """Clears earlier answers and fills in what the customer already told us."""

    def name(self) -> Text:
        return "action_start_recommendation"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        events: List[EventType] = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if len(set(known_devices(tracker))) >= 2:
            events.append(SlotSet("rec_devices", "many"))
            dispatcher.utter_message(response="utter_recommend_intro_devices_known")
        else:
            dispatcher.utter_message(response="utter_recommend_intro")
        return events


class ActionRecommend(Action):
    """Gives the recommendation with the reasons that applied and the cautions."""

    def name(self) -> Text:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answers: List[Optional[str]] = [tracker.get_slot(slot) for slot in FORM_SLOTS]
        result = recommend(*answers)
        dispatcher.utter_message(
            response=f"utter_recommend_{result.protocol}",
            reasons=bullets(domain, result.reasons),
            cautions=bullets(domain, result.cautions),
        )
        dispatcher.utter_message(response="utter_recommend_next")
        return [SlotSet("recommended_protocol", result.protocol)]
