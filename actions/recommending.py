"""Rasa SDK glue: the four-question recommendation form and its verdict."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import parse_device_count, parse_space_backup, parse_storage, parse_yes_no
from actions.domain_text import response_text
from actions.recommendation import recommend

FORM_SLOTS = ["rec_devices", "rec_offline", "rec_storage", "rec_space_backup"]
ALLOWED = {
    "rec_devices": {"one", "many"},
    "rec_offline": {"yes", "no"},
    "rec_storage": {"server", "device", "unknown"},
    "rec_space_backup": {"yes", "no", "unknown"},
}


def _checked(
    slot: str, value: Optional[str], dispatcher: CollectingDispatcher
) -> Dict[Text, Any]:
    """Keep a recognised answer, or ask again politely."""
    if value in ALLOWED[slot]:
        return {slot: value}
    dispatcher.utter_message(response="utter_rec_not_understood")
    return {slot: None}


class ValidateRecommendForm(FormValidationAction):
    """Turns button clicks and free text into normalised answers."""

    def name(self) -> Text:
        return "validate_recommend_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """Skip the device question when the customer already named two devices."""
        slots = list(domain_slots)
        devices = set(tracker.get_slot("devices") or [])
        if len(devices) >= 2 and not tracker.get_slot("rec_devices"):
            slots.remove("rec_devices")
        return slots

    def validate_rec_devices(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or value in ALLOWED["rec_devices"]:
            return {"rec_devices": value}
        devices = [
            e.get("value") for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "device"
        ]
        return _checked("rec_devices", parse_device_count(str(value), devices), dispatcher)

    def validate_rec_offline(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or value in ALLOWED["rec_offline"]:
            return {"rec_offline": value}
        return _checked("rec_offline", parse_yes_no(str(value)), dispatcher)

    def validate_rec_storage(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value is None or value in ALLOWED["rec_storage"]:
            return {"rec_storage": value}
        return _checked("rec_storage", parse_storage(str(value)), dispatcher)

    def validate_rec_space_backup(
        self, value: Any, dispatcher, tracker, domain
    ) -> Dict[Text, Any]:
        if value is None or value in ALLOWED["rec_space_backup"]:
            return {"rec_space_backup": value}
        return _checked("rec_space_backup", parse_space_backup(str(value)), dispatcher)


def bullet_list(domain: Dict[str, Any], header: str, names: List[str]) -> str:
    """A header line followed by one bullet per response text."""
    lines = [response_text(domain, header) or ""]
    lines += [f"• {response_text(domain, n)}" for n in names if response_text(domain, n)]
    return "\n".join(line for line in lines if line)


class ActionRecommend(Action):
    """Gives the recommendation with the reasons that applied and the cautions."""

    def name(self) -> Text:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        devices = tracker.get_slot("rec_devices")
        if not devices and len(set(tracker.get_slot("devices") or [])) >= 2:
            devices = "many"
        result = recommend(
            devices,
            tracker.get_slot("rec_offline"),
            tracker.get_slot("rec_storage"),
            tracker.get_slot("rec_space_backup"),
        )
        parts = [
            response_text(domain, f"utter_recommend_{result.protocol}") or "",
            bullet_list(domain, "utter_recommend_reasons_header", result.reasons),
            bullet_list(domain, "utter_recommend_cautions_header", result.cautions),
        ]
        dispatcher.utter_message(text="\n\n".join(p for p in parts if p))
        dispatcher.utter_message(response="utter_recommend_next")
        return [SlotSet("recommended_protocol", result.protocol)]


class ActionResetRecommendation(Action):
    """Clears earlier answers so the form can be filled again."""

    def name(self) -> Text:
        return "action_reset_recommendation"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        return [SlotSet(slot, None) for slot in FORM_SLOTS]
