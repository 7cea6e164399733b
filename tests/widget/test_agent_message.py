"""The agent bridge's request is parsed in a pure function before anything is sent."""

import json

import pytest

from channels.agent_message import MAX_AGENT_TEXT, AgentMessage, Refusal, parse_agent_message
from channels.session_token import SessionSigner

TOKEN = "s3cret-token"
CONVERSATION = SessionSigner(b"k" * 32).issue().split(".")[0]


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_reply_is_cleaned():
    parsed = parse_agent_message(
        body(conversation_id=CONVERSATION, text="  ciao\x00 ", agent=" Anna\x07 "), f"Bearer {TOKEN}", TOKEN
    )
    assert parsed == AgentMessage(CONVERSATION, "ciao", "Anna")


@pytest.mark.parametrize("raw, header, status, error", [
    (body(conversation_id=CONVERSATION, text="x"), "Bearer wrong", 401, "unauthorized"),
    (body(conversation_id=CONVERSATION, text="x"), "", 401, "unauthorized"),
    (b"x" * 70_000, f"Bearer {TOKEN}", 413, "body too large"),
    (b"{not json", f"Bearer {TOKEN}", 400, "body must be JSON"),
    (b"[1, 2]", f"Bearer {TOKEN}", 400, "body must be a JSON object"),
    (body(conversation_id="default", text="x"), f"Bearer {TOKEN}", 400,
     "conversation_id is not a widget conversation"),
    (body(conversation_id=CONVERSATION, text="  "), f"Bearer {TOKEN}", 400,
     "text must be a non-empty string"),
    (body(conversation_id=CONVERSATION, text="x", agent=5), f"Bearer {TOKEN}", 400, "agent must be a string"),
])
def test_bad_requests_are_refused_with_a_reason(raw, header, status, error):
    assert parse_agent_message(raw, header, TOKEN) == Refusal(status, error)


def test_without_a_configured_token_nothing_is_accepted():
    assert parse_agent_message(body(conversation_id=CONVERSATION, text="x"), "Bearer ", "") == Refusal(
        401, "unauthorized")


def test_long_text_is_cut():
    raw = body(conversation_id=CONVERSATION, text="a" * 9000)
    parsed = parse_agent_message(raw, f"Bearer {TOKEN}", TOKEN)
    assert isinstance(parsed, AgentMessage) and len(parsed.text) == MAX_AGENT_TEXT
