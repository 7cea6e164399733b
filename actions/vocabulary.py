"""One home for the assistant's vocabulary: protocol and security names, normalisers, lists."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional

import yaml

#: The training data's synonyms: the one list of the words customers use for devices and apps.
SYNONYMS_FILE = Path(__file__).resolve().parents[1] / "data" / "synonyms.yml"

PROTOCOLS = ("imap", "pop3")
#: How protocols are written in answers.
PROTOCOL_LABELS: Dict[str, str] = {"imap": "IMAP", "pop3": "POP3"}
#: How the security modes of settings/provider.yml are written in answers and app screens.
SECURITY_LABELS: Dict[str, str] = {"ssl": "SSL/TLS", "starttls": "STARTTLS"}


def normalize_protocol(value: Optional[object]) -> Optional[str]:
    """``imap`` or ``pop3`` from an entity or slot value ("IMAP4", "pop", "pop 3"), else None."""
    text = str(value or "").lower().replace(" ", "").replace("-", "").replace("_", "")
    if text.startswith("imap"):
        return "imap"
    if text.startswith("pop"):
        return "pop3"
    return None


def protocol_label(value: Optional[object]) -> str:
    """"IMAP"/"POP3" for a protocol value, "" when it is not one."""
    protocol = normalize_protocol(value)
    return PROTOCOL_LABELS[protocol] if protocol else ""


def security_label(security: Optional[str]) -> str:
    """"SSL/TLS"/"STARTTLS" for a settings value, "" when unknown."""
    return SECURITY_LABELS.get((security or "").lower(), "")


def join_it(items: Iterable[str]) -> str:
    """An Italian list: "a", "a e b", "a, b e c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " e " + items[-1]


@lru_cache(maxsize=1)
def synonym_words() -> Dict[str, str]:
    """Each word of the synonyms file -> its key ("portatile" -> "laptop", "pop" -> "pop3")."""
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    words: Dict[str, str] = {}
    for item in data.get("nlu", []):
        key = item.get("synonym")
        if not key:
            continue
        words[key.lower()] = key
        for line in str(item.get("examples", "")).splitlines():
            word = line.strip().lstrip("-").strip().lower()
            if word:
                words[word] = key
    return words


def key_in_text(text: str, keys: Iterable[str]) -> Optional[str]:
    """The key among ``keys`` of the longest synonym word in ``text``, else None.

    "pc portatile nuovo" -> "laptop" (the longer "pc portatile" wins over "pc").
    """
    wanted = set(keys)
    lowered = text.lower()
    for _word, key, pattern in _longest_first():
        if key in wanted and pattern.search(lowered):
            return key
    return None


@lru_cache(maxsize=1)
def _longest_first() -> tuple:
    """(word, key, whole-word pattern) for every synonym, longest word first, built once."""
    words = synonym_words()
    return tuple((word, words[word], re.compile(rf"(?<!\w){re.escape(word)}(?!\w)"))
                 for word in sorted(words, key=len, reverse=True))
