"""Fixtures of the escalation tests: a fresh database and settings file per test."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(HERE) not in sys.path:  # esc_helpers, also with --import-mode=importlib
    sys.path.insert(0, str(HERE))

from escalation import db  # noqa: E402
from escalation.config import EscalationConfig, load_config  # noqa: E402
from escalation.models import Base  # noqa: E402

_ENV_TO_CLEAR = (
    "RASA_URL",
    "RASA_AUTH_TOKEN",
    "CONSOLE_PORT",
    "CONSOLE_DEMO_PASSWORD",
    "ESCALATION_SMTP_PASSWORD",
    "ESCALATION_WEBHOOK_SECRET",
)


@pytest.fixture(autouse=True)
def isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every test gets its own SQLite file (or a wiped ESCALATION_TEST_DB_URL database)."""
    shared_url = os.environ.get("ESCALATION_TEST_DB_URL")
    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    url = shared_url or f"sqlite:///{tmp_path / 'tickets.sqlite3'}"
    monkeypatch.setenv("TICKETS_DB_URL", url)
    monkeypatch.setenv("ESCALATION_SETTINGS", str(tmp_path / "escalation.yml"))
    # The purge also clears analytics events: never a developer's var/ database.
    monkeypatch.setenv("ANALYTICS_DB_URL", f"sqlite:///{tmp_path / 'analytics_events.sqlite3'}")
    if shared_url:
        engine = db.get_engine(url)
        Base.metadata.drop_all(engine)
        with engine.begin() as connection:  # so the next engine migrates from scratch
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.dispose_engines()
    yield url
    db.dispose_engines()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., EscalationConfig]:
    """Write settings/escalation.yml for a test and return the parsed settings."""

    def write(
        notifiers: list[dict[str, Any]] | None = None, **sections: dict[str, Any]
    ) -> EscalationConfig:
        raw: dict[str, Any] = {
            "tickets": {"reference_prefix": "IPT", "retention_days": 30},
            "notifiers": notifiers or [],
            "outbox": {
                "max_attempts": 5,
                # Long by default so a failed try is not retried within the same
                # run; tests about retries set a short backoff themselves.
                "backoff_base_seconds": 30,
                "backoff_max_seconds": 60,
                "lease_seconds": 2,
                "poll_interval_seconds": 0.1,
            },
            "console": {
                "agents": [
                    {
                        "name": "demo",
                        "password_env": "CONSOLE_DEMO_PASSWORD",
                        "dev_default_password": "demo-solo-sviluppo",
                    }
                ]
            },
        }
        for key, value in sections.items():
            raw.setdefault(key, {}).update(value)
        path = tmp_path / "escalation.yml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return load_config(path)

    return write
