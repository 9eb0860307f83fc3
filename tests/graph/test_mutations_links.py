"""Mutations of care relationships, leader posts and team memberships against the real Neo4j.

The seeded community and its helpers are fixtures of `tests/graph/conftest.py`.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest

from graph import ids
from graph.errors import Conflict, GraphError, Invalid, NotFound
from graph.mutations import Scope, add_care, assign_post, end_care, join_team, leave_team, remove_resident, vacate_post
from graph.mutations import cypher as Q
from tests.cli.test_import import NASTY
from tests.conftest import DELETE_COMMUNITY
from tests.graph.conftest import TODAY, seed

CARES = (
    "MATCH (:Resident {id: $a})-[c:CARES_FOR]->(:Resident {id: $b}) "
    "RETURN c.kind AS kind, c.since AS since, c.until AS until ORDER BY kind"
)
LEADS = "MATCH (r:Resident)-[l:LEADS]->({id: $scope}) RETURN r.id AS who, l.post AS post, l.role AS role ORDER BY post"


# --- care -------------------------------------------------------------------


def test_add_care_creates_the_relationship(store, rid, rows):
    made = add_care(store, rid("A3"), rid("A1"), kind="family", since=date(2024, 2, 1))
    assert (made.kind, made.since, made.until) == ("family", date(2024, 2, 1), None)
    assert rows(CARES, a=rid("A3"), b=rid("A1")) == [{"kind": "family", "since": date(2024, 2, 1), "until": None}]


def test_re_adding_an_ended_relationship_reopens_it(store, rid, rows):
    add_care(store, rid("A5"), rid("A3"), kind="neighbour", since=date(2025, 1, 1))
    assert rows(CARES, a=rid("A5"), b=rid("A3")) == [{"kind": "neighbour", "since": date(2025, 1, 1), "until": None}]


@pytest.mark.parametrize(
    "a, b, kw, error, attrs",
    [
        ("A1", "A1", {}, Invalid, {"field": "recipientId"}),
        ("A3", "A1", {"kind": "friend"}, Invalid, {"field": "kind"}),
        ("A3", "A1", {"since": date(2024, 5, 1), "until": date(2024, 4, 1)}, Invalid, {"field": "until"}),
        ("A2", "A1", {}, Conflict, {}),
        ("A9", "A1", {}, NotFound, {"kind": "resident"}),
        ("A3", "A9", {}, NotFound, {"kind": "resident"}),
    ],
)
def test_add_care_refusals_write_nothing(store, rid, refused, a, b, kw, error, attrs):
    refused(error, lambda: add_care(store, rid(a), rid(b), **kw), **attrs)


def test_no_care_for_or_by_a_removed_resident(store, rid, refused):
    remove_resident(store, rid("A1"), reason="deceased", on=TODAY)
    refused(Invalid, lambda: add_care(store, rid("A3"), rid("A1")), field="recipientId")
    refused(Invalid, lambda: add_care(store, rid("A1"), rid("A3")), field="caregiverId")


def test_no_care_across_communities(store, town, rid, refused, tmp_path):
    other = seed(store, f"测试社区-{uuid.uuid4().hex[:8]}", tmp_path / "other")
    try:
        refused(Invalid, lambda: add_care(store, rid("A3"), ids.resident_id(other, "A1")), field="recipientId")
    finally:
        store.write("delete_community", DELETE_COMMUNITY, community=other)


def test_end_care_sets_until(store, rid, rows):
    ended = end_care(store, rid("A2"), rid("A1"), kind="responsibility", on=date(2025, 6, 30))
    assert ended.until == date(2025, 6, 30)
    assert rows(CARES, a=rid("A2"), b=rid("A1"))[0]["until"] == date(2025, 6, 30)


@pytest.mark.parametrize(
    "a, b, kw, error, attrs",
    [
        ("A5", "A3", {"kind": "neighbour", "on": TODAY}, NotFound, {"kind": "care"}),  # ended in 2024
        ("A3", "A1", {"kind": "family", "on": TODAY}, NotFound, {"kind": "care"}),
        ("A2", "A1", {"kind": "responsibility", "on": date(2023, 1, 1)}, Invalid, {"field": "on"}),
        ("A2", "A1", {"kind": "包保", "on": TODAY}, Invalid, {"field": "kind"}),
        ("A9", "A1", {"kind": "family", "on": TODAY}, NotFound, {"kind": "resident"}),
    ],
)
def test_end_care_refusals_write_nothing(store, rid, refused, a, b, kw, error, attrs):
    refused(error, lambda: end_care(store, rid(a), rid(b), **kw), **attrs)


# --- posts ------------------------------------------------------------------


def test_assign_replaces_and_reports_the_previous_holder(store, town, rid, rows):
    done = assign_post(store, rid("A1"), Scope(town, "grid_leader", grid="1"), since=date(2025, 1, 1))
    scope = ids.grid_id(town, "1")
    assert (done.post.holder_id, done.post.scope_id, done.post.since) == (rid("A1"), scope, date(2025, 1, 1))
    assert done.replaced.id == rid("A2")
    assert rows(LEADS, scope=scope) == [{"who": rid("A1"), "post": "A", "role": "grid_leader"}]


def test_assign_a_vacant_post(store, town, rid, rows):
    done = assign_post(store, rid("A3"), Scope(town, "unit_leader", grid="1", building="1", unit="2"))
    assert done.replaced is None and done.post.since == TODAY
    assert rows(LEADS, scope=ids.unit_id(town, "1", "2")) == [{"who": rid("A3"), "post": "A", "role": "unit_leader"}]
    assign_post(store, rid("A4"), Scope(town, "building_leader", building="2"), post="B")
    assert [r["who"] for r in rows(LEADS, scope=ids.building_id(town, "2"))] == [rid("A5"), rid("A4")]


@pytest.mark.parametrize(
    "who, scope, post, error, attrs",
    [
        ("A1", dict(role="unit_leader", building="1"), "A", Invalid, {"field": "unit"}),
        ("A1", dict(role="building_leader", grid="1"), "A", Invalid, {"field": "building"}),
        ("A1", dict(role="grid_leader", building="1"), "A", Invalid, {"field": "grid"}),
        ("A1", dict(role="mayor", grid="1"), "A", Invalid, {"field": "role"}),
        ("A1", dict(role="grid_leader", grid="1"), "C", Invalid, {"field": "post"}),
        ("A1", dict(role="building_leader", building="7"), "A", NotFound, {"kind": "building"}),
        ("A1", dict(role="unit_leader", building="1", unit="9"), "A", NotFound, {"kind": "unit"}),
        ("A1", dict(role="building_leader", grid="2", building="1"), "A", Invalid, {"field": "grid"}),
        ("A2", dict(role="grid_leader", grid="1"), "A", Conflict, {}),
        ("A5", dict(role="building_leader", building="2"), "B", Conflict, {}),  # holds A there
        ("A9", dict(role="grid_leader", grid="1"), "A", NotFound, {"kind": "resident"}),
    ],
)
def test_assign_refusals_write_nothing(store, town, rid, refused, who, scope, post, error, attrs):
    refused(error, lambda: assign_post(store, rid(who), Scope(town, **scope), post=post), **attrs)


def test_assign_needs_an_active_resident_of_the_community(store, town, rid, refused):
    refused(
        Invalid, lambda: assign_post(store, rid("A1"), Scope("别的社区", "grid_leader", grid="1")), field="residentId"
    )
    remove_resident(store, rid("A1"), reason="moved_out", on=TODAY)
    refused(Invalid, lambda: assign_post(store, rid("A1"), Scope(town, "grid_leader", grid="2")), field="residentId")


def test_concurrent_assignments_leave_one_holder(store, town, rid, rows):
    scope, errors = Scope(town, "grid_leader", grid="2"), []

    def assign(who):
        try:
            assign_post(store, rid(who), scope)
        except GraphError as e:  # pragma: no cover - only if the database refuses
            errors.append(e)

    threads = [threading.Thread(target=assign, args=(who,)) for who in ("A1", "A3", "A4")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len(rows(LEADS, scope=ids.grid_id(town, "2"))) == 1


def test_vacate_reports_the_holder(store, town, rid, rows):
    scope = Scope(town, "unit_leader", building="2", unit="1")
    done = vacate_post(store, scope, post="B")
    assert (done.vacated_by.id, done.post.role, done.post.post) == (rid("A4"), "unit_leader", "B")
    assert rows(LEADS, scope=ids.unit_id(town, "2", "1")) == []


@pytest.mark.parametrize(
    "scope, post, error, attrs",
    [
        (dict(role="unit_leader", building="2", unit="1"), "A", NotFound, {"kind": "post"}),
        (dict(role="grid_leader", grid="5"), "A", NotFound, {"kind": "grid"}),
        (dict(role="unit_leader", building="2"), "B", Invalid, {"field": "unit"}),
    ],
)
def test_vacate_refusals_write_nothing(store, town, refused, scope, post, error, attrs):
    refused(error, lambda: vacate_post(store, Scope(town, **scope), post=post), **attrs)


# --- teams ------------------------------------------------------------------

TEAMS = "MATCH (t:VolunteerTeam {community: $c}) RETURN t.name AS name, COUNT { (t)<-[:MEMBER_OF]-() } AS n"


def test_join_an_existing_and_a_new_team(store, town, rid, rows):
    joined = join_team(store, rid("A1"), "巡逻队")
    assert (joined.team_id, joined.since) == (ids.team_id(town, "巡逻队"), TODAY)
    join_team(store, rid("A1"), NASTY, since=date(2025, 2, 1))
    got = {r["name"]: r["n"] for r in rows(TEAMS, c=town)}
    assert got == {"巡逻队": 2, "法律援助队": 1, NASTY: 1}


@pytest.mark.parametrize(
    "who, team, error, attrs",
    [
        ("A4", "巡逻队", Conflict, {}),
        ("A1", " ", Invalid, {"field": "team"}),
        ("A9", "巡逻队", NotFound, {"kind": "resident"}),
    ],
)
def test_join_refusals_write_nothing(store, rid, refused, who, team, error, attrs):
    refused(error, lambda: join_team(store, rid(who), team), **attrs)


def test_leave_keeps_the_team(store, town, rid, rows):
    [joined] = rows("MATCH (:Resident {id: $r})-[m:MEMBER_OF]->() RETURN m.since AS since", r=rid("A4"))
    left = leave_team(store, rid("A4"), "巡逻队")
    assert left.team == "巡逻队" and left.since == joined["since"]
    assert {r["name"]: r["n"] for r in rows(TEAMS, c=town)}["巡逻队"] == 0


@pytest.mark.parametrize("who, team, kind", [("A4", "读书会", "team"), ("A1", "巡逻队", "membership")])
def test_leave_refusals_write_nothing(store, rid, refused, who, team, kind):
    refused(NotFound, lambda: leave_team(store, rid(who), team), kind=kind)


# --- atomicity --------------------------------------------------------------


@pytest.mark.parametrize(
    "step, call",
    [
        (Q.SET_CARE, lambda s, c, rid: add_care(s, rid("A3"), rid("A1"), kind="family")),
        (Q.END_CARE, lambda s, c, rid: end_care(s, rid("A2"), rid("A1"), kind="responsibility", on=TODAY)),
        (Q.ASSIGN["grid_leader"], lambda s, c, rid: assign_post(s, rid("A1"), Scope(c, "grid_leader", grid="1"))),
        (Q.VACATE["grid_leader"], lambda s, c, rid: vacate_post(s, Scope(c, "grid_leader", grid="1"))),
        (Q.JOIN_TEAM, lambda s, c, rid: join_team(s, rid("A1"), "读书会")),
        (Q.LEAVE_TEAM, lambda s, c, rid: leave_team(s, rid("A4"), "巡逻队")),
    ],
)
def test_a_failure_after_a_partial_write_rolls_back(town, rid, refused, fail_after, step, call):
    failing = fail_after(step)
    refused(RuntimeError, lambda: call(failing, town, rid))
