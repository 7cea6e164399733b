"""Notification channels: SMTP e-mail, signed JSON webhook, local files."""

from __future__ import annotations

from escalation.config import EscalationConfig, NotifierConfig
from escalation.notifiers.base import DeliveryError, Notifier
from escalation.notifiers.files import FileNotifier
from escalation.notifiers.smtp import SmtpNotifier
from escalation.notifiers.webhook import WebhookNotifier

__all__ = ["DeliveryError", "Notifier", "build_notifier", "build_notifiers"]

_TYPES = {"smtp": SmtpNotifier, "webhook": WebhookNotifier, "file": FileNotifier}


def build_notifier(config: NotifierConfig) -> Notifier:
    """The notifier described by one entry of the settings."""
    return _TYPES[config.type](config)


def build_notifiers(config: EscalationConfig) -> dict[str, Notifier]:
    """All enabled notifiers by name."""
    return {item.name: build_notifier(item) for item in config.notifiers}
