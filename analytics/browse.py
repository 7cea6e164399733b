"""Filters of the "Conversazioni" page (pure logic).

Each filter is a query parameter; an empty value means "all":
``handoff`` and ``fallback`` (``si``/``no``), ``satisfaction`` (``positive``,
``negative``, ``nessuna``), ``intent`` (one of the customer's intents),
``da_rivedere`` (``si``: only conversations marked for review).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from analytics.conversations import Conversation

FILTER_KEYS = ("handoff", "fallback", "satisfaction", "intent", "da_rivedere")
_YES_NO = {"si": True, "no": False}


def filters_of(query: Mapping[str, str]) -> dict[str, str]:
    """The known filters of a query string, unknown values dropped (so never an error)."""
    wanted = {key: str(query.get(key) or "").strip() for key in FILTER_KEYS}
    if wanted["handoff"] not in _YES_NO:
        wanted["handoff"] = ""
    if wanted["fallback"] not in _YES_NO:
        wanted["fallback"] = ""
    if wanted["satisfaction"] not in ("positive", "negative", "nessuna"):
        wanted["satisfaction"] = ""
    if wanted["da_rivedere"] != "si":
        wanted["da_rivedere"] = ""
    wanted["intent"] = wanted["intent"][:100]
    return wanted


def matches(conversation: Conversation, wanted: Mapping[str, str], flagged: Collection[str]) -> bool:
    """True when the conversation passes every filter that is set."""
    if wanted.get("handoff") and conversation.handoff != _YES_NO[wanted["handoff"]]:
        return False
    if wanted.get("fallback") and (conversation.fallbacks > 0) != _YES_NO[wanted["fallback"]]:
        return False
    satisfaction = wanted.get("satisfaction")
    if satisfaction == "nessuna" and conversation.satisfaction:
        return False
    if satisfaction in ("positive", "negative") and conversation.satisfaction != satisfaction:
        return False
    if wanted.get("intent") and wanted["intent"] not in {m.intent for m in conversation.messages}:
        return False
    return not (wanted.get("da_rivedere") and conversation.key not in flagged)


def select_conversations(conversations: Sequence[Conversation], wanted: Mapping[str, str],
                         flagged: Collection[str]) -> list[Conversation]:
    """The conversations that pass the filters, newest first."""
    found = [c for c in conversations if matches(c, wanted, flagged)]
    return sorted(found, key=lambda c: c.start, reverse=True)
