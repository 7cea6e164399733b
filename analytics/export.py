"""CSV export of the per-day rows (every text cell masked)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from analytics.masking import mask_personal

COLUMNS = (
    "date", "conversations", "user_messages", "handoffs", "containment_rate", "fallback_rate",
    "abandonment_rate", "recommendations_imap", "recommendations_pop3", "satisfaction_answers",
    "satisfaction_positive_share",
)


def daily_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV text with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [mask_personal(value) if isinstance(value, str) else value
             for value in (row.get(column, "") for column in COLUMNS)]
        )
    return buffer.getvalue()
