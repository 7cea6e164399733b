"""Conversation test files: load them, read a turn back from the tracker, check it.

A dialogue file (``tests/conversations/*.yml``) holds a list of dialogues::

    dialogues:
      - name: deleting on the tablet, protocol given with the button
        turns:
          - user: "ho tolto due mail dal tablet, le perdo anche sul pc?"
            expect: [utter_delete_both]
          - user: "Uso IMAP"                 # a button's payload is typed the same way
            expect: [utter_delete_imap]
            not: ["utter_setup_*"]
            slots: {protocol: imap}

Each turn may state:

- ``expect``: names that must all appear in this turn, in this order. A name is
  a response (``utter_*``, also when a custom action sends it) or an action
  (``action_escalate``); other steps may come in between.
- ``bot``: the exact sequence of names of the turn (strict form of ``expect``).
- ``one_of``: names of which at least one must appear (several answers are right).
- ``not``: shell-style patterns (``utter_setup_*``) that no name may match.
- ``slots``: slot values after the turn (``null`` for empty).
- ``active_loop``: the form active after the turn, or ``null``.
- ``text``: a regular expression that the text of one bot message must match
  (for text a custom action assembles).
- ``silent: true``: the turn may get no bot message (a paused conversation).

A dialogue may carry ``known_issue: "<why>"``: it documents a behaviour that is
wrong today; it runs as an expected (non-strict) failure and is reported.

This module is pure: it never talks to a server, so its checks are unit-tested.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

TURN_KEYS = {"user", "expect", "bot", "one_of", "not", "slots", "active_loop", "text", "silent"}
DIALOGUE_KEYS = {"name", "turns", "known_issue"}
#: Steps that Rasa runs on every turn and that say nothing about behaviour.
_NOISE = {"action_listen", "action_extract_slots", "action_session_start"}


@dataclass
class Turn:
    """One customer message and what must (not) follow it."""

    user: str
    expect: List[str] = field(default_factory=list)
    bot: Optional[List[str]] = None
    one_of: List[str] = field(default_factory=list)
    forbid: List[str] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    active_loop: Any = "__any__"
    text: Optional[str] = None
    silent: bool = False


@dataclass
class Dialogue:
    """A named conversation read from ``source``."""

    name: str
    turns: List[Turn]
    source: str = ""
    #: Why this dialogue is known to fail today (it then runs as an expected failure).
    known_issue: Optional[str] = None


@dataclass
class TurnResult:
    """What the running assistant did after one customer message."""

    names: List[str]
    texts: List[str]
    slots: Dict[str, Any]
    active_loop: Optional[str]


def _turn(raw: Dict[str, Any], where: str) -> Turn:
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(raw.get("user"), str):
        raise ValueError(f"{where}: every turn needs a `user` text")
    return Turn(
        user=raw["user"],
        expect=list(raw.get("expect") or []),
        bot=list(raw["bot"]) if "bot" in raw else None,
        one_of=list(raw.get("one_of") or []),
        forbid=list(raw.get("not") or []),
        slots=dict(raw.get("slots") or {}),
        active_loop=raw["active_loop"] if "active_loop" in raw else "__any__",
        text=raw.get("text"),
        silent=bool(raw.get("silent", False)),
    )


def load_dialogues(paths: Iterable[Path]) -> List[Dialogue]:
    """Read and check every dialogue file; names must be unique."""
    dialogues: List[Dialogue] = []
    seen: set = set()
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for index, raw in enumerate(data.get("dialogues") or []):
            where = f"{Path(path).name}#{index + 1}"
            unknown = set(raw) - DIALOGUE_KEYS
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            name = str(raw.get("name") or where)
            if name in seen:
                raise ValueError(f"{where}: duplicate dialogue name {name!r}")
            seen.add(name)
            turns = [_turn(t, f"{where} turn {i + 1}") for i, t in enumerate(raw.get("turns") or [])]
            if not turns:
                raise ValueError(f"{where}: a dialogue needs turns")
            dialogues.append(Dialogue(name=name, turns=turns, source=Path(path).name,
                                      known_issue=raw.get("known_issue")))
    return dialogues


def events_of_last_turn(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events after the latest ``user`` event."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index + 1:]
    return []


def read_turn(tracker: Dict[str, Any]) -> TurnResult:
    """Names (actions and responses) and texts of the latest turn, from a tracker."""
    names: List[str] = []
    texts: List[str] = []
    for event in events_of_last_turn(tracker.get("events") or []):
        kind = event.get("event")
        if kind == "action":
            name = str(event.get("name"))
            if name not in _NOISE:
                names.append(name)
        elif kind == "bot":
            texts.append(event.get("text") or "")
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter and not (names and names[-1] == utter):
                names.append(str(utter))
    loop = (tracker.get("active_loop") or {}).get("name")
    return TurnResult(names, texts, dict(tracker.get("slots") or {}), loop)


def _in_order(wanted: List[str], names: List[str]) -> bool:
    position = 0
    for name in names:
        if position < len(wanted) and name == wanted[position]:
            position += 1
    return position == len(wanted)


def check_turn(turn: Turn, result: TurnResult) -> List[str]:
    """Every way ``result`` breaks what ``turn`` states (empty when it holds)."""
    problems: List[str] = []
    if not result.texts and not turn.silent:
        problems.append("the assistant sent no message")
    if turn.bot is not None and result.names != turn.bot:
        problems.append(f"expected exactly {turn.bot}")
    if turn.expect and not _in_order(turn.expect, result.names):
        problems.append(f"expected {turn.expect} in this order")
    if turn.one_of and not set(turn.one_of) & set(result.names):
        problems.append(f"expected one of {turn.one_of}")
    for pattern in turn.forbid:
        hits = [n for n in result.names if fnmatch.fnmatchcase(n, pattern)]
        if hits:
            problems.append(f"forbidden {pattern!r} happened: {hits}")
    for slot, value in turn.slots.items():
        if result.slots.get(slot) != value:
            problems.append(f"slot {slot} is {result.slots.get(slot)!r}, expected {value!r}")
    if turn.active_loop != "__any__" and result.active_loop != turn.active_loop:
        problems.append(f"active loop is {result.active_loop!r}, expected {turn.active_loop!r}")
    if turn.text and not any(re.search(turn.text, t, re.I | re.S) for t in result.texts):
        problems.append(f"no message matches /{turn.text}/")
    return problems


def transcript(lines: List[str]) -> str:
    """The dialogue so far, ready to print on a failure."""
    return "\n".join(lines)
