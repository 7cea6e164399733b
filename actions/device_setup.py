"""Rasa SDK glue for device set-up guidance (logic in :mod:`actions.setup_guide`).

``action_setup_guide`` serves three goals, chosen from the latest intent or,
when the customer is answering one of its questions (intent ``inform``), from
the ``setup_goal`` slot: step-by-step set-up (``ask_configure_device``), POP3
copy on the server (``ask_pop_keep_copy``) and the safe move from POP3 to IMAP
(``ask_migrate_pop_to_imap``). Questions are domain responses with buttons
whose payloads are plain Italian text the NLU reads as entities.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import setup_guide
from settings import load_settings

#: Slots this action sets (declared in the domain with ``type: custom`` mappings).
PENDING_SLOT = "setup_pending"
GOAL_SLOT = "setup_goal"
QUESTION_SLOT = "setup_question"


def setup_events(tracker: Tracker, dispatcher: CollectingDispatcher) -> List[EventType]:
    """Plan the next step from the tracker, send its messages, return slot events."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    goal = setup_guide.goal_for_intent(intent, tracker.get_slot(GOAL_SLOT))
    answering = intent == "inform" and bool(tracker.get_slot(PENDING_SLOT))
    client, device = setup_guide.choose_inputs(
        tracker.get_slot("mail_client"),
        tracker.get_slot("device"),
        list(tracker.get_latest_entity_values("mail_client")),
        list(tracker.get_latest_entity_values("device")),
        answered_question=tracker.get_slot(QUESTION_SLOT) if answering else None,
    )
    outcome = setup_guide.plan_setup(
        client, device, tracker.get_slot("protocol"), load_settings(), goal=goal
    )
    for message in outcome.messages:
        dispatcher.utter_message(response=message.response, **dict(message.values))

    events: List[EventType] = [
        SlotSet(PENDING_SLOT, outcome.pending),
        SlotSet(GOAL_SLOT, goal if outcome.pending else None),
        SlotSet(QUESTION_SLOT, outcome.kind if outcome.pending else None),
    ]
    if outcome.slot_client and outcome.slot_client != tracker.get_slot("mail_client"):
        # Remember the resolved client (e.g. apple_mail -> apple_mail_ios).
        events.append(SlotSet("mail_client", outcome.slot_client))
    return events


class ActionSetupGuide(Action):
    """Guides the customer through setting up a mail client, step by step."""

    def name(self) -> Text:
        return "action_setup_guide"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return setup_events(tracker, dispatcher)
