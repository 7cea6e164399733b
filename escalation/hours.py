"""Office hours of the human support desk (from ``settings.office_hours``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_time(value: str | None) -> time | None:
    if not value:
        return None
    text = str(value).strip()
    if text in ("24:00", "24:00:00"):
        return time.max
    try:
        return time.fromisoformat(text if len(text) > 4 else text.zfill(5))
    except ValueError:
        return None


def is_office_open(now: datetime, settings: Any) -> bool:
    """True when ``now`` (timezone-aware) falls within the configured office hours.

    ``settings`` is a ``ProviderSettings`` (its ``office_hours`` is used) or an
    ``OfficeHours``. Unknown or incomplete hours count as closed, so the bot
    takes a contact instead of promising a person. Ranges that cross midnight
    (``open: "22:00"``, ``close: "06:00"``) belong to the day they start on.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    hours = getattr(settings, "office_hours", settings)
    opening, closing = _parse_time(hours.open), _parse_time(hours.close)
    days = {str(d).lower()[:3] for d in hours.days or []}
    if opening is None or closing is None or not days or opening == closing:
        return False
    local = now.astimezone(ZoneInfo(hours.timezone or "Europe/Rome"))
    today = _DAYS[local.weekday()]
    yesterday = _DAYS[(local - timedelta(days=1)).weekday()]
    clock = local.time().replace(tzinfo=None)
    if opening < closing:
        return today in days and opening <= clock < closing
    return (today in days and clock >= opening) or (yesterday in days and clock < closing)
