"""Every app name reads as correct Italian after a preposition, in every template that uses one."""

import re
from pathlib import Path

import pytest
import yaml

from actions.client_names import CLIENT_NAMES, client_name, with_preposition
from actions.setup_guide import client_values

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
#: A simple preposition directly before an article is never Italian.
BROKEN = re.compile(r"\b(in|di|da|su|a) (il|lo|l'|la|i|gli|le)\b", re.IGNORECASE)
EXPECTED_IN = {
    "il": "nel ", "lo": "nello ", "l'": "nell'", "la": "nella ", "i": "nei ", "gli": "negli ",
    "le": "nelle ",
}


@pytest.mark.parametrize("client", sorted(CLIENT_NAMES))
def test_in_uses_the_articulated_preposition(client):
    article, name = CLIENT_NAMES[client]
    phrase = with_preposition("in", client)
    assert phrase == (EXPECTED_IN[article] + name if article else f"in {name}")
    assert with_preposition("in", client, capital=True)[0].isupper()
    assert name in client_name(client)


@pytest.mark.parametrize("client", sorted(CLIENT_NAMES))
def test_templates_with_an_app_name_read_correctly(client):
    values = client_values(client)
    templates = {
        name: variation["text"]
        for name, variations in RESPONSES.items()
        for variation in variations
        if "{client_" in variation.get("text", "")
    }
    assert templates, "no template uses an app name"
    for name, text in templates.items():
        rendered = text.format_map({**values, **{k: "X" for k in re.findall(r"{(\w+)}", text)
                                                 if k not in values}})
        assert not BROKEN.search(rendered), (name, client, BROKEN.search(rendered).group(0))
        assert "{" not in rendered


@pytest.mark.parametrize("prep, article, expected", [
    ("da", "l'", "dall'"), ("su", "la", "sulla"), ("di", "il", "del"), ("a", "lo", "allo"),
])
def test_other_prepositions(prep, article, expected, monkeypatch):
    monkeypatch.setitem(CLIENT_NAMES, "probe", (article, "prova"))
    assert with_preposition(prep, "probe").startswith(expected)
