"""Rasa SDK glue: answer topic questions for the customer's own situation."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import provider_values
from actions.topics import AnswerPlan, plan_inform, plan_topic
from settings import load_settings

SETTINGS_VALUES = {
    "servers": provider_values.server_values,
    "support": provider_values.support_values,
    "webmail": provider_values.webmail_values,
}


def send_plan(dispatcher: CollectingDispatcher, plan: AnswerPlan, protocol: str | None) -> None:
    """Send the responses of ``plan``, filling provider values or saying they are missing."""
    values: Dict[str, str] = {
        "protocol_label": provider_values.PROTOCOL_LABELS.get(protocol or "", protocol or "")
    }
    if plan.needs_settings:
        found, missing = SETTINGS_VALUES[plan.needs_settings](load_settings())
        if missing:
            dispatcher.utter_message(response="utter_setting_missing", missing=", ".join(missing))
            return
        values.update(found)
    for response in plan.responses:
        dispatcher.utter_message(response=response, **values)


class ActionExplain(Action):
    """Answers every topic question and the customer's statements about their setup."""

    def name(self) -> Text:
        return "action_explain"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        protocol = tracker.get_slot("protocol")
        if intent == "inform":
            new_devices = any(
                e.get("entity") in ("device", "mail_client")
                for e in tracker.latest_message.get("entities") or []
            )
            plan = plan_inform(tracker.get_slot("pending_topic"), protocol, new_devices)
        else:
            # A question about one named protocol is answered for that protocol.
            named = {
                e.get("value") for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "protocol"
            }
            if len(named) == 1:
                protocol = named.pop()
            plan = plan_topic(intent, protocol)
        send_plan(dispatcher, plan, protocol)
        return [SlotSet("pending_topic", plan.pending_topic)]
