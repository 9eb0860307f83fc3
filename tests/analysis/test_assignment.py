"""Assignment suggestions: exact optimum, feasibility, and the contract."""

import itertools
import json
import random
from collections import Counter
from datetime import date

import pytest

from analysis.assignment import Person, prefer_visitors, solve_generic, suggest_assignments
from analysis.coverage import uncovered_elders
from analysis.model import add_care, add_member, add_post, add_visit
from analysis.self_pairs import pair_cost, repair_self_pairs
from analysis.tiered import solve_tiered
from analysis.view import CommunityView
from analysis.workload import capacity_of

AS_OF = date(2024, 6, 1)


def objective(pairs):
    """(solitary covered, elders covered, -cost): larger is better."""
    return (sum(e.solitary for e, _ in pairs), len(pairs), -sum(pair_cost(e.hub, c.hub) for e, c in pairs))


def check_feasible(pairs, elders, candidates):
    assert len({e.key for e, _ in pairs}) == len(pairs)  # one suggestion per elder
    assert all(e.key != c.key for e, c in pairs)  # nobody cares for themselves
    assert {e.key for e, _ in pairs} <= {e.key for e in elders}
    used, cap = Counter(c.key for _, c in pairs), {c.key: c.capacity for c in candidates}
    assert all(used[k] <= cap[k] for k in used)


def random_instance(seed, people=14):
    """Elders and candidates on a small place tree, with unknown labels and duals."""
    rng = random.Random(seed)
    elders, candidates = [], []
    for i in range(rng.randint(1, people)):
        g, b, u = rng.choice("12"), rng.choice("56"), rng.choice("12")
        hub = (g, f"{g}-{b}", u)[: rng.choice((3, 3, 3, 3, 2, 1, 0))]
        if rng.random() < 0.6:
            elders.append(Person(f"p{i}", f"P{i:02d}", hub, rng.random() < 0.4, rng.randint(60, 99)))
        if rng.random() < 0.5:
            candidates.append(Person(f"p{i}", f"P{i:02d}", hub, capacity=rng.randint(1, 3)))
    return elders, candidates


@pytest.mark.parametrize("seed", range(200))
def test_tiered_reaches_the_generic_optimum(seed):
    elders, candidates = random_instance(seed)
    tiered, generic = solve_tiered(elders, candidates), solve_generic(elders, candidates)
    check_feasible(tiered, elders, candidates)
    check_feasible(generic, elders, candidates)
    assert objective(tiered) == objective(generic)


def brute_force(elders, candidates):
    """The best objective over every assignment (tiny instances only)."""
    options = [[None] + [c for c in candidates if c.key != e.key] for e in elders]
    best = (0, 0, 0)
    for choice in itertools.product(*options):
        pairs = [(e, c) for e, c in zip(elders, choice) if c is not None]
        used = Counter(c.key for _, c in pairs)
        if all(used[c.key] <= c.capacity for c in candidates):
            best = max(best, objective(pairs))
    return best


@pytest.mark.parametrize("seed", range(60))
def test_both_formulations_match_brute_force(seed):
    elders, candidates = random_instance(1000 + seed, people=6)
    best = brute_force(elders, candidates)
    assert objective(solve_tiered(elders, candidates)) == best
    assert objective(solve_generic(elders, candidates)) == best


def test_cost_tiers(G, resident):
    for i in range(4):
        resident(G, f"E{i}", place=("1", "1", "1", f"10{i}"))
    places = {
        "U": ("1", "1", "1", "201"),
        "B": ("1", "1", "2", "201"),
        "G": ("1", "2", "1", "201"),
        "C": ("2", "3", "1", "201"),
    }
    for rid, place in places.items():
        resident(G, rid, born="1980-01-01", place=place, care_capacity=1)
        add_member(G, rid, "队")
    r = suggest_assignments(G, as_of=AS_OF)
    assert sorted((a.caregiver_id, a.proximity, a.cost) for a in r.assignments) == [
        ("B", "building", 2),
        ("C", "community", 4),
        ("G", "grid", 3),
        ("U", "unit", 1),
    ]
    assert r.totals == {"covered": 4, "solitary_covered": 0, "cost": 10}


def test_solitary_first_then_oldest_when_capacity_is_short(G, resident):
    resident(G, "near", born="1930-01-01", place=("1", "1", "1", "101"))
    resident(G, "far_alone_old", born="1935-01-01", place=("2", "2", "1", "101"), lives_alone=True)
    resident(G, "far_alone_young", born="1950-01-01", place=("2", "2", "1", "102"), lives_alone=True)
    resident(G, "V", born="1980-01-01", place=("1", "1", "1", "102"), care_capacity=1)
    add_member(G, "V", "队")
    r = suggest_assignments(G, as_of=AS_OF)
    assert [(a.elder_id, a.cost) for a in r.assignments] == [("far_alone_old", 4)]
    assert r.unassigned == ["far_alone_young", "near"]


def test_nobody_cares_for_themselves(G, resident):
    resident(G, "E", lives_alone=True)
    add_member(G, "E", "队")  # an elder volunteer, uncovered
    r = suggest_assignments(G, as_of=AS_OF)
    assert r.assignments == [] and r.unassigned == ["E"]


def test_a_self_pair_that_needs_a_far_partner(G, resident):
    resident(G, "p", place=("1", "1", "1", "101"), care_capacity=1)
    add_member(G, "p", "队")
    resident(G, "e", place=("2", "2", "1", "101"))
    resident(G, "q", born="1980-01-01", place=("2", "2", "1", "102"), care_capacity=1)
    add_post(G, "q", "unit_leader", building="2", unit="1")
    r = suggest_assignments(G, as_of=AS_OF)
    assert sorted((a.elder_id, a.caregiver_id) for a in r.assignments) == [("e", "p"), ("p", "q")]
    assert r.totals["cost"] == 8


def test_remaining_capacity_and_candidates(G, resident):
    for i in range(5):
        resident(G, f"E{i}", born=f"19{30 + i}-01-01")
    resident(G, "busy", born="1980-01-01", care_capacity=3)
    add_post(G, "busy", "unit_leader", "B", building="1", unit="1")
    resident(G, "over", born="1980-01-01", care_capacity=1)
    add_post(G, "over", "grid_leader", "A", grid="1")
    resident(G, "old_volunteer", born="1959-01-01")  # 65, an elder and a volunteer
    add_member(G, "old_volunteer", "巡逻队")
    resident(G, "bystander", born="1980-01-01")  # neither leader nor volunteer
    for i, giver in ((5, "busy"), (6, "over"), (7, "over"), (8, "old_volunteer")):
        resident(G, f"C{i}", born="1990-01-01")
        add_care(G, giver, f"C{i}")
    r = suggest_assignments(G, as_of=AS_OF, care_capacity=2)
    load = Counter(a.caregiver_id for a in r.assignments)
    assert load == {"busy": 2, "old_volunteer": 1}  # 3-1 and 2-1 left; "over" has none
    assert r.unassigned == ["E3", "E4", "old_volunteer"]  # the youngest wait


def test_unknown_method(G):
    with pytest.raises(ValueError):
        suggest_assignments(G, method="greedy")


def random_graph(seed, resident, G):
    rng = random.Random(seed)
    for i in range(rng.randint(3, 25)):
        place = (rng.choice("12"), rng.choice("345"), rng.choice("12"), str(rng.randint(1, 3)))
        place = (place[0], f"{place[0]}{place[1]}", place[2], place[3])
        born = f"{rng.randint(1925, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        resident(
            G,
            f"R{i:02d}",
            born=born,
            place=place,
            lives_alone=rng.random() < 0.3,
            care_capacity=rng.choice([None, None, 0, 1, 2]),
        )
    ids = sorted(d["resident_id"] for _, d in G.nodes(data=True) if d["kind"] == "resident")
    for rid in rng.sample(ids, len(ids) // 3):
        add_member(G, rid, "队")
    for rid in rng.sample(ids, len(ids) // 5):
        add_post(
            G,
            rid,
            "unit_leader",
            rng.choice("AB"),
            building=G.nodes[f"测试社区/r/{rid}"]["building"],
            unit=G.nodes[f"测试社区/r/{rid}"]["unit"],
        )
    for _ in range(len(ids) // 2):
        a, b = rng.sample(ids, 2)
        add_care(G, a, b, rng.choice(["family", "volunteer"]), until=rng.choice([None, "2024-01-01"]))
    return G


@pytest.mark.parametrize("seed", range(40))
def test_suggestions_honour_the_contract(seed, resident, G):
    G = random_graph(seed, resident, G)
    tiered = suggest_assignments(G, as_of=AS_OF, care_capacity=2)
    generic = suggest_assignments(G, as_of=AS_OF, care_capacity=2, method="generic")
    assert tiered.totals == generic.totals
    view = CommunityView(G)
    loads = {view.nodes["resident"][k]["resident_id"]: n for k, n in view.care_loads(AS_OF).items()}
    uncovered = [e.resident_id for e in uncovered_elders(G, as_of=AS_OF)]
    assigned = [a.elder_id for a in tiered.assignments]
    assert sorted(assigned + tiered.unassigned) == sorted(uncovered)
    urgency = {rid: i for i, rid in enumerate(uncovered)}.get  # solitary, oldest first
    assert assigned == sorted(assigned, key=urgency)
    assert tiered.unassigned == sorted(tiered.unassigned, key=urgency)
    for giver, n in Counter(a.caregiver_id for a in tiered.assignments).items():
        k = view.resident_key(giver)
        assert view.teams.get(k) or any(p.person == k for p in view.posts)
        assert n <= max(0, capacity_of(view.nodes["resident"][k], 2) - loads.get(giver, 0))
    res = {d["resident_id"]: d for d in view.nodes["resident"].values()}
    for a in tiered.assignments:
        e, c = res[a.elder_id], res[a.caregiver_id]
        assert a.elder_id != a.caregiver_id
        same = [e[k] == c[k] for k in ("grid", "building", "unit")]
        expected = 1 if all(same) else 2 if all(same[:2]) else 3 if same[0] else 4
        assert a.cost == expected
        assert a.proximity == {1: "unit", 2: "building", 3: "grid", 4: "community"}[a.cost]


def test_json(resident, G):
    d = json.loads(json.dumps(suggest_assignments(random_graph(3, resident, G), as_of=AS_OF).to_dict()))
    assert {"assignments", "unassigned", "totals"} <= set(d)
    assert set(d["totals"]) == {"covered", "solitary_covered", "cost"}
    assert all(set(a) == {"elder_id", "caregiver_id", "proximity", "cost"} for a in d["assignments"])


def test_repair_swaps_or_reports():
    p = Person("p", "P", ("1", "1", "1"), capacity=1)
    e, q = Person("e", "E", ("2", "2", "1")), Person("q", "Q", ("2", "2", "1"), capacity=1)
    pairs = [[p, p], [e, q]]
    assert repair_self_pairs(pairs, [p, q]) == {"p"}  # a swap would cost 8 instead of 2
    near = Person("n", "N", ("1", "1", "1"), capacity=2)
    pairs = [[p, p], [e, q]]
    assert repair_self_pairs(pairs, [p, q, near]) == set()  # a spare slot next door
    assert [(a.key, b.key) for a, b in pairs] == [("p", "n"), ("e", "q")]


def visitor_pairs(pairs, visitors):
    return sum(c.key in visitors.get(e.key, ()) for e, c in pairs)


@pytest.mark.parametrize("seed", range(100))
def test_preferring_visitors_keeps_the_optimum(seed):
    elders, candidates = random_instance(2000 + seed)
    rng = random.Random(seed)
    visitors = {e.key: {c.key for c in rng.sample(candidates, min(len(candidates), 2))} for e in elders}
    for solve in (solve_tiered, solve_generic):
        pairs = solve(elders, candidates)
        preferred = prefer_visitors(pairs, candidates, visitors)
        check_feasible(preferred, elders, candidates)
        assert objective(preferred) == objective(pairs)
        assert sorted(e.key for e, _ in preferred) == sorted(e.key for e, _ in pairs)
        assert visitor_pairs(preferred, visitors) >= visitor_pairs(pairs, visitors)


def test_suggest_prefers_a_caregiver_who_already_visits(G, resident):
    resident(G, "E1", place=("1", "1", "1", "101"), lives_alone=True)
    resident(G, "E2", place=("1", "1", "1", "102"))
    for rid in ("A", "B"):  # both in the elders' unit, one slot each: either pairing is optimal
        resident(G, rid, born="1980-01-01", place=("1", "1", "1", "201"), care_capacity=1)
        add_member(G, rid, "队")
    resident(G, "far", born="1980-01-01", place=("2", "2", "1", "201"), care_capacity=5)
    add_member(G, "far", "队")
    plain = suggest_assignments(G, as_of=AS_OF)
    for visitor, elder in (("A", "E1"), ("B", "E1"), ("A", "E2"), ("B", "E2")):
        H = G.copy()
        add_visit(H, elder, "2024-05-01", visitor)
        add_visit(H, elder, "2024-05-02", "far")  # a visitor farther away is not worth the cost
        r = suggest_assignments(H, as_of=AS_OF)
        assert (elder, visitor) in [(a.elder_id, a.caregiver_id) for a in r.assignments]
        assert r.totals == plain.totals == {"covered": 2, "solitary_covered": 1, "cost": 2}
