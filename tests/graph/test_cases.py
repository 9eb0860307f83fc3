"""Requests and matters in the store: the lifecycle, its record, refusals that change nothing, expiry, escalation.

The seeded town (`tests/graph/conftest.py`): A1 (1941, alone) and A2 live in grid 1, building 1, unit 1; A3 in
unit 1-2; A4 and A5 in grid 2, building 2. A4 is in the patrol team, A5 in the legal-aid team. The clock is pinned
to noon of 2026-06-15 in Changchun and moved by the tests that need time to pass.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from analysis import domain
from graph.case_reads import CaseSight, RequestQuery, search_requests
from graph.case_sweep import sweep
from graph.cases import Actor, IllegalTransition, history
from graph.errors import Conflict, Invalid
from graph.matters import NewMatter, assign_matter, close_matter, handle_matter, matter_by_id, report_matter
from graph.points_reads import reconcile, statement
from graph.requests import NewRequest, accept_request, ask_request, cancel_request, complete_request, request_by_id
from tests.graph.conftest import TODAY

OFFICE = Actor("office", "staff", "tok-office")
NOON = datetime.combine(TODAY, time(12), tzinfo=domain.zone())


@pytest.fixture
def clock(monkeypatch):
    """Move the pinned clock: ``clock(hours=…)`` after noon of TODAY."""

    def move(**delta) -> datetime:
        at = NOON + timedelta(**delta)
        monkeypatch.setattr(domain, "clock", lambda: at)
        return at

    return move


def test_a_requests_whole_life_is_recorded_and_pays_once(store, town, rid):
    asked = ask_request(store, NewRequest(rid("A1"), "bathing", asker="family", asked_by=rid("A2")), OFFICE)
    assert (asked.status, asked.grid, asked.building, asked.unit) == ("requested", "1", "1", "1")
    volunteer = Actor("a4", "volunteer", "tok-a4", rid("A4"))
    taken = accept_request(store, asked.id, volunteer, provider_id=rid("A4"), key="accept-1")
    assert taken.status == "accepted" and taken.provider_id == rid("A4")
    done = complete_request(store, asked.id, volunteer, minutes=90, key="done-1")
    assert (done.status, done.minutes, done.points) == ("done", 90, 23)  # bathing 8 + 1.5 h at 10
    again = complete_request(store, asked.id, volunteer, minutes=90, key="done-1")
    assert again.replayed and again.status == "done"
    s = statement(store, rid("A4"))
    assert (s.balance, s.earned, [m.kind for m in s.movements]) == (23, 23, ["request"])
    events = history(store, asked.id)
    assert [(e.action, e.from_status, e.to_status, e.by) for e in events] == [
        ("ask", None, "requested", "office"),
        ("accept", "requested", "accepted", "a4"),
        ("complete", "accepted", "done", "a4"),
    ]
    assert events[1].actor == rid("A4") and events[2].details == {"minutes": 90, "points": 23}
    assert reconcile(store, town).balanced


def test_illegal_transitions_are_refused_and_change_nothing(store, town, rid, refused):
    asked = ask_request(store, NewRequest(rid("A1"), "meals", asker="leader", asked_by=rid("A2")), OFFICE)
    refused(
        IllegalTransition, lambda: accept_request(store, asked.id, OFFICE, provider_id=rid("A2")), status="requested"
    )
    refused(IllegalTransition, lambda: accept_request(store, asked.id, OFFICE, provider_id=rid("A1")))
    refused(IllegalTransition, lambda: complete_request(store, asked.id, OFFICE), action="complete")
    cancel_request(store, asked.id, "家属自己来了", OFFICE)
    error = refused(IllegalTransition, lambda: complete_request(store, asked.id, OFFICE), status="cancelled")
    assert "cancelled" in str(error)
    refused(Invalid, lambda: accept_request(store, asked.id, OFFICE))  # nobody named
    refused(IllegalTransition, lambda: cancel_request(store, asked.id, "again", OFFICE))


def test_a_request_nobody_accepts_expires_and_the_sweep_records_it_once(store, town, rid, clock):
    asked = ask_request(
        store, NewRequest(rid("A3"), "haircut", wanted_until=NOON.replace(tzinfo=None) + timedelta(hours=5)), OFFICE
    )
    clock(hours=5, minutes=1)
    assert request_by_id(store, asked.id).status == "expired"
    with pytest.raises(IllegalTransition):
        accept_request(store, asked.id, OFFICE, provider_id=rid("A4"))
    sight = CaseSight()
    found = search_requests(store, RequestQuery(town, status="expired"), sight, first=10)
    assert [r.id for r in found.items] == [asked.id]
    assert sweep(store, town, domain.now()).expired == 1
    assert sweep(store, town, domain.now()).expired == 0
    assert [e.action for e in history(store, asked.id)] == ["ask", "expire"]
    assert request_by_id(store, asked.id).stored_status == "expired"


def test_a_window_that_has_passed_or_is_backwards_is_invalid(store, town, rid, refused):
    past = NewRequest(rid("A1"), "meals", wanted_until=NOON.replace(tzinfo=None) - timedelta(hours=1))
    refused(Invalid, lambda: ask_request(store, past, OFFICE), field="wantedUntil")
    refused(Invalid, lambda: ask_request(store, NewRequest(rid("A1"), "massage"), OFFICE), field="kind")


def test_the_same_key_asks_once(store, town, rid):
    first = ask_request(store, NewRequest(rid("A1"), "errands"), OFFICE, key="k-1")
    again = ask_request(store, NewRequest(rid("A1"), "errands"), OFFICE, key="k-1")
    assert again.replayed and again.id == first.id
    with pytest.raises(Conflict):
        ask_request(store, NewRequest(rid("A3"), "errands"), OFFICE, key="k-1")


def test_a_matter_goes_to_the_grids_mediator_and_closes_only_when_handled(store, town, rid, refused, rows):
    matter = report_matter(store, NewMatter(town, "dispute", "楼上漏水，邻里争执", resident_id=rid("A3")), OFFICE)
    assert (matter.grid, matter.building, matter.unit, matter.status) == ("1", "1", "2", "reported")
    refused(Invalid, lambda: assign_matter(store, matter.id, OFFICE), field="assigneeId")  # grid 1 has no mediator
    rows(
        "MATCH (r:Resident {id: $r}), (g:Grid {id: $g}) CREATE (r)-[:SERVES {role: 'dispute_mediator'}]->(g)",
        r=rid("A5"),
        g=f"{town}/g/1",
    )
    assigned = assign_matter(store, matter.id, OFFICE)
    assert assigned.assignee_id == rid("A5")
    refused(IllegalTransition, lambda: close_matter(store, matter.id, "satisfied", OFFICE), status="assigned")
    handle_matter(store, matter.id, "调解成功，楼上修好水管", Actor("a5", "volunteer", None, rid("A5")))
    closed = close_matter(store, matter.id, "satisfied", OFFICE)
    assert (closed.status, closed.satisfaction) == ("closed", "satisfied")
    assert [e.action for e in history(store, matter.id)] == ["report", "assign", "handle", "close"]


def test_a_waiting_matter_climbs_to_the_grid_leader_then_the_office(store, town, rid, clock):
    matter = report_matter(store, NewMatter(town, "complaint", "路灯坏了", grid="2"), OFFICE)
    clock(hours=47)
    assert matter_by_id(store, matter.id).escalation_now(domain.now()) == "none"
    clock(hours=49)
    assert matter_by_id(store, matter.id).escalation_now(domain.now()) == "grid"
    assert sweep(store, town, domain.now()).escalated == 1
    clock(hours=121)
    assert sweep(store, town, domain.now()).escalated == 1
    assert sweep(store, town, domain.now()).escalated == 0
    found = matter_by_id(store, matter.id)
    assert found.escalation == "office" and found.status == "reported"
    assert [(e.action, e.details.get("level")) for e in history(store, matter.id)] == [
        ("report", None),
        ("escalate", "grid"),
        ("escalate", "office"),
    ]


def test_a_matter_needs_a_place_in_the_community(store, town, refused):
    refused(Invalid, lambda: report_matter(store, NewMatter(town, "repair", "门坏了"), OFFICE), field="grid")
    refused(Invalid, lambda: report_matter(store, NewMatter(town, "repair", "门坏了", grid="9"), OFFICE), field="grid")
    refused(
        Invalid,
        lambda: report_matter(store, NewMatter(town, "repair", "门坏了", grid="1", building="2"), OFFICE),
        field="building",
    )
