"""HTTP rules of the GraphQL endpoint, and masked server errors.

``/graphql`` takes one operation per ``POST`` of JSON, with a Content-Length of
at most `MAX_BODY` bytes: no queries over GET, no batches (a JSON array), no
forms; the body must be UTF-8, a JSON object nested at most `MAX_NESTING` deep,
with ``query`` a string and ``variables`` an object. Anything refused gets a
clear JSON error (4xx) with the request id. An
exception no one handled answers 500 with only the request id; its trace (not
its message, which may name people) goes to the server log.
"""

from __future__ import annotations

import json
import logging
import re
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import refusal, unavailable
from graph.store import OUTAGES, is_outage

log = logging.getLogger("gridcare")
MAX_BODY = 100_000  # bytes; the token limit refuses long documents well before this
MAX_NESTING = 32  # levels of arrays and objects in a body: variables of any input type fit in far fewer
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_FIELDS = (
    ("query", str, "a string"),
    ("variables", (dict, type(None)), "an object (or null)"),
    ("operationName", (str, type(None)), "a string (or null)"),
    ("extensions", (dict, type(None)), "an object (or null)"),
)


def install(app: FastAPI) -> None:
    app.add_middleware(Guarded)
    app.add_exception_handler(Exception, internal_error)
    for outage in OUTAGES:  # answered inside the middlewares, so the server does not log them as crashes
        app.add_exception_handler(outage, internal_error)


class Guarded:
    """The middleware of /graphql's HTTP rules, pure ASGI: the body it reads to check is handed on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        problem = await graphql_problem(request)
        if problem:
            status, error = problem
            headers = {"Allow": "POST"} if status == 405 else None
            await refusal(status, error, request.state.request_id, headers)(scope, receive, send)
            return
        if request.method == "POST":  # its body was read (and kept by the request) to be checked
            receive = _replayed(await request.body(), receive)
        await self.app(scope, receive, send)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """``receive`` of a request whose body the guard has read: the body once, then whatever comes after
    (a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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
    return body_problem(await request.body())


def body_problem(body: bytes) -> tuple[int, str] | None:
    """Why a body is not one GraphQL operation in JSON, or None. Checked before anything parses it deeply."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return 400, f"the request body is not valid UTF-8 (at byte {e.start})"
    if text.lstrip()[:1] == "[":
        return 400, "batched requests are not accepted: send one operation per request"
    if nesting(text) > MAX_NESTING:
        return 400, f"the request body is nested deeper than {MAX_NESTING} levels"
    try:
        data = json.loads(text)
    except ValueError as e:
        return 400, f"the request body is not valid JSON: {e}"
    if not isinstance(data, dict):
        return 400, 'the request body must be a JSON object: {"query": "…", "variables": {…}}'
    for key, kinds, what in _FIELDS:
        if key in data and not isinstance(data[key], kinds):
            return 400, f"{key} must be {what}"
    return None


def nesting(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (without parsing it, without recursion)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


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
