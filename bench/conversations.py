"""Realistic Italian conversations made of held-out messages, for the load test."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Dict, List

import yaml

# "[imap](protocol)" and '[imap]{"entity": "protocol"}' -> "imap"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
OPENERS = ("greet",)
CLOSERS = ("thank", "goodbye")
# Intents that start a hand-over (a contact form) are left out so every
# conversation follows the same kind of path with either model.
SKIPPED = ("request_human", "inform", "affirm", "deny")
OFF_TOPIC_SHARE = 0.2


def strip_annotations(text: str) -> str:
    """Plain text of a training example: entity annotations removed."""
    return _ANNOTATION.sub(r"\1", text).strip()


def load_examples(directory: Path) -> Dict[str, List[str]]:
    """Plain example texts by intent from every YAML file in ``directory``."""
    by_intent: Dict[str, List[str]] = {}
    for path in sorted(directory.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("nlu", []) or []:
            if "intent" not in block or not isinstance(block.get("examples"), str):
                continue
            lines = [line.strip()[2:] for line in block["examples"].splitlines()
                     if line.strip().startswith("- ")]
            by_intent.setdefault(block["intent"], []).extend(
                strip_annotations(line) for line in lines if line.strip())
    return by_intent


def make_conversations(by_intent: Dict[str, List[str]], count: int, length: int,
                       seed: int = 5) -> List[List[str]]:
    """``count`` conversations of ``length`` messages, reproducible for a seed.

    A conversation opens with a greeting, asks topic questions (about one in
    five is off topic: out of scope or chitchat) and closes with thanks or a
    goodbye, as a customer on the website would.
    """
    from scripts.nlu_report import OOS_INTENTS

    rng = random.Random(seed)
    openers = [t for i in OPENERS for t in by_intent.get(i, [])]
    closers = [t for i in CLOSERS for t in by_intent.get(i, [])]
    off_topic = [t for i in sorted(OOS_INTENTS) for t in by_intent.get(i, [])]
    excluded = set(OPENERS) | set(CLOSERS) | set(SKIPPED) | set(OOS_INTENTS)
    topics = [t for i in sorted(by_intent) if i not in excluded for t in by_intent[i]]
    if not topics:
        raise ValueError("no topic examples in the held-out data")
    conversations: List[List[str]] = []
    for _ in range(count):
        middle = max(length - 2, 0)
        turns: List[str] = []
        if length >= 2 and openers:
            turns.append(rng.choice(openers))
        for _ in range(middle):
            pool = off_topic if off_topic and rng.random() < OFF_TOPIC_SHARE else topics
            turns.append(rng.choice(pool))
        if length >= 2 and closers:
            turns.append(rng.choice(closers))
        while len(turns) < length:  # very short conversations or missing intents
            turns.append(rng.choice(topics))
        conversations.append(turns[:length])
    return conversations


# Topic questions for the cost-by-turn conversations: answered by a custom
# action whatever the protocol, and none of them starts a form.
LONG_INTENTS = ("ask_sync_devices", "ask_offline", "ask_delete_sync", "ask_mailbox_full",
                "ask_sent_mail", "ask_backup_lost_device")


def long_questions(by_intent: Dict[str, List[str]], count: int) -> List[str]:
    """``count`` held-out questions on different topics (the first example of each intent)."""
    questions = [by_intent[intent][0] for intent in LONG_INTENTS if by_intent.get(intent)]
    if len(questions) < count:
        raise ValueError(f"the held-out data has only {len(questions)} of the long-conversation topics")
    return questions[:count]
