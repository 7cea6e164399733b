"""aiohttp routes serving the auto-configuration files.

The widget's web server calls :func:`add_routes` once at start-up::

    from autoconfig.routes import add_routes
    add_routes(app, load_settings())

Errors are short plain-text messages (Italian, then English) that never echo
the input: 400 for a bad request, 413 for an oversized body, 503 when a server
needed for the answer is missing from the settings (nothing is guessed).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Awaitable, Callable, Optional

from aiohttp import web

import messages
from autoconfig import autodiscover, links, mobileconfig, thunderbird
from autoconfig.validation import (
    AutoconfigError,
    MissingSettingError,
    normalize_protocol,
    validate_address,
)
from settings import ProviderSettings

logger = logging.getLogger(__name__)

XML_CONTENT_TYPE = "application/xml"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_COMMON_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

#: The page that asks for the address before the Apple profile (texts: messages/it.yml).
FORM_TEMPLATE = Path(__file__).resolve().parent / "templates" / "mobileconfig_form.html"


def form_page(protocol: str) -> str:
    """The HTML form asking for the address, every text escaped."""
    text = {key: html.escape(messages.text(f"autoconfig.form_{key}"))
            for key in ("title", "heading", "intro", "label")}
    text["button"] = html.escape(
        messages.text("autoconfig.form_button", protocol=mobileconfig.LABELS[protocol]))
    return FORM_TEMPLATE.read_text(encoding="utf-8").format(
        action=links.MOBILECONFIG_PATH, protocol="pop" if protocol == "pop3" else "imap", **text)


def _text_error(status: int, message: str) -> web.Response:
    return web.Response(
        status=status,
        text=message + "\n",
        content_type="text/plain",
        charset="utf-8",
        headers=_COMMON_HEADERS,
    )


def _single_query_value(request: web.Request, name: str) -> Optional[str]:
    """The one value of a query parameter; None when absent; error when repeated."""
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise AutoconfigError(f"Parametro {name} ripetuto.\nParameter {name} given more than once.")
    return values[0] if values else None


def _guarded(handler: Handler) -> Handler:
    """Turn validation errors into 400/503 plain-text answers."""

    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except MissingSettingError as error:
            logger.error("autoconfig: settings incomplete, missing %s", error.missing)
            return _text_error(503, error.message)
        except AutoconfigError as error:
            return _text_error(400, error.message)

    return wrapper


async def _read_limited(request: web.Request, limit: int) -> Optional[bytes]:
    """Read the body, or return None as soon as it exceeds ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks = []
    size = 0
    while True:
        chunk = await request.content.read(4096)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


class AutoconfigHandlers:
    """Request handlers bound to one set of provider settings."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    async def thunderbird(self, request: web.Request) -> web.Response:
        """GET clientConfig v1.1 for ``?emailaddress=``."""
        address = validate_address(
            _single_query_value(request, "emailaddress"), self.settings.mail_domains
        )
        body = thunderbird.build_clientconfig(address, self.settings)
        return web.Response(
            body=body, content_type=XML_CONTENT_TYPE, charset="utf-8", headers=_COMMON_HEADERS
        )

    async def autodiscover(self, request: web.Request) -> web.Response:
        """POST Outlook Autodiscover (POX)."""
        body = await _read_limited(request, autodiscover.MAX_REQUEST_BYTES)
        if body is None:
            return _text_error(413, "Richiesta troppo grande.\nRequest body too large.")
        raw_address = autodiscover.parse_request(body)
        address = validate_address(raw_address, self.settings.mail_domains)
        answer = autodiscover.build_response(address, self.settings)
        return web.Response(
            body=answer, content_type=XML_CONTENT_TYPE, charset="utf-8", headers=_COMMON_HEADERS
        )

    async def mobileconfig(self, request: web.Request) -> web.Response:
        """GET Apple profile for ``?emailaddress=&protocol=imap|pop``.

        Without ``emailaddress`` a small form asks for the address (the chat
        links here when it does not know it); an empty or bad one is a 400.
        """
        protocol = normalize_protocol(_single_query_value(request, "protocol"), default="imap")
        raw_address = _single_query_value(request, "emailaddress")
        if raw_address is None:
            page = form_page(protocol)
            headers = dict(_COMMON_HEADERS)
            headers["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
            )
            return web.Response(
                text=page, content_type="text/html", charset="utf-8", headers=headers
            )
        address = validate_address(raw_address, self.settings.mail_domains)
        body = mobileconfig.build_profile(address, protocol, self.settings)
        headers = dict(_COMMON_HEADERS)
        headers["Content-Disposition"] = (
            f'attachment; filename="{mobileconfig.download_filename(protocol)}"'
        )
        return web.Response(body=body, content_type=mobileconfig.CONTENT_TYPE, headers=headers)


def add_routes(app: web.Application, settings: ProviderSettings) -> None:
    """Register the Thunderbird, Autodiscover and Apple profile routes on ``app``."""
    handlers = AutoconfigHandlers(settings)
    thunderbird_handler = _guarded(handlers.thunderbird)
    autodiscover_handler = _guarded(handlers.autodiscover)
    app.router.add_get(links.THUNDERBIRD_PATH, thunderbird_handler)
    app.router.add_get(links.THUNDERBIRD_LEGACY_PATH, thunderbird_handler)
    app.router.add_post(links.AUTODISCOVER_PATH, autodiscover_handler)
    app.router.add_post(links.AUTODISCOVER_ALT_PATH, autodiscover_handler)
    app.router.add_get(links.MOBILECONFIG_PATH, _guarded(handlers.mobileconfig))
