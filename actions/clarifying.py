"""Rasa SDK glue: clarify an unclear message, then offer a person."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clarification import suggestions
from actions.domain_text import response_text
from actions.explaining import explain, stated_protocol

LABEL_PREFIX = "utter_label_"


class ActionClarify(Action):
    """Offers the two likeliest topics as buttons (a second miss is handled by a rule)."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if stated_protocol(tracker):
            # "mmm pop3 credo" after "Tu quale usi?": an answer, not a misunderstanding.
            return explain(dispatcher, tracker, domain)
        labelled = [
            name[len(LABEL_PREFIX):]
            for name in (domain.get("responses") or {})
            if name.startswith(LABEL_PREFIX)
        ]
        ranking = tracker.latest_message.get("intent_ranking") or []
        picked = suggestions(ranking, labelled)
        buttons = [
            {"title": response_text(domain, LABEL_PREFIX + name), "payload": f"/{name}"}
            for name in picked
        ]
        buttons.append({"title": response_text(domain, "utter_label_request_human"),
                        "payload": "/request_human"})
        dispatcher.utter_message(text=response_text(domain, "utter_clarify"), buttons=buttons)
        return []
