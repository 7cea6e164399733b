"""The running assistant for the conversation suite: Rasa, action server, real channels."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]

from tests.support.stack import TEST_WIDGET, Stack, stack_or_skip  # noqa: E402

#: The project's own channels, as `make run` starts them (REST sanitises text).
CREDENTIALS = {
    "channels.rest.SafeRestInput": None,
    "channels.widget.WidgetInput": TEST_WIDGET,
}


def _assistant(tmp: Path, **extra_env: str) -> Stack:
    """Rasa + action server with the project's channels and a throw-away ticket database."""
    return stack_or_skip(
        tmp,
        with_webapp=False,
        credentials=CREDENTIALS,
        extra_env={"TICKETS_DB_URL": f"sqlite:///{tmp / 'tickets.sqlite3'}", **extra_env},
    )


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: Any) -> Iterator[Stack]:
    """The assistant as deployed (default session length)."""
    with _assistant(tmp_path_factory.mktemp("conversations")) as stack:
        yield stack


@pytest.fixture(scope="session")
def short_sessions(tmp_path_factory: Any) -> Iterator[Stack]:
    """The assistant with a new conversation session after every three customer messages."""
    with _assistant(tmp_path_factory.mktemp("short-sessions"), SESSION_MAX_USER_TURNS="3") as stack:
        yield stack
