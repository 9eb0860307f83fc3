"""Mutations of residents (register, update, move, remove) against the real Neo4j.

Each test seeds its own community from the hand-written ledger of
`tests.cli.test_import` (A1…A5 in grids 1 and 2; A2 leads grid 1, A5 building
2, A4 holds post B of unit 2/1; A2 cares for A1; A5's care of A3 ended in
2024). Every failure must leave the community exactly as it was.
The seeded community and its helpers are fixtures of `tests/graph/conftest.py`.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from graph import ids
from graph.errors import Conflict, Invalid, NotFound
from graph.mutations import (
    Address,
    NewResident,
    ResidentChanges,
    move_resident,
    register_resident,
    remove_resident,
    update_resident,
)
from graph.mutations import cypher as Q
from tests.cli.test_import import NASTY, snapshot
from tests.graph.conftest import TODAY

TOMORROW = TODAY + timedelta(days=1)


def new(local="A6", *, name="赵丽", born=date(1945, 2, 3), where=("1", "1", "1", "103"), **more):
    return NewResident(local, name, born, Address(*where), **more)


LIVES = "MATCH (r:Resident {id: $id})-[l:LIVES_IN]->(h:Household) RETURN h.id AS h, l.since AS since"


# --- register ---------------------------------------------------------------


def test_register_creates_the_household_under_its_unit(store, town, rid, rows):
    made = register_resident(store, town, new(gender="F", phone=" 138 ", lives_alone=True))
    hid = ids.household_id(town, "1", "1", "103")
    assert (made.id, made.resident_id, made.household_id, made.status) == (rid("A6"), "A6", hid, "active")
    assert (made.phone, made.lives_alone, made.birth_date) == ("138", True, date(1945, 2, 3))
    got = rows(
        "MATCH (u:Unit)-[:HAS_HOUSEHOLD]->(h:Household {id: $h})<-[:LIVES_IN]-(r:Resident) "
        "RETURN u.id AS u, h.room AS room, h.community AS c, r.name AS name, r.community AS rc",
        h=hid,
    )
    assert got == [{"u": ids.unit_id(town, "1", "1"), "room": "103", "c": town, "name": "赵丽", "rc": town}]


def test_register_into_an_existing_household_and_hostile_text_verbatim(store, town, rid, rows):
    register_resident(store, town, new(name=NASTY, phone=NASTY, where=("１", " 1", "1", "101")))
    got = rows("MATCH (r:Resident {id: $id}) RETURN r.name AS name, r.phone AS phone", id=rid("A6"))
    assert got == [{"name": NASTY, "phone": NASTY}]
    assert rows(LIVES, id=rid("A6"))[0]["h"] == ids.household_id(town, "1", "1", "101")
    assert rows("MATCH (h:Household {community: $c}) RETURN count(h) AS n", c=town) == [{"n": 5}]


@pytest.mark.parametrize(
    "data, error, attrs",
    [
        (new("A1"), Conflict, {}),
        (new(name="  "), Invalid, {"field": "name"}),
        (new(born=TOMORROW), Invalid, {"field": "birthDate"}),
        (new(gender="女"), Invalid, {"field": "gender"}),
        (new(local=""), Invalid, {"field": "residentId"}),
        (new(where=("1", "9", "1", "103")), NotFound, {"kind": "building"}),
        (new(where=("2", "1", "1", "103")), Invalid, {"field": "address.grid"}),
        (new(where=("1", "1", "7", "103")), NotFound, {"kind": "unit"}),
        (new(where=("1", "1", "1", " ")), Invalid, {"field": "address.room"}),
    ],
)
def test_register_refusals_write_nothing(store, town, refused, data, error, attrs):
    refused(error, lambda: register_resident(store, town, data), **attrs)


def test_register_in_an_unknown_community_is_not_found(store, town, rows):
    other = f"{town}-无"
    error = pytest.raises(NotFound, register_resident, store, other, new()).value
    assert (error.kind, error.id) == ("community", other) and other in str(error)
    assert rows("MATCH (n {community: $c}) RETURN count(n) AS n", c=other) == [{"n": 0}]


def test_messages_name_the_id(store, town, rid):
    with pytest.raises(Conflict, match="A1"):
        register_resident(store, town, new("A1"))


# --- update -----------------------------------------------------------------


def test_update_sets_and_clears_fields(store, town, rid, rows):
    changes = ResidentChanges(name="王秀英（改）", care_capacity=3, party_member=True, clear=frozenset({"phone"}))
    update_resident(store, rid("A2"), ResidentChanges(phone="139"))
    made = update_resident(store, rid("A2"), changes)
    assert (made.name, made.care_capacity, made.party_member, made.phone) == ("王秀英（改）", 3, True, None)
    got = rows(
        "MATCH (r:Resident {id: $id}) RETURN r.name AS name, r.careCapacity AS cap, "
        "r.phone AS phone, r.livesAlone AS alone",
        id=rid("A2"),
    )
    assert got == [{"name": "王秀英（改）", "cap": 3, "phone": None, "alone": False}]


def test_update_with_nothing_to_change_changes_nothing(store, town, rid, refused):
    before = snapshot(store, town)
    assert update_resident(store, rid("A1"), ResidentChanges()).name == "王秀英"
    assert snapshot(store, town) == before


@pytest.mark.parametrize(
    "changes, error, attrs",
    [
        (ResidentChanges(name=""), Invalid, {"field": "name"}),
        (ResidentChanges(birth_date=TOMORROW), Invalid, {"field": "birthDate"}),
        (ResidentChanges(care_capacity=-1), Invalid, {"field": "careCapacity"}),
        (ResidentChanges(lives_alone="yes"), Invalid, {"field": "livesAlone"}),
        (ResidentChanges(clear=frozenset({"name"})), Invalid, {"field": "clear"}),
        (ResidentChanges(phone="1", clear=frozenset({"phone"})), Invalid, {"field": "phone"}),
    ],
)
def test_update_refusals_write_nothing(store, rid, refused, changes, error, attrs):
    refused(error, lambda: update_resident(store, rid("A1"), changes), **attrs)


def test_update_of_unknown_or_removed_resident(store, rid, refused):
    refused(
        NotFound, lambda: update_resident(store, rid("A9"), ResidentChanges(name="x")), kind="resident", id=rid("A9")
    )
    remove_resident(store, rid("A1"), reason="moved_out", on=TODAY)
    error = refused(Invalid, lambda: update_resident(store, rid("A1"), ResidentChanges(name="x")), field="residentId")
    assert "moved out" in error.reason and rid("A1") in str(error)


# --- move -------------------------------------------------------------------


def test_move_to_a_new_room_replaces_lives_in_and_keeps_the_old_household(store, town, rid, rows):
    made = move_resident(store, rid("A1"), Address("1", "1", "2", NASTY), on=date(2025, 1, 2))
    hid = ids.household_id(town, "1", "2", NASTY)
    assert made.household_id == hid
    assert rows(LIVES, id=rid("A1")) == [{"h": hid, "since": date(2025, 1, 2)}]
    assert rows(
        "MATCH (:Unit {id: $u})-[:HAS_HOUSEHOLD]->(h:Household {id: $h}) RETURN h.room AS room",
        u=ids.unit_id(town, "1", "2"),
        h=hid,
    ) == [{"room": NASTY}]
    old = ids.household_id(town, "1", "1", "101")
    assert rows("MATCH (h:Household {id: $h}) RETURN count(h) AS n", h=old) == [{"n": 1}]


def test_move_into_an_existing_household(store, town, rid, rows):
    move_resident(store, rid("A3"), Address("1", "1", "1", "102"))
    assert [r["h"] for r in rows(LIVES, id=rid("A3"))] == [ids.household_id(town, "1", "1", "102")]


@pytest.mark.parametrize(
    "to, on, error, attrs",
    [
        (Address("1", "1", "1", "101"), None, Conflict, {}),
        (Address("1", "8", "1", "101"), None, NotFound, {"kind": "building"}),
        (Address("2", "1", "1", "101"), None, Invalid, {"field": "to.grid"}),
        (Address("1", "1", "5", "101"), None, NotFound, {"kind": "unit"}),
        (Address("1", "1", "1", "104"), TOMORROW, Invalid, {"field": "on"}),
    ],
)
def test_move_refusals_write_nothing(store, rid, refused, to, on, error, attrs):
    refused(error, lambda: move_resident(store, rid("A1"), to, on=on), **attrs)


def test_move_of_removed_resident_is_invalid(store, rid, refused):
    remove_resident(store, rid("A1"), reason="deceased", on=TODAY)
    error = refused(Invalid, lambda: move_resident(store, rid("A1"), Address("1", "1", "1", "104")), field="residentId")
    assert "died" in error.reason


# --- remove -----------------------------------------------------------------


def test_remove_ends_care_vacates_posts_and_keeps_history(store, town, rid, rows):
    on = date(2025, 3, 1)
    removal = remove_resident(store, rid("A2"), reason="deceased", on=on)
    assert (removal.resident.status, removal.resident.left_on) == ("deceased", on)
    assert [(c.caregiver_id, c.recipient_id, c.until) for c in removal.ended_care] == [(rid("A2"), rid("A1"), on)]
    assert [(p.scope_id, p.role, p.post) for p in removal.vacated_posts] == [
        (ids.grid_id(town, "1"), "grid_leader", "A")
    ]
    got = rows(
        "MATCH (r:Resident {id: $id}) RETURN r.status AS s, COUNT { (r)-[:LEADS]->() } AS posts, "
        "COUNT { (r)-[:LIVES_IN]->() } AS homes, [(r)-[c:CARES_FOR]->() | c.until] AS until",
        id=rid("A2"),
    )
    assert got == [{"s": "deceased", "posts": 0, "homes": 1, "until": [on]}]


def test_remove_leaves_care_that_ended_before(store, rid, rows):
    removal = remove_resident(store, rid("A5"), reason="moved_out", on=TODAY)
    assert removal.ended_care == () and [p.role for p in removal.vacated_posts] == ["building_leader"]
    until = rows("MATCH (:Resident {id: $id})-[c:CARES_FOR]->() RETURN c.until AS u", id=rid("A5"))
    assert until == [{"u": date(2024, 1, 1)}]


@pytest.mark.parametrize(
    "who, reason, on, error, attrs",
    [
        ("A1", "left", TODAY, Invalid, {"field": "reason"}),
        ("A1", "moved_out", TOMORROW, Invalid, {"field": "on"}),
        ("A1", "moved_out", date(1900, 1, 1), Invalid, {"field": "on"}),
        ("A9", "moved_out", TODAY, NotFound, {"kind": "resident"}),
    ],
)
def test_remove_refusals_write_nothing(store, rid, refused, who, reason, on, error, attrs):
    refused(error, lambda: remove_resident(store, rid(who), reason=reason, on=on), **attrs)


def test_remove_twice_is_invalid(store, rid, refused):
    remove_resident(store, rid("A1"), reason="moved_out", on=TODAY)
    refused(Invalid, lambda: remove_resident(store, rid("A1"), reason="deceased", on=TODAY), field="residentId")


# --- atomicity --------------------------------------------------------------


@pytest.mark.parametrize(
    "step, call",
    [
        (Q.REGISTER, lambda s, c, rid: register_resident(s, c, new())),
        (Q.MOVE_IN, lambda s, c, rid: move_resident(s, rid("A1"), Address("1", "1", "1", "109"))),
        (Q.END_ALL_CARE, lambda s, c, rid: remove_resident(s, rid("A2"), reason="deceased", on=TODAY)),
        (Q.DROP_POSTS, lambda s, c, rid: remove_resident(s, rid("A2"), reason="deceased", on=TODAY)),
        (Q.UPDATE, lambda s, c, rid: update_resident(s, rid("A2"), ResidentChanges(name="x"))),
    ],
)
def test_a_failure_after_a_partial_write_rolls_back(town, rid, refused, fail_after, step, call):
    failing = fail_after(step)
    refused(RuntimeError, lambda: call(failing, town, rid))
