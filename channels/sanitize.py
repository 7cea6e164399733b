"""Pure functions that make text from the website safe to hand to Rasa.

Used by the widget channel (``channels/widget.py``) and by the REST channel.
No Rasa import here, so the rules are unit-testable on their own.

What ``sanitize_user_text`` does, in order:

1. anything that is not a ``str`` becomes ``""``; ``\\r\\n`` and ``\\r`` become ``\\n``;
2. control and binary characters are removed: C0/C1 controls (tab and newline
   are kept, tab turns into a space), lone surrogates, private-use characters,
   the non-characters U+FFFE/U+FFFF and the invisible formatting characters
   that can hide or reorder text (bidi overrides and isolates, zero-width
   space, word joiner, BOM, soft hyphen). The zero-width joiner and non-joiner
   stay, because emoji sequences need them;
3. runs of more than two line breaks are squeezed and the text is stripped with
   Python's ``str.strip`` - the same definition of white space Rasa uses when
   it looks for a leading "/" - so no white-space prefix can hide a command;
4. text longer than ``max_chars`` is cut to ``max_chars + 1`` characters: Rasa
   never has to parse a huge message, and the NLU guard
   (``components/input_guard.py``) still sees that the limit was exceeded and
   answers politely;
5. text starting with "/" is a Rasa command (``/intent{"entity": ...}``) and is
   passed on unchanged ONLY when the whole text is exactly ``/<intent>`` with
   ``<intent>`` matching ``ALLOWED_PAYLOAD`` and present in ``allowed_intents``
   (the quick-reply buttons of the domain). Every other leading "/" is replaced
   by the fullwidth solidus "／" (U+FF0F), so Rasa reads the text as a plain
   sentence and the guard answers it as a command it will not run.
"""

from __future__ import annotations

import re
import unicodedata
from typing import AbstractSet, Iterable, Optional, Set
from urllib.parse import quote, urlsplit, urlunsplit

COMMAND_PREFIX = "/"
NEUTRALISED_SLASH = "\uff0f"  # fullwidth solidus, shown as "／"

#: Button payloads a visitor may send: a bare intent, no entities, no "@conf".
_BUTTON_INTENTS = r"(affirm|deny|request_human|ask_[a-z0-9_]+|choose_[a-z0-9_]+|rate_[a-z0-9_]+)"
ALLOWED_PAYLOAD = re.compile(rf"^/{_BUTTON_INTENTS}$")
_ALLOWED_INTENT = re.compile(rf"^{_BUTTON_INTENTS}$")

# Invisible format characters that can hide or reorder text.
_INVISIBLE = {
    0x00AD,  # soft hyphen
    0x061C,  # arabic letter mark
    0x180E,  # mongolian vowel separator
    0x200B,  # zero width space
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    0x2060,  # word joiner
    0x2061,
    0x2062,
    0x2063,
    0x2064,
    0xFEFF,  # byte order mark / zero width no-break space
    0xFFF9,  # interlinear annotation anchors
    0xFFFA,
    0xFFFB,
}
_INVISIBLE.update(range(0x202A, 0x202F))  # bidi embeddings and overrides
_INVISIBLE.update(range(0x2066, 0x206A))  # bidi isolates
_INVISIBLE.update(range(0x206A, 0x2070))  # deprecated format characters

_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \u00a0]{2,}")

MAX_URL_CHARS = 500


def _keep(char: str) -> bool:
    if char in "\n ":
        return True
    code = ord(char)
    if code in _INVISIBLE or code in (0xFFFE, 0xFFFF):
        return False
    category = unicodedata.category(char)
    # Cc: controls, Cs: (lone) surrogates, Co: private use.
    return category not in ("Cc", "Cs", "Co")


def strip_controls(text: str) -> str:
    """Remove control, binary and invisible formatting characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if _keep(ch))


def allowed_button_intents(intents: Iterable[str]) -> Set[str]:
    """The intents of ``intents`` whose ``/intent`` payload a visitor may send."""
    return {name for name in intents if isinstance(name, str) and _ALLOWED_INTENT.match(name)}


def is_allowed_payload(text: str, allowed_intents: AbstractSet[str]) -> bool:
    """True when ``text`` is exactly an allowed ``/intent`` button payload."""
    match = ALLOWED_PAYLOAD.match(text)
    return bool(match) and match.group(1) in allowed_intents


def neutralise_command(text: str) -> str:
    """Replace a leading "/" with "／" so Rasa does not read a command."""
    if text.startswith(COMMAND_PREFIX):
        return NEUTRALISED_SLASH + text[len(COMMAND_PREFIX):]
    return text


def sanitize_user_text(text: str, max_chars: int, allowed_intents: AbstractSet[str]) -> str:
    """Return the text to pass to Rasa for what a visitor typed (see module doc)."""
    if not isinstance(text, str):
        return ""
    if max_chars > 0:
        # Bounded work: cut a huge message before scanning it (spaces collapse later).
        text = text[: 4 * max_chars + 1]
    cleaned = strip_controls(text)
    cleaned = _MANY_NEWLINES.sub("\n\n", cleaned)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if max_chars > 0 and len(cleaned) > max_chars:
        # Keep one character more than allowed: the guard sees "too long".
        cleaned = cleaned[: max_chars + 1]
    if cleaned.startswith(COMMAND_PREFIX) and not is_allowed_payload(cleaned, allowed_intents):
        cleaned = neutralise_command(cleaned)
    return cleaned


def sanitize_page_url(value: object, max_chars: int = MAX_URL_CHARS) -> Optional[str]:
    """Return an http(s) page URL safe to record, or None.

    Only ``http``/``https`` URLs with a host are accepted. User name and
    password, the query string and the fragment are dropped (they may carry
    personal data or tokens); the result is at most ``max_chars`` long.
    """
    if not isinstance(value, str):
        return None
    candidate = strip_controls(value).strip()
    if not candidate or len(candidate) > 4 * max_chars or any(ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    netloc = hostname if ":" not in hostname else f"[{hostname}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    # Characters a URL path may not hold raw ('"', '<', '>', '`' ...) are
    # percent-encoded, so the URL is inert in HTML, JSON consumers and logs.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    cleaned = urlunsplit((parts.scheme.lower(), netloc, path, "", ""))
    if len(cleaned) > max_chars:
        return None
    return cleaned
