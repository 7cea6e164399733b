"""Spell-check Italian text with Debian's hunspell-it dictionary (pure helpers + one subprocess)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

HERE = Path(__file__).resolve().parent
ALLOW_FILE = HERE / "allowed_words.txt"
#: Elided forms: the part before the apostrophe is a word of its own.
ELISIONS = {
    "l", "un", "dell", "nell", "all", "dall", "sull", "c", "d", "quest", "quell", "com",
    "dov", "po", "s", "n", "m", "t", "v", "anch", "tutt", "cos", "qual", "senz", "buon",
    "coll", "dev", "nessun", "ch", "qualcos", "sott", "mezz",
}
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿ]+)*['’]?")
_PLACEHOLDER = re.compile(r"\{[a-z0-9_]+\}")
_URL = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:org|it|com|xml)\S*")


def allowed_words() -> Set[str]:
    """Product, protocol and app words the dictionary does not know (one per line)."""
    lines = ALLOW_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def words(text: str) -> List[str]:
    """Words to check in ``text``: placeholders, addresses and elided articles left out."""
    text = _URL.sub(" ", _PLACEHOLDER.sub(" ", text))
    found: List[str] = []
    for token in _WORD.findall(text):
        parts = re.split(r"['’]", token)
        *elided, last = parts
        found += [p for p in elided if p and p.lower() not in ELISIONS]
        if last:
            found.append(last)
    return found


def hunspell_available() -> bool:
    return shutil.which("hunspell") is not None and Path("/usr/share/hunspell/it_IT.dic").exists()


def misspelt(texts: Dict[str, str], allowed: Iterable[str]) -> List[Tuple[str, str]]:
    """(name, word) for every word of ``texts`` that hunspell's Italian dictionary rejects."""
    allow = {word.lower() for word in allowed}
    by_word: Dict[str, Set[str]] = {}
    for name, text in texts.items():
        for word in words(text):
            if word.lower() not in allow:
                by_word.setdefault(word, set()).add(name)
    if not by_word:
        return []
    result = subprocess.run(
        ["hunspell", "-d", "it_IT", "-l", "-i", "utf-8"],
        input="\n".join(sorted(by_word)), capture_output=True, text=True, check=True,
    )
    wrong = {w for w in result.stdout.split() if w}
    return sorted((name, word) for word in wrong for name in by_word.get(word, ()))
