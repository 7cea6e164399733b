"""Office hours, timezone-aware (Europe/Rome with daylight saving)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from escalation.hours import is_office_open
from settings import OfficeHours, ProviderSettings, load_settings

ROME = ZoneInfo("Europe/Rome")
WEEKDAYS = OfficeHours(
    timezone="Europe/Rome", days=["mon", "tue", "wed", "thu", "fri"], open="09:00", close="18:00"
)
SETTINGS = ProviderSettings(office_hours=WEEKDAYS)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2024, 7, 1, 9, 0), True),  # Monday opening
        (datetime(2024, 7, 1, 8, 59), False),
        (datetime(2024, 7, 1, 17, 59), True),
        (datetime(2024, 7, 1, 18, 0), False),  # closing time is excluded
        (datetime(2024, 7, 6, 11, 0), False),  # Saturday
        (datetime(2024, 1, 8, 12, 0), True),  # winter time
    ],
)
def test_weekday_hours(local: datetime, expected: bool) -> None:
    assert is_office_open(local.replace(tzinfo=ROME), SETTINGS) is expected


def test_uses_the_office_timezone_not_utc() -> None:
    # 07:30 UTC is 09:30 in Rome in summer (open) and 08:30 in winter (closed).
    assert is_office_open(datetime(2024, 7, 1, 7, 30, tzinfo=timezone.utc), SETTINGS)
    assert not is_office_open(datetime(2024, 1, 8, 7, 30, tzinfo=timezone.utc), SETTINGS)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        is_office_open(datetime(2024, 7, 1, 10, 0), SETTINGS)


def test_unknown_hours_count_as_closed() -> None:
    moment = datetime(2024, 7, 1, 10, 0, tzinfo=ROME)
    assert not is_office_open(moment, ProviderSettings(office_hours=OfficeHours()))
    assert not is_office_open(moment, OfficeHours(days=["mon"], open="09:00", close=None))


def test_range_across_midnight_belongs_to_its_start_day() -> None:
    night = OfficeHours(timezone="Europe/Rome", days=["fri"], open="22:00", close="06:00")
    assert is_office_open(datetime(2024, 7, 5, 23, 0, tzinfo=ROME), night)  # Friday night
    assert is_office_open(datetime(2024, 7, 6, 5, 0, tzinfo=ROME), night)  # Saturday early
    assert not is_office_open(datetime(2024, 7, 5, 5, 0, tzinfo=ROME), night)  # Friday early


def test_reads_the_shipped_provider_settings() -> None:
    """The example settings: Monday to Friday, 9:00-18:00 in Rome."""
    from settings import DEFAULT_PATH

    settings = load_settings(DEFAULT_PATH)
    assert is_office_open(datetime(2024, 7, 8, 10, 0, tzinfo=ROME), settings)  # Monday morning
    assert not is_office_open(datetime(2024, 7, 8, 19, 0, tzinfo=ROME), settings)  # Monday evening
    assert not is_office_open(datetime(2024, 7, 7, 10, 0, tzinfo=ROME), settings)  # Sunday
