"""Decide how to clarify a message the assistant did not understand (pure logic)."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

# Intents that make sense as "did you mean ...?" buttons.
NOT_SUGGESTED = {
    "nlu_fallback", "bad_input", "out_of_scope", "chitchat", "greet", "goodbye", "thank",
    "affirm", "deny", "bot_challenge", "inform",
}

CLARIFY_ACTION = "action_clarify"


def suggestions(ranking: Iterable[Dict[str, Any]], labelled: Iterable[str], limit: int = 2) -> List[str]:
    """The ``limit`` likeliest intents that have a button label."""
    allowed = set(labelled)
    picked: List[str] = []
    for entry in ranking:
        name = entry.get("name")
        if name and name not in NOT_SUGGESTED and name in allowed and name not in picked:
            picked.append(name)
        if len(picked) == limit:
            break
    return picked


def consecutive_fallbacks(events: Iterable[Dict[str, Any]]) -> int:
    """How many user turns in a row, before the latest one, ended in a clarification."""
    turns: List[List[str]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "action" and turns:
            turns[-1].append(str(event.get("name")))
    streak = 0
    for actions in reversed(turns[:-1]):
        if CLARIFY_ACTION not in actions:
            break
        streak += 1
    return streak
