"""aiohttp server: demo page, widget assets, ``/healthz`` and the autoconfig routes.

Environment:

* ``WEB_HOST`` (default ``127.0.0.1``) and ``WEB_PORT`` (default ``8080``);
* ``WIDGET_SOCKET_URL``: origin of the Rasa server the widget talks to
  (default ``http://127.0.0.1:5005``); it goes into the page's embed snippet
  and into the Content-Security-Policy ``connect-src``;
* ``PROVIDER_SETTINGS``: the provider settings file (see ``settings``).
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from aiohttp import web

from autoconfig.routes import add_routes
from components.model_info import spacy_model_info
from supervisor import HOST, Ports
from webapp.middleware import headers_middleware

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "widget" / "static"
DIST_DIR = ROOT / "widget" / "dist"
DEFAULT_SOCKET_URL = f"http://{HOST}:{Ports().rasa}"

logger = logging.getLogger(__name__)

#: Files served under /widget/: name -> (folder, content type, cache seconds).
ASSETS: Dict[str, tuple] = {
    "embed.js": (STATIC_DIR, "text/javascript", 300),
    "widget.css": (STATIC_DIR, "text/css", 300),
    "demo.css": (STATIC_DIR, "text/css", 300),
    "demo.js": (STATIC_DIR, "text/javascript", 300),
    "rasa-webchat-1.0.1.js": (DIST_DIR, "text/javascript", 86400),
    "rasa-webchat-LICENSE.txt": (DIST_DIR, "text/plain", 86400),
}

SETTINGS_KEY = web.AppKey("settings", object)
SOCKET_URL_KEY = web.AppKey("socket_url", str)
CSP_KEY = web.AppKey("csp", str)
AUTOCONFIG_KEY = web.AppKey("autoconfig", bool)


def socket_origin(value: Optional[str]) -> str:
    """Validate the widget server URL and return it as a bare http(s) origin."""
    value = (value or DEFAULT_SOCKET_URL).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"WIDGET_SOCKET_URL must be an http(s) URL, got {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"WIDGET_SOCKET_URL must be an origin without path, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(socket_url: str, *, for_meta: bool = False) -> str:
    """CSP of the demo page: own assets, plus the socket server for connections.

    ``style-src 'unsafe-inline'`` is needed because rasa-webchat injects its
    stylesheet as <style> elements; scripts are strictly 'self' (no inline
    script, no eval), images and fonts only 'self' and data: URIs.
    """
    ws_url = "ws" + socket_url[len("http"):]
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {socket_url} {ws_url}",
        "base-uri 'none'",
        "form-action 'self'",
        "manifest-src 'self'",
    ]
    if not for_meta:  # frame-ancestors is ignored (with a warning) in a <meta> tag
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _site_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The security headers of every response (a handler's own CSP wins)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", request.app[CSP_KEY])
    # The widget assets may be loaded by the provider's other site origins.
    if request.path.startswith("/widget/"):
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    else:
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")


security_headers = headers_middleware(_site_headers)


def render_index(settings: Any, socket_url: str) -> str:
    """The demo page with the provider name, socket URL and CSP filled in."""
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    values = {
        "{{PROVIDER_NAME}}": html.escape(getattr(settings, "name", None) or "ip telecom"),
        "{{SOCKET_URL}}": html.escape(socket_url),
        "{{CSP}}": html.escape(content_security_policy(socket_url, for_meta=True)),
    }
    for key, value in values.items():
        template = template.replace(key, value)
    return template


async def index(request: web.Request) -> web.Response:
    """GET / : the Italian demo page."""
    page = render_index(request.app[SETTINGS_KEY], request.app[SOCKET_URL_KEY])
    return web.Response(
        text=page,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def widget_asset(request: web.Request) -> web.StreamResponse:
    """GET /widget/{name}: one of the listed widget files, nothing else."""
    name = request.match_info["name"]
    entry = ASSETS.get(name)
    if entry is None:
        raise web.HTTPNotFound()
    folder, content_type, max_age = entry
    path = folder / name
    if not path.is_file():
        if folder == DIST_DIR:
            return web.json_response(
                {"error": "widget bundle not built: run widget/build.sh"}, status=503
            )
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(),
        content_type=content_type,
        charset="utf-8",
        headers={"Cache-Control": f"public, max-age={max_age}"},
    )


def _spacy_info() -> Optional[Dict[str, Any]]:
    try:
        return spacy_model_info()
    except Exception as error:  # pragma: no cover - reported, not fatal
        return {"error": str(error)}


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: liveness plus what the page depends on."""
    bundle = DIST_DIR / "rasa-webchat-1.0.1.js"
    body = {
        "status": "ok",
        "provider": getattr(request.app[SETTINGS_KEY], "name", None),
        "widget_bundle": bundle.is_file(),
        "socket_url": request.app[SOCKET_URL_KEY],
        "spacy_model": _spacy_info(),
        "autoconfig": request.app.get(AUTOCONFIG_KEY, False),
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


def create_app(settings: Any = None, socket_url: Optional[str] = None) -> web.Application:
    """Build the aiohttp application."""
    if settings is None:
        from settings import load_settings

        settings = load_settings()
    socket_url = socket_origin(
        socket_url or os.environ.get("WIDGET_SOCKET_URL") or getattr(settings, "socket_url", None)
    )
    app = web.Application(middlewares=[security_headers], client_max_size=256 * 1024)
    app[SETTINGS_KEY] = settings
    app[SOCKET_URL_KEY] = socket_url
    app[CSP_KEY] = content_security_policy(socket_url)
    app.router.add_get("/", index)
    app.router.add_get("/widget/{name}", widget_asset)
    app.router.add_get("/healthz", healthz)
    add_routes(app, settings)
    app[AUTOCONFIG_KEY] = True
    return app


def main(argv: Optional[list] = None) -> int:
    """Run the server and print its address."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=Ports.from_env().web)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    if not (DIST_DIR / "rasa-webchat-1.0.1.js").is_file():
        print("WARNING: widget bundle missing, run widget/build.sh", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{args.port}/"

    def announce(_: str) -> None:
        # Called by aiohttp once the socket is listening.
        print(f"Demo page and chat widget: {url}", flush=True)
        print(f"Chat widget talks to the assistant at {app[SOCKET_URL_KEY]}", flush=True)

    web.run_app(app, host=args.host, port=args.port, print=announce, access_log=None)
    return 0
