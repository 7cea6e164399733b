"""Every response the actions can send exists in the domain, so editors cannot break them silently."""

import re
from pathlib import Path

import yaml

from actions.recommendation import CAUTIONS, recommend
from actions.topics import GENERAL, PROVIDER, SITUATIONAL

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = set(DOMAIN["responses"])


def test_responses_named_in_action_code_exist():
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        names |= set(re.findall(r'"(utter_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    names = {n for n in names if not n.endswith("_")}
    assert names, "no response names found"
    assert sorted(names - RESPONSES) == []


def test_all_topic_answers_exist():
    for topic in SITUATIONAL.values():
        for variant in ("imap", "pop3", "both"):
            assert f"utter_{topic}_{variant}" in RESPONSES
    for response in list(GENERAL.values()) + list(PROVIDER.values()):
        assert response in RESPONSES


def test_all_reasons_and_cautions_exist():
    for cautions in CAUTIONS.values():
        assert set(cautions) <= RESPONSES
    reasons = set()
    for args in [("many", "no", "server", "yes"), ("one", "yes", "device", "no")]:
        reasons |= set(recommend(*args).reasons)
    assert reasons <= RESPONSES


def test_every_topic_intent_has_a_clarification_label():
    for intent in list(SITUATIONAL) + list(GENERAL) + list(PROVIDER):
        assert f"utter_label_{intent}" in RESPONSES


def test_button_payloads_are_intents_of_the_domain():
    intents = set(DOMAIN["intents"])
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = button["payload"]
                if payload.startswith("/"):
                    assert payload[1:] in intents, (name, payload)
