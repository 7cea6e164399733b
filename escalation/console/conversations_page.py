"""The "Conversazioni" pages: a filtered list, a transcript with confidences, a review mark and note.

Conversations are found by their key inside the chosen date range (the key
comes from the server's own summaries, never trusted from the browser beyond
a lookup). Everything shown is masked by :mod:`analytics.conversations`.
"""

from __future__ import annotations

import asyncio
from datetime import date
from urllib.parse import urlencode

from aiohttp import web

from analytics import report, review_store
from analytics.browse import FILTER_KEYS, filters_of, select_conversations
from analytics.conversations import Conversation
from analytics.period import period_or_default
from escalation.reasons import SHORT_REASONS

ROUTES = web.RouteTableDef()
PATH = "/conversazioni"
#: Conversations listed per page at most (the newest first).
LIST_LIMIT = 200
#: The reasons a customer can pick after a 👎, as agents read them.
FEEDBACK_REASONS = {"no_answer": "non ha trovato la risposta", "unclear": "risposta poco chiara",
                    "wanted_person": "voleva una persona"}


def _load(first: date, last: date) -> list[Conversation]:
    return report.load_conversations(first, last)


def _find(conversations: list[Conversation], key: str) -> Conversation | None:
    return next((c for c in conversations if c.key == key), None)


@ROUTES.get(PATH)
async def conversation_list(request: web.Request) -> web.Response:
    """Conversations of a date range that pass the filters."""
    from escalation.console.app import _render

    first, last, error = period_or_default(request.query)
    wanted = filters_of(request.query)
    conversations, marks = await asyncio.gather(
        asyncio.to_thread(_load, first, last), asyncio.to_thread(review_store.reviews))
    flagged = {key for key, row in marks.items() if row["flagged"]}
    shown = select_conversations(conversations, wanted, flagged)
    intents = sorted({m.intent for c in conversations for m in c.messages if m.intent})
    period = urlencode({"from": first.isoformat(), "to": last.isoformat()})
    return _render(request, "conversazioni.html", status=400 if error else 200, error=error,
                   first=first.isoformat(), last=last.isoformat(), wanted=wanted,
                   conversations=shown[:LIST_LIMIT], total=len(shown), limit=LIST_LIMIT,
                   intents=intents, marks=marks, period=period, reasons=SHORT_REASONS)


@ROUTES.get(PATH + "/{key}")
async def conversation_page(request: web.Request) -> web.Response:
    """One conversation's transcript, with the intent and confidence of each customer message."""
    from escalation.console.app import _render

    first, last, error = period_or_default(request.query)
    conversation = _find(await asyncio.to_thread(_load, first, last), request.match_info["key"])
    if conversation is None:
        raise web.HTTPNotFound(text="Conversazione non trovata nel periodo scelto.")
    mark = (await asyncio.to_thread(review_store.reviews)).get(conversation.key) or {}
    back = {"from": first.isoformat(), "to": last.isoformat(),
            **{k: request.query[k] for k in FILTER_KEYS if request.query.get(k)}}
    return _render(request, "conversazione.html", conversation=conversation, mark=mark,
                   first=first.isoformat(), last=last.isoformat(), back=urlencode(back),
                   max_note=review_store.MAX_NOTE_CHARS, reasons=SHORT_REASONS,
                   feedback_reasons=FEEDBACK_REASONS)


@ROUTES.post(PATH + "/{key}")
async def save_review(request: web.Request) -> web.Response:
    """Mark the conversation "da rivedere" (or not) and keep a note."""
    from escalation.console.app import _form_with_csrf

    form = await _form_with_csrf(request)
    first, last, _error = period_or_default(form)
    conversation = _find(await asyncio.to_thread(_load, first, last), request.match_info["key"])
    if conversation is None:
        raise web.HTTPNotFound(text="Conversazione non trovata nel periodo scelto.")
    await asyncio.to_thread(review_store.save, conversation.key, form.get("da_rivedere") == "si",
                            form.get("note", ""), request["agent_session"].agent)
    query = urlencode({"from": first.isoformat(), "to": last.isoformat(), "msg": "review_saved"})
    raise web.HTTPFound(f"{PATH}/{conversation.key}?{query}")
