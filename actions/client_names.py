"""Names of mail apps as they appear inside Italian sentences (pure logic).

A name is stored with its article, so that a sentence can put a preposition in
front of it the way Italian does: "in" + "l'app Gmail" is "nell'app Gmail",
"in" + "il nuovo Outlook" is "nel nuovo Outlook", "in" + "Thunderbird" stays
"in Thunderbird".
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

#: client key -> (article or None, name). Articles: il, lo, l', la, i, gli, le.
CLIENT_NAMES: Dict[str, Tuple[Optional[str], str]] = {
    "outlook": (None, "Outlook"),
    "outlook_new": ("il", "nuovo Outlook per Windows"),
    "outlook_classic": (None, "Outlook classico"),
    "thunderbird": (None, "Thunderbird"),
    "apple_mail": ("l'", "app Mail di Apple"),
    "apple_mail_ios": ("l'", "app Mail di iPhone e iPad"),
    "apple_mail_mac": ("l'", "app Mail del Mac"),
    "gmail_app": ("l'", "app Gmail"),
    "samsung_email": ("l'", "app Samsung Email"),
    "windows_mail": ("l'", "app Posta di Windows"),
    "other": ("la", "tua app di posta"),
}
DEFAULT_CLIENT = "other"

#: Articulated prepositions: (preposition, article) -> contracted form.
_CONTRACTED: Dict[Tuple[str, str], str] = {
    (prep, article): stem + ending
    for prep, stem in (("in", "ne"), ("di", "de"), ("da", "da"), ("su", "su"), ("a", "a"))
    for article, ending in (("il", "l"), ("lo", "llo"), ("l'", "ll'"), ("la", "lla"),
                            ("i", "i"), ("gli", "gli"), ("le", "lle"))
}


def _join(first: str, name: str) -> str:
    return first + name if first.endswith("'") else f"{first} {name}"


def client_name(client: Optional[str]) -> str:
    """The app's name with its article: "l'app Gmail", "Thunderbird"."""
    article, name = CLIENT_NAMES.get(client or "", CLIENT_NAMES[DEFAULT_CLIENT])
    return _join(article, name) if article else name


def with_preposition(preposition: str, client: Optional[str], capital: bool = False) -> str:
    """The app's name after a simple preposition: "nell'app Gmail", "in Thunderbird"."""
    article, name = CLIENT_NAMES.get(client or "", CLIENT_NAMES[DEFAULT_CLIENT])
    phrase = _join(_CONTRACTED[(preposition, article)], name) if article else f"{preposition} {name}"
    return phrase[:1].upper() + phrase[1:] if capital else phrase
