"""Situation-aware answer plans."""

import pytest

from actions.topics import (
    GENERAL,
    PER_PROTOCOL,
    PROVIDER,
    SITUATIONAL,
    plan_inform,
    plan_topic,
    what_is_named,
)


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


@pytest.mark.parametrize("intent, text, protocols, pending, expected", [
    # after "Tu quale usi?", any statement naming one protocol answers it
    ("ask_migrate_pop_to_imap", "il mio account è imap", ["imap"], "ask_delete_sync", "imap"),
    ("nlu_fallback", "mmm pop3 credo", ["pop3"], "ask_offline", "pop3"),
    ("ask_cost", "sul telefono arriva in imap", ["imap"], "ask_sent_mail", "imap"),
    # ... but a question is a question
    ("ask_offline", "e con pop3 invece?", ["pop3"], "ask_offline", None),
    # two protocols are not an answer
    ("inform", "imap sul telefono e pop sul pc", ["imap", "pop3"], "ask_sync_devices", None),
    # without a pending topic: statements about the customer's own mail only
    ("ask_what_is_pop3", "ti dico che ricevo la posta con pop3", ["pop3"], None, "pop3"),
    ("nlu_fallback", "la mia casella va in imap", ["imap"], None, "imap"),
    ("ask_what_is_imap", "spiegami imap", ["imap"], None, None),
    ("ask_drawbacks", "ho imap, rischi", ["imap"], None, None),
    ("inform", "pop", ["pop"], None, "pop3"),
])
def test_protocol_reply(intent, text, protocols, pending, expected):
    from actions.topics import protocol_reply

    assert protocol_reply(intent, text, protocols, pending) == expected


@pytest.mark.parametrize(
    "intent, named, expected",
    [("ask_what_is_pop3", "imap", "ask_what_is_imap"),  # the named protocol wins
     ("ask_what_is_imap", "POP", "ask_what_is_pop3"),
     ("ask_what_is_imap", None, "ask_what_is_imap"),  # nothing named: NLU's pick
     ("ask_offline", "pop3", "ask_offline")],  # other topics are left alone
)
def test_what_is_follows_the_named_protocol(intent, named, expected):
    assert what_is_named(intent, named) == expected
