"""Visits and the visiting programme over GraphQL/HTTP, on the seeded community with the clock pinned.

The seeded community (`tests/cli/test_import.py`): A1 王秀英 (1941, lives alone, 101), A2 (1950, alone in 102,
leads grid 1, cares for A1), A3 (1952, alone in 201), A4 (1990) and A5 (1958) in building 2. On the pinned day
(2026-06-15) A1 is 85, living alone: HIGH; A2, A3 and A5 live in households of elders only: GENERAL; A4 is
outside the programme.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest

from analysis import domain
from graph import ids
from tests.api.conftest import gql
from tests.cli.test_import import snapshot

TODAY = date(2026, 6, 15)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=domain.zone())

RECORD = """mutation($i: RecordVisitInput!) { recordVisit(input: $i) { __typename
  ... on VisitPayload { visit { id day mode outcome contact byStaff resident { residentId } visitor { residentId } } }
  ... on NotFound { kind id } ... on Invalid { field reason } ... on Conflict { reason } } }"""
WITHDRAW = """mutation($id: ID!, $why: String!) { withdrawVisit(id: $id, reason: $why) { __typename
  ... on VisitPayload { visit { withdrawn withdrawnWhy } } ... on NotFound { kind } ... on Conflict { reason } } }"""
RESIDENT = """query($id: ID!, $d: Date) { resident(id: $id) { careTier(asOf: $d) careTierExplicit
  lastContact(asOf: $d) nextVisitDue(asOf: $d) visits(first: 5) { totalCount edges { node { id outcome note
  withdrawn } } } } }"""
TIER = """mutation($id: ID!, $t: CareTier) { setCareTier(residentId: $id, tier: $t) { __typename
  ... on ResidentPayload { resident { careTier careTierExplicit } } } }"""


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(domain, "clock", lambda: NOW)


def rid(seeded: str, local: str) -> str:
    return ids.resident_id(seeded, local)


def visit(seeded, local="A1", **fields):
    return {"residentId": rid(seeded, local), "at": "2026-06-15T09:30:00", **fields}


def test_a_visit_by_staff_is_a_contact_and_moves_the_due_day(client, seeded):
    before = gql(client, RESIDENT, id=rid(seeded, "A1"), d="2026-06-15")["data"]["resident"]
    assert before["careTier"] == "HIGH" and before["lastContact"] is None and before["nextVisitDue"] == "2026-06-15"
    done = gql(client, RECORD, i=visit(seeded, note="血压偏高，已提醒服药"))["data"]["recordVisit"]
    assert done["__typename"] == "VisitPayload"
    assert done["visit"] | {"id": None} == {
        "id": None,
        "day": "2026-06-15",
        "mode": "HOME",
        "outcome": "OK",
        "contact": True,
        "byStaff": True,
        "resident": {"residentId": "A1"},
        "visitor": None,
    }
    after = gql(client, RESIDENT, id=rid(seeded, "A1"), d="2026-06-15")["data"]["resident"]
    assert after["lastContact"] == "2026-06-15" and after["nextVisitDue"] == "2026-06-22"  # HIGH: weekly
    assert after["visits"]["edges"][0]["node"]["note"] == "血压偏高，已提醒服药"  # staff read it, and it is logged
    log = gql(client, "query($c: String!) { accessLog(community: $c) { fields } }", c=seeded)["data"]["accessLog"]
    assert {"fields": ["visitNote"]} in log


def test_an_attempt_is_not_a_contact(client, seeded):
    gql(client, RECORD, i=visit(seeded, "A3", outcome="NOT_HOME"))
    found = gql(client, RESIDENT, id=rid(seeded, "A3"), d="2026-06-15")["data"]["resident"]
    assert found["careTier"] == "GENERAL" and found["lastContact"] is None and found["visits"]["totalCount"] == 1


def test_the_rule_and_an_explicit_tier(client, seeded):
    tiers = {
        local: gql(client, RESIDENT, id=rid(seeded, local), d="2026-06-15")["data"]["resident"]["careTier"]
        for local in ("A1", "A2", "A3", "A4", "A5")
    }
    assert tiers == {"A1": "HIGH", "A2": "GENERAL", "A3": "GENERAL", "A4": "NONE", "A5": "GENERAL"}
    assert gql(client, TIER, id=rid(seeded, "A4"), t="KEY")["data"]["setCareTier"]["resident"] == {
        "careTier": "KEY",
        "careTierExplicit": True,
    }
    assert gql(client, TIER, id=rid(seeded, "A1"), t="NONE")["data"]["setCareTier"]["resident"] == {
        "careTier": "NONE",
        "careTierExplicit": True,
    }
    assert gql(client, TIER, id=rid(seeded, "A1"), t=None)["data"]["setCareTier"]["resident"] == {
        "careTier": "HIGH",
        "careTierExplicit": False,
    }


@pytest.mark.parametrize(
    "fields, typename, field",
    [
        ({"residentId": "nobody"}, "NotFound", None),
        ({"at": "2026-06-15T10:30:00"}, "Invalid", "at"),  # half an hour in the future
        ({"at": "1930-01-01T10:00:00"}, "Invalid", "at"),  # before she was born
        ({"visitorId": "nobody"}, "NotFound", None),
        ({"note": "记" * 501}, "Invalid", "note"),
    ],
)
def test_refused_visits_change_nothing(store, client, seeded, fields, typename, field):
    before = snapshot(store, seeded)
    answer = gql(client, RECORD, i=visit(seeded, **fields))["data"]["recordVisit"]
    assert answer["__typename"] == typename and answer.get("field") == field, answer
    assert snapshot(store, seeded) == before


def test_a_visit_within_the_clock_skew_is_taken(client, seeded):
    answer = gql(client, RECORD, i=visit(seeded, at="2026-06-15T10:04:00"))["data"]["recordVisit"]
    assert answer["__typename"] == "VisitPayload"


def test_leaders_and_volunteers_record_within_their_reach(app, authorized_client, store, seeded):
    volunteer = {"role": "volunteer", "community": seeded, "resident": "A2"}
    with authorized_client(app, **volunteer) as a2:  # A2 cares for A1
        mine = gql(a2, RECORD, i=visit(seeded))["data"]["recordVisit"]
        assert mine["__typename"] == "VisitPayload" and mine["visit"]["visitor"] == {"residentId": "A2"}
        as_other = gql(a2, RECORD, i=visit(seeded, visitorId=rid(seeded, "A1"), residentId=rid(seeded, "A1")))
        assert as_other["data"]["recordVisit"]["__typename"] == "Invalid"
        beyond = gql(a2, RECORD, i=visit(seeded, "A4"))["data"]["recordVisit"]
        assert beyond == {"__typename": "NotFound", "kind": "resident", "id": rid(seeded, "A4")}
        withdrawn = gql(a2, WITHDRAW, id=mine["visit"]["id"], why="记错了人")["data"]["withdrawVisit"]
        assert withdrawn == {"__typename": "VisitPayload", "visit": {"withdrawn": True, "withdrawnWhy": "记错了人"}}
        again = gql(a2, WITHDRAW, id=mine["visit"]["id"], why="再次")["data"]["withdrawVisit"]
        assert again["__typename"] == "Conflict"
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        hidden = gql(leader, RECORD, i=visit(seeded, visitorId=rid(seeded, "A3")))["data"]["recordVisit"]
        assert hidden == {"__typename": "NotFound", "kind": "resident", "id": rid(seeded, "A1")}
        nameless = gql(leader, RECORD, i=visit(seeded, "A3"))["data"]["recordVisit"]
        assert nameless["__typename"] == "Invalid" and nameless["field"] == "visitorId"
        note = gql(
            leader, "query($id: ID!) { resident(id: $id) { visits { edges { node { note } } } } }", id=rid(seeded, "A3")
        )
        assert note["data"]["resident"]["visits"]["edges"] == []
        tier = gql(leader, TIER, id=rid(seeded, "A3"), t="HIGH")
        assert tier["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_staff_list_the_communitys_visits(client, seeded):
    for local, outcome in (("A1", "OK"), ("A3", "NEEDS_HELP"), ("A5", "NOT_HOME")):
        gql(client, RECORD, i=visit(seeded, local, outcome=outcome))
    query = """query($c: String!, $f: VisitFilter) { visits(community: $c, filter: $f, first: 2) { totalCount
      edges { node { outcome resident { residentId } } } pageInfo { hasNextPage endCursor } } }"""
    page = gql(client, query, c=seeded, f=None)["data"]["visits"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] and len(page["edges"]) == 2
    helping = gql(client, query, c=seeded, f={"outcome": "NEEDS_HELP"})["data"]["visits"]
    assert [e["node"]["resident"]["residentId"] for e in helping["edges"]] == ["A3"]


def test_visit_times_are_the_communitys_days(client, seeded):
    late = gql(client, RECORD, i=visit(seeded, at=datetime(2026, 6, 14, 17, 0, tzinfo=UTC).isoformat()))
    assert late["data"]["recordVisit"]["visit"]["day"] == "2026-06-15"  # 01:00 in Changchun


DUE = """query($d: Date, $w: Int) { myVisitsDue(asOf: $d, within: $w) { tier lastContact due daysOverdue
  resident { residentId } } }"""


def test_a_leaders_day_lists_who_is_due_never_reached_first(app, authorized_client, client, seeded):
    gql(client, RECORD, i=visit(seeded, "A3", at="2026-03-01T10:00:00"))  # GENERAL: due 2026-05-30, overdue
    gql(client, RECORD, i=visit(seeded, "A2", at="2026-06-01T10:00:00"))  # GENERAL: due 2026-08-30, not yet
    with authorized_client(app, role="grid_leader", community=seeded, scope="grid:1", resident="A2") as leader:
        due = gql(leader, DUE, d="2026-06-15", w=3)["data"]["myVisitsDue"]
    assert due == [
        {"tier": "HIGH", "lastContact": None, "due": "2026-06-15", "daysOverdue": 0, "resident": {"residentId": "A1"}},
        {
            "tier": "GENERAL",
            "lastContact": "2026-03-01",
            "due": "2026-05-30",
            "daysOverdue": 16,
            "resident": {"residentId": "A3"},
        },
    ]
    staff = gql(client, DUE, d="2026-06-15", w=3)
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"


ALERTS = "subscription($c: String!) { careAlerts(community: $c) { residentId outcome mode } }"


def test_a_visit_that_finds_an_elder_in_need_alerts_those_who_see_them(app, authorized_client, client, seeded):
    from tests.api.test_notifications import ACCEPT, WAIT

    def first_alert(subscriber) -> dict:
        with subscriber.stream(
            "POST", "/graphql", json={"query": ALERTS, "variables": {"c": seeded}}, headers={"Accept": ACCEPT}
        ) as response:
            assert response.status_code == 200
            started = time_monotonic()
            for line in response.iter_lines():
                if line.startswith("{") and '"payload"' in line and '"data"' in line:
                    return json.loads(line)["payload"]["data"]["careAlerts"]
                if time_monotonic() - started > WAIT:
                    break
        return {}

    import threading

    got: dict = {}
    listener = threading.Thread(target=lambda: got.update(first_alert(client)))
    listener.start()
    wait_for(lambda: app.state.alert_feed.subscribers() == 1)
    gql(client, RECORD, i=visit(seeded, "A1", outcome="OK"))  # no alert
    gql(client, RECORD, i=visit(seeded, "A3", outcome="NEEDS_HELP", mode="PHONE"))
    listener.join(WAIT)
    assert got == {"residentId": rid(seeded, "A3"), "outcome": "NEEDS_HELP", "mode": "PHONE"}


def time_monotonic() -> float:
    import time as clock

    return clock.monotonic()


def wait_for(condition) -> None:
    import time as clock

    end = clock.monotonic() + 60
    while not condition():
        assert clock.monotonic() < end, "timed out waiting"
        clock.sleep(0.05)
