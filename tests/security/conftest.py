"""The running assistant as `make run` configures it, for the security probes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from tests.support.stack import Stack, stack_or_skip

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: Any) -> Iterator[Stack]:
    """Rasa with the repository's own channels (credentials.yml), action server, website."""
    tmp = tmp_path_factory.mktemp("security")
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    running = stack_or_skip(
        tmp,
        credentials=credentials,
        # the product's default ticket limit per client, not the suites' raised one
        extra_env={"TICKETS_DB_URL": f"sqlite:///{tmp / 'tickets.sqlite3'}",
                   "TICKETS_PER_CLIENT_PER_HOUR": ""},
    )
    try:
        yield running
    finally:
        running.stop()
