"""The guard of /graphql against bodies and headers as a hostile client sends them, at the ASGI level where the
HTTP server hands them on: a Content-Length that lies, a body in many pieces, a client that goes away mid-body,
a mount point (``root_path``), digits that are not ASCII."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from api.app import create_app
from api.guard import MAX_BODY
from api.settings import Settings

pytestmark = pytest.mark.neo4j

QUERY = json.dumps({"query": "{ __typename }"}).encode()


def run_asgi(app, scope: dict, messages: list[dict]) -> list[dict]:
    """What ``app`` sends for one request whose body arrives as ``messages`` (then nothing more)."""
    sent: list[dict] = []
    pending = list(messages)

    async def receive() -> dict:
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 60))
    return sent


def scope(headers: list[tuple[bytes, bytes]], path: str = "/graphql", root_path: str = "") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": root_path,
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


@pytest.fixture
def app_and_token(store, tmp_path, authorized_client):
    app = create_app(Settings(home=tmp_path), store=store)
    with authorized_client(app) as client:
        yield app, client.headers["authorization"].encode()


def status_of(sent: list[dict]) -> int | None:
    starts = [m for m in sent if m["type"] == "http.response.start"]
    return starts[0]["status"] if starts else None


def body_of(sent: list[dict]) -> dict:
    return json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))


def headers(token: bytes, length: bytes, kind: bytes = b"application/json") -> list[tuple[bytes, bytes]]:
    return [(b"authorization", token), (b"content-type", kind), (b"content-length", length)]


def test_a_body_longer_than_its_content_length_says_is_refused_as_it_arrives(app_and_token):
    app, token = app_and_token
    big = json.dumps({"query": "{ __typename }", "variables": {"x": "A" * (3 * MAX_BODY)}}).encode()
    pieces = [{"type": "http.request", "body": big[i : i + 1000], "more_body": True} for i in range(0, len(big), 1000)]
    pieces.append({"type": "http.request", "body": b"", "more_body": False})
    sent = run_asgi(app, scope(headers(token, b"10")), pieces)
    assert status_of(sent) == 413
    assert f"larger than {MAX_BODY} bytes" in body_of(sent)["error"]


def test_a_body_in_many_pieces_within_the_limit_is_answered(app_and_token):
    app, token = app_and_token
    pieces = [{"type": "http.request", "body": QUERY[i : i + 3], "more_body": True} for i in range(0, len(QUERY), 3)]
    pieces.append({"type": "http.request", "body": b"", "more_body": False})
    sent = run_asgi(app, scope(headers(token, str(len(QUERY)).encode())), pieces)
    assert status_of(sent) == 200
    assert body_of(sent) == {"data": {"__typename": "Query"}}


def test_a_client_that_goes_away_mid_body_gets_no_answer_and_leaves_no_error(app_and_token, caplog):
    app, token = app_and_token
    caplog.set_level(logging.ERROR)
    sent = run_asgi(
        app,
        scope(headers(token, b"1000")),
        [{"type": "http.request", "body": b'{"query":', "more_body": True}, {"type": "http.disconnect"}],
    )
    assert status_of(sent) is None
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_digits_that_are_not_ascii_are_no_content_length(app_and_token):
    app, token = app_and_token
    sent = run_asgi(
        app, scope(headers(token, "²".encode("latin-1"))), [{"type": "http.request", "body": QUERY, "more_body": False}]
    )
    assert status_of(sent) == 411


def test_the_guard_holds_below_a_mount_point(app_and_token):
    """Served under a prefix (``root_path``, as behind a proxy), /graphql keeps its rules: a form is refused."""
    app, token = app_and_token
    sent = run_asgi(
        app,
        scope(headers(token, str(len(QUERY)).encode(), b"text/plain"), path="/api/graphql", root_path="/api"),
        [{"type": "http.request", "body": QUERY, "more_body": False}],
    )
    assert status_of(sent) == 415


def test_the_servers_log_of_an_unhandled_exception_keeps_its_trace_not_its_message(app_and_token, caplog):
    """uvicorn logs what Starlette hands on after the 500 was sent, on ``uvicorn.error``: the exception's
    message (which may quote a resident's name) stays out of it, the trace and the type stay in."""

    name = "".join(["王", "秀英"])  # not in the source line the trace quotes

    def failing_read() -> None:
        raise ValueError(f"{name} has no household")

    try:
        failing_read()
    except ValueError as e:
        error = e
    caplog.set_level(logging.ERROR, logger="uvicorn.error")
    logging.getLogger("uvicorn.error").error("Exception in ASGI application\n", exc_info=error)
    assert "王秀英" not in caplog.text
    assert "failing_read" in caplog.text and "ValueError (its message withheld" in caplog.text
