"""Turn a conversation's Rasa events into one summary (pure logic, no I/O).

Events are the dicts Rasa's event broker records (``Event.as_dict()`` plus
``sender_id``). A sender's events are split into conversations at each
``session_started``; only conversations with at least one user message count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from actions.clarification import CLARIFY_ACTION, consecutive_fallbacks
from actions.handover import escalation_reason, previous_bot_action
from analytics.masking import mask_personal

#: Actions and responses that mean "the assistant did not understand".
FALLBACK_ACTIONS = frozenset({CLARIFY_ACTION, "action_default_fallback", "utter_offer_human"})
ESCALATE_ACTION = "action_escalate"
RECOMMENDATIONS = ("imap", "pop3")
SATISFACTION = ("positive", "negative")
#: Forms whose answer is free text (a contact, a comment): not NLU data to review.
FREE_TEXT_FORMS = frozenset({"contact_form", "feedback_form"})
#: A comment is shown up to this many characters.
MAX_COMMENT = 500
HANDOFF_REASONS = ("explicit_request", "low_confidence", "repeated_misunderstanding",
                   "account_topic")


@dataclass
class UserMessage:
    """One customer message: masked text, predicted intent and confidence, fallback or not."""

    text: str
    intent: str | None
    confidence: float | None
    fallback: bool = False
    #: The best intent other than the fallback, and its confidence (what the model guessed).
    guess: str | None = None
    guess_confidence: float | None = None
    #: Written as the answer of a free-text form (a contact, a comment).
    free_text: bool = False


@dataclass
class Line:
    """One line of a transcript: who, the masked text, the intent or response, the confidence."""

    sender: str  # "user" or "bot"
    text: str
    label: str | None = None
    confidence: float | None = None


@dataclass
class Conversation:
    """What one conversation amounted to."""

    sender_id: str
    start: datetime
    messages: list[UserMessage] = field(default_factory=list)
    handoff: bool = False
    handoff_reason: str | None = None
    handoff_at: datetime | None = None
    recommendation: str | None = None
    protocol: str | None = None
    satisfaction: str | None = None
    feedback_reason: str | None = None
    #: The optional comment after the satisfaction question (masked).
    feedback_comment: str | None = None
    abandoned: bool = False
    transcript: list[Line] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable identifier of this conversation (sender and start), safe in a URL."""
        raw = f"{self.sender_id}|{self.start.timestamp():.6f}".encode()
        return hashlib.sha256(raw).hexdigest()[:20]

    @property
    def user_turns(self) -> int:
        return len(self.messages)

    @property
    def fallbacks(self) -> int:
        return sum(message.fallback for message in self.messages)

    @property
    def intents(self) -> list[tuple[str | None, float | None]]:
        return [(message.intent, message.confidence) for message in self.messages]


def best_guess(parse_data: Mapping[str, Any]) -> tuple[str | None, float | None]:
    """The top intent that is not ``nlu_fallback`` (from the ranking), and its confidence."""
    ranking = list(parse_data.get("intent_ranking") or []) + [parse_data.get("intent") or {}]
    for entry in ranking:
        if entry.get("name") and entry.get("name") != "nlu_fallback":
            return entry["name"], entry.get("confidence")
    return None, None


def _when(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)


def split_sessions(events: Iterable[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """One sender's events cut into sessions at each ``session_started``."""
    sessions: list[list[Mapping[str, Any]]] = [[]]
    for event in events:
        if event.get("event") == "session_started" and sessions[-1]:
            sessions.append([])
        sessions[-1].append(event)
    return [session for session in sessions if session]


def summarise(sender_id: str, events: Sequence[Mapping[str, Any]]) -> Conversation | None:
    """The summary of one session's events, or None if the customer wrote nothing.

    The handoff reason is derived the way ``action_escalate`` derives it;
    :func:`analytics.report` replaces it with the ticket's reason when there is one.
    """
    conversation: Conversation | None = None
    active_loop: str | None = None
    seen: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        seen.append(dict(event))
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            if conversation is None:
                conversation = Conversation(sender_id=sender_id, start=_when(event))
            guess, guess_confidence = best_guess(event.get("parse_data") or {})
            masked = mask_personal(event.get("text"))
            conversation.transcript.append(
                Line("user", masked, intent.get("name"), intent.get("confidence")))
            conversation.messages.append(
                UserMessage(
                    text=masked,
                    intent=intent.get("name"),
                    confidence=intent.get("confidence"),
                    guess=guess,
                    guess_confidence=guess_confidence,
                    free_text=active_loop in FREE_TEXT_FORMS,
                )
            )
        elif conversation is None:
            continue
        elif kind == "action":
            name = event.get("name")
            if name in FALLBACK_ACTIONS and conversation.messages:
                conversation.messages[-1].fallback = True
            elif name == ESCALATE_ACTION and not conversation.handoff:
                conversation.handoff = True
                conversation.handoff_at = _when(event)
                latest = conversation.messages[-1].intent if conversation.messages else None
                conversation.handoff_reason = escalation_reason(
                    latest, consecutive_fallbacks(seen), previous_bot_action(seen)
                )
        elif kind == "bot":
            utter = ((event.get("metadata") or {}).get("utter_action")) or ""
            conversation.transcript.append(Line("bot", mask_personal(event.get("text")), utter or None))
            if utter in FALLBACK_ACTIONS and conversation.messages:
                conversation.messages[-1].fallback = True
        elif kind == "slot":
            value = event.get("value")
            if event.get("name") == "recommended_protocol" and value in RECOMMENDATIONS:
                conversation.recommendation = value
            elif event.get("name") == "protocol" and value:
                conversation.protocol = str(value)
            elif event.get("name") == "satisfaction" and value in SATISFACTION:
                conversation.satisfaction = value
            elif event.get("name") == "feedback_reason" and value:
                conversation.feedback_reason = str(value)
            elif event.get("name") == "feedback_comment" and value:
                conversation.feedback_comment = mask_personal(str(value)[:MAX_COMMENT])
        elif kind == "active_loop":
            active_loop = event.get("name")
        elif kind in ("restart", "session_started"):
            active_loop = None
    if conversation is not None:
        # A comment left unwritten is not a flow left half-way.
        conversation.abandoned = active_loop not in (None, "feedback_form")
    return conversation


def conversations_of(sender_id: str, events: Iterable[Mapping[str, Any]]) -> list[Conversation]:
    """Every conversation (session with a user message) of one sender."""
    found = (summarise(sender_id, session) for session in split_sessions(events))
    return [conversation for conversation in found if conversation is not None]
