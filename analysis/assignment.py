"""Assignment suggestions: who could look after each uncovered elder.

The contract:

- the **elders** are the uncovered elders of the audit (same as-of date and
  `elder_age`); **candidates** are residents who hold a leader post or belong
  to a volunteer team, elders included; a candidate's remaining capacity is
  their capacity (own ``care_capacity``, else the option) minus their care
  load, never below 0; nobody is suggested to care for themselves;
- each elder gets at most one suggestion; its **cost** is by where the two
  live: same unit 1, same building 2, same grid 3, elsewhere 4 (places compare
  as a hierarchy: same building means same grid and building);
- the suggestion is **optimal**, lexicographically: most solitary elders
  covered, then most elders covered, then least total cost.

``method="tiered"`` solves a small aggregated network exactly
(`analysis.tiered`); ``method="generic"`` solves the full elder x candidate
graph with ``networkx.max_flow_min_cost`` (a reference, slow on big inputs).
Both reach the same optimum; the pairs may differ between equal optima.
Ties (tiered): within a group of elders at one place and of one solitary
flag, the oldest are covered first, then the lower resident id; a group of
candidates at one place gives its slots to whoever has most capacity left.
Results list elders in urgency order: solitary first, oldest first, id.

Among equal optima, a caregiver who already visits the elder (a ``VISITED``
edge) is preferred: after solving, an elder is moved to such a visitor when
the visitor is a candidate at the same cost and has a slot left, or swapped
with one of the visitor's elders whom the first caregiver takes at the same
cost (`prefer_visitors`). Coverage and total cost stay the same, so the
result is as optimal as before.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

import networkx as nx

from analysis.coverage import UncoveredElder, find_uncovered
from analysis.domain import as_of_date
from analysis.model import Attrs, Graph
from analysis.self_pairs import pair_cost
from analysis.tiered import solve_tiered
from analysis.view import CommunityView, Row
from analysis.workload import capacity_of

__all__ = ["Assignment", "AssignmentResult", "prefer_visitors", "suggest_assignments", "solve_generic"]

PROXIMITY = {1: "unit", 2: "building", 3: "grid", 4: "community"}

#: Where someone lives: their known (grid, building, unit) labels, cut at the first unknown one.
Hub: TypeAlias = tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """An elder or a candidate as the solvers see them."""

    key: str
    resident_id: str
    hub: Hub
    solitary: bool = False
    age: int = 0
    capacity: int = 0


@dataclass(frozen=True)
class Assignment:
    """One suggestion: `caregiver_id` could look after `elder_id`."""

    elder_id: str
    caregiver_id: str
    proximity: str
    cost: int

    def to_dict(self) -> Row:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class AssignmentResult:
    """Suggestions for one community; `to_dict` gives the JSON form.

    ``people`` (not in the JSON) maps the resident ids involved to name,
    age, ``lives_alone`` and place, for reports.
    """

    community: str | None
    as_of: date
    elder_age: int
    care_capacity: int
    assignments: list[Assignment]
    unassigned: list[str]
    totals: dict[str, int]
    people: dict[str, Row] = field(default_factory=dict, repr=False)

    def to_dict(self) -> Row:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "people"}
        d["as_of"] = self.as_of.isoformat()
        d["assignments"] = [a.to_dict() for a in self.assignments]
        return d


#: A solver: optimal ``(elder, candidate)`` pairs of elders and candidates.
Solver: TypeAlias = Callable[[list[Person], list[Person]], list[tuple[Person, Person]]]


def suggest_assignments(
    G: Graph, *, as_of: date | str | None = None, elder_age: int = 60, care_capacity: int = 10, method: str = "tiered"
) -> AssignmentResult:
    """Suggest a caregiver for each uncovered elder, optimally.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day of the audit (default today).
    elder_age : int, optional
        The age from which a resident is an elder (default 60).
    care_capacity : int, optional
        A candidate's capacity unless their own ``care_capacity`` is set.
    method : {"tiered", "generic"}, optional
        The exact aggregated formulation (default) or the generic reference.

    Returns
    -------
    AssignmentResult
        Assignments and unassigned elders in urgency order (solitary first,
        oldest first, then resident id).

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> r = suggest_assignments(example_graph(), as_of="2024-06-01")
    >>> [(a.elder_id, a.caregiver_id, a.proximity) for a in r.assignments]
    [('R05', 'R02', 'building'), ('R08', 'R07', 'unit'), ('R06', 'R07', 'unit'), ('R01', 'R02', 'unit')]
    >>> r.totals
    {'covered': 4, 'solitary_covered': 1, 'cost': 5}
    """
    solvers: dict[str, Solver] = {"tiered": solve_tiered, "generic": solve_generic}
    if method not in solvers:
        raise ValueError(f"unknown method {method!r}: use 'tiered' or 'generic'")
    view, as_of = CommunityView(G), as_of_date(as_of)
    uncovered = find_uncovered(view, as_of, elder_age)
    elders = [_elder(view, e) for e in uncovered]
    candidates = find_candidates(view, as_of, care_capacity)
    pairs = prefer_visitors(solvers[method](elders, candidates), candidates, view.visitors)
    result = _result(view, uncovered, pairs)
    return AssignmentResult(view.community, as_of, elder_age, care_capacity, *result)


def _hub(d: Attrs) -> Hub:
    """The hub of a resident: their grid, building and unit labels up to the first unknown."""
    hub: list[str] = []
    for label in (d.get("grid"), d.get("building"), d.get("unit")):
        if label is None:
            break
        hub.append(label)
    return tuple(hub)


def _elder(view: CommunityView, uncovered: UncoveredElder) -> Person:
    """An uncovered elder as the solvers see them."""
    key = view.resident_key(uncovered.resident_id)
    return Person(key, uncovered.resident_id, _hub(view.nodes["resident"][key]), uncovered.lives_alone, uncovered.age)


def find_candidates(view: CommunityView, as_of: date, care_capacity: int) -> list[Person]:
    """Leaders and team members with remaining capacity, as `Person` records."""
    loads, res = view.care_loads(as_of), view.nodes["resident"]
    people = {p.person for p in view.posts} | {r for r, teams in view.teams.items() if teams}
    result: list[Person] = []
    for r in sorted(people, key=lambda r: res[r]["resident_id"]):
        left = max(0, capacity_of(res[r], care_capacity) - loads.get(r, 0))
        if left > 0:
            result.append(Person(r, res[r]["resident_id"], _hub(res[r]), capacity=left))
    return result


def solve_generic(elders: list[Person], candidates: list[Person]) -> list[tuple[Person, Person]]:
    """Optimal pairs by ``networkx.max_flow_min_cost`` on the full bipartite graph.

    The flow is maximal first (most elders covered); arcs from the source to
    solitary elders weigh ``-(4N + 1)``, so among maximal flows the most
    solitary elders are covered, then the total cost is least. (Covering
    elders is a matroid, so a maximal set can always include the most
    solitary elders: this equals the lexicographic optimum.)

    >>> e = [Person("e1", "E1", ("1",), solitary=True, age=80)]
    >>> c = [Person("c1", "C1", ("1",), capacity=1), Person("e1", "E1", ("1",), capacity=2)]
    >>> [(a.resident_id, b.resident_id) for a, b in solve_generic(e, c)]
    [('E1', 'C1')]
    """
    D: nx.DiGraph[str | tuple[str, int]] = nx.DiGraph()
    big = 4 * len(elders) + 1
    for i, e in enumerate(elders):
        D.add_edge("s", ("e", i), capacity=1, weight=-big * e.solitary)
        for j, c in enumerate(candidates):
            if c.key != e.key:
                D.add_edge(("e", i), ("c", j), capacity=1, weight=pair_cost(e.hub, c.hub))
    for j, c in enumerate(candidates):
        D.add_edge(("c", j), "t", capacity=c.capacity, weight=0)
    if "s" not in D or "t" not in D:
        return []
    flow = nx.max_flow_min_cost(D, "s", "t")
    return [
        (elders[u[1]], candidates[v[1]])
        for u in D
        if isinstance(u, tuple) and u[0] == "e"
        for v, f in flow[u].items()
        if f > 0
    ]


def prefer_visitors(
    pairs: list[tuple[Person, Person]], candidates: list[Person], visitors: Mapping[str, Collection[str]]
) -> list[tuple[Person, Person]]:
    """The pairs, with elders given to a candidate who already visits them where that costs nothing.

    ``visitors`` maps an elder's key to the keys of the residents who visited them. For
    each elder in turn (the pairs' order) not paired with a visitor, the visitors who are
    candidates at the same cost are tried by resident id: one with a slot left takes the
    elder; else the elder is swapped with one of that visitor's elders (not visited by
    them) whom the elder's caregiver takes at the same cost, never making a self-pair.
    The elders covered, each caregiver's load and the total cost do not change.

    >>> e1, e2 = Person("e1", "E1", ("1",)), Person("e2", "E2", ("1",))
    >>> a, v = Person("a", "A", ("1",), capacity=1), Person("v", "V", ("1",), capacity=1)
    >>> pairs = prefer_visitors([(e1, v), (e2, a)], [a, v], {"e2": {"v"}})
    >>> [(e.resident_id, c.resident_id) for e, c in pairs]
    [('E1', 'A'), ('E2', 'V')]
    """
    if not any(visitors.get(e.key) for e, _ in pairs):
        return pairs
    pairs = list(pairs)
    by_key = {c.key: c for c in candidates}
    left = {c.key: c.capacity for c in candidates}
    served: defaultdict[str, set[int]] = defaultdict(set)  # candidate -> indexes of their pairs
    for i, (_, c) in enumerate(pairs):
        served[c.key].add(i)
    left.update((k, left[k] - n) for k, n in Counter(c.key for _, c in pairs).items())

    def move(i: int, to: Person) -> None:
        e, c = pairs[i]
        served[c.key].discard(i)
        served[to.key].add(i)
        pairs[i] = (e, to)

    for i in range(len(pairs)):
        e, c = pairs[i]
        seen_by = visitors.get(e.key, ())
        if c.key in seen_by:
            continue
        cost = pair_cost(e.hub, c.hub)
        for v in sorted((by_key[k] for k in seen_by if k in by_key), key=lambda p: p.resident_id):
            if v.key == e.key or pair_cost(e.hub, v.hub) != cost:
                continue
            if left[v.key] > 0:
                left[v.key] -= 1
                left[c.key] += 1
                move(i, v)
                break
            swap = next(
                (
                    j
                    for j in sorted(served[v.key])
                    if pairs[j][0].key != c.key
                    and v.key not in visitors.get(pairs[j][0].key, ())
                    and pair_cost(pairs[j][0].hub, c.hub) == pair_cost(pairs[j][0].hub, v.hub)
                ),
                None,
            )
            if swap is not None:
                move(swap, c)
                move(i, v)
                break
    return pairs


def _result(
    view: CommunityView, uncovered: list[UncoveredElder], pairs: list[tuple[Person, Person]]
) -> tuple[list[Assignment], list[str], dict[str, int], dict[str, Row]]:
    """Assignments, unassigned elder ids, totals and the people involved, in urgency order."""
    by_elder = {e.resident_id: (e, c) for e, c in pairs}
    assignments: list[Assignment] = []
    unassigned: list[str] = []
    people: dict[str, Row] = {}
    for u in uncovered:
        people[u.resident_id] = u.to_dict()
        if u.resident_id not in by_elder:
            unassigned.append(u.resident_id)
            continue
        e, c = by_elder[u.resident_id]
        cost = pair_cost(e.hub, c.hub)
        assignments.append(Assignment(e.resident_id, c.resident_id, PROXIMITY[cost], cost))
        people.setdefault(c.resident_id, _person_info(view, c.key))
    totals = {
        "covered": len(assignments),
        "solitary_covered": sum(people[a.elder_id]["lives_alone"] for a in assignments),
        "cost": sum(a.cost for a in assignments),
    }
    return assignments, unassigned, totals, people


def _person_info(view: CommunityView, key: str) -> Row:
    """Name, solitude and place of a resident, for reports."""
    d = view.nodes["resident"][key]
    keys = ("resident_id", "name", "lives_alone", "grid", "building", "unit", "room")
    return {k: d.get(k) for k in keys}
