"""The source register (docs/source_register.yml) covers every response and every guide fact.

- every response of the domain has an entry, and every entry a response;
- sources are known; `settings` keys exist in settings/provider.yml;
- a response that claims a guide fact states it (the fact's `says` pattern);
- every fact of the guide is stated by a response that a rule or an action sends;
- no response is dead: each one is sent by a rule, a story or an action.
"""

import itertools
import re
from pathlib import Path
from typing import Set

import yaml

from actions import setup_guide
from actions.bad_input import KINDS
from actions.client_names import CLIENT_KEYS
from actions.handover import ACCOUNT_TOPICS
from actions.provider_values import MISSING_KEYS
from actions.recommendation import CAUTIONS, recommend
from actions.topics import GENERAL, PER_PROTOCOL, PROVIDER, SITUATIONAL
from settings import USERNAME_FORMATS

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
REGISTER = yaml.safe_load((ROOT / "docs" / "source_register.yml").read_text(encoding="utf-8"))
SETTINGS = yaml.safe_load((ROOT / "settings" / "provider.yml").read_text(encoding="utf-8"))
SOURCES = {"guide", "standard", "settings", "client", "none"}


def text(name: str) -> str:
    return " ".join(v.get("text", "") for v in RESPONSES[name])


def with_continuations(names: Set[str]) -> Set[str]:
    found = set(names)
    for name in names:
        number = 2
        while f"{name}_{number}" in RESPONSES:
            found.add(f"{name}_{number}")
            number += 1
    return found


def sendable() -> Set[str]:
    """Every response some rule, story or action can send."""
    names: Set[str] = set()
    for path in [ROOT / "data" / "rules.yml", ROOT / "data" / "stories.yml", *ROOT.glob("actions/*.py")]:
        names |= set(re.findall(r"\b(utter_[a-z0-9_]+)\b", path.read_text(encoding="utf-8")))
    for topic in list(SITUATIONAL.values()) + list(PER_PROTOCOL.values()):
        names |= {f"utter_{topic}_{variant}" for variant in ("imap", "pop3", "both")}
    names |= set(GENERAL.values()) | set(PROVIDER.values()) | set(ACCOUNT_TOPICS.values())
    names |= set(setup_guide.all_response_names())
    names |= {f"utter_recommend_{p}" for p in ("imap", "pop3")}
    for caution_list in CAUTIONS.values():
        names |= set(caution_list)
    values = [("one", "many", "unknown", None), ("yes", "no", "unknown", None),
              ("server", "device", "unknown", None), ("yes", "no", "unknown", None)]
    for answers in itertools.product(*values):
        result = recommend(*answers)
        names |= set(result.reasons) | set(result.cautions)
    names |= {f"utter_ask_{slot}" for form in DOMAIN["forms"].values() for slot in form["required_slots"]}
    names |= {f"utter_label_{intent}" for intent in DOMAIN["intents"]}
    names |= {f"utter_username_{fmt}" for fmt in USERNAME_FORMATS}
    names |= {f"utter_bad_input_{kind}" for kind in KINDS}
    names |= {f"utter_app_{key}" for key in CLIENT_KEYS}
    names |= {f"utter_missing_{key}" for key in MISSING_KEYS}
    names.add("utter_default")  # sent by Rasa's action_default_fallback, config.yml's core fallback
    return with_continuations({n for n in names if n in RESPONSES})


def setting_exists(key: str) -> bool:
    node = SETTINGS
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_response_has_an_entry_and_every_entry_a_response():
    entries = set(REGISTER["responses"])
    assert sorted(set(RESPONSES) - entries) == [], "responses without a source entry"
    assert sorted(entries - set(RESPONSES)) == [], "entries of responses that do not exist"


def test_entries_name_known_sources_facts_and_settings():
    facts = set(REGISTER["facts"])
    for name, entry in REGISTER["responses"].items():
        sources = set(entry["source"])
        assert sources and sources <= SOURCES, name
        if "guide" in sources:
            assert entry.get("facts") and set(entry["facts"]) <= facts, name
        if "settings" in sources:
            assert entry.get("settings"), name
        for key in entry.get("settings") or []:
            assert setting_exists(key), (name, key)
        if "standard" in sources:
            assert entry.get("standard"), name
        placeholders = set(re.findall(r"\{(\w+)\}", text(name)))
        if placeholders & {"provider_name", "support_phone", "webmail_url", "incoming_host", "imap_host"}:
            assert "settings" in sources, (name, placeholders)


def test_a_response_states_the_facts_it_claims():
    for name, entry in REGISTER["responses"].items():
        for fact in entry.get("facts") or []:
            pattern = REGISTER["facts"][fact]["says"]
            assert re.search(pattern, text(name), re.IGNORECASE | re.DOTALL), (name, fact)


def test_every_guide_fact_is_stated_by_a_response_that_is_sent():
    live = sendable()
    stated = {fact for name, entry in REGISTER["responses"].items() if name in live
              for fact in entry.get("facts") or []}
    assert sorted(set(REGISTER["facts"]) - stated) == []


def test_no_response_is_dead():
    assert sorted(set(RESPONSES) - sendable()) == []
