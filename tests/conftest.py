"""Shared by every test: the repository root is importable, and each test carries a cost marker.

Markers (``pytest -m "not stack and not browser"`` gives the fast loop):
- ``stack``: starts or talks to the real Rasa server and action server (needs a trained model);
- ``browser``: drives headless Chromium;
- ``database``: uses a real ticket database (SQLite file, or PostgreSQL with ESCALATION_TEST_DB_URL);
- ``unit``: everything else (pure logic, files, in-process servers), added automatically.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_COSTLY = ("stack", "browser", "database", "servers")


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    """Escalation tests use a real ticket database; tests without a costly marker are ``unit``."""
    for item in items:
        if "escalation" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.database)
        if not any(item.get_closest_marker(name) for name in _COSTLY):
            item.add_marker(pytest.mark.unit)
