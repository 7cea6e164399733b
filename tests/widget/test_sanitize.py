"""Unit tests of the pure text rules shared by the widget and REST channels."""

from __future__ import annotations

import pytest

from channels.sanitize import (
    NEUTRALISED_SLASH,
    allowed_button_intents,
    is_allowed_payload,
    sanitize_page_url,
    sanitize_user_text,
    strip_controls,
)

INTENTS = allowed_button_intents(
    ["greet", "affirm", "deny", "request_human", "ask_difference", "ask_recommendation",
     "inform", "restart", "session_start", "ask_Bad-Name"]
)


def clean(text: object, max_chars: int = 2000) -> str:
    return sanitize_user_text(text, max_chars, INTENTS)  # type: ignore[arg-type]


def test_allowed_intents_filter() -> None:
    assert INTENTS == {"affirm", "deny", "request_human", "ask_difference", "ask_recommendation"}


@pytest.mark.parametrize("payload", ["/affirm", "/deny", "/request_human", "/ask_difference",
                                     "/ask_recommendation"])
def test_allowed_button_payloads_pass_unchanged(payload: str) -> None:
    assert clean(payload) == payload
    assert clean(f"  {payload}\n") == payload


@pytest.mark.parametrize(
    "command",
    [
        "/restart",
        "/session_start",
        "/greet",
        "/inform",
        '/inform{"protocol":"imap"}',
        '/ask_difference{"protocol":"imap"}',
        "/ask_difference@0.99",
        "/affirm extra words",
        "/ask_unknown_intent",
        "/ask_Bad-Name",
        "/",
        "//restart",
        "/AFFIRM",
    ],
)
def test_other_commands_are_neutralised(command: str) -> None:
    result = clean(command)
    assert not result.startswith("/")
    assert result == NEUTRALISED_SLASH + command[1:]


@pytest.mark.parametrize(
    "prefix",
    [" ", "\n", "\t", "\u2028", "\u2029", "\x1c", "\x85", "\u3000", "\u200b", "\ufeff",
     "\u202e", "\x00", " \x00 \u200b\n"],
)
def test_hidden_prefixes_cannot_smuggle_a_command(prefix: str) -> None:
    result = clean(prefix + "/restart")
    assert result == NEUTRALISED_SLASH + "restart"
    # Rasa strips with str.strip() before looking for "/": must not find one.
    assert not result.strip().startswith("/")


def test_slash_inside_text_is_kept() -> None:
    assert clean("uso imap/pop sul telefono") == "uso imap/pop sul telefono"


def test_controls_and_binary_are_removed() -> None:
    assert clean("ciao\x00\x07\x1b[31m mondo\x7f\x9b") == "ciao[31m mondo"
    assert clean("a\ud800b") == "ab"  # lone surrogate
    assert clean("a\ue000b") == "ab"  # private use
    assert clean("a\u202eb\u2066c") == "abc"  # bidi override / isolate
    assert clean("\x00\x01\x02\x03") == ""


def test_newlines_kept_and_squeezed() -> None:
    assert clean("riga uno\r\nriga due\r\r\r\r\ntre") == "riga uno\nriga due\n\ntre"
    assert clean("a\t\tb") == "a b"


def test_emoji_sequences_survive() -> None:
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert clean(family) == family
    assert clean("\U0001F44D\U0001F3FD") == "\U0001F44D\U0001F3FD"
    assert clean("\u2764\ufe0f") == "\u2764\ufe0f"


def test_html_is_left_as_text() -> None:
    # Rendering as text is the widget's job; the channel must not mangle it.
    assert clean("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_over_long_text_is_cut_one_past_the_limit() -> None:
    result = clean("a" * 10_000, max_chars=2000)
    assert len(result) == 2001
    assert clean("a" * 2000, max_chars=2000) == "a" * 2000


def test_over_long_command_is_still_neutralised() -> None:
    result = clean("/restart" + "x" * 5000, max_chars=100)
    assert result.startswith(NEUTRALISED_SLASH) and len(result) == 101


@pytest.mark.parametrize("value", [None, 42, b"/restart", ["/restart"], {"text": "x"}])
def test_non_strings_become_empty(value: object) -> None:
    assert clean(value) == ""


def test_empty_and_blank() -> None:
    assert clean("") == ""
    assert clean("   \n\t ") == ""


def test_is_allowed_payload() -> None:
    assert is_allowed_payload("/affirm", INTENTS)
    assert not is_allowed_payload("/affirm", set())
    assert not is_allowed_payload("/greet", {"greet"})


def test_strip_controls_keeps_plain_text() -> None:
    text = "Perché l'account dell'ufficio è pieno? è così."
    assert strip_controls(text) == text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.org/assistenza/email?x=1#top", "https://www.example.org/assistenza/email"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
        ("HTTPS://Example.org", "https://example.org/"),
        ("https://user:pass@example.org/a", "https://example.org/a"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("file:///etc/passwd", None),
        ("ftp://example.org/", None),
        ("https://", None),
        ("https://exa mple.org/", None),
        ("https://example.org/" + "a" * 600, None),
        ("http://example.org:99999/", None),
        (None, None),
        (123, None),
    ],
)
def test_sanitize_page_url(url: object, expected: object) -> None:
    assert sanitize_page_url(url) == expected


def test_page_url_characters_that_could_break_out_are_percent_encoded():
    cleaned = sanitize_page_url('https://shop.example/a"<img/src=x>`/%20ok?q=1')
    assert cleaned == "https://shop.example/a%22%3Cimg/src=x%3E%60/%20ok"
    assert not set('"<>`') & set(cleaned)


def test_a_huge_message_is_cut_before_it_is_scanned():
    text = "ciao " + "x" * 1_000_000
    assert sanitize_user_text(text, 500, set()) == ("ciao " + "x" * 1_000_000)[:501]
