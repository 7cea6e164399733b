"""Live takeover: an agent's reply and the close of a conversation (no HTTP here).

The console's handlers parse the form and map each :class:`Outcome` to a page;
this module does the work in order and says where it stopped:

- reply: claim the ticket, record the reply in Rasa's tracker (the source of
  truth), add it to the ticket's transcript, then push it to the customer's
  widget. The tracker is written first, so a widget that is offline finds the
  reply in the history when it reconnects.
- close: read what the customer wrote since the escalation, resume the bot if
  it is paused (with a message telling the customer), close the ticket with
  those lines, then let the bot ask once "Ti sono stato utile?" (a failure
  there is logged: the ticket is closed all the same).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Dict, List

from escalation import service
from escalation.console.live import live_messages, new_user_lines
from escalation.models import TicketStatus
from escalation.rasa_client import RESUMED_TEXT, RasaClient, RasaError

logger = logging.getLogger(__name__)


class Outcome(str, Enum):
    """How a takeover step ended (the console shows one notice per outcome)."""

    REPLIED = "replied"
    CLOSED = "closed"
    CLOSED_QUIET = "closed_quiet"
    CONFLICT = "conflict"
    RASA_DOWN = "rasa_down"
    WIDGET_DOWN = "widget_down"


async def reply(rasa: RasaClient, ticket: Dict[str, Any], agent: str, text: str) -> Outcome:
    """Claim the ticket and deliver ``text``: tracker, transcript, then widget."""
    reference, conversation = ticket["reference"], ticket["conversation_id"]
    try:
        await asyncio.to_thread(service.claim_ticket, reference, agent)
    except service.TicketConflict:
        return Outcome.CONFLICT
    try:
        await rasa.append_events(
            conversation, [{"event": "bot", "text": text, "metadata": {"agent": agent}}]
        )
    except RasaError as error:
        logger.error("reply to %s not recorded: %s", reference, error)
        return Outcome.RASA_DOWN
    line = {"sender": "agent", "text": text, "agent": agent, "time": datetime.now(timezone.utc)}
    await asyncio.to_thread(service.append_transcript, reference, [line])
    try:
        await rasa.push_to_widget(conversation, text, agent)
    except RasaError as error:
        logger.error("reply to %s not pushed to the widget: %s", reference, error)
        return Outcome.WIDGET_DOWN
    return Outcome.REPLIED


async def close(
    rasa: RasaClient, ticket: Dict[str, Any], agent: str, contact_rasa: bool = True
) -> Outcome:
    """Resume the bot if paused, tell the customer, and close the ticket.

    ``contact_rasa=False`` closes the ticket only (the assistant is unreachable
    and the agent chose to close anyway).
    """
    reference = ticket["reference"]
    if ticket["status"] == TicketStatus.CLOSED or ticket["claimed_by"] not in (None, agent):
        return Outcome.CONFLICT
    extra: List[Dict[str, Any]] = []
    outcome = Outcome.CLOSED_QUIET
    if contact_rasa:
        try:
            tracker = await rasa.get_tracker(ticket["conversation_id"])
            extra = new_user_lines(live_messages(tracker, ticket["created_at"]), ticket["transcript"])
            if tracker.get("paused", True):
                await rasa.resume_bot(ticket["conversation_id"], agent)
                extra.append({"sender": "bot", "text": RESUMED_TEXT,
                              "time": datetime.now(timezone.utc)})
        except RasaError as error:
            logger.error("closing %s: assistant not reachable: %s", reference, error)
            return Outcome.RASA_DOWN
        outcome = Outcome.CLOSED
    try:
        await asyncio.to_thread(service.close_ticket, reference, agent, extra)
    except service.TicketConflict:
        return Outcome.CONFLICT
    logger.info("agent %s closed %s", agent, reference)
    if contact_rasa:
        try:
            await rasa.ask_satisfaction(ticket["conversation_id"])
        except RasaError as error:
            logger.warning("closing %s: satisfaction question not asked: %s", reference, error)
    return outcome
