"""Rasa SDK glue: answer politely to input that could not be read."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from settings import load_settings

KINDS = {"empty", "too_long", "command", "markup", "no_words", "secret"}


class ActionHandleBadInput(Action):
    """Explains what was wrong with the message, without losing the conversation."""

    def name(self) -> Text:
        return "action_handle_bad_input"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        kind = next(tracker.get_latest_entity_values("input_problem"), "no_words")
        if kind not in KINDS:
            kind = "no_words"
        response = "utter_no_password" if kind == "secret" else f"utter_bad_input_{kind}"
        dispatcher.utter_message(
            response=response, max_chars=load_settings().max_message_chars
        )
        return []
