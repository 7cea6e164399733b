"""Names of mail apps inside Italian sentences (pure logic).

The names themselves are domain responses (``utter_app_<client>``: "l'app
Gmail", "il nuovo Outlook per Windows", "Thunderbird"), written with their
article so that a preposition can merge with it the way Italian does:
"in" + "l'app Gmail" is "nell'app Gmail", "in" + "il nuovo Outlook" is "nel
nuovo Outlook", "in" + "Thunderbird" stays "in Thunderbird".
"""

from __future__ import annotations

import re
from typing import Dict, Mapping, Optional, Tuple

#: Clients with a name in the domain (``utter_app_<client>``).
CLIENT_KEYS: Tuple[str, ...] = (
    "outlook", "outlook_new", "outlook_classic", "thunderbird", "apple_mail", "apple_mail_ios",
    "apple_mail_mac", "gmail_app", "samsung_email", "windows_mail", "other",
)
DEFAULT_CLIENT = "other"
ARTICLES = ("il", "lo", "l'", "la", "i", "gli", "le")

#: Articulated prepositions: (preposition, article) -> contracted form.
_CONTRACTED: Dict[Tuple[str, str], str] = {
    (prep, article): stem + ending
    for prep, stem in (("in", "ne"), ("di", "de"), ("da", "da"), ("su", "su"), ("a", "a"))
    for article, ending in (("il", "l"), ("lo", "llo"), ("l'", "ll'"), ("la", "lla"),
                            ("i", "i"), ("gli", "gli"), ("le", "lle"))
}
_ARTICLE = re.compile(r"^(l'|(?:il|lo|la|i|gli|le) )(.+)$")


def split_article(name: str) -> Tuple[Optional[str], str]:
    """("l'", "app Gmail") for "l'app Gmail"; (None, "Thunderbird") without an article."""
    match = _ARTICLE.match(name.strip())
    if not match:
        return None, name.strip()
    return match.group(1).strip(), match.group(2)


def with_preposition(preposition: str, name: str, capital: bool = False) -> str:
    """``name`` (with its article) after a simple preposition: "nell'app Gmail"."""
    article, rest = split_article(name)
    if article:
        first = _CONTRACTED[(preposition, article)]
        phrase = first + rest if first.endswith("'") else f"{first} {rest}"
    else:
        phrase = f"{preposition} {rest}"
    return phrase[:1].upper() + phrase[1:] if capital else phrase


def client_values(client: Optional[str], names: Mapping[str, str]) -> Dict[str, str]:
    """``{client_label}``, ``{client_in}`` and ``{client_in_cap}`` for a client key."""
    name = names.get(client or "") or names.get(DEFAULT_CLIENT, "")
    return {
        "client_label": name,
        "client_in": with_preposition("in", name),
        "client_in_cap": with_preposition("in", name, capital=True),
    }
