"""Rasa SDK glue: start a conversation session with the provider's name in a slot.

Responses that rules send directly (the greeting, costs...) can only be filled
from slots, so the provider's name from ``settings/provider.yml`` is put in the
``provider_name`` slot once per session. Earlier slots are carried over, as
Rasa's default session start does with ``carry_over_slots_to_new_session``,
and the last lines of the finished session go into ``earlier_transcript``: a
session renewed in a long conversation (supervisor/long_sessions.py) or after
a pause keeps what an agent will want to read in a ticket.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handover
from settings import load_settings

_NOT_CARRIED = ("provider_name", "requested_slot", "earlier_transcript")


class ActionSessionStart(Action):
    """Carries slots and the recent transcript over, and sets ``provider_name``."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value) for name, value in tracker.current_slot_values().items()
            if value is not None and name not in _NOT_CARRIED
        ]
        carried = handover.carried_transcript(tracker.get_slot("earlier_transcript"), tracker.events)
        if carried:
            events.append(SlotSet("earlier_transcript", carried))
        events.append(SlotSet("provider_name", load_settings().name))
        events.append(ActionExecuted("action_listen"))
        return events
