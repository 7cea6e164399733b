"""Period figures and per-day rows from conversation summaries (pure logic).

Rates are 0-1 rounded to 3 decimals; an empty period gives zeros. Satisfaction
counts the conversations that answered "Ti sono stato utile?" and the share of
👍 among them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from analytics.conversations import HANDOFF_REASONS, RECOMMENDATIONS, Conversation

TOP_INTENTS = 10


def rate(part: int, whole: int) -> float:
    """``part / whole`` rounded to 3 decimals, 0.0 when ``whole`` is 0."""
    return round(part / whole, 3) if whole else 0.0


def period_stats(conversations: Sequence[Conversation]) -> dict[str, Any]:
    """The figures of ``GET /api/stats`` for these conversations."""
    total = len(conversations)
    messages = sum(c.user_turns for c in conversations)
    handoffs = [c for c in conversations if c.handoff]
    by_reason: dict[str, int] = dict.fromkeys(HANDOFF_REASONS, 0)
    for conversation in handoffs:
        reason = conversation.handoff_reason or "unknown"
        by_reason[reason] = by_reason.get(reason, 0) + 1
    intents = Counter(
        m.intent for c in conversations for m in c.messages if m.intent
    )
    top = sorted(intents.items(), key=lambda item: (-item[1], item[0]))[:TOP_INTENTS]
    recommendations = dict.fromkeys(RECOMMENDATIONS, 0)
    for conversation in conversations:
        if conversation.recommendation in recommendations:
            recommendations[conversation.recommendation] += 1
    rated = [c for c in conversations if c.satisfaction]
    positive = sum(c.satisfaction == "positive" for c in rated)
    return {
        "conversations": total,
        "user_messages": messages,
        "containment_rate": rate(total - len(handoffs), total),
        "handoff_rate": rate(len(handoffs), total),
        "handoffs_by_reason": by_reason,
        "fallback_rate": rate(sum(c.fallbacks for c in conversations), messages),
        "satisfaction": {"answers": len(rated), "positive_share": rate(positive, len(rated))},
        "top_intents": [{"intent": name, "count": count} for name, count in top],
        "recommendations": recommendations,
        "avg_turns": round(messages / total, 2) if total else 0.0,
        "abandonment_rate": rate(sum(c.abandoned for c in conversations), total),
    }


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last`` included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily_rows(conversations: Sequence[Conversation], first: date, last: date) -> list[dict[str, Any]]:
    """One row per day (UTC start date of the conversation), days without data included."""
    by_day: dict[date, list[Conversation]] = {day: [] for day in days(first, last)}
    for conversation in conversations:
        day = conversation.start.date()
        if day in by_day:
            by_day[day].append(conversation)
    rows = []
    for day, group in by_day.items():
        figures = period_stats(group)
        rows.append(
            {
                "date": day.isoformat(),
                "conversations": figures["conversations"],
                "user_messages": figures["user_messages"],
                "handoffs": sum(c.handoff for c in group),
                "containment_rate": figures["containment_rate"],
                "fallback_rate": figures["fallback_rate"],
                "abandonment_rate": figures["abandonment_rate"],
                "recommendations_imap": figures["recommendations"]["imap"],
                "recommendations_pop3": figures["recommendations"]["pop3"],
                "satisfaction_answers": figures["satisfaction"]["answers"],
                "satisfaction_positive_share": figures["satisfaction"]["positive_share"],
            }
        )
    return rows


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``first``."""
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)
