"""Clarification buttons, misunderstanding streaks and ticket contents."""

from actions.clarification import consecutive_fallbacks, suggestions
from actions.handover import escalation_reason, page_url, previous_bot_action, recent_intents, transcript


def user(text, intent="greet", conf=0.9, **meta):
    return {"event": "user", "text": text, "timestamp": 1.0, "metadata": meta,
            "parse_data": {"intent": {"name": intent, "confidence": conf}}}


def action(name):
    return {"event": "action", "name": name}


def test_suggestions_skip_non_topics_and_unlabelled():
    ranking = [{"name": "nlu_fallback"}, {"name": "chitchat"}, {"name": "ask_offline"},
               {"name": "ask_unlabelled"}, {"name": "ask_cost"}, {"name": "ask_webmail"}]
    assert suggestions(ranking, ["ask_offline", "ask_cost", "ask_webmail"]) == ["ask_offline", "ask_cost"]


def test_fallback_streak_counts_consecutive_clarifications():
    events = [user("a"), action("action_clarify"), action("action_listen"), user("b")]
    assert consecutive_fallbacks(events) == 1
    events += [action("action_clarify"), action("action_listen"), user("c")]
    assert consecutive_fallbacks(events) == 2
    events += [action("action_explain"), action("action_listen"), user("d")]
    assert consecutive_fallbacks(events) == 0


def test_escalation_reasons():
    assert escalation_reason("oos_password", 0, None) == "account_topic"
    assert escalation_reason("affirm", 0, "utter_offer_human") == "repeated_misunderstanding"
    assert escalation_reason("request_human", 0, "action_clarify") == "low_confidence"
    assert escalation_reason("request_human", 0, "action_explain") == "explicit_request"


def test_previous_bot_action_and_recent_intents():
    events = [user("x", "ask_offline", 0.81), action("action_explain"), action("action_listen"),
              user("operatore", "request_human", 0.99)]
    assert previous_bot_action(events) == "action_explain"
    assert recent_intents(events) == [
        {"name": "ask_offline", "confidence": 0.81, "text": "x"},
        {"name": "request_human", "confidence": 0.99, "text": "operatore"},
    ]


def test_transcript_and_page_url():
    events = [user("ciao", page_url="https://www.example.org/posta"),
              {"event": "bot", "text": "Ciao!", "timestamp": 2.0},
              {"event": "bot", "text": "Sono qui", "timestamp": 3.0, "metadata": {"agent": "anna"}},
              user("grazie", page_url="javascript:alert(1)")]
    lines = transcript(events)
    assert [line["sender"] for line in lines] == ["user", "bot", "agent", "user"]
    assert page_url(events) == "https://www.example.org/posta"
