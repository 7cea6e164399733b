"""Rasa SDK glue: answer topic questions for the customer's own situation."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import provider_values
from actions.domain_text import missing_text, username_hint
from actions.topics import AnswerPlan, plan_inform, plan_topic, protocol_reply, what_is_named
from actions.vocabulary import protocol_label
from settings import load_settings

SETTINGS_VALUES = {
    "servers": provider_values.server_values,
    "support": provider_values.support_values,
    "webmail": provider_values.webmail_values,
}


def send_plan(
    dispatcher: CollectingDispatcher, plan: AnswerPlan, protocol: str | None, domain: Dict[str, Any]
) -> None:
    """Send the responses of ``plan``, filling provider values or saying they are missing."""
    values: Dict[str, str] = {
        "protocol_label": protocol_label(protocol)
    }
    if plan.needs_settings:
        settings = load_settings()
        found, missing = SETTINGS_VALUES[plan.needs_settings](settings)
        if plan.needs_settings == "servers":
            hint = username_hint(domain, settings.username_format)
            found["username_hint"] = hint or ""
            if not hint:
                missing.append("username")
        if missing:
            dispatcher.utter_message(
                response="utter_setting_missing", missing=missing_text(domain, missing)
            )
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
        return explain(dispatcher, tracker, domain)


def stated_protocol(tracker: Tracker) -> Optional[str]:
    """The protocol the latest message says the customer uses, if it is such a statement."""
    message = tracker.latest_message or {}
    return protocol_reply(
        (message.get("intent") or {}).get("name") or "",
        message.get("text"),
        list(tracker.get_latest_entity_values("protocol")),
        tracker.get_slot("pending_topic"),
    )


def explain(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
) -> List[EventType]:
    """Answer the latest message (a topic question or a statement about the customer's mail)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    protocol = tracker.get_slot("protocol")
    events: List[EventType] = []
    stated = stated_protocol(tracker)
    if stated or intent == "inform":
        if stated and stated != protocol:
            protocol = stated
            events.append(SlotSet("protocol", stated))
        new_devices = any(
            next(tracker.get_latest_entity_values(kind), None) for kind in ("device", "mail_client")
        )
        plan = plan_inform(tracker.get_slot("pending_topic"), protocol, new_devices)
    else:
        # A question about one named protocol is answered for that protocol.
        named = set(tracker.get_latest_entity_values("protocol"))
        if len(named) == 1:
            protocol = named.pop()
            intent = what_is_named(intent, protocol)
        plan = plan_topic(intent, protocol)
    send_plan(dispatcher, plan, protocol, domain)
    events.append(SlotSet("pending_topic", plan.pending_topic))
    if tracker.get_slot("setup_pending"):
        # The customer moved on from the set-up questions: the latest
        # question asked is the one their next answer is for.
        events += [SlotSet("setup_pending", False), SlotSet("setup_goal", None),
                   SlotSet("setup_question", None)]
    return events
