"""Per-day chart as inline SVG markup (server-side: no script, no external request).

Only presentation attributes are used (no ``style``), so the console's strict
Content-Security-Policy stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 20, 46
SERIES = (
    ("conversations", "#2b6cb0", "Conversazioni"),
    ("handoffs", "#c05621", "Passaggi a operatore"),
)
RATE = ("containment_rate", "#2f855a", "Contenimento (%)")


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * (index + 0.5) / count if count else 0)


def daily_chart(rows: Sequence[dict[str, Any]]) -> str:
    """SVG with bars for conversations and handoffs and a line for containment."""
    count = len(rows)
    plot_h = HEIGHT - TOP - BOTTOM
    peak = max([1] + [int(row.get(key, 0)) for row in rows for key, _, _ in SERIES])
    bar_w = max(2.0, (WIDTH - LEFT - RIGHT) / max(count, 1) / 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" class="chart" aria-labelledby="chart-title">',
        '<title id="chart-title">Conversazioni, passaggi a operatore e contenimento per giorno</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#718096"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
        f'<text x="{WIDTH - RIGHT + 6}" y="{TOP + 4}" font-size="11">100%</text>',
    ]
    points = []
    for index, row in enumerate(rows):
        center = _x(index, count)
        for offset, (key, colour, label) in zip((-1, 0), SERIES):
            value = int(row.get(key, 0))
            height = plot_h * value / peak
            parts.append(
                f'<rect class="bar-{key}" x="{center + offset * bar_w:.1f}" '
                f'y="{TOP + plot_h - height:.1f}" width="{bar_w:.1f}" height="{height:.1f}" '
                f'fill="{colour}"><title>{escape(str(row["date"]))}: {escape(label)} {value}'
                "</title></rect>"
            )
        if row.get("conversations"):
            points.append(f"{center:.1f},{TOP + plot_h * (1 - float(row[RATE[0]])):.1f}")
        if count <= 16 or index % max(1, count // 8) == 0:
            parts.append(
                f'<text x="{center:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="10">{escape(str(row["date"])[5:])}</text>'
            )
    if points:
        parts.append(
            f'<polyline class="line-containment" points="{" ".join(points)}" fill="none" '
            f'stroke="{RATE[1]}" stroke-width="2"/>'
        )
    legend_y = HEIGHT - 10
    for n, (_, colour, label) in enumerate((*SERIES, RATE)):
        x = LEFT + n * 200
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{legend_y}" font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
