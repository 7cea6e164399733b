"""Signed webhook: a real HTTP receiver checks the signature; outages are retried."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from esc_helpers import WebhookReceiver, free_port, notification_due, open_sample, wait_until

from escalation import outbox, service, worker
from escalation.notifiers.webhook import encode_body, sign, verify_signature

SECRET = "test-webhook-secret"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(SECRET, free_port()).start()
    yield server
    server.stop()


def _hook(url: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "helpdesk",
            "type": "webhook",
            "url": url,
            "secret_env": "ESCALATION_WEBHOOK_SECRET",
            "timeout_seconds": 5,
        }
    ]


FAST_RETRY = {"backoff_base_seconds": 0.05, "backoff_max_seconds": 0.2}


def _wait_due() -> None:
    """Wait until the retry's backoff has passed (FAST_RETRY: 0.05 s doubling, max 0.2 s)."""
    wait_until(notification_due, what="a notification to be due")


def test_signed_payload_is_verified_by_the_receiver(write_config, receiver, monkeypatch) -> None:
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", SECRET)
    write_config(_hook(receiver.url))
    reference = open_sample(reason="low_confidence")
    service.set_contact(reference, "email", "anna@example.org")
    assert worker.run_once() == 2
    assert receiver.rejected == []
    created, update = (receiver.accepted[a["key"]] for a in receiver.attempts)
    assert created["event"] == "ticket.created" and update["event"] == "ticket.contact_updated"
    ticket = created["ticket"]
    assert ticket["reference"] == reference
    assert ticket["reason"] == "low_confidence"
    assert ticket["reason_text"].startswith("L'assistente non era abbastanza sicuro")
    assert ticket["intents"][-1] == {"name": "request_human", "confidence": 0.97}
    assert (ticket["protocol"], ticket["devices"], ticket["mail_client"]) == (
        "IMAP",
        ["smartphone"],
        "Outlook",
    )
    assert ticket["summary"] and ticket["page_url"].startswith("https://")
    assert ticket["transcript"][2]["text"] == "imap credo, la mia password è ********"
    assert ticket["contact"] is None
    assert update["ticket"]["contact"] == {"kind": "email", "value": "anna@example.org"}
    headers = receiver.attempts[0]["headers"]
    assert headers["X-Event"] == "ticket.created"
    assert headers["X-Idempotency-Key"] == created["idempotency_key"]
    assert b"pippo123" not in receiver.attempts[0]["body"]


def test_wrong_secret_is_rejected_and_kept_for_retry(write_config, receiver, monkeypatch) -> None:
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", "not-the-shared-secret")
    write_config(_hook(receiver.url))
    open_sample()
    assert worker.run_once() == 0
    assert len(receiver.rejected) == 1 and receiver.accepted == {}
    assert outbox.counts() == {"pending": 1}


def test_missing_secret_is_a_delivery_failure(write_config, receiver) -> None:
    write_config(_hook(receiver.url))
    open_sample()
    assert worker.run_once() == 0
    assert receiver.attempts == [] and outbox.counts() == {"pending": 1}


def test_receiver_down_then_up_delivers_exactly_once(write_config, monkeypatch) -> None:
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", SECRET)
    port = free_port()
    config = write_config(_hook(f"http://127.0.0.1:{port}/hook"), outbox=FAST_RETRY)
    reference = open_sample()
    assert worker.run_once(config) == 0  # connection refused
    assert worker.run_once(config) == 0  # not due yet: backoff
    assert outbox.counts() == {"pending": 1}
    receiver = WebhookReceiver(SECRET, port).start()
    try:
        _wait_due()
        assert worker.run_once(config) == 1
        _wait_due()
        assert worker.run_once(config) == 0
        assert outbox.counts() == {"sent": 1}
        assert len(receiver.attempts) == 1
        assert [p["ticket"]["reference"] for p in receiver.accepted.values()] == [reference]
    finally:
        receiver.stop()


def test_gives_up_after_max_attempts_and_can_be_requeued(write_config, monkeypatch) -> None:
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", SECRET)
    port = free_port()
    config = write_config(_hook(f"http://127.0.0.1:{port}/hook"), outbox=FAST_RETRY)
    open_sample()
    for _ in range(config.outbox.max_attempts):
        worker.run_once(config)
        _wait_due()
    assert outbox.counts() == {"failed": 1}
    receiver = WebhookReceiver(SECRET, port).start()
    try:
        assert worker.main(["--once", "--requeue-failed"]) == 0
        assert outbox.counts() == {"sent": 1} and len(receiver.accepted) == 1
    finally:
        receiver.stop()


def test_expired_lease_is_taken_over_with_the_same_key(write_config, receiver, monkeypatch) -> None:
    """A worker that leased a row and died: after the lease it is sent, once."""
    monkeypatch.setenv("ESCALATION_WEBHOOK_SECRET", SECRET)
    config = write_config(_hook(receiver.url))
    open_sample()
    leased = outbox.lease_next("dead-worker", lease_seconds=2)
    assert leased is not None
    assert worker.run_once(config) == 0  # still leased by the dead worker
    wait_until(notification_due, timeout=10, what="the dead worker's lease to expire")
    assert worker.run_once(config) == 1
    assert list(receiver.accepted) == [leased.idempotency_key]
    assert not outbox.mark_sent(leased.id, "dead-worker")  # the dead one cannot mark it


def test_signature_helpers() -> None:
    body = encode_body({"b": 1, "a": "è"})
    assert json.loads(body) == {"a": "è", "b": 1}
    now = time.time()
    signature = sign(SECRET, str(int(now)), body)
    assert verify_signature(SECRET, str(int(now)), body, signature, now=now)
    assert not verify_signature(SECRET, str(int(now)), body + b" ", signature, now=now)
    assert not verify_signature("other", str(int(now)), body, signature, now=now)
    assert not verify_signature(SECRET, str(int(now)), body, signature, now=now + 600)


def test_the_payload_names_the_conversation_by_an_alias(write_config) -> None:
    from escalation.models import Ticket
    from escalation.payload import build_payload, conversation_alias

    ticket = Ticket(reference="IPT-ABCDEF", conversation_id="web-" + "a" * 32, reason="explicit_request",
                    intents=[], slots={}, summary="", transcript=[], status="open",
                    created_at=datetime.now(timezone.utc))
    payload = build_payload(ticket, "ticket.created", "key-1", "http://console")
    assert payload["ticket"]["conversation_id"] == conversation_alias("web-" + "a" * 32)
    assert "a" * 32 not in json.dumps(payload)
