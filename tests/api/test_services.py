"""Home services, matters, points and wills over GraphQL/HTTP with tokens of each role, the clock pinned.

The seeded community (`tests/cli/test_import.py`): A1 王秀英 (1941, alone) and A2 (grid 1 leader, cares for A1)
in unit 1-1; A3 in unit 1-2; A4 (patrol team) and A5 (legal-aid team) in grid 2, building 2, unit 1.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, time

import pytest

from analysis import domain
from graph import ids
from tests.api.conftest import data, gql
from tests.cli.test_import import snapshot

TODAY = date(2026, 6, 15)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=domain.zone())

ASK = """mutation($i: RequestServiceInput!) { requestService(input: $i) { __typename
  ... on RequestPayload { replayed request { id status kind asker askedBy { residentId } elder { residentId } } }
  ... on NotFound { kind id } ... on Invalid { field reason } } }"""
ACCEPT = """mutation($id: ID!, $p: ID, $t: String, $k: String) { acceptRequest(id: $id, providerId: $p, team: $t,
  idempotencyKey: $k) { __typename ... on RequestPayload { request { status provider { residentId } } }
  ... on IllegalTransition { status action reason } ... on Invalid { field reason } ... on Conflict { reason }
  ... on NotFound { kind } } }"""
COMPLETE = """mutation($id: ID!, $m: Int, $k: String) { completeRequest(id: $id, minutes: $m, idempotencyKey: $k) {
  __typename ... on RequestPayload { replayed request { status points minutes } }
  ... on IllegalTransition { status action } ... on Conflict { reason } ... on NotFound { kind } } }"""
CANCEL = """mutation($id: ID!) { cancelRequest(id: $id, reason: "老人住院了") { __typename
  ... on RequestPayload { request { status } } ... on IllegalTransition { status action } } }"""
SUGGEST = """query($id: ID!) { dispatchSuggestions(requestId: $id) { rank providerId team fits proximity openWork
  reason } }"""
STATEMENT = """query($id: ID!) { pointsStatement(residentId: $id, year: 2026) { balance earned spent
  movements { kind amount points } } }"""
HISTORY = "query($id: ID!) { serviceRequest(id: $id) { status history { action fromStatus toStatus by why } } }"


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(domain, "clock", lambda: NOW)


def rid(c: str, local: str) -> str:
    return ids.resident_id(c, local)


def ask(client, c, local="A1", **more):
    answer = gql(client, ASK, i={"residentId": rid(c, local), "kind": "BATHING", **more})["data"]["requestService"]
    assert answer["__typename"] == "RequestPayload", answer
    return answer["request"]


def test_a_requests_whole_life_over_http_pays_once(app, authorized_client, client, seeded):
    # the bathing team does baths; A3 is a member, in the elder's grid and building but another unit
    data(
        client,
        'mutation($c: String!) { addGift(community: $c, name: "肥皂", points: 5, stock: 1) { __typename } }',
        c=seeded,
    )
    for local, team in (("A3", "助老服务队"), ("A5", "助老服务队"), ("A4", "理发服务队")):
        data(
            client,
            "mutation($id: ID!, $t: String!) { joinTeam(residentId: $id, team: $t) { __typename } }",
            id=rid(seeded, local),
            t=team,
        )
    leader = {"role": "grid_leader", "community": seeded, "scope": "grid:1", "resident": "A2"}
    with authorized_client(app, **leader) as a2:
        request = ask(a2, seeded, note="行动不便，需要两人")
        assert request["asker"] == "LEADER" and request["askedBy"] == {"residentId": "A2"}
        ranked = data(a2, SUGGEST, id=request["id"])
    assert [(s["providerId"], s["fits"], s["proximity"]) for s in ranked] == [
        (rid(seeded, "A3"), True, "building"),  # same building, does baths
        (rid(seeded, "A5"), True, "community"),  # does baths, lives elsewhere
        (rid(seeded, "A4"), False, "community"),  # a barber: listed last
    ]
    assert ranked[0]["reason"] == "助老服务队 · 同楼栋 · 手头没有未完成的事"
    with authorized_client(app, role="volunteer", community=seeded, resident="A3") as a3:
        taken = gql(a3, ACCEPT, id=request["id"], k="acc-1")["data"]["acceptRequest"]
        assert taken == {
            "__typename": "RequestPayload",
            "request": {"status": "ACCEPTED", "provider": {"residentId": "A3"}},
        }
        elder = gql(
            a3, "query($id: ID!) { serviceRequest(id: $id) { note elder { name healthNotes } } }", id=request["id"]
        )["data"]["serviceRequest"]
        assert elder == {"note": "行动不便，需要两人", "elder": {"name": "王秀英", "healthNotes": None}}
        first = gql(a3, COMPLETE, id=request["id"], m=60, k="done-1")["data"]["completeRequest"]
        again = gql(a3, COMPLETE, id=request["id"], m=60, k="done-1")["data"]["completeRequest"]
        other = gql(a3, COMPLETE, id=request["id"], m=60, k="done-2")["data"]["completeRequest"]
        mine = data(a3, STATEMENT, id=rid(seeded, "A3"))
    assert first == {
        "__typename": "RequestPayload",
        "replayed": False,
        "request": {"status": "DONE", "points": 18, "minutes": 60},
    }  # bathing 8 + 1 h at 10
    assert again["replayed"] is True
    assert other == {"__typename": "IllegalTransition", "status": "done", "action": "complete"}
    assert mine == {
        "balance": 18,
        "earned": 18,
        "spent": 0,
        "movements": [{"kind": "REQUEST", "amount": 18, "points": 18}],
    }
    history = data(client, HISTORY, id=request["id"])["history"]
    assert [(h["action"], h["fromStatus"], h["toStatus"]) for h in history] == [
        ("ask", None, "requested"),
        ("accept", "requested", "accepted"),
        ("complete", "accepted", "done"),
    ]


def test_illegal_transitions_and_redemptions_change_nothing(store, client, seeded):
    request = ask(client, seeded, "A3")
    data(client, CANCEL, id=request["id"])
    data(
        client,
        'mutation($c: String!) { addGift(community: $c, name: "大米", points: 30, stock: 1) { __typename } }',
        c=seeded,
    )
    gift = data(client, "query($c: String!) { gifts(community: $c) { id } }", c=seeded)[0]["id"]
    data(
        client,
        'mutation($id: ID!) { awardGoodDeed(residentId: $id, points: 40, reason: "扫雪", idempotencyKey: '
        '"d1") { __typename } }',
        id=rid(seeded, "A4"),
    )
    redeem = (
        "mutation($id: ID!, $g: ID!, $k: String!) { redeemGift(residentId: $id, giftId: $g, idempotencyKey: $k)"
        " { __typename ... on InsufficientPoints { balance needed } ... on OutOfStock { gift } } }"
    )
    data(client, redeem, id=rid(seeded, "A4"), g=gift, k="g1")  # the only one: 10 points left, none on the shelf
    before = snapshot(store, seeded)
    assert data(client, COMPLETE, id=request["id"]) == {
        "__typename": "IllegalTransition",
        "status": "cancelled",
        "action": "complete",
    }
    assert data(client, ACCEPT, id=request["id"], p=rid(seeded, "A4"))["__typename"] == "IllegalTransition"
    assert data(client, redeem, id=rid(seeded, "A4"), g=gift, k="g2") == {"__typename": "OutOfStock", "gift": "大米"}
    assert snapshot(store, seeded) == before
    data(client, "mutation($g: ID!) { restockGift(giftId: $g, count: 1) { __typename } }", g=gift)
    before = snapshot(store, seeded)
    short = data(client, redeem, id=rid(seeded, "A4"), g=gift, k="g3")
    assert short == {"__typename": "InsufficientPoints", "balance": 10, "needed": 30}
    assert snapshot(store, seeded) == before


def test_nobody_accepts_their_own_request(app, authorized_client, seeded):
    with authorized_client(app, role="volunteer", community=seeded, resident="A2") as a2:
        request = ask(a2, seeded, "A1", asker="FAMILY")  # A2 asks for A1, whom they care for
        own = gql(a2, ACCEPT, id=request["id"])["data"]["acceptRequest"]
        assert own["__typename"] == "IllegalTransition" and "own request" in own["reason"]
        other = gql(a2, ACCEPT, id=request["id"], p=rid(seeded, "A3"))["data"]["acceptRequest"]
        assert other["__typename"] == "Invalid" and other["field"] == "providerId"


def test_volunteers_see_open_requests_of_their_grid_and_their_own_work(app, authorized_client, client, seeded):
    near = ask(client, seeded, "A3")  # grid 1
    far = ask(client, seeded, "A5")  # grid 2
    listing = """query($c: String!) { serviceRequests(community: $c) { totalCount
      edges { node { id building unit elder { name } } } } }"""
    with authorized_client(app, role="volunteer", community=seeded, resident="A2") as a2:
        seen = data(a2, listing, c=seeded)
        assert seen["totalCount"] == 1
        assert seen["edges"][0]["node"] == {"id": near["id"], "building": "1", "unit": "2", "elder": None}
        assert gql(a2, HISTORY, id=far["id"])["data"]["serviceRequest"] is None
        gql(a2, ACCEPT, id=near["id"])
    data(client, ACCEPT, id=far["id"], p=rid(seeded, "A4"))
    with authorized_client(app, role="volunteer", community=seeded, resident="A2") as a2:
        assert data(a2, listing, c=seeded)["totalCount"] == 1  # accepted by them: their own work now
    with authorized_client(app, role="volunteer", community=seeded, resident="A1") as a1:
        assert data(a1, listing, c=seeded)["totalCount"] == 0  # grid 1's request is open no more, and not A1's


def test_a_matter_goes_to_the_grids_mediator_and_its_life_is_recorded(app, authorized_client, client, store, seeded):
    store.write(
        "mediator",
        "MATCH (r:Resident {id: $r}), (g:Grid {id: $g}) CREATE (r)-[:SERVES {role: 'dispute_mediator'}]->(g)",
        r=rid(seeded, "A3"),
        g=f"{seeded}/g/1",
    )
    report = """mutation($i: ReportMatterInput!) { reportMatter(input: $i) { __typename
      ... on MatterPayload { matter { id status grid building unit escalation } } ... on NotFound { kind } } }"""
    leader = {"role": "grid_leader", "community": seeded, "scope": "grid:1", "resident": "A2"}
    with authorized_client(app, **leader) as a2:
        m = data(
            a2,
            report,
            i={
                "community": seeded,
                "kind": "DISPUTE",
                "summary": "噪音纠纷",
                "residentId": rid(seeded, "A1"),
                "category": "ESCALATED_CONFLICT",
            },
        )["matter"]
        assert (m["status"], m["grid"], m["unit"], m["escalation"]) == ("REPORTED", "1", "1", "NONE")
        assign = """mutation($id: ID!) { assignMatter(id: $id) {
          ... on MatterPayload { matter { assignee { residentId } } } } }"""
        assert data(a2, assign, id=m["id"])["matter"]["assignee"] == {"residentId": "A3"}
        close = (
            "mutation($id: ID!) { closeMatter(id: $id, satisfaction: SATISFIED) { __typename "
            "... on IllegalTransition { status reason } } }"
        )
        assert data(a2, close, id=m["id"]) == {
            "__typename": "IllegalTransition",
            "status": "assigned",
            "reason": "it has not been handled yet",
        }
    with authorized_client(app, role="volunteer", community=seeded, resident="A3") as a3:
        handle = 'mutation($id: ID!) { handleMatter(id: $id, note: "双方和解") { __typename } }'
        assert data(a3, handle, id=m["id"]) == {"__typename": "MatterPayload"}
    data(client, "mutation($id: ID!) { closeMatter(id: $id, satisfaction: SATISFIED) { __typename } }", id=m["id"])
    found = data(
        client, "query($id: ID!) { matter(id: $id) { status satisfaction history { action by } } }", id=m["id"]
    )
    assert found["status"] == "CLOSED" and found["satisfaction"] == "SATISFIED"
    assert [h["action"] for h in found["history"]] == ["report", "assign", "handle", "close"]
    zeros = data(
        client,
        "query($c: String!) { eightZeros(community: $c, year: 2026) { zero counts { category count } } }",
        c=seeded,
    )
    assert zeros["zero"] is False and {"category": "ESCALATED_CONFLICT", "count": 1} in zeros["counts"]


def test_the_will_registry_is_for_staff_and_every_read_is_logged(app, authorized_client, client, seeded):
    register = """mutation($i: RegisterWillInput!) { registerWill(input: $i) { __typename
      ... on WillPayload { will { id inForce } } } }"""
    data(
        client,
        register,
        i={
            "residentId": rid(seeded, "A1"),
            "registeredOn": "2024-05-01",
            "custodian": "社区档案室",
            "witnesses": ["李建国", "刘凤霞"],
        },
    )
    query = "query($id: ID!) { resident(id: $id) { name wills { registeredOn custodian witnesses inForce } } }"
    leader = {"role": "grid_leader", "community": seeded, "scope": "grid:1", "resident": "A2"}
    for token in (leader, {"role": "volunteer", "community": seeded, "resident": "A2"}):
        with authorized_client(app, **token) as other:
            assert data(other, query, id=rid(seeded, "A1")) == {"name": "王秀英", "wills": None}
    log = "query($c: String!) { accessLog(community: $c) { fields actorRole } }"
    assert {"fields": ["will"], "actorRole": "staff"} not in data(client, log, c=seeded)
    with authorized_client(app, role="staff", community=seeded) as staff:
        found = data(staff, query, id=rid(seeded, "A1"))["wills"]
        assert found == [
            {
                "registeredOn": "2024-05-01",
                "custodian": "社区档案室",
                "witnesses": ["李建国", "刘凤霞"],
                "inForce": True,
            }
        ]
        data(staff, query, id=rid(seeded, "A1"))
        entries = [e for e in data(staff, log, c=seeded) if e["fields"] == ["will"]]
    assert entries == [{"fields": ["will"], "actorRole": "staff"}] * 2
    offers = gql(client, "query($c: String!) { willOffers(community: $c) { residentId } }", c=seeded)
    assert offers["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # the community has not turned the list on


def test_the_month_report_counts_requests_by_kind(client, seeded):
    for local, kind in (("A1", "BATHING"), ("A3", "MEALS"), ("A1", "MEALS")):
        ask(client, seeded, local, kind=kind)
    done = ask(client, seeded, "A5", kind="HAIRCUT")
    data(client, ACCEPT, id=done["id"], p=rid(seeded, "A4"))
    data(client, COMPLETE, id=done["id"], m=20)
    report = data(
        client,
        """query($c: String!) { servicesReport(community: $c, month: "2026-06") {
      requestedByKind { kind count } doneByKind { kind count } topAskers { residentId requests }
      byGrid { grid requestedByKind { kind count } } } }""",
        c=seeded,
    )
    assert report["requestedByKind"] == [
        {"kind": "HAIRCUT", "count": 1},
        {"kind": "BATHING", "count": 1},
        {"kind": "MEALS", "count": 2},
    ]
    assert report["doneByKind"] == [{"kind": "HAIRCUT", "count": 1}]
    assert report["topAskers"][0] == {"residentId": "A1", "requests": 2}
    assert [g["grid"] for g in report["byGrid"]] == ["1", "2"]


BOARD = "subscription($c: String!) { serviceBoard(community: $c) { action status caseKind kind request { id } } }"


def test_the_service_board_streams_new_requests_to_those_who_see_them(app, client, seeded):
    from tests.api.test_notifications import ACCEPT as MULTIPART
    from tests.api.test_notifications import WAIT
    from tests.api.test_visits import time_monotonic, wait_for

    got: dict = {}

    def first_event() -> None:
        with client.stream(
            "POST", "/graphql", json={"query": BOARD, "variables": {"c": seeded}}, headers={"Accept": MULTIPART}
        ) as response:
            assert response.status_code == 200
            started = time_monotonic()
            for line in response.iter_lines():
                if line.startswith("{") and '"payload"' in line and '"data"' in line:
                    got.update(json.loads(line)["payload"]["data"]["serviceBoard"])
                    return
                if time_monotonic() - started > WAIT:
                    return

    listener = threading.Thread(target=first_event)
    listener.start()
    wait_for(lambda: app.state.board_feed.subscribers() == 1)
    request = ask(client, seeded, "A3", kind="MEDICINE")
    listener.join(WAIT)
    assert got == {
        "action": "ask",
        "status": "requested",
        "caseKind": "request",
        "kind": "medicine",
        "request": {"id": request["id"]},
    }


@pytest.mark.parametrize(
    "query",
    [
        '{ matters(community: "没有这个社区") { totalCount } }',
        '{ servicesReport(community: "没有这个社区", month: "2026-06") { month } }',
        '{ eightZeros(community: "没有这个社区") { zero } }',
        '{ serviceSettings(community: "没有这个社区") { windowHours } }',
    ],
)
def test_an_unknown_community_is_not_found_for_an_admin_too(client, query):
    assert gql(client, query)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
