"""Rasa SDK glue: hand the conversation to a person and record a ticket."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handover
from actions.clarification import consecutive_fallbacks
from actions.provider_values import ticket_failed_message
from channels.rate_limit import KeyedLimiter
from settings import load_settings

logger = logging.getLogger(__name__)



def _tickets_per_client_per_hour() -> int:
    """``TICKETS_PER_CLIENT_PER_HOUR`` (default 10; the test suites, all on 127.0.0.1, raise it)."""
    return int(os.environ.get("TICKETS_PER_CLIENT_PER_HOUR") or 10)


#: New tickets per client address (its alias from the channel): that many at
#: once, then that many an hour. Beyond it the customer gets the support
#: contacts, with no ticket.
_PER_HOUR = _tickets_per_client_per_hour()
TICKETS_PER_CLIENT = KeyedLimiter(burst=_PER_HOUR, per_minute=_PER_HOUR / 60)


class ActionEscalate(Action):
    """Opens a ticket; pauses the bot for a live agent in office hours, else offers a call-back."""

    def name(self) -> Text:
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        from escalation import hours, service

        settings = load_settings()
        events = tracker.events
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in handover.ACCOUNT_TOPICS:
            dispatcher.utter_message(response=handover.ACCOUNT_TOPICS[intent])
        reason = handover.escalation_reason(
            intent, consecutive_fallbacks(events), handover.previous_bot_action(events)
        )
        client = handover.client_of(events)
        if client and not tracker.get_slot("ticket_ref") and not TICKETS_PER_CLIENT.allow(client):
            logger.warning("Ticket limit reached for client %s: no new ticket", client)
            response, values = ticket_failed_message(settings)
            dispatcher.utter_message(response=response, **values)
            return []
        try:
            # The database call blocks: keep it off the action server's event loop.
            reference = await asyncio.to_thread(
                service.open_ticket,
                conversation_id=tracker.sender_id,
                reason=reason,
                intents=handover.recent_intents(events),
                slots=handover.ticket_slots(tracker.get_slot),
                transcript=handover.conversation_transcript(
                    tracker.get_slot("earlier_transcript"), events),
                page_url=handover.page_url(events),
            )
        except Exception:  # the customer must get an answer even if the DB is down
            logger.exception("Could not open an escalation ticket")
            response, values = ticket_failed_message(settings)
            dispatcher.utter_message(response=response, **values)
            return []
        dispatcher.utter_message(response="utter_escalated_ticket", ticket_ref=reference)
        if hours.is_office_open(datetime.now(timezone.utc), settings):
            dispatcher.utter_message(response="utter_agent_coming")
            return [SlotSet("ticket_ref", reference), ConversationPaused()]
        if settings.support_hours_text:
            dispatcher.utter_message(
                response="utter_ask_wants_contact", support_hours=settings.support_hours_text
            )
        else:
            dispatcher.utter_message(response="utter_ask_wants_contact_no_hours")
        return [SlotSet("ticket_ref", reference)]


class ValidateContactForm(FormValidationAction):
    """Accepts a valid e-mail address or phone number."""

    def name(self) -> Text:
        return "validate_contact_form"

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        from escalation.contact import normalise_email, normalise_phone

        text = str(value or "")[:200]
        contact = normalise_email(text) or normalise_phone(text)
        if not contact:
            dispatcher.utter_message(response="utter_contact_invalid")
            return {"contact": None}
        return {"contact": contact}


class ActionSaveContact(Action):
    """Adds the validated contact to the ticket."""

    def name(self) -> Text:
        return "action_save_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        from escalation import service

        reference = tracker.get_slot("ticket_ref")
        contact = tracker.get_slot("contact")
        if not reference or not contact:
            return []
        kind = "email" if "@" in contact else "phone"
        try:
            await asyncio.to_thread(service.set_contact, reference, kind, contact,
                                    conversation_id=tracker.sender_id)
        except Exception:
            logger.exception("Could not save the contact on ticket %s", reference)
            response, values = ticket_failed_message(load_settings())
            dispatcher.utter_message(response=response, **values)
            return []
        dispatcher.utter_message(response="utter_contact_saved", contact=contact, ticket_ref=reference)
        return []
