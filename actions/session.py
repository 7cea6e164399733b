"""Rasa SDK glue: start a conversation session with the provider's name in a slot.

Responses that rules send directly (the greeting, costs...) can only be filled
from slots, so the provider's name from ``settings/provider.yml`` is put in the
``provider_name`` slot once per session. Earlier slots are carried over, as
Rasa's default session start does with ``carry_over_slots_to_new_session``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from settings import load_settings


class ActionSessionStart(Action):
    """Carries slots over and sets ``provider_name``."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value) for name, value in tracker.current_slot_values().items()
            if value is not None and name not in ("provider_name", "requested_slot")
        ]
        events.append(SlotSet("provider_name", load_settings().name))
        events.append(ActionExecuted("action_listen"))
        return events
