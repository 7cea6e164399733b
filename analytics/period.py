"""Parse the ``from``/``to`` query parameters (errors in Italian, for the console)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

DEFAULT_DAYS = 7
MAX_DAYS = 366


class PeriodError(ValueError):
    """A date range the console must refuse (the message is shown to the agent)."""


def _parse(value: str, name: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise PeriodError(
            f"Data '{name}' non valida: usa il formato AAAA-MM-GG (per esempio 2026-03-31)."
        ) from None


def parse_period(query: Mapping[str, str], today: date | None = None) -> tuple[date, date]:
    """``(first, last)`` from ``from``/``to``; by default the last 7 days up to today (UTC)."""
    today = today or datetime.now(timezone.utc).date()
    raw_to = (query.get("to") or "").strip()
    raw_from = (query.get("from") or "").strip()
    last = _parse(raw_to, "a") if raw_to else today
    first = _parse(raw_from, "da") if raw_from else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise PeriodError("La data iniziale è successiva a quella finale.")
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError(f"Il periodo non può superare {MAX_DAYS} giorni.")
    return first, last


def period_or_default(query: Mapping[str, str]) -> tuple[date, date, str | None]:
    """``(first, last, error)``: the asked period, or the default one with the reason it was refused."""
    try:
        first, last = parse_period(query)
        return first, last, None
    except PeriodError as problem:
        first, last = parse_period({})
        return first, last, str(problem)
