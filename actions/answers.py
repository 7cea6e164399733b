"""Understand free-text answers to the recommendation questions.

Each parser returns a normalised value or None when the answer is unclear.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

_NUMBER_WORDS = {
    "uno": 1, "una": 1, "un": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
    "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
}
_DEVICE_WORDS = (
    "telefono", "cellulare", "cell", "smartphone", "iphone", "android", "ipad",
    "tablet", "pc", "computer", "portatile", "notebook", "laptop", "mac", "fisso",
    "desktop", "ufficio", "casa",
)


def normalise(text: Optional[str]) -> str:
    """Lowercase, strip accents and collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s/+]", " ", plain)).strip()


def _has(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)


def parse_yes_no(text: Optional[str]) -> Optional[str]:
    """``yes``, ``no`` or None for an Italian yes/no style answer."""
    t = normalise(text)
    if not t:
        return None
    if _has(t, ("non lo so", "non so", "boh", "forse", "dipende")):
        return None
    if _has(t, ("no", "mai", "non", "nessuno", "nemmeno", "neanche", "raramente")):
        return "no"
    if _has(t, ("si", "certo", "spesso", "sempre", "ogni tanto", "a volte", "qualche volta",
                "capita", "ok", "esatto", "assolutamente", "yes")):
        return "yes"
    return None


def parse_device_count(text: Optional[str], devices: Iterable[str] = ()) -> Optional[str]:
    """``one`` or ``many`` devices, from words, digits or named devices."""
    t = normalise(text)
    named = {d for d in devices if d}
    if len(named) >= 2:
        return "many"
    if _has(t, ("piu di uno", "piu di 1", "parecchi", "diversi", "vari", "tanti", "molti",
                "tutti", "entrambi", "sia", "piu dispositivi")):
        return "many"
    if _has(t, ("solo", "soltanto", "unico", "uno solo", "solamente")) and not _has(
        t, ("due", "tre", "quattro")
    ):
        return "one"
    numbers = [int(n) for n in re.findall(r"\b\d+\b", t)]
    numbers += [v for w, v in _NUMBER_WORDS.items() if _has(t, (w,))]
    if numbers:
        return "many" if max(numbers) >= 2 else "one"
    mentioned = sum(1 for w in _DEVICE_WORDS if _has(t, (w,)))
    if mentioned >= 2 or " e " in f" {t} " and mentioned >= 1:
        return "many"
    if mentioned == 1:
        return "one"
    return None


def parse_storage(text: Optional[str]) -> Optional[str]:
    """``server``, ``device`` or ``unknown``: where the customer wants the mail kept."""
    t = normalise(text)
    if _has(t, ("non lo so", "non so", "boh", "non saprei", "indifferente", "e uguale", "fa lo stesso")):
        return "unknown"
    if _has(t, ("server", "ovunque", "online", "cloud", "sempre disponibile", "dappertutto")):
        if not _has(t, ("non sul server", "non nel server", "non sui server")):
            return "server"
    if _has(t, ("dispositivo", "pc", "computer", "locale", "solo qui", "telefono", "cellulare",
                "scaricata", "scaricare", "mio", "mia", "hard disk", "disco")):
        return "device"
    return None


def parse_space_backup(text: Optional[str]) -> Optional[str]:
    """``yes``, ``no`` or ``unknown`` about space and backup in the plan."""
    t = normalise(text)
    if not t:
        return None
    if _has(t, ("non lo so", "non so", "boh", "non saprei", "forse", "non ne ho idea", "chissa")):
        return "unknown"
    return parse_yes_no(t)
