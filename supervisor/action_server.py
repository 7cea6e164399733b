"""The action server: rasa_sdk's app behind a shared token, JSON bodies only.

rasa_sdk 3.6 checks nothing: anyone who can reach the port could run
``action_escalate`` with an invented transcript. Rasa sends the
``action_endpoint`` token of ``endpoints.yml`` as the ``token`` query
parameter; every request but ``/health`` must carry the token of
``ACTION_SERVER_TOKEN``, compared in constant time. Cross-site forms cannot
send ``application/json``, so other bodies are refused, and errors never echo
the request back.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_ENV = "ACTION_SERVER_TOKEN"
#: Rasa posts the whole tracker: generous for a long conversation, bounded all the same.
MAX_BODY_BYTES = 4 * 1024 * 1024
logger = logging.getLogger(__name__)


def refusal(request: Request, token: str) -> Optional[HTTPResponse]:
    """The answer to a request that may not reach the actions, or None to let it through."""
    if request.path == "/health":
        return None
    given = str(request.args.get("token") or "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return response.json({"error": "unauthorized"}, status=401)
    if request.method == "POST":
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return response.json({"error": "application/json only"}, status=415)
    return None


def build_app(token: str) -> Sanic:
    """The rasa_sdk app for the ``actions`` package, guarded by ``token``."""
    if not token:
        raise ValueError(f"{TOKEN_ENV} is empty")
    app = create_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.on_request
    async def guard(request: Request) -> Optional[HTTPResponse]:
        return refusal(request, token)

    @app.exception(Exception)
    async def error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):  # 404, 405, 413 ...: their status, no echo
            return response.json({"error": "refused"}, status=exception.status_code)
        logger.error("action server error on %s", request.path, exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    return app


def main() -> None:
    """``python -m supervisor.action_server -p PORT [--quiet]``, bound to ``SANIC_HOST`` (loopback)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, default=5055)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO)
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.exit(f"supervisor.action_server: set {TOKEN_ENV} (the token of endpoints.yml)")
    app = build_app(token)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
