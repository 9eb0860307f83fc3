"""Single points of failure on tiny graphs with known answers."""

from datetime import date

from analysis.model import add_care, add_post
from analysis.spof import responsibility_graph, single_points_of_failure

AS_OF = date(2024, 6, 1)
HOME = ("1", "1", "1", "101")


def chain(G, resident, backups=()):
    """Leaders g (grid 1), b (building 1), u (unit 1-1); B holders for `backups` roles."""
    for rid in ("g", "b", "u", "gB", "bB", "uB"):
        resident(G, rid, born="1980-01-01", place=("1", "1", "1", "999"))
    add_post(G, "g", "grid_leader", "A", grid="1")
    add_post(G, "b", "building_leader", "A", building="1")
    add_post(G, "u", "unit_leader", "A", building="1", unit="1")
    for role, rid in (("grid_leader", "gB"), ("building_leader", "bB"), ("unit_leader", "uB")):
        if role in backups:
            add_post(G, rid, role, "B", grid="1", building="1", unit="1")


def people(G):
    r = single_points_of_failure(G, as_of=AS_OF)
    return {p["resident_id"]: (p["elders"], p["fixed_by_backup"]) for p in r.people}


def test_sole_leaders_on_the_chain_are_points_of_failure(G, resident):
    chain(G, resident)
    resident(G, "E", place=HOME, lives_alone=True)
    assert people(G) == {"g": (1, 1), "b": (1, 1), "u": (1, 1)}
    r = single_points_of_failure(G, as_of=AS_OF)
    assert r.people[0]["sole_posts"] == ["building_leader:1:A"]
    assert r.totals == {"elders": 1, "elders_at_risk": 1, "unreached_elders": 0, "people": 3}


def test_a_b_post_removes_the_point_of_failure(G, resident):
    chain(G, resident, backups=("unit_leader", "grid_leader"))
    resident(G, "E", place=HOME)
    assert people(G) == {"b": (1, 1)}


def test_two_caregivers_leave_no_point_of_failure(G, resident):
    chain(G, resident)
    resident(G, "E", place=HOME)
    for c in ("c1", "c2"):
        resident(G, c, born="1980-01-01", place=("2", "2", "1", "101"))
        add_care(G, c, "E")
    assert people(G) == {}


def test_caregiver_beside_a_complete_chain_is_not_a_point_of_failure(G, resident):
    chain(G, resident)
    resident(G, "E", place=HOME)
    resident(G, "c", born="1980-01-01")
    add_care(G, "c", "E")
    assert people(G) == {}


def test_leader_who_is_also_the_only_caregiver(G, resident):
    chain(G, resident, backups=("grid_leader", "unit_leader"))
    resident(G, "E", place=HOME, lives_alone=True)
    add_care(G, "b", "E")
    r = single_points_of_failure(G, as_of=AS_OF)
    [p] = r.people
    assert (p["resident_id"], p["elders"], p["solitary"], p["sole_caregiver_of"], p["fixed_by_backup"]) == (
        "b",
        1,
        1,
        1,
        1,
    )


def test_only_caregiver_with_a_broken_chain_is_not_fixed_by_backup(G, resident):
    resident(G, "E", place=HOME)  # no leaders at all
    resident(G, "c", born="1980-01-01", place=("2", "2", "1", "101"))
    add_post(G, "c", "grid_leader", "A", grid="2")
    add_care(G, "c", "E")
    r = single_points_of_failure(G, as_of=AS_OF)
    assert [(p["resident_id"], p["elders"], p["fixed_by_backup"], p["sole_caregiver_of"]) for p in r.people] == [
        ("c", 1, 0, 1)
    ]
    assert r.unreached_elders == []


def test_no_care_and_a_vacant_post_is_unreached(G, resident):
    chain(G, resident)
    resident(G, "E1", place=("1", "1", "2", "101"))  # unit 1-2 has no leader
    resident(G, "E2", place=("1", "1", "2", "102"), lives_alone=True)
    r = single_points_of_failure(G, as_of=AS_OF)
    assert r.people == [] and r.unreached_elders == ["E2", "E1"]


def test_expired_care_does_not_count(G, resident):
    chain(G, resident, backups=("grid_leader", "building_leader", "unit_leader"))
    resident(G, "E", place=HOME)
    resident(G, "c", born="1980-01-01")
    add_care(G, "c", "E", until="2024-05-31")
    assert people(G) == {}  # reached by the chain only, and it is backed up


def test_leading_two_buildings_does_not_bridge_grids(G, resident):
    resident(G, "p", born="1980-01-01", place=("1", "1", "1", "1"))
    resident(G, "q", born="1980-01-01", place=("1", "1", "1", "2"))
    resident(G, "E", place=("2", "2", "1", "101"))
    add_post(G, "q", "grid_leader", "A", grid="1")
    add_post(G, "p", "building_leader", "A", building="1")
    add_post(G, "p", "building_leader", "A", grid="2", building="2")  # grid 2 has no leader
    add_post(G, "p", "unit_leader", "A", building="2", unit="1")
    r = single_points_of_failure(G, as_of=AS_OF)
    assert r.unreached_elders == ["E"] and r.people == []


def test_nobody_is_their_own_point_of_failure(G, resident):
    resident(G, "g", place=HOME)  # an elder leading every scope of her own home
    add_post(G, "g", "grid_leader", grid="1")
    add_post(G, "g", "building_leader", building="1")
    add_post(G, "g", "unit_leader", building="1", unit="1")
    resident(G, "E", place=HOME)
    assert people(G) == {"g": (1, 1)}


def test_ranking_and_limit(G, resident):
    chain(G, resident, backups=("grid_leader",))
    for i in range(3):
        resident(G, f"E{i}", place=("1", "1", "1", f"10{i}"))
    resident(G, "F", place=("1", "1", "2", "101"))
    add_post(G, "F", "unit_leader", building="1", unit="2")  # F: elder, leads her own unit
    resident(G, "G", place=("1", "1", "2", "102"), lives_alone=True)
    r = single_points_of_failure(G, as_of=AS_OF)
    assert [(p["resident_id"], p["elders"]) for p in r.people] == [("b", 5), ("u", 3), ("F", 1)]
    assert r.people[0]["elder_ids"] == ["G", "E0", "E1", "E2", "F"]
    assert len(single_points_of_failure(G, as_of=AS_OF, limit=1).people) == 1


def test_responsibility_graph_shape(G, resident):
    chain(G, resident, backups=("unit_leader",))
    resident(G, "E", place=HOME)
    resident(G, "young", born="2000-01-01", place=HOME)
    H = responsibility_graph(G, as_of=AS_OF)
    c = "测试社区"
    unit = f"{c}/b/1/u/1"
    posts = sorted(H.successors(unit))
    assert posts == [("post", f"{c}/r/u", unit), ("post", f"{c}/r/uB", unit)]
    assert sorted(H.successors(posts[0])) == [f"{unit}/h/101", f"{unit}/h/999"]
    assert list(H.successors(f"{unit}/h/101")) == [f"{c}/r/E"]  # elders only
    assert H.nodes[posts[0]] == {"kind": "post", "person": f"{c}/r/u"}
