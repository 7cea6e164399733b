"""Understand what the customer replies to a recommendation question (pure logic).

Each ``parse_*`` function returns a normalised value, ``unknown`` when the
customer says they do not know, or None when the answer is unclear.
:func:`read_answer` decides, for the question being asked, whether a message
is an answer, an answer that could not be understood, or not an answer at all
(a side question, a request for a person, small talk), which the dialogue
rules handle before the question is asked again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional

_NUMBER_WORDS = {
    "uno": 1, "una": 1, "un": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
    "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
}
_DEVICE_WORDS = (
    "telefono", "cellulare", "cell", "smartphone", "iphone", "android", "ipad",
    "tablet", "pc", "computer", "portatile", "notebook", "laptop", "mac", "fisso",
    "desktop", "ufficio", "casa", "lavoro",
)
_PLACE_WORDS = frozenset({"casa", "ufficio", "lavoro"})
_DONT_KNOW = (
    "non lo so", "non so", "boh", "non saprei", "non ne ho idea", "chissa", "bho",
    "indifferente", "e uguale", "fa lo stesso", "non ho idea", "non sono sicuro",
)


def normalise(text: Optional[str]) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s/+]", " ", plain)).strip()


def _has(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)


def _dont_know(text: str) -> bool:
    return _has(text, _DONT_KNOW)


def parse_yes_no(text: Optional[str]) -> Optional[str]:
    """``yes``, ``no``, ``unknown`` or None for an Italian yes/no style answer."""
    t = normalise(text)
    if not t:
        return None
    if _dont_know(t) or _has(t, ("forse", "dipende")):
        return "unknown"
    if _has(t, ("no", "mai", "non", "nessuno", "nemmeno", "neanche", "raramente", "quasi mai")):
        return "no"
    if _has(t, ("si", "certo", "spesso", "sempre", "ogni tanto", "a volte", "qualche volta",
                "capita", "esatto", "assolutamente", "yes", "certamente", "sicuro")):
        return "yes"
    return None


def parse_device_count(text: Optional[str], devices: Iterable[str] = ()) -> Optional[str]:
    """``one``, ``many`` or ``unknown`` devices, from words, digits or named devices.

    A named "device" that is only a place ("casa" cut off "pc di casa" by the
    entity extractor) is not a second device; places still count in the words.
    """
    t = normalise(text)
    named = {d for d in devices if d and normalise(d) not in _PLACE_WORDS}
    if len(named) >= 2:
        return "many"
    if _dont_know(t):
        return "unknown"
    if _has(t, ("piu di uno", "piu di 1", "parecchi", "diversi", "vari", "tanti", "molti",
                "tutti", "entrambi", "sia", "piu dispositivi", "un po di")):
        return "many"
    if _has(t, ("solo", "soltanto", "unico", "uno solo", "solamente")) and not _has(
        t, ("due", "tre", "quattro")
    ):
        return "one"
    numbers = [int(n) for n in re.findall(r"\b\d+\b", t)]
    numbers += [v for w, v in _NUMBER_WORDS.items() if _has(t, (w,))]
    if numbers:
        return "many" if max(numbers) >= 2 else "one"
    places = sum(1 for w in _PLACE_WORDS if _has(t, (w,)))
    mentioned = sum(1 for w in _DEVICE_WORDS if _has(t, (w,))) - places
    # One device and where it is ("il fisso in ufficio") is one device.
    if mentioned >= 2 or places >= 2 or (" e " in f" {t} " and mentioned + places >= 1):
        return "many"
    if mentioned + places >= 1 or named:
        return "one"
    return None


def parse_offline(text: Optional[str]) -> Optional[str]:
    """``yes``/``no``/``unknown``: does the customer read mail without a connection."""
    t = normalise(text)
    if _has(t, ("sempre connesso", "sempre online", "sempre collegato", "ho sempre la rete",
                "ho sempre internet", "sempre in rete")):
        return "no"
    if _has(t, ("in treno", "in aereo", "in viaggio", "senza rete", "offline", "campagna",
                "montagna", "non prende")) and not _has(t, ("mai", "no")):
        return "yes"
    return parse_yes_no(t)


def parse_storage(text: Optional[str]) -> Optional[str]:
    """``server``, ``device`` or ``unknown``: where the customer wants the mail kept."""
    t = normalise(text)
    if _dont_know(t):
        return "unknown"
    if _has(t, ("non sul server", "non nel server", "non sui server", "non da voi", "non sui vostri")):
        return "device"
    if _has(t, ("server", "ovunque", "online", "cloud", "sempre disponibile", "dappertutto",
                "da voi", "vostri", "su internet", "in rete")):
        return "server"
    if _has(t, ("dispositivo", "pc", "computer", "locale", "solo qui", "telefono", "cellulare",
                "scaricata", "scaricate", "scaricare", "mio", "mia", "miei", "hard disk", "disco",
                "portatile", "mac")):
        return "device"
    return None


def parse_space(text: Optional[str]) -> Optional[str]:
    """``yes``/``no``/``unknown``: is the mailbox space enough to keep all mail on the server."""
    t = normalise(text)
    if not t:
        return None
    if _dont_know(t):
        return "unknown"
    if _has(t, ("poco", "poca", "limitato", "limitata", "piccola", "piccolo", "stretto", "pieno",
                "piena", "si riempie", "scarso", "scarsa", "non basta", "non mi basta")):
        return "no"
    if _has(t, ("tanto", "tanta", "abbastanza", "basta", "avanza", "illimitato", "molto", "enorme",
                "sufficiente", "ampio", "ampia", "grande", "abbondanza", "parecchio")):
        return "yes"
    return parse_yes_no(t)


# --------------------------------------------------------------- reading a reply

#: Button payloads (intents that only the form's buttons send) per question.
BUTTON_VALUES: Dict[str, Dict[str, str]] = {
    "rec_devices": {"choose_one_device": "one", "choose_many_devices": "many",
                    "choose_unknown": "unknown"},
    "rec_offline": {"affirm": "yes", "deny": "no", "choose_unknown": "unknown"},
    "rec_storage": {"choose_server": "server", "choose_device": "device",
                    "choose_unknown": "unknown"},
    "rec_space": {"affirm": "yes", "deny": "no", "choose_unknown": "unknown"},
}

#: Intents that are never an answer: the customer wants to leave the questions.
LEAVING_INTENTS = frozenset({
    "request_human", "goodbye", "ask_configure_device", "bad_input",
    "oos_billing", "oos_password", "oos_hacked", "oos_line_fault", "oos_contract",
})

#: Topics that need the customer's account (a person handles them).
ACCOUNT_TOPICS = frozenset({"oos_billing", "oos_password", "oos_hacked", "oos_line_fault", "oos_contract"})
#: Below this confidence an account-topic guess inside the form is read for its
#: answer first: the questions themselves talk of connections, space and
#: backups ("no, a casa ho la fibra" is an answer, not a contract question).
SURE_ACCOUNT_TOPIC = 0.8
#: Intent guesses that a question itself provokes whatever their confidence: the
#: offline question is about the connection, so "line fault" is read for its answer first.
QUESTION_NOISE: Dict[str, frozenset] = {"rec_offline": frozenset({"oos_line_fault"})}

#: Intents whose messages are answers (or attempts at one) whatever their words.
ANSWER_INTENTS = frozenset({
    "inform", "affirm", "deny", "nlu_fallback",
    "choose_one_device", "choose_many_devices", "choose_server", "choose_device", "choose_unknown",
})

_QUESTION_START = ("cosa", "come", "perche", "quanto", "quanti", "quale", "quali", "posso",
                   "cos", "che", "dove", "quando", "chi", "ma se", "e se")


def looks_like_question(text: Optional[str]) -> bool:
    """True for a question mark or an Italian interrogative opening."""
    if text and "?" in text:
        return True
    t = normalise(text)
    return any(t == w or t.startswith(w + " ") for w in _QUESTION_START)


def _parse(slot: str, text: str, devices: Iterable[str]) -> Optional[str]:
    parsers: Dict[str, Callable[[str], Optional[str]]] = {
        "rec_devices": lambda t: parse_device_count(t, devices),
        "rec_offline": parse_offline,
        "rec_storage": parse_storage,
        "rec_space": parse_space,
    }
    return parsers[slot](text)


@dataclass(frozen=True)
class Reading:
    """How a message relates to the question asked.

    ``kind`` is ``answer`` (``value`` holds the normalised answer),
    ``unclear`` (an attempt at an answer that was not understood) or
    ``not_an_answer`` (side question, small talk, leaving).
    """

    kind: str
    value: Optional[str] = None


def read_answer(
    slot: str, intent: Optional[str], text: Optional[str], devices: Iterable[str] = (),
    confidence: float = 1.0,
) -> Reading:
    """Read the customer's message as a reply to the question for ``slot``.

    - A button payload (text starting with ``/``) counts only when it belongs
      to this question.
    - Leaving intents (a person, goodbye, set-up, account topics) never answer,
      except an unsure account-topic guess whose words answer the question.
    - Topic questions and small talk answer only when their words answer the
      question and the message is not itself a question ("lo spazio è poco e il
      backup lo faccio io" is an answer; "se si riempie cosa succede?" is not).
    - Anything else is an answer attempt: understood, or ``unclear``.
    """
    text = text or ""
    intent = intent or ""
    if text.startswith("/"):
        value = BUTTON_VALUES[slot].get(intent)
        if value:
            return Reading("answer", value)
        return Reading("unclear") if intent in ANSWER_INTENTS else Reading("not_an_answer")
    read_first = intent in QUESTION_NOISE.get(slot, ()) or (
        intent in ACCOUNT_TOPICS and confidence < SURE_ACCOUNT_TOPIC)
    if intent in LEAVING_INTENTS and not read_first:
        return Reading("not_an_answer")
    value = _parse(slot, text, devices)
    if intent not in ANSWER_INTENTS:
        if value and not looks_like_question(text):
            return Reading("answer", value)
        return Reading("not_an_answer")
    if value:
        return Reading("answer", value)
    typed = BUTTON_VALUES[slot].get(intent) if intent in ("affirm", "deny") else None
    if typed:
        return Reading("answer", typed)
    return Reading("unclear")
