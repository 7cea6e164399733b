"""The "Da insegnare" page (NLU inbox): group, confirm with an intent, discard, export.

Decisions are looked up by the group's key on the server: the texts stored and
exported are those of the inbox, never text posted by the browser. Only
intents of the domain that customers can type are offered and accepted.
"""

from __future__ import annotations

import asyncio
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import yaml
from aiohttp import web

from analytics import export_inbox, inbox, inbox_store, report
from analytics.period import PeriodError, parse_period, period_or_default
from escalation.config import REPO_ROOT

ROUTES = web.RouteTableDef()
PATH = "/da-insegnare"
#: Intents never typed by customers (set by buttons or by the input guard).
_NOT_TYPED_PREFIXES = ("choose_", "rate_")
_NOT_TYPED = {"bad_input", "nlu_fallback"}


@lru_cache(maxsize=1)
def teachable_intents() -> tuple[str, ...]:
    """Intents of domain.yml a reviewer may file a customer sentence under."""
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
    return tuple(sorted(
        name for name in domain.get("intents") or [] if isinstance(name, str)
        and name not in _NOT_TYPED and not name.startswith(_NOT_TYPED_PREFIXES)))


def _groups(first: date, last: date) -> list[inbox.Group]:
    conversations = report.load_conversations(first, last, with_tickets=False)
    return inbox.inbox(conversations, inbox.known_sentences(export_inbox.data_files()))


def _page_data(first: date, last: date) -> dict[str, Any]:
    groups = _groups(first, last)
    return {"groups": groups, "decisions": inbox_store.decisions()}


def _back(form: dict[str, str], msg: str) -> web.HTTPFound:
    query = {k: form[k] for k in ("from", "to") if form.get(k)}
    query["msg"] = msg
    return web.HTTPFound(f"{PATH}?{urlencode(query)}")


@ROUTES.get(PATH)
async def inbox_page(request: web.Request) -> web.Response:
    """Groups of messages to review for a date range, with their decisions."""
    from escalation.console.app import _render

    first, last, error = period_or_default(request.query)
    data = await asyncio.to_thread(_page_data, first, last)
    return _render(request, "da_insegnare.html", status=400 if error else 200,
                   first=first.isoformat(), last=last.isoformat(), error=error,
                   intents=teachable_intents(), **data)


@ROUTES.post(PATH)
async def decide(request: web.Request) -> web.Response:
    """Confirm a group under an intent, or discard it."""
    from escalation.console.app import _form_with_csrf

    form = await _form_with_csrf(request)
    decision = form.get("decision", "")
    intent = form.get("intent", "") if decision == "confirmed" else None
    if decision not in inbox_store.DECISIONS or (intent is not None and intent not in teachable_intents()):
        raise _back(form, "inbox_invalid")
    try:
        first, last = parse_period(form)
    except PeriodError:
        raise _back(form, "inbox_invalid") from None
    groups = await asyncio.to_thread(_groups, first, last)
    group = next((g for g in groups if g.key == form.get("key")), None)
    if group is None:
        raise _back(form, "inbox_gone")
    await asyncio.to_thread(inbox_store.decide, group.key, decision, group.shown, intent,
                            request["agent_session"].agent)
    raise _back(form, "inbox_confirmed" if intent else "inbox_discarded")


@ROUTES.post(PATH + "/esporta")
async def export(request: web.Request) -> web.Response:
    """Write the confirmed examples to var/inbox/ (never into data/)."""
    from escalation.console.app import _form_with_csrf

    form = await _form_with_csrf(request)
    path, _written, _skipped = await asyncio.to_thread(export_inbox.export)
    raise _back(form, "inbox_exported" if path else "inbox_nothing")
