"""Fixtures for the auto-configuration tests (fake example settings only)."""

from __future__ import annotations

import pytest
from autoconfig_helpers import make_settings

from settings import ProviderSettings


@pytest.fixture
def settings() -> ProviderSettings:
    return make_settings()
