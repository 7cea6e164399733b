"""Development notifier: writes each notification into a folder.

Files are named after the idempotency key, so a retry overwrites rather than
duplicates. ``.eml`` opens in any mail client; ``.json`` is the webhook body.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from escalation.config import NotifierConfig, resolve_path
from escalation.notifiers.base import DeliveryError
from escalation.notifiers.email_message import render_email
from escalation.notifiers.webhook import encode_body


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class FileNotifier:
    """Writes ``<reference>-<event>-<key>.eml`` and ``.json`` files."""

    def __init__(self, config: NotifierConfig) -> None:
        self.name = config.name
        self.directory = resolve_path(str(config.options.get("directory") or "var/notifications"))

    def send(self, payload: dict[str, Any], idempotency_key: str) -> None:
        """Write both files; filesystem errors become ``DeliveryError``."""
        reference = payload["ticket"]["reference"]
        stem = f"{reference}-{payload['event'].replace('.', '_')}-{idempotency_key}"
        message = render_email(payload, "escalation@localhost", ["assistenza@localhost"])
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.directory / f"{stem}.eml", bytes(message))
            _write_atomic(self.directory / f"{stem}.json", encode_body(payload))
        except OSError as error:
            raise DeliveryError(f"{self.name}: {error}") from error
