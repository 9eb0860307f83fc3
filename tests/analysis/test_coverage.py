"""The audit's definitions, each on a hand-built graph with a known answer."""

import json
from datetime import date

import pytest

from analysis.coverage import audit, uncovered_elders, vacant_posts
from analysis.model import add_care, add_member, add_post, add_service
from analysis.workload import care_loads, overloaded_leaders

AS_OF = date(2024, 6, 1)


def ids(elders):
    return [e.resident_id for e in elders]


def test_elder_from_the_sixtieth_birthday(G, resident):
    resident(G, "turns60", born="1964-06-01")
    resident(G, "turns60tomorrow", born="1964-06-02")
    assert ids(uncovered_elders(G, as_of=AS_OF)) == ["turns60"]
    assert ids(uncovered_elders(G, as_of=AS_OF, elder_age=59)) == ["turns60", "turns60tomorrow"]


def test_leap_day_birth_turns_older_on_first_of_march(G, resident):
    resident(G, "leap", born="1964-02-29")
    assert ids(uncovered_elders(G, as_of="2025-02-28", elder_age=61)) == []
    assert ids(uncovered_elders(G, as_of="2025-03-01", elder_age=61)) == ["leap"]


@pytest.mark.parametrize(
    "since, until, covered",
    [
        (None, "2024-06-01", True),  # until on the as-of day: active
        (None, "2024-05-31", False),  # until before: ended
        ("2024-06-01", None, True),
        ("2024-06-02", None, False),  # since after: not yet active
    ],
)
def test_active_care_covers(G, resident, since, until, covered):
    resident(G, "E")
    resident(G, "C", born="1990-01-01")
    add_care(G, "C", "E", "neighbour", since=since, until=until)
    assert ids(uncovered_elders(G, as_of=AS_OF)) == ([] if covered else ["E"])


def test_any_kind_of_care_covers_and_elders_can_be_caregivers(G, resident):
    resident(G, "E1")
    resident(G, "E2")
    add_care(G, "E2", "E1", "family")
    assert ids(uncovered_elders(G, as_of=AS_OF)) == ["E2"]


def test_uncovered_order_solitary_then_oldest_then_id(G, resident):
    resident(G, "b", born="1940-01-01")
    resident(G, "a", born="1940-01-01")
    resident(G, "young_alone", born="1960-01-01", lives_alone=True)
    resident(G, "old_alone", born="1930-01-01", lives_alone=True)
    assert ids(uncovered_elders(G, as_of=AS_OF)) == ["old_alone", "young_alone", "a", "b"]


def test_care_load_counts_distinct_active_recipients(G, resident):
    resident(G, "L", born="1980-01-01")
    for r in ("R1", "R2", "R3"):
        resident(G, r)
    add_care(G, "L", "R1", "responsibility")
    add_care(G, "L", "R1", "neighbour")  # same person twice: counts once
    add_care(G, "L", "R2", "volunteer")
    add_care(G, "L", "R3", until="2024-01-01")  # ended
    assert care_loads(G, as_of=AS_OF) == {"L": 2}


def _leader_caring_for(G, resident, n, post="A", **attrs):
    resident(G, "L", born="1980-01-01", **attrs)
    add_post(G, "L", "unit_leader", post, building="1", unit="1")
    for i in range(n):
        resident(G, f"R{i}")
        add_care(G, "L", f"R{i}")


def test_overload_is_above_capacity_not_at_it(G, resident):
    _leader_caring_for(G, resident, 3)
    assert overloaded_leaders(G, as_of=AS_OF, care_capacity=3) == []
    [o] = overloaded_leaders(G, as_of=AS_OF, care_capacity=2)
    assert o.to_dict() == {
        "resident_id": "L",
        "name": "L",
        "care_load": 3,
        "capacity": 2,
        "posts": ["unit_leader:1-1:A"],
    }


def test_own_capacity_overrides_the_default(G, resident):
    _leader_caring_for(G, resident, 3, care_capacity=2)
    assert [o.capacity for o in overloaded_leaders(G, as_of=AS_OF, care_capacity=10)] == [2]


def test_a_b_post_alone_makes_a_leader(G, resident):
    _leader_caring_for(G, resident, 3, post="B")
    assert [o.resident_id for o in overloaded_leaders(G, as_of=AS_OF, care_capacity=2)] == ["L"]


def test_non_leaders_are_never_overloaded(G, resident):
    resident(G, "V", born="1980-01-01")
    add_member(G, "V", "队")
    for i in range(3):
        resident(G, f"R{i}")
        add_care(G, "V", f"R{i}")
    assert overloaded_leaders(G, as_of=AS_OF, care_capacity=1) == []


def test_overloaded_order_and_posts(G, resident):
    resident(G, "X", born="1980-01-01")
    resident(G, "Y", born="1980-01-01", place=("1", "2", "1", "101"))
    add_post(G, "Y", "unit_leader", "B", building="2", unit="1")
    add_post(G, "Y", "grid_leader", "A", grid="1")
    add_post(G, "Y", "building_leader", "A", building="1")
    add_post(G, "X", "unit_leader", "A", building="1", unit="1")
    for i in range(3):
        resident(G, f"R{i}")
        add_care(G, "X", f"R{i}")
        add_care(G, "Y", f"R{i}")
    resident(G, "R9")
    add_care(G, "Y", "R9")
    result = overloaded_leaders(G, as_of=AS_OF, care_capacity=1)
    assert [(o.resident_id, o.care_load) for o in result] == [("Y", 4), ("X", 3)]
    assert result[0].posts == ["grid_leader:1:A", "building_leader:1:A", "unit_leader:2-1:B"]


def _scopes(G, resident):
    """Grids 1, 2, 10 and 9; buildings and units with various posts."""
    for grid, building, unit in [
        ("1", "1", "1"),
        ("1", "1", "2"),
        ("2", "10", "1"),
        ("2", "9", "1"),
        ("10", "3", "1"),
        ("9", "4", "1"),
    ]:
        resident(G, f"r{building}{unit}", born="1980-01-01", place=(grid, building, unit, "101"))
    add_post(G, "r11", "grid_leader", "A", grid="1")  # A only: no backup
    add_post(G, "r101", "grid_leader", "B", grid="2")  # B only: has a leader
    add_post(G, "r31", "grid_leader", "A", grid="10")
    add_post(G, "r41", "grid_leader", "B", grid="10")  # A and B
    add_post(G, "r11", "building_leader", "A", building="1")
    add_post(G, "r101", "building_leader", "A", building="10")
    add_post(G, "r91", "building_leader", "A", building="9")
    add_post(G, "r91", "building_leader", "B", building="9")
    add_post(G, "r12", "unit_leader", "A", building="1", unit="2")
    add_post(G, "r101", "unit_leader", "B", building="10", unit="1")


def test_scopes_without_leader_and_backup(G, resident):
    _scopes(G, resident)
    v = vacant_posts(G)
    assert v["grids_without_leader"] == [{"grid": "9"}]
    assert v["buildings_without_leader"] == [{"grid": "9", "building": "4"}, {"grid": "10", "building": "3"}]
    assert v["units_without_leader"] == [
        {"building": "1", "unit": "1"},
        {"building": "3", "unit": "1"},
        {"building": "4", "unit": "1"},
        {"building": "9", "unit": "1"},
    ]
    assert v["scopes_without_backup"] == [
        {"role": "grid_leader", "grid": "1", "building": None, "unit": None},
        {"role": "building_leader", "grid": "1", "building": "1", "unit": None},
        {"role": "building_leader", "grid": "2", "building": "10", "unit": None},
        {"role": "unit_leader", "grid": "1", "building": "1", "unit": "2"},
    ]


def test_audit_json(G, resident):
    _scopes(G, resident)
    resident(G, "E", born="1944-06-01", place=("1", "1", "2", "302"), lives_alone=True)
    d = json.loads(json.dumps(audit(G, as_of=AS_OF).to_dict()))
    assert list(d)[:6] == ["community", "as_of", "elder_age", "care_capacity", "totals", "uncovered_elders"]
    assert {
        "overloaded_leaders",
        "buildings_without_leader",
        "units_without_leader",
        "scopes_without_backup",
        "grids_without_leader",
        "coverage",
        "grids_missing_roles",
        "elder_only_households",
        "leader_spans",
    } <= set(d)
    assert d["as_of"] == "2024-06-01" and d["community"] == "测试社区"
    assert d["uncovered_elders"] == [
        {
            "resident_id": "E",
            "name": "E",
            "age": 80,
            "lives_alone": True,
            "grid": "1",
            "building": "1",
            "unit": "2",
            "room": "302",
        }
    ]
    t = d["totals"]
    assert (t["elders"], t["covered_elders"], t["solitary_uncovered"], t["leaders"]) == (1, 0, 1, 6)
    assert (t["grids_without_leader"], t["buildings_without_leader"], t["units_without_leader"]) == (1, 2, 4)


def test_place_coverage_missing_roles_and_households(G, resident):
    resident(G, "A", place=("1", "1", "1", "101"), lives_alone=True)  # solitary, uncovered
    resident(G, "B", place=("1", "1", "1", "102"))  # cared for by a younger son
    resident(G, "C", place=("1", "1", "2", "201"))  # elder couple, cared for by an elder
    resident(G, "D", place=("1", "1", "2", "201"))
    resident(G, "son", born="1980-01-01", place=("2", "2", "1", "101"))
    resident(G, "F", place=("2", "2", "1", "101"))  # lives with the son
    add_care(G, "son", "B", "family")
    add_care(G, "A", "C", "neighbour")
    add_service(G, "son", "2", "dispute_mediator")
    r = audit(G, as_of=AS_OF)
    assert r.coverage["grids"] == [
        {"grid": "1", "elders": 4, "covered": 2, "uncovered": 2, "solitary_uncovered": 1},
        {"grid": "2", "elders": 1, "covered": 0, "uncovered": 1, "solitary_uncovered": 0},
    ]
    assert [u["unit"] for u in r.coverage["units"]] == ["1", "2", "1"]
    assert r.grids_missing_roles[1] == {
        "grid": "2",
        "missing": [
            "security_patroller",
            "environment_keeper",
            "neighbour_watcher",
            "life_adviser",
            "political_publicist",
            "science_communicator",
            "culture_sports_organiser",
        ],
    }
    assert [(h["room"], [m["resident_id"] for m in h["members"]]) for h in r.elder_only_households] == [
        ("101", ["A"]),
        ("201", ["C", "D"]),
    ]


def test_leader_spans(G, resident):
    for room in ("101", "102", "103"):
        resident(G, f"r{room}", place=("1", "1", "1", room))
    resident(G, "s", place=("1", "2", "1", "101"))
    add_post(G, "r101", "grid_leader", "A", grid="1")
    add_post(G, "s", "building_leader", "A", building="1")
    add_post(G, "s", "building_leader", "A", building="2")  # one leader, two buildings
    r = audit(G, as_of=AS_OF, span_limits={"grid_leader": (1, 3), "building_leader": (None, 3)})
    assert [(s["resident_id"], s["role"], s["scopes"], s["households"], s["status"]) for s in r.leader_spans] == [
        ("r101", "grid_leader", ["1"], 4, "above"),
        ("s", "building_leader", ["1", "2"], 4, "above"),
    ]
    default = audit(G, as_of=AS_OF).leader_spans
    assert [s["status"] for s in default] == ["below", "unchecked"]
