"""Unit tests of the signed conversation tokens and the channel's pure helpers."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from channels.session_token import SessionSigner, is_conversation_id


@pytest.fixture()
def signer() -> SessionSigner:
    return SessionSigner(b"k" * 32)


def test_issued_token_verifies(signer: SessionSigner) -> None:
    token = signer.issue()
    conversation_id = signer.verify(token)
    assert conversation_id is not None and is_conversation_id(conversation_id)
    assert token.startswith(conversation_id + ".")
    assert signer.issue() != token


def test_forged_tokens_are_refused(signer: SessionSigner) -> None:
    token = signer.issue()
    conversation_id, signature = token.split(".")
    other = SessionSigner(b"x" * 32)
    assert signer.verify(conversation_id) is None  # the bare id, as seen in logs
    assert signer.verify(other.sign(conversation_id)) is None  # another secret
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert signer.verify(f"{conversation_id}.{flipped}") is None
    assert signer.verify(f"web-{'0' * 32}.{signature}") is None  # signature of another id
    issued, mac = signature.split(":")
    assert signer.verify(f"{conversation_id}.{int(issued, 16) + 99999:x}:{mac}") is None  # issue time changed
    assert signer.verify(token + "x") is None
    assert signer.verify(token.upper()) is None
    for junk in (None, 1, "", "abc", {"session_id": token}, [token], "a" * 1000):
        assert signer.verify(junk) is None


def test_signature_is_stable_for_same_secret(signer: SessionSigner) -> None:
    token = signer.issue()
    again = SessionSigner(b"k" * 32)
    assert again.verify(token) == token.split(".")[0]


def test_short_secret_rejected() -> None:
    with pytest.raises(ValueError):
        SessionSigner(b"short")


def test_from_env(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("WIDGET_SESSION_SECRET", "s" * 40)
    token = SessionSigner.from_env().issue()
    assert SessionSigner.from_env().verify(token)
    monkeypatch.delenv("WIDGET_SESSION_SECRET")
    with caplog.at_level(logging.WARNING):
        random_one = SessionSigner.from_env()
    assert "WIDGET_SESSION_SECRET is not set" in caplog.text
    assert random_one.verify(token) is None


def test_sign_rejects_non_ids(signer: SessionSigner) -> None:
    with pytest.raises(ValueError):
        signer.sign("not-an-id")


def _channel(**settings: object):
    from channels.widget import WidgetInput

    values = {"allowed_origins": ["https://www.example.org"], "max_message_chars": 2000}
    values.update(settings)
    return WidgetInput(settings=SimpleNamespace(**values), signer=SessionSigner(b"k" * 32))


def test_channel_cors_is_the_exact_list() -> None:
    channel = _channel(allowed_origins=["https://www.example.org/", "http://localhost:8080", "*"])
    assert channel.cors_allowed_origins() == ["https://www.example.org", "http://localhost:8080"]
    # Empty means "same origin only" (None), never [] which disables the check.
    assert _channel(allowed_origins=[]).cors_allowed_origins() is None


def test_channel_metadata_keeps_only_page_url_and_language() -> None:
    channel = _channel()
    data = {
        "message": "ciao",
        "customData": {"language": "it", "page_url": "https://www.example.org/a?token=1#x",
                       "is_admin": True},
        "metadata": '{"page_url": "javascript:alert(1)", "sender_id": "someone"}',
    }
    assert channel.message_metadata(data) == {
        "language": "it", "page_url": "https://www.example.org/a"}
    assert channel.message_metadata({"customData": "not json"}) == {}
    assert channel.message_metadata({"customData": {"language": "<script>"}}) == {}


def test_button_intents_come_from_the_loaded_domain() -> None:
    """Both channels ask channels.payloads: the loaded model's button intents, none before."""
    from types import SimpleNamespace

    from channels.payloads import button_intents

    channel = _channel()
    assert channel.name() == "widget"
    assert channel.allowed_intents() == set()  # no model loaded yet: no payload passes
    domain = SimpleNamespace(intents=["greet", "affirm", "ask_cost", "request_human", "restart"])
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=domain)))
    channel._app = app
    assert channel.allowed_intents() == set(button_intents(app)) == {"affirm", "ask_cost",
                                                                       "request_human"}



def test_old_tokens_expire() -> None:
    now = [1_000_000.0]
    signer = SessionSigner(b"k" * 32, max_age_days=30, clock=lambda: now[0])
    token = signer.issue()
    now[0] += 29 * 86400
    assert signer.verify(token)
    now[0] += 2 * 86400
    assert signer.verify(token) is None
