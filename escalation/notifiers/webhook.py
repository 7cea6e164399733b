"""Signed JSON webhook for a help desk.

Each POST carries the JSON payload and the headers ``X-Timestamp`` (Unix
seconds), ``X-Signature: sha256=<hex>`` where the hex is HMAC-SHA256 with the
shared secret over ``timestamp + "." + body``, ``X-Idempotency-Key`` (the same
on every retry: drop a key already seen) and ``X-Event``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from escalation.config import NotifierConfig
from escalation.notifiers.base import DeliveryError

USER_AGENT = "ip-telecom-escalation/1.0"


def encode_body(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, stable for the same payload."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` header value."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance_seconds: float = 300,
    now: float | None = None,
) -> bool:
    """Receiver side: True if the signature matches and the timestamp is fresh."""
    try:
        age = abs((now if now is not None else time.time()) - float(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance_seconds and hmac.compare_digest(
        sign(secret, timestamp, body), signature
    )


class WebhookNotifier:
    """POSTs the payload as signed JSON; 2xx (or 409 "already have it") is success."""

    def __init__(self, config: NotifierConfig) -> None:
        self.name = config.name
        self.url: str = str(config.options.get("url") or "")
        self.secret: str | None = config.secret("secret")
        self.timeout: float = float(config.options.get("timeout_seconds", 15))

    def send(self, payload: dict[str, Any], idempotency_key: str) -> None:
        """Deliver once; raise ``DeliveryError`` on any failure so it is retried."""
        if not self.url:
            raise DeliveryError(f"{self.name}: no url configured")
        if not self.secret:
            raise DeliveryError(f"{self.name}: webhook secret environment variable is not set")
        body = encode_body(payload)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Timestamp": timestamp,
            "X-Signature": sign(self.secret, timestamp, body),
            "X-Idempotency-Key": idempotency_key,
            "X-Event": str(payload.get("event", "")),
        }
        try:
            response = requests.post(
                self.url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.RequestException as error:
            raise DeliveryError(f"{self.name}: {type(error).__name__}: {error}") from error
        if not (200 <= response.status_code < 300 or response.status_code == 409):
            raise DeliveryError(f"{self.name}: HTTP {response.status_code}: {response.text[:200]}")
