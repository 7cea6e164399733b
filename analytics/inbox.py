"""The "Da insegnare" inbox: customer messages the assistant did not understand (pure logic).

A message enters the inbox when it got the clarification or the fallback, or
when the model's top confidence was under a threshold. Button payloads
(``/intent``) and answers to free-text forms (a contact, a comment) never
enter. Similar messages are grouped, each group shown with
the intent the model guessed and its mean confidence. Confirmed groups become
Rasa NLU YAML; sentences that already exist in the training or test data are
flagged and never written twice.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analytics.conversations import Conversation, UserMessage

#: Under this top confidence a message is worth a look even if it was answered.
LOW_CONFIDENCE = 0.6
#: Two messages are in one group from this similarity of their plain text (0-1).
SIMILARITY = 0.8
#: Sentences shown per group.
SHOWN = 5

_ANNOTATION = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)|\[([^\]]*)\]\{[^}]*\}")
_NOT_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def plain(text: str | None) -> str:
    """Lowercase, no accents, no punctuation, single spaces: the form used to compare."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", letters)).strip()


def needs_review(message: UserMessage, threshold: float = LOW_CONFIDENCE) -> bool:
    """Fallback, clarification or low confidence; never a button, a form's free text or nothing."""
    if not message.text.strip() or message.text.lstrip().startswith("/") or message.free_text:
        return False
    if message.intent == "bad_input":
        return False
    return message.fallback or message.intent == "nlu_fallback" or (
        message.confidence is not None and message.confidence < threshold
    )


@dataclass
class Group:
    """Similar messages, the intent the model guessed for most of them and how sure it was."""

    key: str
    texts: list[str] = field(default_factory=list)
    guesses: list[tuple[str | None, float | None]] = field(default_factory=list)
    known: bool = False

    @property
    def count(self) -> int:
        return len(self.texts)

    @property
    def example(self) -> str:
        return self.texts[0]

    @property
    def shown(self) -> list[str]:
        unique = list(dict.fromkeys(self.texts))
        return unique[:SHOWN]

    @property
    def guess(self) -> str | None:
        names = Counter(name for name, _ in self.guesses if name)
        return names.most_common(1)[0][0] if names else None

    @property
    def confidence(self) -> float | None:
        values = [c for name, c in self.guesses if name == self.guess and c is not None]
        return round(sum(values) / len(values), 3) if values else None


def group_messages(messages: Iterable[UserMessage], similarity: float = SIMILARITY) -> list[Group]:
    """Greedy grouping by similarity of plain text; largest groups first."""
    groups: list[Group] = []
    for message in messages:
        text = plain(message.text)
        if not text:
            continue
        home = next((g for g in groups if g.key == text or
                     difflib.SequenceMatcher(None, g.key, text).ratio() >= similarity), None)
        if home is None:
            home = Group(key=text)
            groups.append(home)
        home.texts.append(message.text.strip())
        home.guesses.append((message.guess or message.intent, message.guess_confidence
                             if message.guess else message.confidence))
    groups.sort(key=lambda g: (-g.count, g.key))
    return groups


def inbox(conversations: Sequence[Conversation], known: set[str],
          threshold: float = LOW_CONFIDENCE) -> list[Group]:
    """The groups to review in these conversations, flagged when already in the data."""
    groups = group_messages(m for c in conversations for m in c.messages
                            if needs_review(m, threshold))
    for group in groups:
        group.known = group.key in known or any(plain(t) in known for t in group.texts)
    return groups


def known_sentences(paths: Iterable[Path]) -> set[str]:
    """Plain form of every example in these Rasa NLU YAML files (entity annotations removed)."""
    found: set[str] = set()
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.add(plain(_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:])))
    return found


def nlu_yaml(examples: Sequence[tuple[str, str]], known: set[str]) -> tuple[str, list[str]]:
    """Rasa NLU YAML for (intent, text) pairs, and the texts left out because already known.

    Each text appears once; the order of intents and examples is kept.
    """
    by_intent: dict[str, list[str]] = {}
    skipped: list[str] = []
    seen: set[str] = set()
    for intent, text in examples:
        key = plain(text)
        if not key or key in seen:
            continue
        seen.add(key)
        if key in known:
            skipped.append(text)
            continue
        # Square brackets would read as entity annotations in Rasa's format.
        safe = text.replace("[", "(").replace("]", ")")
        by_intent.setdefault(intent, []).append(" ".join(safe.split()))
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in texts]
    return "\n".join(lines) + "\n", skipped
