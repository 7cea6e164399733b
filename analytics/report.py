"""Stats for a date range: load the feed, summarise, attach ticket reasons, compute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from analytics import store
from analytics.conversations import Conversation, conversations_of
from analytics.stats import daily_rows, period_stats, previous_period

#: Events are read from this long before the range (a session that began
#: earlier is left out whole) to this long after it (its sessions' ends).
_MARGIN = timedelta(days=1)
#: A ticket opened this long before the escalation action's event still matches it.
_TICKET_SLACK = timedelta(minutes=5)


def apply_ticket_reasons(
    conversations: Sequence[Conversation], tickets: Mapping[str, Sequence[tuple[datetime, str]]]
) -> None:
    """Replace each handoff's derived reason with its ticket's reason, when found."""
    for conversation in conversations:
        if not conversation.handoff or conversation.handoff_at is None:
            continue
        for created_at, reason in tickets.get(conversation.sender_id, ()):
            if created_at >= conversation.handoff_at - _TICKET_SLACK:
                conversation.handoff_reason = reason
                break


def load_conversations(first: date, last: date, with_tickets: bool = True) -> list[Conversation]:
    """Conversations that started (UTC date) between ``first`` and ``last`` included."""
    since = datetime.combine(first, time.min, tzinfo=timezone.utc) - _MARGIN
    until = datetime.combine(last, time.min, tzinfo=timezone.utc) + timedelta(days=1) + _MARGIN
    found: list[Conversation] = []
    for sender_id, events in store.load_events(since=since, until=until).items():
        for conversation in conversations_of(sender_id, events):
            if first <= conversation.start.date() <= last:
                found.append(conversation)
    found.sort(key=lambda c: c.start)
    if with_tickets and any(c.handoff for c in found):
        apply_ticket_reasons(found, store.ticket_reasons(c.sender_id for c in found if c.handoff))
    return found


def stats_for(first: date, last: date) -> dict[str, Any]:
    """The ``/api/stats`` answer for the range."""
    return period_stats(load_conversations(first, last))


def page_data(first: date, last: date) -> dict[str, Any]:
    """The Statistiche page: this period, the previous one of equal length, per-day rows."""
    before_first, before_last = previous_period(first, last)
    everything = load_conversations(before_first, last)
    current = [c for c in everything if c.start.date() >= first]
    previous = [c for c in everything if c.start.date() < first]
    return {
        "current": period_stats(current),
        "previous": period_stats(previous),
        "previous_range": (before_first, before_last),
        "days": daily_rows(current, first, last),
    }
