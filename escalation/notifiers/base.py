"""What every notifier offers."""

from __future__ import annotations

from typing import Any, Protocol


class DeliveryError(RuntimeError):
    """The notification was not delivered; the outbox retries it later."""


class Notifier(Protocol):
    """Delivers one notification payload or raises ``DeliveryError``."""

    name: str

    def send(self, payload: dict[str, Any], idempotency_key: str) -> None:
        """Deliver ``payload``; must raise ``DeliveryError`` unless it was accepted."""
