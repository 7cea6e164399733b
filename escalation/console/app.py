"""The agent console web app (aiohttp).

Security: opaque session cookie (HttpOnly, SameSite=Strict), a CSRF token in
every form (double-submit cookie for the login form), Origin check on POSTs,
Jinja2 autoescaping everywhere, a strict Content-Security-Policy and live
updates rendered with ``textContent`` only.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from escalation import service, takeover
from escalation.agents import config_agents, db_agents
from escalation.config import EscalationConfig
from escalation.console import conversations_page, inbox_page, statistics
from escalation.console.live import live_messages
from escalation.console.sessions import AgentSession, LoginGuard, SessionStore
from escalation.notifiers.email_message import CONTACT_LABELS, SENDER_LABELS, office_timezone
from escalation.passwords import DUMMY_HASH, verify_password
from escalation.rasa_client import RasaClient, RasaError
from escalation.reasons import SHORT_REASONS
from webapp.middleware import headers_middleware

logger = logging.getLogger("escalation.console")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "ipt_console_session"
LOGIN_CSRF_COOKIE = "ipt_console_login_csrf"
MAX_REPLY_CHARS = 2000
PUBLIC_PATHS = ("/login", "/static/", "/healthz", "/favicon.ico")

CONFIG = web.AppKey("config", EscalationConfig)
SESSIONS = web.AppKey("sessions", SessionStore)
THROTTLE = web.AppKey("throttle", LoginGuard)
RASA = web.AppKey("rasa", RasaClient)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
AGENTS = web.AppKey("agents", dict)

NOTICES: dict[str, tuple] = {
    "claimed": ("ok", "Richiesta presa in carico."),
    "replied": ("ok", "Risposta inviata al cliente."),
    "closed": ("ok", "Richiesta chiusa: l'assistente è di nuovo attivo."),
    "closed_quiet": ("ok", "Richiesta chiusa senza contattare l'assistente."),
    "conflict": ("error", "La richiesta è già in carico a un altro operatore o è chiusa."),
    "empty": ("error", "Scrivi un messaggio prima di inviarlo."),
    "too_long": ("error", f"Il messaggio supera {MAX_REPLY_CHARS} caratteri."),
    "rasa_down": ("error", "L'assistente non è raggiungibile: nulla è stato inviato."),
    "widget_down": (
        "error",
        "Risposta registrata nella conversazione ma non consegnata alla chat del cliente.",
    ),
    "login_failed": ("error", "Nome utente o password non corretti."),
    "login_blocked": ("error", "Troppi tentativi: riprova tra qualche minuto."),
    "expired": ("error", "Sessione scaduta o modulo non valido: riprova."),
    "inbox_confirmed": ("ok", "Gruppo confermato: sarà nel prossimo file esportato."),
    "inbox_discarded": ("ok", "Gruppo scartato."),
    "inbox_invalid": ("error", "Scelta non valida: scegli una delle intenzioni elencate."),
    "inbox_gone": ("error", "Il gruppo non è più nel periodo scelto: ricarica la pagina."),
    "inbox_exported": ("ok", "Esempi confermati esportati in var/inbox/: rivedili e spostali in data/nlu/."),
    "inbox_nothing": ("ok", "Nessun esempio confermato da esportare."),
    "review_saved": ("ok", "Revisione salvata."),
}
STATUS_TEXT = {"open": "da prendere in carico", "claimed": "in carico", "closed": "chiusa"}


# --- helpers -----------------------------------------------------------------


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
    )
    zone = ZoneInfo(office_timezone())

    def localtime(value: Any) -> str:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
        if not isinstance(value, datetime):
            return "-"
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")

    def percent(value: Any) -> str:
        return f"{value:.0%}" if isinstance(value, (int, float)) else "n.d."

    def plain(value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return str(value)

    env.filters["localtime"] = localtime
    env.filters["percent"] = percent
    env.filters["plain"] = plain
    return env


def _render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    session: AgentSession | None = request.get("agent_session")
    code = request.query.get("msg", "")
    notice = NOTICES.get(code)
    context.setdefault("notice", {"kind": notice[0], "text": notice[1]} if notice else None)
    context.setdefault("agent", session.agent if session else None)
    context.setdefault("csrf", session.csrf if session else "")
    html = request.app[TEMPLATES].get_template(name).render(**context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def _redirect(location: str) -> web.HTTPFound:
    return web.HTTPFound(location)


def _ticket_url(reference: str, notice: str = "") -> str:
    return f"/tickets/{reference}" + (f"?msg={notice}" if notice else "")


def _set_cookie(
    response: web.StreamResponse,
    config: EscalationConfig,
    name: str,
    value: str,
    max_age: int | None = None,
    path: str = "/",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="Strict",
        secure=config.console.secure_cookies,
    )


def _allowed_origins(request: web.Request) -> set:
    config = request.app[CONFIG]
    public = urlsplit(config.console.public_url)
    return {f"{request.scheme}://{request.host}", f"{public.scheme}://{public.netloc}"}


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        if not referer:
            return True  # SameSite=Strict cookies and the CSRF token still apply
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin in _allowed_origins(request)


async def _form_with_csrf(request: web.Request) -> dict[str, str]:
    """The posted form, after checking the session's CSRF token."""
    session: AgentSession = request["agent_session"]
    form = await request.post()
    token = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise web.HTTPForbidden(text="CSRF token non valido")
    return {key: str(value) for key, value in form.items()}


#: The console's pages and form posts, registered by `create_app`.
ROUTES = web.RouteTableDef()


# --- middlewares -------------------------------------------------------------


def _console_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Strict CSP and friends on every response, including errors."""
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null"
    # on form posts, which the origin check must refuse.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")


security_headers = headers_middleware(_console_headers)


@web.middleware
async def require_login(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Attach the agent session; anonymous requests go to the login page."""
    if request.method == "POST" and not _same_origin(request):
        raise web.HTTPForbidden(text="Origine non consentita")
    session = request.app[SESSIONS].get(request.cookies.get(SESSION_COOKIE))
    request["agent_session"] = session
    if session is None and request.path.startswith(statistics.API_PATHS):
        if request.method == "GET" and statistics.bearer_ok(request):
            return await handler(request)
        raise web.HTTPUnauthorized(text="Accesso richiesto")
    if session is None and not request.path.startswith(PUBLIC_PATHS):
        if request.method == "GET" and not request.path.endswith("/live"):
            raise _redirect("/login")
        raise web.HTTPUnauthorized(text="Accesso richiesto")
    return await handler(request)


# --- handlers ----------------------------------------------------------------


@ROUTES.get("/healthz")
async def healthz(_request: web.Request) -> web.Response:
    """Liveness probe."""
    return web.json_response({"status": "ok"})


@ROUTES.get("/favicon.ico")
async def favicon(_request: web.Request) -> web.Response:
    """No icon (and no redirect to the login page for the browser's icon request)."""
    return web.Response(status=204)


@ROUTES.get("/login")
async def login_form(request: web.Request) -> web.Response:
    """The login page with a double-submit CSRF token (kept across reloads and tabs)."""
    if request["agent_session"]:
        raise _redirect("/tickets")
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
        token = secrets.token_urlsafe(32)
    response = _render(request, "login.html", login_csrf=token)
    _set_cookie(
        response, request.app[CONFIG], LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login"
    )
    return response


@ROUTES.post("/login")
async def login(request: web.Request) -> web.Response:
    """Check credentials (scrypt, throttled) and start a session."""
    form = await request.post()
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(str(form.get("csrf_token", "")), cookie):
        raise _redirect("/login?msg=expired")
    username = str(form.get("username", "")).strip()[:100]
    password = str(form.get("password", ""))[:500]
    throttle = request.app[THROTTLE]
    if throttle.blocked(username, request.remote):
        raise _redirect("/login?msg=login_blocked")
    hashes = dict(await asyncio.to_thread(db_agents))
    hashes.update(request.app[AGENTS])
    stored = hashes.get(username)
    ok = await asyncio.to_thread(verify_password, password, stored or DUMMY_HASH)
    if not (ok and stored):
        throttle.failed(username, request.remote)
        logger.warning("failed console login for %r from %s", username, request.remote)
        raise _redirect("/login?msg=login_failed")
    throttle.succeeded(username)
    token = request.app[SESSIONS].create(username)
    response = _redirect("/tickets")
    config = request.app[CONFIG]
    _set_cookie(
        response, config, SESSION_COOKIE, token, max_age=int(config.console.session_hours * 3600)
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
    logger.info("agent %s logged in", username)
    raise response


@ROUTES.post("/logout")
async def logout(request: web.Request) -> web.Response:
    """End the session."""
    await _form_with_csrf(request)
    request.app[SESSIONS].drop(request.cookies.get(SESSION_COOKIE))
    response = _redirect("/login")
    response.del_cookie(SESSION_COOKIE)
    raise response


@ROUTES.get("/tickets")
async def ticket_list(request: web.Request) -> web.Response:
    """Open escalations, newest first."""
    tickets = await asyncio.to_thread(service.list_open_tickets)
    for ticket in tickets:
        ticket["reason_short"] = SHORT_REASONS.get(ticket["reason"], ticket["reason"])
    return _render(request, "list.html", tickets=tickets)


async def _load(reference: str) -> dict[str, Any]:
    ticket = await asyncio.to_thread(service.get_ticket, reference)
    if ticket is None:
        raise web.HTTPNotFound(text="Richiesta non trovata")
    return ticket


async def _live(request: web.Request, ticket: dict[str, Any]) -> dict[str, Any]:
    try:
        tracker = await request.app[RASA].get_tracker(ticket["conversation_id"])
    except RasaError as error:
        logger.warning("tracker of %s not readable: %s", ticket["reference"], error)
        return {"paused": None, "messages": [], "error": "Assistente non raggiungibile"}
    return {
        "paused": tracker.get("paused"),
        "messages": live_messages(tracker, ticket["created_at"]),
        "error": None,
    }


@ROUTES.get("/tickets/{reference}")
async def ticket_page(request: web.Request) -> web.Response:
    """Everything about one escalation, plus the live conversation."""
    ticket = await _load(request.match_info["reference"])
    session: AgentSession = request["agent_session"]
    live = await _live(request, ticket)
    contact = ticket["contact"]
    return _render(
        request,
        "ticket.html",
        t=ticket,
        live=live["messages"],
        live_error=live["error"],
        status_text=STATUS_TEXT.get(ticket["status"], ticket["status"])
        + (f" ({ticket['claimed_by']})" if ticket["claimed_by"] else ""),
        contact_label=CONTACT_LABELS.get(contact["kind"], "") if contact else "",
        sender_labels=SENDER_LABELS,
        refresh=f"{request.app[CONFIG].console.refresh_seconds:g}",
        can_act=ticket["claimed_by"] in (None, session.agent),
        max_reply=MAX_REPLY_CHARS,
    )


@ROUTES.get("/tickets/{reference}/live")
async def ticket_live(request: web.Request) -> web.Response:
    """JSON of the messages since the escalation, for the page's polling."""
    ticket = await _load(request.match_info["reference"])
    live = await _live(request, ticket)
    env_filter = request.app[TEMPLATES].filters["localtime"]
    for message in live["messages"]:
        message["local_time"] = env_filter(message["time"])
    return web.json_response(live, headers={"Cache-Control": "no-store"})


async def _ticket_post(request: web.Request) -> tuple[dict[str, str], dict[str, Any], str]:
    """The CSRF-checked form, the ticket of the URL and the signed-in agent."""
    form = await _form_with_csrf(request)
    ticket = await _load(request.match_info["reference"])
    return form, ticket, request["agent_session"].agent


@ROUTES.post("/tickets/{reference}/claim")
async def claim(request: web.Request) -> web.Response:
    """Take an escalation."""
    await _form_with_csrf(request)
    reference = (await _load(request.match_info["reference"]))["reference"]
    try:
        await asyncio.to_thread(service.claim_ticket, reference, request["agent_session"].agent)
    except service.TicketConflict:
        raise _redirect(_ticket_url(reference, "conflict")) from None
    raise _redirect(_ticket_url(reference, "claimed"))


@ROUTES.post("/tickets/{reference}/reply")
async def reply(request: web.Request) -> web.Response:
    """Send the agent's reply: tracker first, then the customer's widget."""
    form, ticket, agent = await _ticket_post(request)
    reference = ticket["reference"]
    text = form.get("text", "").strip()
    if not text:
        raise _redirect(_ticket_url(reference, "empty"))
    if len(text) > MAX_REPLY_CHARS:
        raise _redirect(_ticket_url(reference, "too_long"))
    outcome = await takeover.reply(request.app[RASA], ticket, agent, text)
    raise _redirect(_ticket_url(reference, outcome.value))


@ROUTES.post("/tickets/{reference}/close")
async def close(request: web.Request) -> web.Response:
    """Resume the bot (if paused), tell the customer, close the ticket."""
    form, ticket, agent = await _ticket_post(request)
    reference = ticket["reference"]
    outcome = await takeover.close(
        request.app[RASA], ticket, agent, contact_rasa=form.get("skip_rasa") != "1"
    )
    if outcome in (takeover.Outcome.CLOSED, takeover.Outcome.CLOSED_QUIET):
        raise _redirect(f"/tickets?msg={outcome.value}")
    raise _redirect(_ticket_url(reference, outcome.value))


@ROUTES.get("/")
async def index(_request: web.Request) -> web.Response:
    """The list is the home page."""
    raise _redirect("/tickets")


# --- app ---------------------------------------------------------------------


async def _close_rasa(app: web.Application) -> None:
    await app[RASA].close()


def create_app(config: EscalationConfig, rasa: RasaClient | None = None) -> web.Application:
    """The console application (agents from the settings are hashed once here)."""
    app = web.Application(middlewares=[security_headers, require_login], client_max_size=64 * 1024)
    app[CONFIG] = config
    app[SESSIONS] = SessionStore(ttl_seconds=config.console.session_hours * 3600)
    app[THROTTLE] = LoginGuard()
    app[RASA] = rasa or RasaClient(config.rasa.url, config.rasa.token)
    app[TEMPLATES] = _templates()
    app[AGENTS] = config_agents(config.console)
    app.on_cleanup.append(_close_rasa)
    app.router.add_routes(ROUTES)
    app.router.add_routes(statistics.ROUTES)
    app.router.add_routes(inbox_page.ROUTES)
    app.router.add_routes(conversations_page.ROUTES)
    app.router.add_static("/static/", HERE / "static", show_index=False)
    return app
