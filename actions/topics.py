"""Which answer to give to a topic question, given what we know of the customer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from actions.answers import looks_like_question, normalise
from actions.vocabulary import normalize_protocol

# Topics whose answer depends on the protocol the customer uses.
SITUATIONAL: Dict[str, str] = {
    "ask_sync_devices": "sync",
    "ask_delete_sync": "delete",
    "ask_offline": "offline",
    "ask_mailbox_full": "space",
    "ask_backup_lost_device": "backup",
    "ask_sent_mail": "sent",
    "ask_speed_attachments": "speed",
    "ask_drawbacks": "drawbacks",
}

# Topics answered for one protocol when one is named or known, else for both,
# without asking which one is used.
PER_PROTOCOL: Dict[str, str] = {
    "ask_advantages": "advantages",
}

# Topics with one answer for everybody.
GENERAL: Dict[str, str] = {
    "ask_what_is_imap": "utter_what_is_imap",
    "ask_what_is_pop3": "utter_what_is_pop3",
    "ask_difference": "utter_difference",
    "ask_cost": "utter_cost",
    "ask_pop_keep_copy": "utter_pop_keep_copy",
    "ask_migrate_pop_to_imap": "utter_migrate_pop_to_imap",
    "prefer_local_mail": "utter_prefer_local_mail",
}

# Topics whose answer needs values from the provider's settings.
PROVIDER: Dict[str, str] = {
    "ask_webmail": "utter_webmail",
    "ask_support_contact": "utter_support_contact",
    "ask_server_settings": "utter_server_settings",
}



@dataclass
class AnswerPlan:
    """Responses to send and the topic left waiting for the protocol, if any."""

    responses: List[str] = field(default_factory=list)
    pending_topic: Optional[str] = None
    needs_settings: Optional[str] = None  # "servers", "support" or "webmail"


def plan_topic(intent: str, protocol: Optional[str]) -> AnswerPlan:
    """Answer plan for a topic intent.

    Situational topics speak to the customer's protocol when it is known;
    otherwise both cases are answered briefly and the topic is remembered so
    that the specific answer follows once the customer says which one they use.
    """
    proto = normalize_protocol(protocol)
    if intent in SITUATIONAL:
        topic = SITUATIONAL[intent]
        if proto:
            return AnswerPlan([f"utter_{topic}_{proto}"])
        return AnswerPlan([f"utter_{topic}_both"], pending_topic=intent)
    if intent in PER_PROTOCOL:
        return AnswerPlan([f"utter_{PER_PROTOCOL[intent]}_{proto or 'both'}"])
    if intent in GENERAL:
        return AnswerPlan([GENERAL[intent]])
    if intent in PROVIDER:
        kind = {"ask_webmail": "webmail", "ask_support_contact": "support"}.get(intent, "servers")
        return AnswerPlan([PROVIDER[intent]], needs_settings=kind)
    return AnswerPlan([])


def what_is_named(intent: str, named_protocol: Optional[str]) -> str:
    """A "what is IMAP/POP3" question is about the protocol it names, whichever NLU picked."""
    proto = normalize_protocol(named_protocol)
    if intent in ("ask_what_is_imap", "ask_what_is_pop3") and proto:
        return f"ask_what_is_{proto}"
    return intent


def plan_inform(
    pending_topic: Optional[str], protocol: Optional[str], new_devices: bool
) -> AnswerPlan:
    """Answer plan when the customer tells us about their situation."""
    proto = normalize_protocol(protocol)
    if pending_topic and proto:
        return plan_topic(pending_topic, proto)
    if proto:
        return AnswerPlan(["utter_protocol_noted"])
    if new_devices:
        return AnswerPlan(["utter_devices_noted"])
    return AnswerPlan(["utter_ask_protocol_in_use"])


#: Words that make a message naming a protocol a statement about the customer's own mail.
_STATEMENT_CUES = re.compile(
    r"\b(ho|uso|usa|usiamo|mia|mio|miei|mie|configurat\w*|impostat\w*|messo|messa|scarico|"
    r"ricevo|leggo|arriva|funziona|va|viaggia|gira|credo|penso|sa|pare|sembra|dovrebbe|sono|"
    r"passat\w*|adesso|ora|attualmente|c e|ce l ho|tengo)\b"
)


def protocol_reply(
    intent: str, text: Optional[str], protocols: List[str], pending_topic: Optional[str]
) -> Optional[str]:
    """The protocol a message states the customer uses, when it is a statement, else None.

    NLU does not always call "la mia casella va in pop3" ``inform``. A message
    that names exactly one protocol and is not a question is the customer's
    protocol when the assistant has just asked "Tu quale usi?" (a topic is
    pending), whatever intent was predicted; without a pending topic it must
    also read as a statement about their own mail ("ricevo la posta con pop3")
    and come with an intent that cannot be a real question about that protocol.
    """
    named = {p for p in (normalize_protocol(value) for value in protocols) if p}
    if len(named) != 1 or looks_like_question(text):
        return None
    protocol = named.pop()
    if intent == "inform" or pending_topic:
        return protocol
    if intent in ("nlu_fallback", "ask_what_is_imap", "ask_what_is_pop3") and _STATEMENT_CUES.search(
        normalise(text)
    ):
        return protocol
    return None
