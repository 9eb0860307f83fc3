"""A Neo4j that goes away under a running server: 503 with Retry-After at once on every route, and back again.

Each test serves an app whose store reaches the session's Neo4j through a TCP
relay (`tests.api.proxy.Relay`) that the test cuts (a stopped Neo4j: connections
refused), stalls (a hung one: connections accepted, never answered) and restores.
The requirement is an answer within 2 s; the assertions only guard against the
old behaviour (15 s and more) with a generous `GUARD`, since these machines are
noisy.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from neo4j.exceptions import ServiceUnavailable

import schema.subscription
from api.app import create_app
from api.settings import Settings
from graph.store import Connection, Store, open_driver
from graph.store.migrations import current_version
from schema.outages import MESSAGE
from tests.api.proxy import Relay
from tests.api.test_notifications import subscribed

GUARD = 5.0  # seconds: far under the 15 s and more of a driver that retries, far over the 2 s required
QUERY = "{ communities { name } }"
MUTATION = 'mutation { joinTeam(residentId: "nowhere/r/A1", team: "巡逻队") { __typename } }'
UNAVAILABLE = {"data": None, "errors": [{"message": MESSAGE, "extensions": {"code": "UNAVAILABLE"}}]}


@pytest.fixture
def relay(neo4j_connection):
    relay = Relay(urlparse(neo4j_connection.uri).port)
    relay.up()
    yield relay
    relay.down()


@pytest.fixture
def relayed(relay, neo4j_connection, database):
    """A store of its own (its own driver and breaker) that reaches Neo4j through ``relay``."""
    conn = Connection(f"bolt://127.0.0.1:{relay.port}", neo4j_connection.user, neo4j_connection.password)
    driver = open_driver(conn)
    yield Store(driver, database)
    driver.close()


def timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def post(client, query: str = QUERY):
    return client.post("/graphql", json={"query": query})


def assert_unavailable(answer, took: float) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "2"
    assert answer.headers["X-Request-ID"]
    assert took < GUARD


@pytest.mark.parametrize("cut", ["down", "stall"])
def test_graphql_with_a_token_answers_503_while_neo4j_is_away_and_answers_again_once_back(
    relayed, relay, authorized_client, tmp_path, cut
):
    app = create_app(Settings(home=tmp_path), store=relayed)
    with authorized_client(app) as client:  # a valid token, issued before Neo4j goes away
        assert post(client).status_code == 200
        getattr(relay, cut)()
        for _ in range(3):  # the first meets the outage; the next fail fast or probe, one at a time
            answer, took = timed(lambda: post(client))
            assert_unavailable(answer, took)  # the token look-up met it: the auth middleware answers
            assert answer.json() == {"error": MESSAGE, "request_id": answer.headers["X-Request-ID"]}
        relay.down()
        relay.up()
        back = post(client)
        assert back.status_code == 200 and "errors" not in back.json(), back.text


@pytest.mark.parametrize("operation", [QUERY, MUTATION])
def test_a_resolver_meeting_an_outage_answers_unavailable_without_a_trace(relayed, relay, tmp_path, operation, caplog):
    app = create_app(Settings(home=tmp_path, auth="off"), store=relayed)  # no token look-up: the resolver meets it
    with TestClient(app) as client, caplog.at_level("INFO"):
        assert post(client, operation).status_code == 200
        relay.down()
        for _ in range(3):
            answer, took = timed(lambda: post(client, operation))
            assert_unavailable(answer, took)
            assert answer.json() == UNAVAILABLE
        relay.up()
        back = post(client, operation)
        assert back.status_code == 200 and "errors" not in back.json(), back.text
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelname != "DEBUG"]
    assert not [m for level, m in logged if level == "ERROR"], logged  # an outage is no bug: no trace
    said = [m for _, m in logged if "Neo4j" in m]
    assert len(said) == 2 and "unavailable" in said[0] and "answers again" in said[1], said  # said once each


def test_the_finder_page_answers_503_in_chinese_while_neo4j_is_down(relayed, relay, tmp_path):
    app = create_app(Settings(home=tmp_path, hotline="0431-12345678"), store=relayed)
    with TestClient(app, client=("198.51.100.7", 4000)) as finder:
        assert finder.get("/qr/no-such-code").status_code == 404
        relay.down()
        page, took = timed(lambda: finder.get("/qr/no-such-code"))
        assert_unavailable(page, took)
        assert page.headers["content-type"].startswith("text/html") and page.headers["Cache-Control"] == "no-store"
        assert "tel:0431-12345678" in page.text and "tel:110" in page.text  # whom to call, without the database
        relay.up()
        assert finder.get("/qr/no-such-code").status_code == 404


def test_readyz_answers_503_with_retry_after_while_neo4j_is_down(relayed, relay, tmp_path):
    app = create_app(Settings(home=tmp_path), store=relayed)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        relay.down()
        answer, took = timed(lambda: client.get("/readyz"))
        assert_unavailable(answer, took)
        relay.up()
        assert client.get("/readyz").status_code == 200


def test_a_timed_out_readiness_check_leaves_no_thread_behind(relayed, relay, tmp_path, monkeypatch):
    running, lock = [0], threading.Lock()

    def counted(store):
        with lock:
            running[0] += 1
        try:
            return current_version(store)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr("api.app.current_version", counted)
    monkeypatch.setattr("api.app.READY_TIMEOUT", 0.2)  # answers before the check gives up on a hung Neo4j
    app = create_app(Settings(home=tmp_path), store=relayed)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        relay.stall()
        answer = client.get("/readyz")
        assert answer.status_code == 503 and answer.json()["reason"] == "Neo4j did not answer in time"
        assert answer.headers["Retry-After"] == "2"
        assert running[0] == 1  # still waiting for the hung Neo4j when the answer went out…
        deadline = time.monotonic() + GUARD
        while running[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running[0] == 0  # …and it gave up soon after, instead of retrying for 15 s
        relay.down()
        relay.up()
        assert client.get("/readyz").status_code == 200


def test_an_outage_met_by_any_other_route_answers_503_and_logs_no_crash(tmp_path, caplog):
    app = create_app(Settings(home=tmp_path, auth="off"), store=object())  # the route does not reach it

    async def away():
        raise ServiceUnavailable("connection refused")

    app.add_api_route("/away", away)
    app.router.routes.insert(0, app.router.routes.pop())  # before the console's fallback, which answers any GET
    with TestClient(app) as client, caplog.at_level("ERROR"):
        answer = client.get("/away")  # the test client would raise a crash the server logged
    assert_unavailable(answer, 0.0)
    assert answer.json() == {"error": MESSAGE, "request_id": answer.headers["X-Request-ID"]}
    assert not caplog.records


def test_while_neo4j_is_away_concurrent_requests_fail_fast(relayed, relay, tmp_path):
    """One caller at a time probes; the others do not wait for a connection that will not come."""
    app = create_app(Settings(home=tmp_path, auth="off"), store=relayed)
    with TestClient(app) as client:
        assert post(client).status_code == 200
        relay.stall()  # a hung Neo4j: each connection attempt costs its timeout
        assert post(client).status_code == 503  # trips the breaker
        answers: list = []

        def ask():
            answers.append(timed(lambda: post(client)))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert [a.status_code for a, _ in answers] == [503] * 8
        assert max(took for _, took in answers) < GUARD
        relay.down()
        relay.up()
        assert post(client).status_code == 200


def test_a_live_subscription_ends_with_unavailable_when_neo4j_goes_away(
    relayed, relay, tmp_path, seeded, authorized_client, monkeypatch
):
    monkeypatch.setattr(schema.subscription, "RECHECK", 0.5)  # it asks the store again every half second
    app = create_app(Settings(home=tmp_path, qr_notify_poll=0.2), store=relayed)
    with authorized_client(app) as client, subscribed(client, app, seeded) as stream:
        relay.down()
        payload, took = timed(stream.payload)
        assert payload == UNAVAILABLE and took < GUARD
        assert stream.ended()
