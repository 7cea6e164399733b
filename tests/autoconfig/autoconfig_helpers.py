"""Helpers for the auto-configuration tests (fake example settings only)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional, Tuple

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy

from autoconfig.routes import add_routes
from settings import ProviderSettings, parse_settings

EXAMPLE: Dict[str, Any] = {
    "provider": {"name": "ip telecom", "mail_domains": ["example.org", "example.net"]},
    "servers": {
        "imap": {"host": "imap.example.org", "port": 993, "security": "ssl"},
        "pop3": {"host": "pop.example.org", "port": 995, "security": "ssl"},
        "smtp": {"host": "smtp.example.org", "port": 587, "security": "starttls"},
        "username": "email",
    },
    "web": {"public_url": "http://127.0.0.1:8080"},
}


def make_settings(**servers: Optional[Dict[str, Any]]) -> ProviderSettings:
    """Example settings; pass e.g. ``smtp=None`` to drop a server."""
    raw = {key: dict(value) for key, value in EXAMPLE.items()}
    raw["servers"] = dict(EXAMPLE["servers"])
    for kind, value in servers.items():
        if value is None:
            raw["servers"].pop(kind, None)
        else:
            raw["servers"][kind] = value
    return parse_settings(raw)


Result = Tuple[int, CIMultiDictProxy, bytes]


def request(settings: ProviderSettings, method: str, path: str, **kwargs: Any) -> Result:
    """Serve the routes on a real loopback port and make one request."""

    async def go() -> Result:
        app = web.Application()
        add_routes(app, settings)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            response = await client.request(method, path, **kwargs)
            return response.status, response.headers, await response.read()

    return asyncio.run(go())


AD_NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"

REQUEST = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">'
    "<Request><EMailAddress>{address}</EMailAddress>"
    "<AcceptableResponseSchema>{schema}</AcceptableResponseSchema>"
    "</Request></Autodiscover>"
)
OUTLOOK_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"


def autodiscover_request(address: str, schema: str = OUTLOOK_SCHEMA) -> bytes:
    """An Outlook POX request body for ``address`` (already XML-escaped)."""
    return REQUEST.format(address=address, schema=schema).encode()
