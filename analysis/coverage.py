"""The coverage audit: uncovered elders, overloaded leaders, vacant and unbacked posts.

Definitions (other tools rely on them):

- an **elder** is a resident aged `elder_age` (default 60) or more on the
  as-of date (default today); see `analysis.model.age_on` for birthdays;
- a care relationship is **active** unless its ``until`` is before the as-of
  date; one whose ``since`` is after the as-of date is not active yet;
- an **uncovered elder** has no active care relationship of any kind pointing
  at them;
- a **leader** holds any leader post, A or B; see `analysis.workload` for care
  load, capacity and overload;
- a grid, building or unit **without a leader** has no post of its role, A or
  B; a scope **without backup** has an A post and no B post;
- ``visits``: whether somebody *saw* the elders of the visiting programme —
  tiers, overdue elders, contact rates (`analysis.visits`).

Lists of places are sorted by their fields in order, each by
`analysis.model.place_key` (units without leader by building, then unit);
scopes without backup by role (grid, building, unit), then grid, building,
unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from analysis.domain import SCOPE_KINDS, as_of_date, place_key, role_of_kind
from analysis.model import Graph
from analysis.places import (
    DEFAULT_SPAN_LIMITS,
    SpanLimits,
    find_elder_only_households,
    find_leader_spans,
    find_missing_roles,
    find_place_coverage,
)
from analysis.view import CommunityView, Row
from analysis.visits import CadenceInput, VisitAudit, cadence_of, find_visit_audit
from analysis.workload import OverloadedLeader, find_overloaded

__all__ = ["AuditResult", "UncoveredElder", "audit", "uncovered_elders", "vacant_posts"]


@dataclass(frozen=True)
class UncoveredElder:
    """An elder nobody actively cares for."""

    resident_id: str
    name: str | None
    age: int
    lives_alone: bool
    grid: str | None  # None where the resident's home is not known
    building: str | None
    unit: str | None
    room: str | None

    def to_dict(self) -> Row:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class AuditResult:
    """The audit of one community; `to_dict` gives its JSON form."""

    community: str | None
    as_of: date
    elder_age: int
    care_capacity: int
    totals: dict[str, int]
    uncovered_elders: list[UncoveredElder]
    overloaded_leaders: list[OverloadedLeader]
    grids_without_leader: list[Row]
    buildings_without_leader: list[Row]
    units_without_leader: list[Row]
    scopes_without_backup: list[Row]
    coverage: dict[str, list[Row]] = field(default_factory=dict)
    grids_missing_roles: list[Row] = field(default_factory=list)
    elder_only_households: list[Row] = field(default_factory=list)
    leader_spans: list[Row] = field(default_factory=list)
    visits: VisitAudit | None = None

    def to_dict(self) -> Row:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["as_of"] = self.as_of.isoformat()
        d["uncovered_elders"] = [e.to_dict() for e in self.uncovered_elders]
        d["overloaded_leaders"] = [o.to_dict() for o in self.overloaded_leaders]
        d["visits"] = None if self.visits is None else self.visits.to_dict()
        return d


def audit(
    G: Graph,
    *,
    as_of: date | str | None = None,
    elder_age: int = 60,
    care_capacity: int = 10,
    span_limits: SpanLimits | None = None,
    cadence: CadenceInput | None = None,
) -> AuditResult:
    """Audit who is cared for and which posts are vacant or unbacked.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day of the audit (default today).
    elder_age : int, optional
        The age from which a resident is an elder (default 60).
    care_capacity : int, optional
        How many people a leader can care for, unless their own
        ``care_capacity`` says otherwise (default 10).
    span_limits : dict, optional
        ``{role: (min, max)}`` households a leader's scope should hold; a
        bound may be None. Default `analysis.places.DEFAULT_SPAN_LIMITS`
        (a grid of 300–500 households).
    cadence : mapping, optional
        Days between two contacts per tier of the visiting programme, any of
        ``{"high": 7, "key": 30, "general": 90}`` (the default); see `analysis.visits`.

    Returns
    -------
    AuditResult

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> result = audit(example_graph(), as_of="2024-06-01")
    >>> [(e.resident_id, e.age, e.lives_alone) for e in result.uncovered_elders]
    [('R05', 80, True), ('R08', 75, False), ('R06', 73, False), ('R01', 66, False)]
    >>> result.buildings_without_leader, result.units_without_leader
    ([{'grid': '2', 'building': '6'}], [{'building': '6', 'unit': '1'}])
    >>> [s["role"] for s in result.scopes_without_backup]
    ['grid_leader', 'building_leader', 'unit_leader']
    >>> result.totals["in_programme"], result.totals["overdue_visits"]  # nobody was visited
    (6, 6)
    """
    view, as_of = CommunityView(G), as_of_date(as_of)
    limits = DEFAULT_SPAN_LIMITS if span_limits is None else span_limits
    cadences = cadence_of(cadence)  # checked before any work
    uncovered = find_uncovered(view, as_of, elder_age)
    vacant = find_vacant(view)
    result = AuditResult(
        view.community,
        as_of,
        elder_age,
        care_capacity,
        {},
        uncovered,
        find_overloaded(view, as_of, care_capacity),
        **vacant,
        coverage=find_place_coverage(view, as_of, elder_age),
        grids_missing_roles=find_missing_roles(view),
        elder_only_households=find_elder_only_households(view, as_of, elder_age),
        leader_spans=find_leader_spans(view, limits),
        visits=find_visit_audit(view, as_of, elder_age, cadences),
    )
    result.totals = _totals(view, as_of, elder_age, result)
    return result


def uncovered_elders(G: Graph, *, as_of: date | str | None = None, elder_age: int = 60) -> list[UncoveredElder]:
    """Return the elders without any active care, most urgent first.

    Sorted solitary elders first, then oldest first, then by resident id.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> [e.resident_id for e in uncovered_elders(example_graph(), as_of="2024-05-31")]
    ['R05', 'R06', 'R01']
    """
    return find_uncovered(CommunityView(G), as_of_date(as_of), elder_age)


def find_uncovered(view: CommunityView, as_of: date, elder_age: int) -> list[UncoveredElder]:
    """`uncovered_elders` on a `CommunityView`."""
    cared = view.caregivers(as_of)
    result: list[UncoveredElder] = []
    for r, age in view.elders(as_of, elder_age).items():
        if not cared.get(r):
            d = view.nodes["resident"][r]
            result.append(
                UncoveredElder(
                    d["resident_id"],
                    d.get("name"),
                    age,
                    bool(d.get("lives_alone")),
                    d.get("grid"),
                    d.get("building"),
                    d.get("unit"),
                    d.get("room"),
                )
            )
    return sorted(result, key=lambda e: (not e.lives_alone, -e.age, e.resident_id))


def vacant_posts(G: Graph) -> dict[str, list[Row]]:
    """Return the scopes without a leader and those without a B backup.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> vacant = vacant_posts(example_graph())
    >>> vacant["grids_without_leader"], vacant["scopes_without_backup"][0]
    ([{'grid': '2'}], {'role': 'grid_leader', 'grid': '1', 'building': None, 'unit': None})
    """
    return find_vacant(CommunityView(G))


_VACANT_FIELDS = {"grid": ("grid",), "building": ("grid", "building"), "unit": ("building", "unit")}


def find_vacant(view: CommunityView) -> dict[str, list[Row]]:
    """`vacant_posts` on a `CommunityView`."""
    result: dict[str, list[Row]] = {}
    backup: list[Row] = []
    for kind, fields in _VACANT_FIELDS.items():
        vacant: list[Row] = []
        for scope in view.sorted_nodes(kind):
            entry = dict(zip(("grid", "building", "unit"), view.labels(scope)))
            posts: dict[str, set[str]] = view.holders.get(scope, {})
            if not posts.get("A") and not posts.get("B"):
                vacant.append({k: entry[k] for k in fields})
            elif not posts.get("B"):
                backup.append({"role": role_of_kind(kind).value, **entry})
        vacant.sort(key=lambda e: tuple(place_key(e[k]) for k in fields))
        result[f"{kind}s_without_leader"] = vacant
    result["scopes_without_backup"] = backup
    return result


def _totals(view: CommunityView, as_of: date, elder_age: int, r: AuditResult) -> dict[str, int]:
    """The counts of an audit: residents, elders, coverage and posts missing."""
    elders = view.elders(as_of, elder_age)
    residents = view.nodes["resident"]
    solitary = sum(1 for e in elders if residents[e].get("lives_alone"))
    return {
        "residents": len(residents),
        "households": len(view.nodes["household"]),
        "elders": len(elders),
        "solitary_elders": solitary,
        "covered_elders": len(elders) - len(r.uncovered_elders),
        "uncovered_elders": len(r.uncovered_elders),
        "solitary_uncovered": sum(e.lives_alone for e in r.uncovered_elders),
        "leaders": len({p.person for p in view.posts}),
        "overloaded_leaders": len(r.overloaded_leaders),
        **{f"{k}s": len(view.nodes[k]) for k in ("grid", "building", "unit")},
        **{f"{k}s_without_leader": len(getattr(r, f"{k}s_without_leader")) for k in SCOPE_KINDS},
        "scopes_without_backup": len(r.scopes_without_backup),
        "grids_missing_roles": len(r.grids_missing_roles),
        "elder_only_households": len(r.elder_only_households),
        **(r.visits.totals() if r.visits is not None else {}),
    }
