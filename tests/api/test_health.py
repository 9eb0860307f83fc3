"""/livez and /readyz over HTTP, with Neo4j up, down and back."""

import time
from urllib.parse import urlparse

from fastapi.testclient import TestClient
from neo4j.exceptions import ServiceUnavailable

from api.app import create_app
from api.settings import Settings
from graph.store import Connection, Store, open_driver
from tests.api.proxy import Relay


def test_ready_when_neo4j_answers(store, tmp_path):
    app = create_app(Settings(home=tmp_path), store=store)
    with TestClient(app) as client:
        assert client.get("/livez").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_readyz_follows_neo4j_down_and_back_without_restart(neo4j_connection, database, tmp_path):
    relay = Relay(urlparse(neo4j_connection.uri).port)
    relay.up()
    conn = Connection(f"bolt://127.0.0.1:{relay.port}", neo4j_connection.user, neo4j_connection.password)
    driver = open_driver(conn)
    try:
        app = create_app(Settings(home=tmp_path), store=Store(driver, database))
        with TestClient(app) as client:
            assert client.get("/readyz").status_code == 200
            relay.down()
            started = time.monotonic()
            down = client.get("/readyz")
            assert down.status_code == 503, down.text
            assert time.monotonic() - started < 2.0  # the probe's contract: an answer within 2 s
            assert down.headers["Retry-After"] == "2"
            assert client.get("/livez").status_code == 200
            relay.up()
            assert client.get("/readyz").status_code == 200
    finally:
        driver.close()


def test_a_failing_readiness_check_that_is_no_outage_is_logged_with_its_trace(store, tmp_path, monkeypatch, caplog):
    def broken(_store):
        raise KeyError("version")  # a bug, not Neo4j being away

    monkeypatch.setattr("api.app.current_version", broken)
    with TestClient(create_app(Settings(home=tmp_path), store=store)) as client, caplog.at_level("ERROR"):
        answer = client.get("/readyz")
    request_id = answer.headers["X-Request-ID"]
    assert answer.status_code == 503
    assert answer.json()["reason"] == f"the readiness check failed: internal error (request id {request_id})"
    logged = [r.getMessage() for r in caplog.records if request_id in r.getMessage()]
    assert logged and "KeyError" in logged[0] and "broken" in logged[0]  # the trace names the failing function


def test_an_outage_is_said_so(store, tmp_path, monkeypatch):
    def away(_store):
        raise ServiceUnavailable("connection refused")

    monkeypatch.setattr("api.app.current_version", away)
    with TestClient(create_app(Settings(home=tmp_path), store=store)) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["reason"] == "Neo4j is unavailable (ServiceUnavailable)"
    assert answer.headers["Retry-After"] == "2"
