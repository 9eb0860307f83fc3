"""Authentication: an ``Authorization: Bearer <token>`` on every request but the public ones.

Public: ``/livez``, ``/readyz``, ``/qr/…`` and the console's files (`api.console`: any other GET, which
holds no data); ``/metrics`` for loopback clients
(it holds counts, no personal data: scrape it on the host, and do not forward it
from a proxy on the same host). In development mode GraphiQL's page itself
(``GET /graphql`` from a browser) is public too; its queries still need a token.

Every answer carries ``X-Request-ID``; a refusal is 401 JSON ``{"error",
"request_id"}`` with ``WWW-Authenticate: Bearer``. When the token cannot be
looked up because Neo4j is away, the answer is 503 with ``Retry-After``
(`unavailable`), as every route answers an outage. The caller's `Principal` is
left in ``request.state.principal`` for the GraphQL context, where `schema.policy`
cuts what a leader or volunteer sees down to their reach.
"""

from __future__ import annotations

import asyncio
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import console
from api.settings import Settings
from api.tokens import Unauthorized, authenticate
from graph.store import is_outage
from schema.outages import MESSAGE, STATUS, unavailable_headers
from schema.policy import Principal

PUBLIC = frozenset({"/livez", "/readyz"})
PUBLIC_PREFIXES = ("/qr/",)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
ANONYMOUS = Principal()  # reaches nothing
DEVELOPMENT = Principal.development()  # GRIDCARE_AUTH=off: every caller is the development admin


def install(app: FastAPI, settings: Settings, key: bytes | None) -> None:
    """Authenticate every request (``key``: the token key; None when auth is off)."""
    app.add_middleware(Authenticated, settings=settings, key=key)


class Authenticated:
    """The middleware of authentication, pure ASGI: it sets the request id and the principal in the request's
    state, answers refusals itself and stamps ``X-Request-ID`` on every answer that passes it."""

    def __init__(self, app: ASGIApp, settings: Settings, key: bytes | None) -> None:
        self.app, self.settings, self.key = app, settings, key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request.state.request_id = request_id = secrets.token_hex(8)
        request.state.principal = ANONYMOUS
        response = None
        if self.settings.auth == "off":
            request.state.principal = DEVELOPMENT
        elif not is_public(request, self.settings) and self.key is not None:  # no key: auth is off
            try:
                request.state.principal = await _principal(request, self.key)
            except Unauthorized as e:
                response = refusal(401, str(e), request_id, {"WWW-Authenticate": 'Bearer realm="gridcare"'})
            except Exception as e:
                if not is_outage(e):
                    raise
                response = unavailable(request_id)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        await (response or self.app)(scope, receive, stamped)


def is_public(request: Request, settings: Settings) -> bool:
    path = request.url.path
    if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
        return True
    if path == "/metrics":
        return request.client is not None and request.client.host in LOOPBACK
    if console.is_console(request):
        return True
    return settings.mode == "development" and _graphiql_page(request)


def _graphiql_page(request: Request) -> bool:
    """The browser's GET of GraphiQL's page (strawberry serves it for these requests only)."""
    return (
        request.url.path == "/graphql"
        and request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


async def _principal(request: Request, key: bytes) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not scheme:
        raise Unauthorized("missing bearer token: send the header `Authorization: Bearer <token>`")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be `Bearer <token>`")
    state = request.app.state
    return await asyncio.to_thread(authenticate, state.store, key, token.strip())


def refusal(status: int, error: str, request_id: str, headers: dict | None = None) -> JSONResponse:
    """The one shape of every refusal at the HTTP edge."""
    return JSONResponse({"error": error, "request_id": request_id}, status_code=status, headers=headers)


def unavailable(request_id: str) -> JSONResponse:
    """The answer to a request that needs Neo4j while it is away: 503, ``Retry-After``, no trace logged."""
    return refusal(STATUS, MESSAGE, request_id, unavailable_headers())
