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
from actions.domain_text import app_names, missing_text, username_hint
from actions.explaining import explain, stated_protocol
from settings import load_settings

#: Slots this action sets (declared in the domain with ``type: custom`` mappings).
PENDING_SLOT = "setup_pending"
GOAL_SLOT = "setup_goal"
QUESTION_SLOT = "setup_question"


def with_continuations(name: str, responses: Dict[str, Any]) -> List[str]:
    """``name`` and its continuation bubbles ``name_2``, ``name_3``... found in the domain.

    Long guides are split in the domain so that each chat bubble stays short;
    an editor can split any guide further by adding the next ``_N`` response.
    """
    names = [name]
    while f"{name}_{len(names) + 1}" in responses:
        names.append(f"{name}_{len(names) + 1}")
    return names


def setup_events(
    tracker: Tracker, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> List[EventType]:
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
    settings = load_settings()
    outcome = setup_guide.plan_setup(
        client, device, tracker.get_slot("protocol"), settings, goal=goal,
        username_hint=username_hint(domain, settings.username_format), app_names=app_names(domain),
    )
    responses = domain.get("responses") or {}
    for message in outcome.messages:
        values = dict(message.values)
        if outcome.kind == "missing_setting":
            values["missing"] = missing_text(domain, outcome.missing)
        for name in with_continuations(message.response, responses):
            dispatcher.utter_message(response=name, **values)

    events: List[EventType] = [
        SlotSet(PENDING_SLOT, outcome.pending),
        SlotSet(GOAL_SLOT, goal if outcome.pending else None),
        SlotSet(QUESTION_SLOT, outcome.kind if outcome.pending else None),
    ]
    if tracker.get_slot("pending_topic"):
        # A set-up question now waits for the answer, not the earlier topic.
        events.append(SlotSet("pending_topic", None))
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
        if not tracker.get_slot(PENDING_SLOT) and tracker.get_slot("pending_topic"):
            if stated_protocol(tracker):
                # "il mio account è imap" after "Tu quale usi?" is that answer,
                # even when NLU took it for a set-up request.
                return explain(dispatcher, tracker, domain)
        return setup_events(tracker, dispatcher, domain)
