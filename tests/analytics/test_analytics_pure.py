"""The pure computation on Rasa's own event dicts, with figures computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone

from rasa_events import DAY, Dialogue

from analytics.chart import daily_chart
from analytics.conversations import conversations_of
from analytics.export import daily_csv
from analytics.masking import EMAIL_MASK, PHONE_MASK, mask_personal
from analytics.period import PeriodError, parse_period
from analytics.report import apply_ticket_reasons
from analytics.stats import daily_rows, period_stats, previous_period

NEXT_DAY = DAY + 86400


def _seed() -> list:
    """Five conversations of four senders (one sender has two sessions)."""
    imap = (
        Dialogue("c-imap")
        .user("/ask_recommendation", "ask_recommendation")
        .action("action_start_recommendation").loop("recommend_form").listen()
        .user("/choose_many_devices", "choose_many_devices").listen()
        .user("/deny", "deny").listen()
        .user("/choose_server", "choose_server").listen()
        .user("/affirm", "affirm").action("action_recommend")
        .says("utter_recommend_imap").slot("recommended_protocol", "imap")
        .loop(None).listen()
    )
    human = (
        Dialogue("c-human")
        .user("uso imap sul telefono", "inform", 0.91).slot("protocol", "imap")
        .action("utter_protocol_noted").listen()
        .user("mi passi un operatore? scrivete a mario.rossi@example.org", "request_human", 0.88)
        .action("action_escalate").says("utter_escalated_ticket").slot("ticket_ref", "IPT-1")
        .says("utter_ask_wants_contact").listen()
    )
    confused = (
        Dialogue("c-confused")
        .user("cavolfiore trombone", "nlu_fallback", 0.31).action("action_clarify").listen()
        .user("zucchero trattore", "nlu_fallback", 0.22).action("utter_offer_human").listen()
        .user("/affirm", "affirm").action("action_escalate").says("utter_escalated_ticket")
        .listen()
    )
    left = (
        Dialogue("c-left", start=NEXT_DAY)
        .user("quale mi conviene?", "ask_recommendation", 0.97)
        .action("action_start_recommendation").loop("recommend_form").listen()
        .user("chiamami al 333 987 6543", "inform", 0.42).listen()
        .new_session()
        .user("/ask_recommendation", "ask_recommendation")
        .action("action_start_recommendation").loop("recommend_form").listen()
        .user("/choose_one_device", "choose_one_device").listen()
        .user("/affirm", "affirm").listen()
        .user("/choose_device", "choose_device").listen()
        .user("/deny", "deny").action("action_recommend").says("utter_recommend_pop3")
        .slot("recommended_protocol", "pop3").loop(None).listen()
    )
    conversations = []
    for dialogue in (imap, human, confused, left):
        conversations += conversations_of(dialogue.sender_id, dialogue.events)
    return conversations


def test_per_conversation_facts() -> None:
    imap, human, confused, left, pop3 = _seed()
    assert imap.user_turns == 5 and imap.recommendation == "imap" and not imap.abandoned
    assert imap.start == datetime.fromtimestamp(DAY + 4, tz=timezone.utc)
    assert imap.intents[0] == ("ask_recommendation", 1.0)
    assert human.handoff and human.handoff_reason == "explicit_request"
    assert human.protocol == "imap" and human.fallbacks == 0
    assert human.intents == [("inform", 0.91), ("request_human", 0.88)]
    assert confused.handoff and confused.handoff_reason == "repeated_misunderstanding"
    assert confused.fallbacks == 2 and confused.user_turns == 3
    assert left.abandoned and left.user_turns == 2 and left.recommendation is None
    assert pop3.sender_id == "c-left" and pop3.recommendation == "pop3" and not pop3.abandoned
    assert pop3.start.date() == date(2026, 3, 11)


def test_customer_text_is_masked_in_the_summaries() -> None:
    _, human, _, left, _ = _seed()
    assert human.messages[1].text == f"mi passi un operatore? scrivete a {EMAIL_MASK}"
    assert left.messages[1].text == f"chiamami al {PHONE_MASK}"


def test_period_figures_by_hand() -> None:
    figures = period_stats(_seed())
    # 5 conversations, 5+2+3+2+5 = 17 user messages, 2 handoffs, 2 fallbacks, 1 abandoned
    assert figures == {
        "conversations": 5,
        "user_messages": 17,
        "containment_rate": 0.6,
        "handoff_rate": 0.4,
        "handoffs_by_reason": {"explicit_request": 1, "low_confidence": 0,
                               "repeated_misunderstanding": 1, "account_topic": 0},
        "fallback_rate": 0.118,  # 2 / 17
        "satisfaction": {"answers": 0, "positive_share": 0.0},
        "top_intents": [
            {"intent": "affirm", "count": 3}, {"intent": "ask_recommendation", "count": 3},
            {"intent": "deny", "count": 2}, {"intent": "inform", "count": 2},
            {"intent": "nlu_fallback", "count": 2}, {"intent": "choose_device", "count": 1},
            {"intent": "choose_many_devices", "count": 1},
            {"intent": "choose_one_device", "count": 1}, {"intent": "choose_server", "count": 1},
            {"intent": "request_human", "count": 1},
        ],
        "recommendations": {"imap": 1, "pop3": 1},
        "avg_turns": 3.4,
        "abandonment_rate": 0.2,
    }


def test_empty_range_gives_zeros() -> None:
    figures = period_stats([])
    assert figures["conversations"] == 0 and figures["user_messages"] == 0
    assert figures["containment_rate"] == figures["handoff_rate"] == 0.0
    assert figures["fallback_rate"] == figures["abandonment_rate"] == figures["avg_turns"] == 0.0
    assert figures["top_intents"] == [] and figures["recommendations"] == {"imap": 0, "pop3": 0}
    assert set(figures["handoffs_by_reason"].values()) == {0}


def test_ticket_reason_wins_over_the_derived_one() -> None:
    conversations = _seed()
    human = conversations[1]
    apply_ticket_reasons(conversations, {"c-human": [(human.handoff_at, "account_topic")]})
    assert human.handoff_reason == "account_topic"
    assert conversations[2].handoff_reason == "repeated_misunderstanding"


def test_low_confidence_reason_after_one_clarification() -> None:
    dialogue = (Dialogue("c-low").user("boh", "nlu_fallback", 0.2).action("action_clarify").listen()
                .user("/request_human", "request_human").action("action_escalate").listen())
    (conversation,) = conversations_of("c-low", dialogue.events)
    assert conversation.handoff_reason == "low_confidence"


def test_satisfaction_answers_and_share() -> None:
    """Two answers of three conversations (one 👎 with its reason); carried-over slots do not count."""
    liked = (Dialogue("s-up").user("grazie", "thank").action("action_welcome")
             .slot("satisfaction_asked", True).listen()
             .user("/rate_helpful", "rate_helpful").action("action_record_satisfaction")
             .slot("satisfaction", "positive").listen()
             .new_session().slot("satisfaction", "positive")
             .user("ciao", "greet").action("utter_greet").listen())
    disliked = (Dialogue("s-down").user("ciao ciao", "goodbye").action("utter_goodbye")
                .action("action_ask_satisfaction").listen()
                .user("/rate_not_helpful", "rate_not_helpful")
                .slot("satisfaction", "negative").listen()
                .user("/rate_unclear", "rate_unclear").slot("feedback_reason", "unclear").listen())
    conversations = (conversations_of("s-up", liked.events)
                     + conversations_of("s-down", disliked.events))
    assert [c.satisfaction for c in conversations] == ["positive", None, "negative"]
    assert conversations[2].feedback_reason == "unclear"
    assert period_stats(conversations)["satisfaction"] == {"answers": 2, "positive_share": 0.5}
    rows = daily_rows(conversations, date(2026, 3, 10), date(2026, 3, 10))
    assert daily_csv(rows).splitlines()[1].endswith(",2,0.5")


def test_daily_rows_csv_and_chart() -> None:
    rows = daily_rows(_seed(), date(2026, 3, 10), date(2026, 3, 12))
    assert [r["conversations"] for r in rows] == [3, 2, 0]
    assert [r["handoffs"] for r in rows] == [2, 0, 0]
    assert rows[0]["containment_rate"] == 0.333 and rows[1]["abandonment_rate"] == 0.5
    text = daily_csv(rows)
    assert text.splitlines()[0].startswith("date,conversations,user_messages,handoffs")
    assert text.splitlines()[1] == "2026-03-10,3,10,2,0.333,0.2,0.0,1,0,0,0.0"
    svg = daily_chart(rows)
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    assert svg.count('class="bar-conversations"') == 3 and "line-containment" in svg


def test_previous_period_and_parsing() -> None:
    assert previous_period(date(2026, 3, 8), date(2026, 3, 14)) == (date(2026, 3, 1),
                                                                     date(2026, 3, 7))
    assert parse_period({"from": "2026-03-01", "to": "2026-03-02"}) == (date(2026, 3, 1),
                                                                       date(2026, 3, 2))
    assert parse_period({}, today=date(2026, 3, 7)) == (date(2026, 3, 1), date(2026, 3, 7))
    for bad in ({"from": "01/03/2026"}, {"from": "2026-03-05", "to": "2026-03-01"}):
        try:
            parse_period(bad)
        except PeriodError as error:
            assert "data" in str(error).lower()
        else:
            raise AssertionError(bad)


def test_masking() -> None:
    assert mask_personal("scrivi a anna.bianchi+x@posta.it") == f"scrivi a {EMAIL_MASK}"
    assert mask_personal("numero +39 02 1234 5678") == f"numero {PHONE_MASK}"
    assert mask_personal("la password è pippo123") == "la password è ********"
    assert mask_personal("ho 2 pc, porta 993") == "ho 2 pc, porta 993"


def test_conversation_filters_and_keys() -> None:
    from analytics.browse import filters_of, select_conversations

    imap, human, confused, left, pop3 = _seed()
    everything = [imap, human, confused, left, pop3]
    assert len({c.key for c in everything}) == 5 and all(len(c.key) == 20 for c in everything)
    assert left.key != pop3.key  # same sender, two sessions
    assert filters_of({"handoff": "forse", "fallback": "si", "intent": "x" * 300})["handoff"] == ""
    assert len(filters_of({"intent": "x" * 300})["intent"]) == 100
    pick = lambda **q: select_conversations(everything, filters_of(q), flagged={human.key})  # noqa: E731
    assert {c.sender_id for c in pick(handoff="si")} == {"c-human", "c-confused"}
    assert pick(fallback="si") == [confused]
    assert pick(intent="ask_recommendation") == [pop3, left, imap]  # newest first
    assert pick(da_rivedere="si") == [human]
    assert len(pick()) == 5
    assert [line.sender for line in human.transcript][:2] == ["user", "bot"]


def test_comment_is_kept_masked_and_its_form_is_neither_inbox_nor_abandonment() -> None:
    """The comment after a 👎 is shown masked; its text never enters the NLU inbox."""
    from analytics.inbox import needs_review

    rated = (Dialogue("s-comment").user("arrivederci", "goodbye").action("utter_goodbye")
             .action("action_ask_satisfaction").listen()
             .user("/rate_not_helpful", "rate_not_helpful").slot("satisfaction", "negative").listen()
             .user("/rate_comment", "rate_comment").action("feedback_form").loop("feedback_form")
             .slot("requested_slot", "feedback_comment").listen()
             .user("troppe domande, richiamatemi al 333 987 6543", "nlu_fallback", 0.2)
             .slot("feedback_comment", "troppe domande, richiamatemi al 333 987 6543")
             .action("feedback_form").loop(None).slot("requested_slot", None)
             .action("utter_feedback_comment_thanks").listen())
    unwritten = (Dialogue("s-nocomment").user("grazie", "thank").action("action_welcome").listen()
                 .user("/rate_helpful", "rate_helpful").slot("satisfaction", "positive").listen()
                 .user("/rate_comment", "rate_comment").action("feedback_form")
                 .loop("feedback_form").listen())
    (conversation,) = conversations_of("s-comment", rated.events)
    assert conversation.feedback_comment == f"troppe domande, richiamatemi al {PHONE_MASK}"
    assert "987" not in conversation.feedback_comment
    comment = conversation.messages[-1]
    assert comment.free_text and comment.fallback is False
    assert not needs_review(comment)
    assert not conversation.abandoned
    (left,) = conversations_of("s-nocomment", unwritten.events)
    assert left.feedback_comment is None and not left.abandoned
