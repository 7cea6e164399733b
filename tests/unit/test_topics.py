"""Situation-aware answer plans."""

import pytest

from actions.topics import GENERAL, PER_PROTOCOL, PROVIDER, SITUATIONAL, plan_inform, plan_topic


@pytest.mark.parametrize("intent", sorted(SITUATIONAL))
def test_known_protocol_gets_its_own_answer(intent):
    topic = SITUATIONAL[intent]
    assert plan_topic(intent, "imap").responses == [f"utter_{topic}_imap"]
    assert plan_topic(intent, "pop3").responses == [f"utter_{topic}_pop3"]
    assert plan_topic(intent, "imap").pending_topic is None


@pytest.mark.parametrize("intent", sorted(SITUATIONAL))
def test_unknown_protocol_answers_both_and_remembers_the_topic(intent):
    plan = plan_topic(intent, None)
    assert plan.responses == [f"utter_{SITUATIONAL[intent]}_both"]
    assert plan.pending_topic == intent


def test_saying_the_protocol_answers_the_pending_topic():
    plan = plan_inform("ask_delete_sync", "imap", new_devices=False)
    assert plan.responses == ["utter_delete_imap"]
    assert plan.pending_topic is None


def test_saying_the_protocol_without_a_question_is_acknowledged():
    assert plan_inform(None, "pop3", new_devices=False).responses == ["utter_protocol_noted"]
    assert plan_inform(None, None, new_devices=True).responses == ["utter_devices_noted"]
    assert plan_inform(None, None, new_devices=False).responses == ["utter_ask_protocol_in_use"]


def test_provider_topics_need_settings():
    for intent in PROVIDER:
        assert plan_topic(intent, None).needs_settings in ("servers", "support", "webmail")
    for intent in GENERAL:
        assert plan_topic(intent, "imap").needs_settings is None


@pytest.mark.parametrize("intent", sorted(PER_PROTOCOL))
def test_per_protocol_topics_never_ask_back(intent):
    topic = PER_PROTOCOL[intent]
    assert plan_topic(intent, "pop3").responses == [f"utter_{topic}_pop3"]
    plan = plan_topic(intent, None)
    assert plan.responses == [f"utter_{topic}_both"]
    assert plan.pending_topic is None
