"""HTTP rules of the GraphQL endpoint, and masked server errors.

``/graphql`` takes one operation per ``POST`` of JSON, with a Content-Length of
at most `MAX_BODY` bytes: no queries over GET, no batches (a JSON array), no
forms. Anything refused gets a clear JSON error with the request id. An
exception no one handled answers 500 with only the request id; its trace (not
its message, which may name people) goes to the server log.
"""

from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.auth import refusal, unavailable
from graph.store import OUTAGES, is_outage

log = logging.getLogger("gridcare")
MAX_BODY = 100_000  # bytes; the token limit refuses long documents well before this


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def guarded(request: Request, call_next):
        problem = await graphql_problem(request) if request.url.path == "/graphql" else None
        if problem:
            status, error = problem
            headers = {"Allow": "POST"} if status == 405 else None
            return refusal(status, error, request.state.request_id, headers)
        return await call_next(request)

    app.add_exception_handler(Exception, internal_error)
    for outage in OUTAGES:  # answered inside the middlewares, so the server does not log them as crashes
        app.add_exception_handler(outage, internal_error)


async def graphql_problem(request: Request) -> tuple[int, str] | None:
    """Why this request to /graphql is refused, or None."""
    if request.method == "GET":
        return (
            (405, 'queries over GET are not accepted: POST a JSON body {"query": …} to /graphql')
            if "query" in request.query_params
            else None
        )
    if request.method != "POST":
        return None  # strawberry answers 405
    if "application/json" not in request.headers.get("content-type", ""):
        return 415, "send the operation as JSON, with Content-Type: application/json"
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return 411, "a Content-Length header is required"
    if int(length) > MAX_BODY:
        return 413, f"the request body is larger than {MAX_BODY} bytes"
    if (await request.body()).lstrip()[:1] == b"[":
        return 400, "batched requests are not accepted: send one operation per request"
    return None


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """500 with the request id, the trace in the log; but an outage of the store (`graph.store.is_outage`)
    is no bug: 503 with ``Retry-After``, nothing logged (the store says once that Neo4j is away)."""
    request_id = getattr(request.state, "request_id", "-")
    if is_outage(exc):
        response = unavailable(request_id)
        response.headers["X-Request-ID"] = request_id
        return response
    trace = "".join(traceback.format_tb(exc.__traceback__))
    log.error(
        "request %s: unhandled %s on %s %s\n%s", request_id, type(exc).__name__, request.method, request.url.path, trace
    )
    response = refusal(500, f"internal error (request id {request_id})", request_id)
    response.headers["X-Request-ID"] = request_id
    return response
