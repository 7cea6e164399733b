"""The "Statistiche" page, its CSV export and ``GET /api/stats`` (issue 12).

``/api/stats`` accepts a logged-in agent or ``Authorization: Bearer`` with the
read-only token in ``CONSOLE_API_TOKEN`` (no default: unset, only agents get in).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os

from aiohttp import web
from markupsafe import Markup

from analytics import report
from analytics.chart import daily_chart
from analytics.conversations import HANDOFF_REASONS
from analytics.export import daily_csv
from analytics.period import PeriodError, parse_period, period_or_default
from escalation.reasons import SHORT_REASONS

API_TOKEN_ENV = "CONSOLE_API_TOKEN"
API_PATHS = ("/api/",)
ROUTES = web.RouteTableDef()


def bearer_ok(request: web.Request) -> bool:
    """True if the request carries the API token (and one is configured)."""
    expected = os.environ.get(API_TOKEN_ENV, "")
    header = request.headers.get("Authorization", "")
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), expected.encode())


def _period(request: web.Request, as_json: bool) -> tuple:
    try:
        return parse_period(request.query)
    except PeriodError as error:
        if as_json:
            raise web.HTTPBadRequest(
                text=json.dumps({"error": str(error)}, ensure_ascii=False),
                content_type="application/json",
            ) from None
        raise web.HTTPBadRequest(text=str(error)) from None


@ROUTES.get("/api/stats")
async def api_stats(request: web.Request) -> web.Response:
    """The period's figures as JSON."""
    first, last = _period(request, as_json=True)
    figures = await asyncio.to_thread(report.stats_for, first, last)
    return web.json_response(figures, headers={"Cache-Control": "no-store"})


@ROUTES.get("/statistiche")
async def stats_page(request: web.Request) -> web.Response:
    """Figures for a range beside the previous period, and the per-day chart."""
    from escalation.console.app import _render

    first, last, error = period_or_default(request.query)
    data = await asyncio.to_thread(report.page_data, first, last)
    return _render(
        request,
        "statistiche.html",
        status=400 if error else 200,
        first=first.isoformat(),
        last=last.isoformat(),
        previous_range=[day.isoformat() for day in data["previous_range"]],
        now=data["current"],
        before=data["previous"],
        days=data["days"],
        chart=Markup(daily_chart(data["days"])),  # built from numbers, escaped
        reasons=[(code, SHORT_REASONS.get(code, code)) for code in HANDOFF_REASONS],
        error=error,
    )


@ROUTES.get("/statistiche.csv")
async def stats_csv(request: web.Request) -> web.Response:
    """Per-day rows as a CSV download."""
    first, last = _period(request, as_json=False)
    data = await asyncio.to_thread(report.page_data, first, last)
    name = f"statistiche_{first.isoformat()}_{last.isoformat()}.csv"
    return web.Response(
        text=daily_csv(data["days"]),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
