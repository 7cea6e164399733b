"""The worker process is SIGKILLed mid-delivery and restarted: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from esc_helpers import WebhookReceiver, free_port, open_sample
from sqlalchemy import select

from escalation.db import session_scope
from escalation.models import Notification

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "kill-test-secret"


def _start_worker(log: Path) -> subprocess.Popen:
    env = dict(os.environ, ESCALATION_WEBHOOK_SECRET=SECRET, PYTHONPATH=str(REPO_ROOT))
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "escalation.worker", "-v"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _rows() -> list[tuple[str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(Notification.idempotency_key, Notification.status).order_by(Notification.id)
        ).all()
    return [(key, status) for key, status in rows]


def _wait(condition, seconds: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_mid_delivery_then_restart(write_config, tmp_path: Path) -> None:
    receiver = WebhookReceiver(SECRET, free_port(), hold_nth=2).start()
    log = tmp_path / "worker.log"
    first = second = None
    try:
        write_config(
            [
                {
                    "name": "helpdesk",
                    "type": "webhook",
                    "url": receiver.url,
                    "secret_env": "ESCALATION_WEBHOOK_SECRET",
                    "timeout_seconds": 30,
                }
            ],
            outbox={"lease_seconds": 2, "poll_interval_seconds": 0.1},
        )
        references = [open_sample(conversation_id=f"conv-{n}") for n in range(3)]

        first = _start_worker(log)
        # The receiver holds the 2nd delivery open: the worker is mid-delivery.
        _wait(receiver.holding.is_set, 30, "the second delivery")
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
        statuses = [status for _, status in _rows()]
        assert statuses == ["sent", "sending", "pending"], statuses
        receiver.release()

        second = _start_worker(log)
        _wait(lambda: all(s == "sent" for _, s in _rows()), 30, "every row to be sent")
        second.send_signal(signal.SIGTERM)
        assert second.wait(10) == 0

        keys = [key for key, _ in _rows()]
        deliveries = Counter(attempt["key"] for attempt in receiver.attempts)
        # Nothing lost: every notification reached the receiver.
        assert set(receiver.accepted) == set(keys)
        accepted_refs = sorted(p["ticket"]["reference"] for p in receiver.accepted.values())
        assert accepted_refs == sorted(references)
        # Nothing doubled: the one already marked sent and the one never tried
        # arrived once; the one in flight at the kill was repeated with the
        # SAME idempotency key, so the receiver dropped the copy.
        assert deliveries[keys[0]] == 1 and deliveries[keys[2]] == 1
        assert deliveries[keys[1]] == 2
        assert len(receiver.accepted) == 3
    except AssertionError:
        print(log.read_text(errors="replace") if log.exists() else "no worker log")
        raise
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
        receiver.stop()
