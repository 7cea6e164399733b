"""Mask anything that looks like a password before it is stored or sent.

Heuristic, tuned to over-mask rather than leak: after a password keyword
("password", "pass", "pwd", "parola d'ordine", "pin"...) the value is found
either attached (``pwd:xyz``, ``password=xyz``), after a separator or a copula
(``: xyz``, ``è xyz``, ``e' xyz``, ``sarebbe xyz``), possibly after a few filler
words ("la password della mail è xyz"), or as a lone token right after the
keyword ("password pippo123"). Ordinary words ("la password è sbagliata") are
kept so agents can still read the conversation.
"""

from __future__ import annotations

import re

MASK = "********"

_KEYWORD = re.compile(
    r"(?<![\w])(?:password|passwd|passw|passwort|pass|pwd|psw|pw|pin"
    r"|parola\s+d['’`]\s*ordine|parola\s+chiave|chiave\s+d['’`]\s*accesso"
    r"|codice\s+segreto|codice\s+di\s+accesso)(?![\w])",
    re.IGNORECASE,
)
_ATTACHED = re.compile(r"[ \t]*(?::=|=>|->|[:=])\s*")
_URL_CREDENTIALS = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]+:)(?P<secret>[^\s@/]+)(?=@)", re.IGNORECASE
)
_TOKEN = re.compile(r"\S+")
_QUOTES = {'"': '"', "'": "'", "«": "»", "“": "”", "‘": "’", "`": "`"}

# Words that join the keyword to its value ("è", "=", "sarebbe").
_SEPARATORS = frozenset(
    (
        ": = := => -> - è é e e' e` e’ è: e: is era sarebbe resta rimane diventa vale uguale sono"
    ).split()
)
# Words allowed between the keyword and a separator ("la password DELLA MAIL è x").
_FILLERS = frozenset(
    """mia mio tua tuo sua suo nostra la il di del della dell dello dell'account dell’account
    account mail email e-mail posta casella che uso usavo ho messo impostato scelto nuova nuovo
    vecchia vecchio attuale corrente provvisoria temporanea webmail outlook thunderbird imap pop
    pop3 my""".split()
)
# Words that are not secrets when they follow a keyword or a separator.
_ORDINARY = _FILLERS | frozenset(
    """a ad al alla anche ancora bene bloccata bloccato cambiata cambiare cambio come con corretta
    corretto cosa da dimenticata dimenticato diversa diverso dove e ed era errata errato forse
    funziona gia già giusta giusto gli ha i ieri in invalida io le lo lunga ma mai mi modificata
    nel nella no non o oggi ok ora per perché perche persa più piu poi qual quale quando quella
    questa richiesta ricordo salvata scaduta se sempre si sì sicura sbagliata sbagliato solo
    stata stessa su ti tutto un una uguale username utente nome valida vi vuota corta sono the
    and or not of to for is reset recupero""".split()
)
_MAX_FILLERS = 4


def _clean(token: str) -> str:
    return token.strip(".,;:!?()[]{}").lower()


def _is_ordinary(token: str) -> bool:
    word = _clean(token)
    return word in _ORDINARY or word == ""


def _value_span(text: str, start: int) -> tuple[int, int] | None:
    """Span of the value that starts at ``start`` (a quoted phrase or one token)."""
    match = _TOKEN.match(text, start)
    if not match:
        return None
    opener = text[start]
    closer = _QUOTES.get(opener)
    if closer:
        end = text.find(closer, start + 1)
        if end > start + 1:
            return start, end + 1
    return match.start(), match.end()


def _find_value(text: str, pos: int) -> tuple[int, int] | None:
    """Locate the secret that follows a keyword ending at ``pos``."""
    attached = _ATTACHED.match(text, pos)
    if attached:
        span = _value_span(text, attached.end())
        spaced = text[attached.end() - 1].isspace()
        if span and not (spaced and _is_ordinary(text[span[0] : span[1]])):
            return span
        return None
    tokens = list(_TOKEN.finditer(text, pos))[: _MAX_FILLERS + 2]
    if tokens and tokens[0].start() == pos:
        return None  # glued to the keyword: "password-reset", "password."
    for index, token in enumerate(tokens):
        word = token.group(0)
        lowered = word.lower()
        if lowered in _SEPARATORS or (lowered.endswith(":") and lowered[:-1] in _SEPARATORS):
            if index + 1 >= len(tokens):
                return None
            span = _value_span(text, tokens[index + 1].start())
            if span and not _is_ordinary(text[span[0] : span[1]]):
                return span
            return None
        if word.endswith(":") and _clean(word) in _FILLERS:
            if index + 1 < len(tokens):
                return _value_span(text, tokens[index + 1].start())
            return None
        if index == 0 and not _is_ordinary(word):
            return _value_span(text, token.start())
        if _clean(word) not in _FILLERS or index >= _MAX_FILLERS:
            return None
    return None


def mask_secrets(text: str) -> str:
    """Return ``text`` with password-like values replaced by ``********``."""
    if not text:
        return text
    text = _URL_CREDENTIALS.sub(lambda m: m.group("head") + MASK, text)
    spans: list[tuple[int, int]] = []
    for keyword in _KEYWORD.finditer(text):
        span = _find_value(text, keyword.end())
        if span:
            spans.append(span)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + MASK + text[end:]
    return text
