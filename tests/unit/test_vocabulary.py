"""The one vocabulary module: protocol and security names, normaliser, Italian lists."""

import pytest

from actions.setup_guide import DEVICES
from actions.vocabulary import (
    join_it,
    key_in_text,
    normalize_protocol,
    protocol_label,
    security_label,
    synonym_words,
)


@pytest.mark.parametrize(
    "raw, expected",
    [("imap", "imap"), ("IMAP4", "imap"), ("POP3", "pop3"), ("pop", "pop3"), ("pop 3", "pop3"),
     ("Pop-3", "pop3"), ("smtp", None), (None, None), ("", None)],
)
def test_normalize_protocol(raw, expected):
    assert normalize_protocol(raw) == expected


def test_labels():
    assert protocol_label("pop") == "POP3" and protocol_label("imap4") == "IMAP"
    assert protocol_label("smtp") == ""
    assert security_label("ssl") == "SSL/TLS" and security_label("STARTTLS") == "STARTTLS"
    assert security_label("tls") == ""  # not a value the settings accept


@pytest.mark.parametrize(
    "items, expected",
    [([], ""), (["a"], "a"), (["a", "b"], "a e b"), (["a", "b", "c"], "a, b e c"), (["a", ""], "a")],
)
def test_join_it(items, expected):
    assert join_it(items) == expected


def test_synonym_words_come_from_the_training_synonyms():
    words = synonym_words()
    assert words["portatile"] == "laptop" and words["pop"] == "pop3" and words["laptop"] == "laptop"


@pytest.mark.parametrize(
    "text, keys, expected",
    [("sul pc portatile nuovo", DEVICES, "laptop"),  # the longest word wins
     ("outlook sul pc", DEVICES, "pc"),  # words of other keys are ignored
     ("outlook sul pc", ["outlook"], "outlook"),
     ("il computer", ["laptop"], None),
     ("ipcad", DEVICES, None)],  # whole words only
)
def test_key_in_text(text, keys, expected):
    assert key_in_text(text, keys) == expected
