"""Outbox worker: delivers queued notifications with retries and backoff.

Usage: ``python -m escalation.worker [--once] [--requeue-failed] [-v]``.
Long-running by default (stops cleanly on SIGTERM/SIGINT); ``--once`` delivers
what is due now and exits. Several workers may run at once: each row is leased
by exactly one of them.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import uuid

from escalation import outbox
from escalation.config import EscalationConfig, load_config
from escalation.models import NotificationStatus
from escalation.notifiers import DeliveryError, Notifier, build_notifiers

logger = logging.getLogger("escalation.worker")


def new_worker_id() -> str:
    """Unique name of this worker process (host, pid, random)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver_one(
    config: EscalationConfig, notifiers: dict[str, Notifier], worker_id: str
) -> bool | None:
    """Lease and deliver one due notification.

    Returns None when nothing is due, True when delivered, False when it failed
    (and was rescheduled or given up).
    """
    leased = outbox.lease_next(worker_id, config.outbox.lease_seconds)
    if leased is None:
        return None
    reference = leased.payload.get("ticket", {}).get("reference")
    notifier = notifiers.get(leased.notifier)
    try:
        if notifier is None:
            raise DeliveryError(f"notifier '{leased.notifier}' is not enabled in the settings")
        notifier.send(leased.payload, leased.idempotency_key)
    except Exception as error:  # every failure is retried, none is lost
        status = outbox.mark_failed(
            leased.id, worker_id, leased.attempts, str(error), config.outbox
        )
        log = logger.error if status == NotificationStatus.FAILED else logger.warning
        log(
            "%s %s via %s failed (attempt %d, now %s): %s",
            reference,
            leased.event,
            leased.notifier,
            leased.attempts,
            status,
            error,
        )
        return False
    if not outbox.mark_sent(leased.id, worker_id):
        logger.warning("%s: lease of row %d expired during delivery", reference, leased.id)
    logger.info("%s %s delivered via %s", reference, leased.event, leased.notifier)
    return True


def run_once(config: EscalationConfig | None = None, worker_id: str | None = None) -> int:
    """Deliver everything due now; returns how many deliveries succeeded."""
    config = config or load_config()
    notifiers = build_notifiers(config)
    worker_id = worker_id or new_worker_id()
    delivered = 0
    while True:
        result = deliver_one(config, notifiers, worker_id)
        if result is None:
            return delivered
        delivered += int(result)


def run_forever(config: EscalationConfig, stop: threading.Event) -> None:
    """Poll the outbox until ``stop`` is set."""
    notifiers = build_notifiers(config)
    worker_id = new_worker_id()
    logger.info("worker %s started, notifiers: %s", worker_id, ", ".join(notifiers) or "none")
    while not stop.is_set():
        try:
            while not stop.is_set() and deliver_one(config, notifiers, worker_id) is not None:
                pass
        except Exception:  # database hiccup: log, wait, go on
            logger.exception("outbox poll failed")
        stop.wait(config.outbox.poll_interval_seconds)
    logger.info("worker %s stopped", worker_id)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    parser.add_argument(
        "--requeue-failed", action="store_true", help="retry rows that ran out of attempts"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = load_config()
    if args.requeue_failed:
        logger.info("requeued %d failed notification(s)", outbox.requeue_failed())
    if args.once:
        delivered = run_once(config)
        logger.info("delivered %d notification(s); outbox: %s", delivered, outbox.counts())
        return 0
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_forever(config, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
