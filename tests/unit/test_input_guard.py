"""Unreadable input is recognised before the assistant tries to understand it."""

import pytest

from components.input_guard import classify_input


@pytest.mark.parametrize(
    "text, kind",
    [
        ("", "empty"), ("   \n\t", "empty"), (None, "empty"),
        ("a" * 2001, "too_long"),
        ("/restart", "command"), ("\uff0frestart", "command"), ('\uff0finform{"protocol":"imap"}', "command"),
        ("<script>alert(1)</script>", "markup"), ("<b></b><img src=x onerror=alert(1)>", "markup"),
        ("😀😀😀", "no_words"), ("lllllll", "no_words"), ("sdfghjkl qwrtz", "no_words"),
        ("la mia password è ********", "secret"), ("\x00\x01\x02\x03", "no_words"), ("?!?! ...", "no_words"),
    ],
)
def test_problems(text, kind):
    assert classify_input(text, max_chars=2000) == kind


@pytest.mark.parametrize(
    "text",
    ["che differenza c'è tra imap e pop?", "ciao 👋", "uso <b>outlook</b> sul pc", "ok", "IMAP 993?",
     "333 1234567", "2", "pc", "ok ok", "brrr che freddo"],
)
def test_normal_text_passes(text):
    assert classify_input(text, max_chars=2000) is None
