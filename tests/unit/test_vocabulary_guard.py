"""Messages made only of words never learned are out of scope (pure decision)."""

import pytest

from components.vocabulary_guard import only_unknown_words, vocabulary_of, words

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
