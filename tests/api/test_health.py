"""/livez and /readyz over HTTP, with Neo4j up, down and back."""

import time
from urllib.parse import urlparse

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.store import Connection, Store, open_driver
from tests.api.proxy import Relay


def test_ready_when_neo4j_answers(store, driver, database, tmp_path):
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
            assert client.get("/livez").status_code == 200
            relay.up()
            assert client.get("/readyz").status_code == 200
    finally:
        driver.close()
