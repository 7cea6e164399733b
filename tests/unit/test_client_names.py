"""Every app name reads as correct Italian after a preposition, in every template that uses one."""

import re
from pathlib import Path

import pytest
import yaml

from actions.client_names import CLIENT_KEYS, client_values, split_article, with_preposition
from actions.domain_text import app_names

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
NAMES = app_names(DOMAIN)
#: A simple preposition directly before an article is never Italian.
BROKEN = re.compile(r"\b(in|di|da|su|a) (il|lo|l'|la|i|gli|le)\b", re.IGNORECASE)
EXPECTED_IN = {
    "il": "nel ", "lo": "nello ", "l'": "nell'", "la": "nella ", "i": "nei ", "gli": "negli ",
    "le": "nelle ",
}


def test_every_client_has_a_name_in_the_domain():
    assert all(NAMES[key] for key in CLIENT_KEYS), NAMES


@pytest.mark.parametrize("client", CLIENT_KEYS)
def test_in_uses_the_articulated_preposition(client):
    article, name = split_article(NAMES[client])
    phrase = with_preposition("in", NAMES[client])
    assert phrase == (EXPECTED_IN[article] + name if article else f"in {name}")
    assert with_preposition("in", NAMES[client], capital=True)[0].isupper()


@pytest.mark.parametrize("client", CLIENT_KEYS)
def test_templates_with_an_app_name_read_correctly(client):
    values = client_values(client, NAMES)
    templates = {
        name: variation["text"]
        for name, variations in RESPONSES.items()
        for variation in variations
        if "{client_" in variation.get("text", "")
    }
    assert templates, "no template uses an app name"
    for name, text in templates.items():
        fill = {k: "X" for k in re.findall(r"{(\w+)}", text) if k not in values}
        rendered = text.format_map({**values, **fill})
        assert not BROKEN.search(rendered), (name, client, BROKEN.search(rendered).group(0))


@pytest.mark.parametrize("prep, name, expected", [
    ("da", "l'app Gmail", "dall'app Gmail"), ("su", "la tua app", "sulla tua app"),
    ("di", "il nuovo Outlook", "del nuovo Outlook"), ("a", "lo schermo", "allo schermo"),
    ("in", "Thunderbird", "in Thunderbird"), ("in", "gli account", "negli account"),
])
def test_other_prepositions(prep, name, expected):
    assert with_preposition(prep, name) == expected


def test_an_unknown_client_gets_the_generic_name():
    assert client_values("nonexistent", NAMES)["client_in"] == "nella tua app di posta"
