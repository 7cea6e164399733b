"""Response headers added by an aiohttp middleware, to answers and to errors alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Decorate = Callable[[web.Request, web.StreamResponse], None]
SERVER_NAME = "ip-telecom-assistant"


def headers_middleware(decorate: Decorate) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """A middleware that lets `decorate` set headers on every response.

    An `HTTPException` raised by a handler (404, 403, redirects) is a response
    too: it gets the headers and is raised again so aiohttp answers with it.
    """

    def finish(request: web.Request, response: web.StreamResponse) -> None:
        decorate(request, response)
        # aiohttp would announce "Python/3.x aiohttp/3.x": no versions to fingerprint.
        response.headers["Server"] = SERVER_NAME

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            finish(request, error)
            raise
        finish(request, response)
        return response

    return middleware
