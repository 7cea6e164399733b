"""The demo-page web server (webapp/) in-process: headers, page, assets, health."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from webapp import server
from widget.build import BuildError, patch_bundle

SOCKET = "http://127.0.0.1:5005"


def _settings(**values: Any) -> SimpleNamespace:
    base = {"name": 'ip telecom <b>"x"</b>', "allowed_origins": ["http://127.0.0.1:8080"],
            "max_message_chars": 2000, "mail_domains": ["example.org"]}
    base.update(values)
    return SimpleNamespace(**base)


@pytest_asyncio.fixture()
async def client() -> Any:
    app = server.create_app(settings=_settings(), socket_url=SOCKET)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.mark.asyncio
async def test_index_page_and_security_headers(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    body = await response.text()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert f"connect-src 'self' {SOCKET} ws://127.0.0.1:5005" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # Provider name escaped, socket URL and CSP filled in, no template left.
    assert "ip telecom &lt;b&gt;&quot;x&quot;&lt;/b&gt;" in body
    assert f'data-server-url="{SOCKET}"' in body
    assert "{{" not in body
    assert '<html lang="it">' in body
    # No inline script: every <script> has a src.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    # No absolute URL to another host in the page.
    for url in re.findall(r"""(?:src|href)=["']([^"']+)""", body):
        assert url.startswith(("/", "#", "data:")), url


@pytest.mark.asyncio
async def test_widget_assets_are_an_allow_list(client: TestClient) -> None:
    for name in ("embed.js", "widget.css", "demo.css", "demo.js"):
        response = await client.get(f"/widget/{name}")
        assert response.status == 200, name
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    for name in ("index.html", "..%2fbuild.py", "build.py", "package.json", "%2e%2e/static/embed.js"):
        response = await client.get(f"/widget/{name}")
        assert response.status == 404, name
    response = await client.get("/widget/embed.js")
    assert response.headers["Content-Type"].startswith("text/javascript")


def test_embed_and_css_name_no_outside_host() -> None:
    static = server.STATIC_DIR
    for name in ("embed.js", "widget.css", "demo.css", "demo.js", "index.html"):
        text = (static / name).read_text(encoding="utf-8")
        assert "googleapis" not in text and "cdn." not in text and "@import" not in text, name


@pytest.mark.asyncio
async def test_healthz(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["socket_url"] == SOCKET
    assert "spacy_model" in body and "widget_bundle" in body


def test_socket_url_must_be_an_origin() -> None:
    assert server.socket_origin("https://chat.example.org/") == "https://chat.example.org"
    for bad in ("javascript:alert(1)", "https://x.example.org/path", "ftp://x", "http://"):
        with pytest.raises(ValueError):
            server.socket_origin(bad)
    csp = server.content_security_policy("https://chat.example.org", for_meta=True)
    assert "wss://chat.example.org" in csp and "frame-ancestors" not in csp


def test_build_patch_strips_remote_font_and_restores_link_filter() -> None:
    sample = (
        't.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);",""]),'
        't.push([e.i,".rw-x{font-family:Inter,sans-serif}",""]);'
        'x={className:"rw-markdown",source:i,transformLinkUri:null,renderers:{}}'
    )
    patched = patch_bundle(sample)
    assert "googleapis" not in patched and "@import" not in patched
    assert "Inter" not in patched and "system-ui" in patched
    assert "transformLinkUri" not in patched
    with pytest.raises(BuildError):
        patch_bundle("no imports here")


def test_built_bundle_if_present_is_patched() -> None:
    bundle = Path(server.DIST_DIR) / "rasa-webchat-1.0.1.js"
    if not bundle.exists():
        pytest.skip("widget bundle not built (widget/build.sh)")
    text = bundle.read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in text
    assert "@import url(http" not in text
    assert "transformLinkUri:null" not in text


@pytest.mark.asyncio
async def test_no_server_versions_are_announced(client: TestClient) -> None:
    for path in ("/", "/no-such-page"):
        response = await client.get(path)
        server = response.headers.get("Server", "")
        assert "aiohttp" not in server and "Python" not in server, (path, server)
