"""Rendering of notifications: subjects, local times, the file notifier."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from esc_helpers import open_sample

from escalation import outbox, worker
from escalation.notifiers.email_message import render_email, subject
from escalation.reasons import REASONS


def _payload(reason: str) -> dict:
    return {
        "event": "ticket.created",
        "idempotency_key": "k" * 32,
        "ticket": {
            "reference": "IPT-7K3Q9X",
            "created_at": "2024-07-01T08:00:00+00:00",
            "reason": reason,
            "reason_text": REASONS[reason],
            "intents": [],
            "transcript": [{"sender": "user", "text": "ciao", "time": "2024-07-01T07:59:00+00:00"}],
            "console_url": "http://127.0.0.1:8090/tickets/IPT-7K3Q9X",
        },
    }


def test_every_reason_gives_a_clean_one_line_subject() -> None:
    for reason in REASONS:
        raw = bytes(render_email(_payload(reason), "a@example.org", ["b@example.org"]))
        parsed = message_from_bytes(raw, policy=policy.default)
        assert parsed["Subject"] == subject(_payload(reason))
        assert parsed["Subject"].startswith("[IPT-7K3Q9X] ")


def test_times_are_shown_in_rome() -> None:
    message = render_email(
        _payload("explicit_request"), "a@example.org", ["b@example.org"], "Europe/Rome"
    )
    body = message.get_content()
    assert "Aperta il: 01/07/2024 10:00:00 (Europe/Rome)" in body
    assert "[09:59:00] Cliente: ciao" in body
    assert "Recapito del cliente: non indicato" in body and "- nessuno" in body


def test_file_notifier_writes_one_file_per_key(write_config, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_config([{"name": "files", "type": "file", "directory": str(folder)}])
    reference = open_sample()
    assert worker.run_once() == 1
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and all(name.startswith(reference) for name in files)
    eml = next(folder.glob("*.eml")).read_bytes()
    assert b"pippo123" not in eml and outbox.counts() == {"sent": 1}
