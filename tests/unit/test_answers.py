"""Replies to the recommendation questions: free-text parsers and the answer/side-question decision."""

import pytest

from actions.answers import (
    BUTTON_VALUES,
    looks_like_question,
    parse_device_count,
    parse_offline,
    parse_space,
    parse_storage,
    parse_yes_no,
    read_answer,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("solo uno", "one"), ("uno solo", "one"), ("soltanto il pc", "one"), ("1", "one"),
        ("tre", "many"), ("2", "many"), ("telefono e pc", "many"), ("Più di uno", "many"),
        ("piu di uno", "many"), ("cellulare, tablet e portatile", "many"), ("boh", "unknown"),
        ("entrambi", "many"), ("banana", None), ("il fisso in ufficio", "one"),
        ("a casa e in ufficio", "many"), ("il portatile, sia a casa che al lavoro", "many"),
    ],
)
def test_device_count(text, expected):
    assert parse_device_count(text) == expected


def test_named_devices_count_as_many():
    assert parse_device_count("questi", ["smartphone", "pc"]) == "many"
    # A place cut off a device name by the extractor is not a second device.
    assert parse_device_count("solo quello, il portatile di casa", ["portatile", "casa"]) == "one"
    assert parse_device_count("il fisso in ufficio", ["fisso", "ufficio"]) == "one"
    assert parse_device_count("il tablet e il pc in ufficio", ["tablet", "pc", "ufficio"]) == "many"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sì", "yes"), ("si spesso", "yes"), ("ogni tanto", "yes"), ("mi capita in treno", "yes"),
        ("no", "no"), ("mai", "no"), ("non mi capita", "no"), ("boh", "unknown"), ("", None),
        ("non lo so", "unknown"), ("banana", None),
    ],
)
def test_yes_no(text, expected):
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("sono sempre connesso", "no"), ("quando vado in montagna", "yes"), ("in treno mai", "no")],
)
def test_offline(text, expected):
    assert parse_offline(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sul server", "server"), ("ovunque", "server"), ("solo sul mio pc", "device"),
        ("sul dispositivo", "device"), ("non saprei", "unknown"), ("banana", None),
        ("non sui vostri server, sul mio computer", "device"),
    ],
)
def test_storage(text, expected):
    assert parse_storage(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("sì, tutto ok", "yes"), ("no", "no"), ("non lo so", "unknown"), ("boh", "unknown"),
     ("ne ho in abbondanza, basta e avanza", "yes"), ("è piccola, si riempie sempre", "no"),
     ("mi sa che non mi basta", "no")],
)
def test_space(text, expected):
    assert parse_space(text) == expected


@pytest.mark.parametrize("text", ["e se si riempie?", "cosa succede se cancello", "come funziona"])
def test_questions_are_recognised(text):
    assert looks_like_question(text)


@pytest.mark.parametrize("text", ["no mai", "solo il pc", "lo spazio è poco"])
def test_statements_are_not_questions(text):
    assert not looks_like_question(text)


def test_every_button_of_a_question_gives_its_value():
    for slot, buttons in BUTTON_VALUES.items():
        for intent, value in buttons.items():
            assert read_answer(slot, intent, f"/{intent}").value == value


def test_a_button_of_another_question_is_not_taken():
    assert read_answer("rec_devices", "choose_server", "/choose_server").kind == "unclear"
    assert read_answer("rec_devices", "affirm", "/affirm").kind == "unclear"


@pytest.mark.parametrize("intent", ["request_human", "goodbye", "ask_configure_device", "oos_billing"])
def test_leaving_intents_are_never_answers(intent):
    # even when the words would parse ("no" in "no, voglio un operatore")
    assert read_answer("rec_offline", intent, "no, passami un operatore").kind == "not_an_answer"


def test_topic_words_in_a_statement_are_an_answer():
    reading = read_answer("rec_space", "ask_mailbox_full", "la casella è piccola e i backup li faccio io")
    assert reading.kind == "answer" and reading.value == "no"


def test_a_real_side_question_is_not_an_answer():
    assert read_answer("rec_space", "ask_mailbox_full", "e se la casella si riempie?").kind == "not_an_answer"
    assert read_answer("rec_offline", "ask_offline", "con imap si legge senza rete?").kind == "not_an_answer"


def test_thanks_is_not_an_answer_unless_it_answers():
    assert read_answer("rec_devices", "thank", "grazie mille").kind == "not_an_answer"
    assert read_answer("rec_offline", "thank", "sì grazie").value == "yes"


def test_an_answer_attempt_that_cannot_be_read_is_unclear():
    assert read_answer("rec_devices", "affirm", "sì").kind == "unclear"
    assert read_answer("rec_storage", "nlu_fallback", "banana").kind == "unclear"


def test_typed_yes_and_no_answer_yes_no_questions():
    assert read_answer("rec_offline", "deny", "nope").value == "no"
    assert read_answer("rec_space", "affirm", "yep").value == "yes"


def test_dont_know_moves_on():
    for slot in BUTTON_VALUES:
        assert read_answer(slot, "inform", "non lo so").value == "unknown"


def test_asking_again_restarts_only_when_it_is_not_an_answer():
    # "meglio sul server" may look like a request for advice, but it answers question 3
    assert read_answer("rec_storage", "ask_recommendation", "meglio sul server").value == "server"
    assert read_answer("rec_storage", "ask_recommendation", "rifacciamo, quale mi conviene?").kind == (
        "not_an_answer")


def test_an_account_topic_guess_does_not_override_a_clear_answer():
    # "connesso" can make NLU think of a line fault; the words answer question 2
    assert read_answer("rec_offline", "oos_line_fault", "macché, sono sempre connesso").value == "no"
    # elsewhere an account topic leaves the form, even with words a parser could misread
    assert read_answer("rec_storage", "oos_hacked", "i miei contatti ricevono spam").kind == (
        "not_an_answer")


@pytest.mark.parametrize(
    "slot, intent, text, confidence, kind",
    [
        # an unsure account-topic guess whose words answer the question is an answer
        ("rec_offline", "oos_contract", "no, la connessione ce l'ho sempre", 0.55, "answer"),
        ("rec_space", "oos_hacked", "non lo so, mai guardato", 0.45, "answer"),
        # a sure one leaves the form, whatever its words
        ("rec_space", "oos_hacked", "non lo so, mi hanno violato la casella", 0.95, "not_an_answer"),
        # an unsure one that answers nothing, or asks, leaves the form too
        ("rec_storage", "oos_billing", "la fattura di marzo è sbagliata", 0.5, "not_an_answer"),
        ("rec_offline", "oos_contract", "posso cambiare contratto?", 0.5, "not_an_answer"),
        # the offline question provokes line-fault guesses at any confidence
        ("rec_offline", "oos_line_fault", "no, sono sempre connesso", 0.99, "answer"),
    ],
)
def test_account_topic_guesses_inside_the_form(slot, intent, text, confidence, kind):
    assert read_answer(slot, intent, text, confidence=confidence).kind == kind
