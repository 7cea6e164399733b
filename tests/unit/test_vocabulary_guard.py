"""Messages made only of words never learned are out of scope (pure decision)."""

import pytest

from components.vocabulary_guard import only_unknown_words, replaces, vocabulary_of, words

VOCABULARY = vocabulary_of(["Se cancello una mail dal telefono sparisce?", "ho un problema con la linea"])


def test_words_are_lowercased_without_accents_and_short_ones_dropped():
    assert words("Perché è così? OK sì") == ["perche", "cosi"]


@pytest.mark.parametrize("text", ["pentola arancione giraffa", "zucchero trattore violino sabbia"])
def test_nonsense_is_out_of_scope(text):
    assert only_unknown_words(text, VOCABULARY)


@pytest.mark.parametrize("text", [
    "cancello la posta", "telefono rotto", "giraffa", "ciao", "", "la linea non va",
])
def test_known_words_or_too_few_words_are_left_to_the_classifier(text):
    assert not only_unknown_words(text, VOCABULARY)


@pytest.mark.parametrize("intent,replaced", [
    ("ask_offline", True), ("oos_line_fault", True),
    ("out_of_scope", True), ("chitchat", False), ("bad_input", False),
])
def test_unknown_words_are_out_of_scope_unless_small_talk_or_unreadable(intent, replaced):
    assert replaces(intent, "barzellette divertenti stasera", VOCABULARY) is replaced
    assert replaces(intent, "cancello la posta", VOCABULARY) is False


def test_without_a_vocabulary_nothing_is_replaced():
    assert replaces("ask_offline", "pentola arancione giraffa", set()) is False


SMALL_TALK = vocabulary_of(["raccontami una barzelletta", "che tempo fa stasera?"])


def test_small_talk_stands_on_its_own_words_and_random_nouns_do_not():
    assert replaces("chitchat", "una barzelletta divertente", VOCABULARY, chitchat=SMALL_TALK) is False
    assert replaces("chitchat", "cancello la posta", VOCABULARY, chitchat=SMALL_TALK) is False
    assert replaces("chitchat", "pianoforte tegola cammello", VOCABULARY, chitchat=SMALL_TALK) is True
    # A model trained before the small-talk words: small talk is left alone.
    assert replaces("chitchat", "pianoforte tegola cammello", VOCABULARY) is False
