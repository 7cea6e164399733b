"""E-mail to the support mailbox over SMTP (STARTTLS, implicit TLS, optional auth)."""

from __future__ import annotations

import smtplib
import ssl
from typing import Any

from escalation.config import NotifierConfig, resolve_path
from escalation.notifiers.base import DeliveryError
from escalation.notifiers.email_message import render_email


class SmtpNotifier:
    """Sends the Italian notification e-mail with ``smtplib``."""

    def __init__(self, config: NotifierConfig) -> None:
        options = config.options
        self.name = config.name
        self.host: str = str(options.get("host") or "localhost")
        self.security: str = str(options.get("security", "starttls")).lower()
        default_port = {"ssl": 465, "starttls": 587}.get(self.security, 25)
        self.port: int = int(options.get("port") or default_port)
        self.username: str | None = options.get("username") or None
        self.password: str | None = config.secret("password")
        self.from_addr: str = str(options.get("from") or "escalation@localhost")
        to = options.get("to") or []
        self.to_addrs: list[str] = [to] if isinstance(to, str) else [str(a) for a in to]
        self.timeout: float = float(options.get("timeout_seconds", 20))
        ca_file = options.get("ca_file")
        self.ca_file: str | None = str(resolve_path(ca_file)) if ca_file else None

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context()
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.ehlo()
            client.starttls(context=self._tls_context())
            client.ehlo()
        return client

    def send(self, payload: dict[str, Any], idempotency_key: str) -> None:
        """Send one e-mail; any SMTP, TLS or network error becomes ``DeliveryError``."""
        if not self.to_addrs:
            raise DeliveryError(f"{self.name}: no recipient configured ('to')")
        if self.username and not self.password:
            raise DeliveryError(f"{self.name}: SMTP password environment variable is not set")
        message = render_email(payload, self.from_addr, self.to_addrs)
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message, self.from_addr, self.to_addrs)
        except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
            raise DeliveryError(f"{self.name}: {type(error).__name__}: {error}") from error
        if refused:
            raise DeliveryError(f"{self.name}: recipients refused: {sorted(refused)}")
