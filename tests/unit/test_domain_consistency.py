"""Every response the actions can send exists in the domain, so editors cannot break them silently."""

import re
from pathlib import Path
from typing import List, Tuple

import yaml

from actions.recommendation import CAUTIONS, recommend
from actions.topics import GENERAL, PER_PROTOCOL, PROVIDER, SITUATIONAL

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
    for topic in PER_PROTOCOL.values():
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
    for intent in list(SITUATIONAL) + list(PER_PROTOCOL) + list(GENERAL) + list(PROVIDER):
        assert f"utter_label_{intent}" in RESPONSES


def test_every_topic_intent_is_a_domain_intent_answered_by_a_rule():
    rules = (ROOT / "data" / "rules.yml").read_text(encoding="utf-8")
    for intent in list(SITUATIONAL) + list(PER_PROTOCOL) + list(GENERAL) + list(PROVIDER):
        assert intent in DOMAIN["intents"], intent
        assert f"intent: {intent}" in rules, intent


def test_form_slots_are_filled_only_by_the_form():
    """No slot of the recommendation form has a mapping that Rasa runs on every message."""
    from actions.answers import BUTTON_VALUES

    required = DOMAIN["forms"]["recommend_form"]["required_slots"]
    assert sorted(required) == sorted(BUTTON_VALUES)
    for slot in required:
        assert DOMAIN["slots"][slot]["mappings"] == [{"type": "custom"}], slot


def test_no_slot_mapping_runs_an_action():
    """A custom mapping with an action would call the action server on every user message."""
    for name, slot in DOMAIN["slots"].items():
        for mapping in slot.get("mappings") or []:
            assert "action" not in mapping, name


def _intent_payloads() -> List[Tuple[str, str]]:
    """(response, payload) of every ``/intent`` button; other payloads are the customer's words."""
    return [(name, button["payload"])
            for name, variations in DOMAIN["responses"].items()
            for variation in variations
            for button in variation.get("buttons") or []
            if button["payload"].startswith("/")]


def test_button_payloads_are_intents_of_the_domain():
    intents = set(DOMAIN["intents"])
    for name, payload in _intent_payloads():
        assert payload[1:] in intents, (name, payload)


def test_every_button_payload_of_the_domain_passes_the_channels():
    """A button whose payload the channels refuse would answer "commands are not available"."""
    from channels.sanitize import allowed_button_intents, is_allowed_payload

    allowed = allowed_button_intents(DOMAIN["intents"])
    for name, payload in _intent_payloads():
        assert is_allowed_payload(payload, allowed), (name, payload)


def test_intent_lists_in_python_name_domain_intents():
    """Lists of intents kept in Python are checked here, so a renamed intent cannot slip by."""
    from actions.answers import ANSWER_INTENTS, BUTTON_VALUES, LEAVING_INTENTS
    from actions.clarification import NOT_SUGGESTED
    from actions.handover import ACCOUNT_TOPICS

    known = set(DOMAIN["intents"]) | {"nlu_fallback"}
    listed = set(ANSWER_INTENTS) | set(LEAVING_INTENTS) | set(NOT_SUGGESTED) | set(ACCOUNT_TOPICS)
    for buttons in BUTTON_VALUES.values():
        listed |= set(buttons)
    assert sorted(listed - known) == []
