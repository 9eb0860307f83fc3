"""HTTP rules of the GraphQL endpoint, and masked server errors.

``/graphql`` takes one operation per ``POST`` of JSON, with a Content-Length of
at most `MAX_BODY` bytes and a body of at most as many, counted as it arrives
(whatever the Content-Length said; a client gone mid-body gets no answer and
leaves no error), below any mount point (``root_path``): no queries over GET, no batches (a JSON array), no
forms; the body must be UTF-8, a JSON object nested at most `MAX_NESTING` deep,
with ``query`` a string and ``variables`` an object. Anything refused gets a
clear JSON error (4xx) with the request id. An
exception no one handled answers 500 with only the request id; its trace (not
its message, which may name people) goes to the server log, and uvicorn's own
log of it keeps the trace and the type only (`WITHHELD`).
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


class _MessagesWithheld(logging.Filter):
    """Starlette hands an unhandled exception on to the server after our 500 is sent, and uvicorn logs it with
    its message, which may name people: the record keeps the trace and the exception's type only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            kind, _, trace = record.exc_info
            name = kind.__name__ if kind else "Exception"
            record.exc_text = "".join(traceback.format_tb(trace)) + f"{name} (its message withheld: it may name people)"
            record.exc_info = None
        return True


WITHHELD = _MessagesWithheld()


def install(app: FastAPI) -> None:
    logging.getLogger("uvicorn.error").addFilter(WITHHELD)  # added once: the same filter object
    app.add_middleware(Guarded)
    app.add_exception_handler(Exception, internal_error)
    for outage in OUTAGES:  # answered inside the middlewares, so the server does not log them as crashes
        app.add_exception_handler(outage, internal_error)


class Guarded:
    """The middleware of /graphql's HTTP rules, pure ASGI: the body it reads to check is handed on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _route_path(scope) != "/graphql":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        problem = graphql_problem(request)
        if problem is None and request.method == "POST":
            body = await _read_body(receive)
            if body is None:
                return  # the client went away mid-body: no one to answer
            if isinstance(body, tuple):
                problem = body
            else:
                problem = body_problem(body)
                receive = _replayed(body, receive)
        if problem:
            status, error = problem
            headers = {"Allow": "POST"} if status == 405 else None
            await refusal(status, error, request.state.request_id, headers)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The request's path below the application's mount point (``root_path``), as the routes see it."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] or "/" if root and path.startswith(root) else path


async def _read_body(receive: Receive) -> bytes | tuple[int, str] | None:
    """The request's body, counted as it arrives: past `MAX_BODY` bytes reading stops (whatever the
    Content-Length said); None when the client disconnects first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return 413, f"the request body is larger than {MAX_BODY} bytes"
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


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


_LENGTH = re.compile(r"[0-9]{1,15}")


def graphql_problem(request: Request) -> tuple[int, str] | None:
    """Why this request to /graphql is refused by its method and headers, or None (its body is checked apart,
    by `body_problem`, as it is read)."""
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
    if not _LENGTH.fullmatch(length):
        return 411, "a Content-Length header is required"
    if int(length) > MAX_BODY:
        return 413, f"the request body is larger than {MAX_BODY} bytes"
    return None


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
