"""Real e-mail: an aiosmtpd server receives what the outbox worker sends."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from esc_helpers import free_port, open_sample

from escalation import outbox, service, worker

USER, PASSWORD = "escalation@example.org", "smtp-test-password"


class Mailbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def authenticator(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode() == USER
        and data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it via ca_file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest) -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), free_port()
    kwargs = getattr(request, "param", {})
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    yield mailbox, port
    controller.stop()


def _smtp_notifier(port: int, **extra: Any) -> list[dict[str, Any]]:
    base = {
        "name": "support-mailbox",
        "type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from": "Assistente ip telecom <escalation@example.org>",
        "to": ["assistenza@example.org"],
        "timeout_seconds": 10,
    }
    base.update(extra)
    return [base]


def _text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_email_carries_everything_the_agent_needs(write_config, smtp_server) -> None:
    mailbox, port = smtp_server
    write_config(_smtp_notifier(port))
    reference = open_sample(reason="account_topic")
    assert worker.run_once() == 1
    assert outbox.counts() == {"sent": 1}
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert mailbox.envelopes[0].rcpt_tos == ["assistenza@example.org"]
    assert message["Subject"] == f"[{reference}] Assistenza: questione legata all'account"
    assert message["X-Ticket-Reference"] == reference
    key = message["X-Idempotency-Key"]
    assert message["Message-ID"] == f"<{key}@example.org>"
    body = _text(message)
    for expected in (
        f"Riferimento: {reference}",
        "Motivo: La richiesta riguarda l'account del cliente",
        "Pagina del sito: https://www.example.org/assistenza/posta",
        "Recapito del cliente: non indicato",
        "- Protocollo: IMAP",
        "- Dispositivi: smartphone",
        "- Programma di posta: Outlook",
        "- request_human: 97%",
        "- ask_sync: 41%",
        "Cliente: ciao, non mi arriva la posta sul cell",
        "Assistente: Usi IMAP o POP3?",
        "Cliente: imap credo, la mia password è ********",
        f"/tickets/{reference}",
        "RIEPILOGO",
    ):
        assert expected in body
    assert "pippo123" not in message.as_string()
    assert worker.run_once() == 0  # nothing is sent twice
    assert len(mailbox.messages) == 1


def test_contact_update_is_threaded_with_reply_to(write_config, smtp_server) -> None:
    mailbox, port = smtp_server
    write_config(_smtp_notifier(port))
    reference = open_sample()
    service.set_contact(reference, "email", "Mario.Rossi@Example.org")
    assert worker.run_once() == 2
    first, update = mailbox.messages
    assert update["Subject"] == f"[{reference}] Il cliente ha lasciato un recapito"
    assert update["In-Reply-To"] == first["Message-ID"]
    assert update["Reply-To"] == "Mario.Rossi@example.org"
    assert "Recapito del cliente: e-mail: Mario.Rossi@example.org" in _text(update)


def test_starttls_with_authentication(write_config, certificate, monkeypatch) -> None:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        monkeypatch.setenv("ESCALATION_SMTP_PASSWORD", PASSWORD)
        write_config(
            _smtp_notifier(
                port,
                security="starttls",
                username=USER,
                password_env="ESCALATION_SMTP_PASSWORD",
                ca_file=str(certificate[0]),
            )
        )
        reference = open_sample()
        assert worker.run_once() == 1
        assert mailbox.messages[0]["X-Ticket-Reference"] == reference

        monkeypatch.setenv("ESCALATION_SMTP_PASSWORD", "wrong")
        open_sample()
        assert worker.run_once() == 0  # refused login: kept for a retry
        assert outbox.counts() == {"sent": 1, "pending": 1}
        assert len(mailbox.messages) == 1
    finally:
        controller.stop()


def test_implicit_tls(write_config, certificate) -> None:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate)
    )
    controller.start()
    try:
        write_config(_smtp_notifier(port, security="ssl", ca_file=str(certificate[0])))
        reference = open_sample()
        assert worker.run_once() == 1
        assert mailbox.messages[0]["X-Ticket-Reference"] == reference
    finally:
        controller.stop()


def test_untrusted_certificate_is_not_accepted(write_config, certificate) -> None:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate)
    )
    controller.start()
    try:
        write_config(_smtp_notifier(port, security="ssl"))  # no ca_file: system CAs only
        open_sample()
        assert worker.run_once() == 0
        assert outbox.counts() == {"pending": 1}
        assert mailbox.messages == []
    finally:
        controller.stop()
