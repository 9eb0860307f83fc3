"""QR scan notifications: the `qrScanned` subscription over multipart HTTP, fed by the finder's page.

Every test subscribes through `POST /graphql` (``Accept: multipart/mixed;
subscriptionSpec=1.0``) and scans through the public `/qr/{token}` page. The
stream sends a heartbeat every few seconds, so every wait below is bounded
without timing anything.
"""

import asyncio
import json
import re
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from neo4j.exceptions import ServiceUnavailable

import schema.subscription
from api.app import create_app
from api.settings import Settings
from api.tokens import TokenRequest, issue, token_key
from graph import ids
from graph.tokens import revoke_token
from schema import notify
from schema.notify import Folder, Inbox, ScanFeed
from tests.conftest import DELETE_COMMUNITY

SUBSCRIBE = "subscription($c: String!) { qrScanned(community: $c) { id at residentId name community repeats } }"
ACCEPT = "multipart/mixed;subscriptionSpec=1.0,application/json"
ISSUE = "mutation($id: ID!) { issueQrCode(residentId: $id) { __typename ... on QrCodePayload { path } } }"
WAIT = 60  # seconds: generous bounds on waits, never an assertion about time


@pytest.fixture(scope="module")
def app(store, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"), qr_notify_poll=0.2, qr_rate_per_client=1000)
    return create_app(settings, store=store)


@pytest.fixture
def elsewhere(store, driver, database, tmp_path):
    """A second fresh community with the same small ledger as `seeded`."""
    from loaders.ledger import read_ledger
    from loaders.writer import plan_import, write_plan
    from tests.cli.test_import import ledger_sheets, write_csv_ledger

    name = f"测试社区-{uuid.uuid4().hex[:8]}"
    ledger = read_ledger(write_csv_ledger(tmp_path / "other-ledger", ledger_sheets()), name)
    write_plan(store, plan_import(ledger, hash_national_id=lambda s: "h"))
    yield name
    driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


class Stream:
    """A multipart subscription response, read part by part."""

    def __init__(self, response):
        self.chunks, self.buffer = response.iter_bytes(), b""

    def _part(self) -> dict | None:
        """The next part's JSON ({} for a heartbeat), None when the stream has ended."""
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if sep:
                length = int(re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE)[1])
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            elif b"--graphql--" in self.buffer:
                return None
            chunk = next(self.chunks, None)
            if chunk is None:
                return None
            self.buffer += chunk

    def payload(self) -> dict:
        """The next result ({"data"} or {"errors"}), skipping heartbeats; fails when none comes."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            part = self._part()
            if part is None:
                raise AssertionError("the stream ended")
            if part:
                return part["payload"]
        raise AssertionError(f"nothing but heartbeats for {WAIT} s")

    def events_until(self, resident: str) -> list[dict]:
        """The events received up to and including the first one of ``resident``."""
        events = []
        while not events or events[-1]["residentId"] != resident:
            payload = self.payload()
            assert "errors" not in payload, payload
            events.append(payload["data"]["qrScanned"])
        return events

    def ended(self) -> bool:
        """Whether the stream ends after heartbeats only."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            part = self._part()
            if part is None:
                return True
            assert not part, part
        return False


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


@contextmanager
def subscribed(client, app, community, query=SUBSCRIBE):
    """A live `qrScanned` subscription: entered once the process's feed has registered it."""
    feed = app.state.qr_feed
    before = feed.subscribers()
    with client.stream(
        "POST", "/graphql", json={"query": query, "variables": {"c": community}}, headers={"Accept": ACCEPT}
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("multipart/mixed")
        wait_until(lambda: feed.subscribers() > before)
        yield Stream(response)
    wait_until(lambda: feed.subscribers() == before)


def first_payload(client, community, query=SUBSCRIBE) -> dict:
    with client.stream(
        "POST", "/graphql", json={"query": query, "variables": {"c": community}}, headers={"Accept": ACCEPT}
    ) as response:
        assert response.status_code == 200, response.read()
        return Stream(response).payload()


def codes(staff, community, *local_ids) -> dict[str, str]:
    """Issue QR codes; their finder's paths by stable resident id."""
    paths = {}
    for local in local_ids:
        rid = ids.resident_id(community, local)
        answer = staff.post("/graphql", json={"query": ISSUE, "variables": {"id": rid}}).json()["data"]["issueQrCode"]
        assert answer["__typename"] == "QrCodePayload", answer
        paths[rid] = answer["path"]
    return paths


def scan(app, path: str) -> None:
    with TestClient(app, client=("198.51.100.7", 4000)) as finder:  # a passer-by's phone: no token
        assert finder.get(path).status_code == 200


def test_staff_hear_of_a_scan_once_per_window(app, authorized_client, seeded):
    with authorized_client(app, role="staff", community=seeded) as staff:
        paths = codes(staff, seeded, "A1", "A3", "A5")
        a1, a3, a5 = paths
        with subscribed(staff, app, seeded) as stream:
            scan(app, paths[a1])
            first = stream.events_until(a1)
            scan(app, paths[a1])  # the finder reloads: within the window, no second event
            scan(app, paths[a3])
            scan(app, paths[a5])  # a later scan still: an event of a1's second scan would come before a5's
            rest = stream.events_until(a3) + stream.events_until(a5)
    assert [(e["residentId"], e["name"], e["community"], e["repeats"]) for e in first] == [(a1, "王秀英", seeded, 0)]
    assert [e["residentId"] for e in rest] == [a3, a5]
    assert datetime.fromisoformat(first[0]["at"]).tzinfo is not None
    assert len({e["id"] for e in first + rest}) == 3


def test_scans_of_another_community_are_not_heard(app, authorized_client, seeded, elsewhere):
    with authorized_client(app) as admin:
        here, there = codes(admin, seeded, "A1"), codes(admin, elsewhere, "A1")
        with authorized_client(app, role="staff", community=seeded) as staff, subscribed(staff, app, seeded) as s:
            scan(app, *there.values())
            scan(app, *here.values())
            events = s.events_until(*here)
    assert [e["residentId"] for e in events] == list(here)


def test_a_leader_hears_only_of_elders_in_reach(app, authorized_client, seeded):
    with authorized_client(app, role="staff", community=seeded) as staff:
        paths = codes(staff, seeded, "A5", "A1")  # A5 lives in grid 2, A1 in grid 1
    a5, a1 = paths
    with (
        authorized_client(app, role="grid_leader", community=seeded, scope="grid:1") as leader,
        subscribed(leader, app, seeded) as stream,
    ):
        scan(app, paths[a5])
        scan(app, paths[a1])
        events = stream.events_until(a1)
    assert [e["residentId"] for e in events] == [a1]


def test_another_community_or_an_unknown_one_is_not_found(app, authorized_client, seeded, elsewhere):
    with authorized_client(app, role="staff", community=elsewhere) as stranger:
        refused = first_payload(stranger, seeded)
    with authorized_client(app) as admin:
        unknown = first_payload(admin, "没有这个社区")
    for answer in refused, unknown:
        assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert app.state.qr_feed.subscribers() == 0


def test_a_bad_token_is_refused(app, seeded):
    with (
        TestClient(app, headers={"Authorization": "Bearer gc_not-a-token"}) as client,
        client.stream(
            "POST", "/graphql", json={"query": SUBSCRIBE, "variables": {"c": seeded}}, headers={"Accept": ACCEPT}
        ) as response,
    ):
        response.read()
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "invalid token"


def test_a_revoked_token_ends_the_stream(store, app, driver, database, seeded, monkeypatch):
    monkeypatch.setattr(schema.subscription, "RECHECK", 0.2)
    token, record = issue(
        store,
        token_key(app.state.settings),
        TokenRequest(role="staff", community=seeded, label="tests", expires_at=datetime.now(UTC) + timedelta(hours=1)),
    )
    try:
        with (
            TestClient(app, headers={"Authorization": f"Bearer {token}"}) as staff,
            subscribed(staff, app, seeded) as stream,
        ):
            revoke_token(store, record.id)
            payload = stream.payload()
            assert stream.ended()
    finally:
        driver.execute_query("MATCH (t:ApiToken {id: $id}) DETACH DELETE t", id=record.id, database_=database)
    assert payload["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_limits_apply_and_only_subscriptions_stream(app, authorized_client, seeded):
    aliases = (
        "subscription($c: String!) { qrScanned(community: $c) { " + " ".join(f"a{i}: id" for i in range(40)) + " } }"
    )
    tokens = "subscription($c: String!) { qrScanned(community: $c) { " + "id " * 3000 + "} }"
    with authorized_client(app, role="staff", community=seeded) as staff:
        too_many_aliases = first_payload(staff, seeded, aliases)
        too_long = first_payload(staff, seeded, tokens)
        over_get = staff.get(
            "/graphql", params={"query": SUBSCRIBE, "variables": json.dumps({"c": seeded})}, headers={"Accept": ACCEPT}
        )
        not_streamed = staff.post("/graphql", json={"query": SUBSCRIBE, "variables": {"c": seeded}}).json()
        query_streamed = first_payload(staff, seeded, "{ communities { name } }")
    assert "40 aliases found. Allowed: 30" in too_many_aliases["errors"][0]["message"]
    assert "more than 2000 tokens" in too_long["errors"][0]["message"]
    assert over_get.status_code == 405
    assert "subscriptionSpec=1.0" in not_streamed["errors"][0]["message"]
    assert "only subscriptions stream" in query_streamed["errors"][0]["message"]
    for refused in not_streamed, query_streamed:
        assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_folding_counts_the_scans_within_the_window():
    fold, t0 = Folder(timedelta(minutes=10)).fold, datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    answers = [
        fold("r1", t0),
        fold("r1", t0 + timedelta(minutes=1)),
        fold("r2", t0 + timedelta(minutes=2)),
        fold("r1", t0 + timedelta(minutes=9)),
        fold("r1", t0 + timedelta(minutes=10)),
        fold("r1", t0 + timedelta(minutes=30)),
    ]
    assert answers == [0, None, 0, None, 2, 0]
    every = Folder(timedelta(0)).fold
    assert [every("r1", t0), every("r1", t0)] == [0, 0]


def test_polls_forward_each_scan_once_late_commits_included(monkeypatch):
    t0 = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)

    def at(seconds):
        return t0 + timedelta(seconds=seconds)

    a, b, c = (("a", at(0.5), "X", "r1", "甲"), ("b", at(0.9), "X", "r2", "乙"), ("c", at(1.8), "X", "r1", "甲"))
    script = [(at(1), [a]), (at(2), [a, c]), (at(3), [a, b, c])]  # b commits late: its clock says 0.9
    asked = []

    def scans_since(store, communities, since, limit):
        asked.append((communities, since))
        return script.pop(0)

    monkeypatch.setattr(notify.qr, "scans_since", scans_since)

    async def run():
        poller = notify._Poller(ScanFeed(), asyncio.get_running_loop(), store=None)
        poller.task = asyncio.get_running_loop().create_future()  # polled by hand below
        first = Inbox("X", t0)
        poller.add(first)
        got = []
        for _ in script[:]:
            await poller.poll()
            while not first.queue.empty():
                got += [s.id for s in first.queue.get_nowait()]
        late = Inbox("X", at(0.7))  # joins after all three were read: hears of b and c
        poller.add(late)
        return got, [s.id for s in late.queue.get_nowait()]

    got, late = asyncio.run(run())
    assert got == ["a", "c", "b"] and late == ["b", "c"]
    assert asked[0] == (["X"], t0) and all(since == t0 for _, since in asked)  # reads back 30 s each time


@pytest.mark.parametrize(
    "error, level, says",
    [
        (ServiceUnavailable("refused"), "WARNING", "Neo4j is unavailable (ServiceUnavailable)"),
        (KeyError("rows"), "ERROR", "failed with KeyError (not an outage)"),
    ],
)
def test_a_failing_poll_says_whether_the_store_is_away_or_something_is_wrong(monkeypatch, caplog, error, level, says):
    calls = []

    def failing(*_args):
        calls.append(1)
        raise error

    monkeypatch.setattr(notify.qr, "scans_since", failing)

    async def run():
        feed = ScanFeed(poll=0.01)
        poller = notify._Poller(feed, asyncio.get_running_loop(), store=None)
        poller.inboxes.add(Inbox("X", datetime(2025, 1, 1, tzinfo=UTC)))
        task = asyncio.create_task(poller.run())
        while len(calls) < 5:  # it keeps retrying
            await asyncio.sleep(0.01)
        task.cancel()

    with caplog.at_level("INFO", logger="gridcare.notify"):
        asyncio.run(run())
    said = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert len(said) == 1 and said[0][0] == level and says in said[0][1], said  # once, however many polls failed
    if level == "ERROR":
        assert "failing" in said[0][1]  # the trace, so a bug does not pass for an outage
