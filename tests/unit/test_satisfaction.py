"""When the satisfaction question is asked and how a button's answer is read (pure decisions)."""

import pytest

from actions.satisfaction import FEEDBACK_REASONS, after_agent, rating_of, reason_of, should_ask


@pytest.mark.parametrize("asked,loop,expected", [
    (False, None, True),
    (True, None, False),
    (False, "recommend_form", False),
    (False, "contact_form", False),
    (True, "recommend_form", False),
])
def test_asked_once_and_never_inside_a_form(asked, loop, expected):
    assert should_ask(asked, loop) is expected


def test_only_the_rating_buttons_are_ratings():
    assert rating_of("rate_helpful") == "positive"
    assert rating_of("rate_not_helpful") == "negative"
    for other in ("affirm", "deny", "rate_unclear", None, ""):
        assert rating_of(other) is None


def test_reason_buttons():
    assert [reason_of(f"rate_{r}") for r in FEEDBACK_REASONS] == list(FEEDBACK_REASONS)
    for other in ("rate_helpful", "rate_not_helpful", "rate_", "unclear", None):
        assert reason_of(other) is None


def test_feedback_reasons_match_the_domain():
    import yaml

    with open("domain.yml", encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    assert tuple(domain["slots"]["feedback_reason"]["values"]) == FEEDBACK_REASONS
    payloads = [b["payload"] for b in domain["responses"]["utter_rating_sorry"][0]["buttons"]]
    assert payloads == [f"/rate_{reason}" for reason in FEEDBACK_REASONS] + ["/rate_comment"]
    assert {f"rate_{reason}" for reason in FEEDBACK_REASONS} <= set(domain["intents"])


def test_the_console_names_every_reason():
    from escalation.console.conversations_page import FEEDBACK_REASONS as LABELS

    assert tuple(LABELS) == FEEDBACK_REASONS


def test_the_comment_is_offered_after_either_answer_and_asked_by_its_form():
    import yaml

    with open("domain.yml", encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    for response in ("utter_rating_thanks", "utter_rating_sorry"):
        payloads = [b["payload"] for b in domain["responses"][response][0]["buttons"]]
        assert "/rate_comment" in payloads
    assert domain["forms"]["feedback_form"]["required_slots"] == ["feedback_comment"]
    assert "utter_ask_feedback_comment" in domain["responses"]


def test_after_agent_only_when_a_person_took_part_in_this_session():
    bot = {"event": "bot", "text": "ciao"}
    escalated = {"event": "action", "name": "action_escalate"}
    agent_reply = {"event": "bot", "text": "Sono Anna", "metadata": {"agent": "anna"}}
    resumed = {"event": "bot", "text": "di nuovo io", "metadata": {"resumed_by": "anna"}}
    new_session = {"event": "session_started"}
    assert not after_agent([])
    assert not after_agent([bot, {"event": "action", "name": "action_explain"}])
    assert after_agent([bot, escalated, bot])
    assert after_agent([agent_reply])
    assert after_agent([resumed, bot])
    assert not after_agent([escalated, resumed, new_session, bot])
