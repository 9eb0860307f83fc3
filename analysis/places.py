"""Per-place findings of the audit: coverage, service roles, households, spans.

- **coverage** of each grid, building and unit: its elders, how many are
  covered (actively cared for), uncovered, and solitary uncovered;
- **grids missing roles**: grids where some of the 8 service roles has nobody;
- **elder-only households**: every resident of the household is an elder and
  nobody younger than `elder_age` actively cares for any of them;
- **leader spans**: the households in the scopes a leader holds posts of, per
  role, against ``{role: (min, max)}`` limits (national guidance: a grid of
  300–500 households). Status is ``ok``, ``below``, ``above`` or ``unchecked``
  (no limits for the role).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date
from typing import TypeAlias

from analysis.domain import LEADER_ROLES, SERVICE_ROLES, PlaceSortKey, Role, as_of_date
from analysis.model import Graph
from analysis.view import CommunityView, Row

__all__ = [
    "DEFAULT_SPAN_LIMITS",
    "SpanLimits",
    "place_coverage",
    "grids_missing_roles",
    "elder_only_households",
    "leader_spans",
]

#: ``{role: (min, max)}`` households a leader's scope should hold; a bound may be None.
SpanLimits: TypeAlias = Mapping[str, tuple[int | None, int | None]]

DEFAULT_SPAN_LIMITS: SpanLimits = {Role.GRID_LEADER: (300, 500)}
_LABELS = {"grid": ("grid",), "building": ("grid", "building"), "unit": ("grid", "building", "unit")}


def place_coverage(G: Graph, *, as_of: date | str | None = None, elder_age: int = 60) -> dict[str, list[Row]]:
    """Return elder coverage per grid, building and unit.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> place_coverage(example_graph(), as_of="2024-06-01")["buildings"]
    [{'grid': '1', 'building': '5', 'elders': 4, 'covered': 2, 'uncovered': 2, 'solitary_uncovered': 1},
     {'grid': '2', 'building': '6', 'elders': 2, 'covered': 0, 'uncovered': 2, 'solitary_uncovered': 0}]
    """
    return find_place_coverage(CommunityView(G), as_of_date(as_of), elder_age)


def find_place_coverage(view: CommunityView, as_of: date, elder_age: int) -> dict[str, list[Row]]:
    """`place_coverage` on a `CommunityView`."""
    cared = view.caregivers(as_of)
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for e in view.elders(as_of, elder_age):
        covered = bool(cared.get(e))
        alone = bool(view.nodes["resident"][e].get("lives_alone"))
        for place in view.ancestors(e):
            counts[place].update(
                elders=1, covered=covered, uncovered=not covered, solitary_uncovered=alone and not covered
            )
    result: dict[str, list[Row]] = {}
    for kind, names in _LABELS.items():
        result[f"{kind}s"] = [_coverage_entry(view, s, names, counts[s]) for s in view.sorted_nodes(kind)]
    return result


def _coverage_entry(view: CommunityView, scope: str, names: tuple[str, ...], count: Counter[str]) -> Row:
    """The coverage row of one place: its labels `names` and its counts."""
    labels = dict(zip(("grid", "building", "unit"), view.labels(scope)))
    entry: Row = {name: labels[name] for name in names}
    for key in ("elders", "covered", "uncovered", "solitary_uncovered"):
        entry[key] = count[key]
    return entry


def grids_missing_roles(G: Graph) -> list[Row]:
    """Return the grids where some of the 8 service roles is not served.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> [(g["grid"], len(g["missing"])) for g in grids_missing_roles(example_graph())]
    [('1', 8), ('2', 7)]
    """
    return find_missing_roles(CommunityView(G))


def find_missing_roles(view: CommunityView) -> list[Row]:
    """`grids_missing_roles` on a `CommunityView`."""
    result: list[Row] = []
    for grid in view.sorted_nodes("grid"):
        missing = [r for r in SERVICE_ROLES if r not in view.services.get(grid, ())]
        if missing:
            result.append({"grid": view.labels(grid)[0], "missing": missing})
    return result


def elder_only_households(G: Graph, *, as_of: date | str | None = None, elder_age: int = 60) -> list[Row]:
    """Return households of elders only whom nobody younger actively cares for.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> [(h["building"], h["unit"], h["room"]) for h in elder_only_households(
    ...     example_graph(), as_of="2024-06-01")]
    [('5', '1', '102'), ('5', '1', '301'), ('5', '2', '101'), ('5', '2', '102'), ('6', '1', '301')]
    """
    return find_elder_only_households(CommunityView(G), as_of_date(as_of), elder_age)


def find_elder_only_households(view: CommunityView, as_of: date, elder_age: int) -> list[Row]:
    """`elder_only_households` on a `CommunityView`."""
    ages, cared = view.ages(as_of), view.caregivers(as_of)
    members = view.household_members()
    result: list[Row] = []
    for h in view.sorted_nodes("household"):
        people = members.get(h, [])
        if not people or any(ages.get(p, 0) < elder_age for p in people):
            continue
        if any(ages.get(c, 0) < elder_age for p in people for c in cared.get(p, ())):
            continue
        grid, building, unit = view.labels(h)
        res = view.nodes["resident"]
        who = sorted((res[p]["resident_id"], res[p].get("name"), ages[p]) for p in people)
        result.append(
            {
                "grid": grid,
                "building": building,
                "unit": unit,
                "room": view.attrs(h).get("room"),
                "members": [dict(zip(("resident_id", "name", "age"), w)) for w in who],
            }
        )
    return result


def leader_spans(G: Graph, *, span_limits: SpanLimits | None = None) -> list[Row]:
    """Return each leader's span (households in their scopes) per role.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph.
    span_limits : dict, optional
        ``{role: (min, max)}``; default `DEFAULT_SPAN_LIMITS`.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> leader_spans(example_graph())[0]
    {'resident_id': 'R02', 'name': '王建国', 'role': 'grid_leader', 'scopes': ['1'], 'households': 5,
     'min': 300, 'max': 500, 'status': 'below'}
    """
    limits = DEFAULT_SPAN_LIMITS if span_limits is None else span_limits
    return find_leader_spans(CommunityView(G), limits)


def find_leader_spans(view: CommunityView, limits: SpanLimits) -> list[Row]:
    """`leader_spans` on a `CommunityView`."""
    scopes: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for post in view.posts:
        scopes[(post.person, post.role)].add(post.scope)
    keyed: list[tuple[tuple[int, tuple[PlaceSortKey, ...], str], Row]] = []
    for (person, role), scope_set in scopes.items():
        held = sorted(scope_set, key=view.place_sort_key)
        entry = _span(view, person, role, held, limits)
        keyed.append(((LEADER_ROLES.index(role), view.place_sort_key(held[0]), entry["resident_id"]), entry))
    return [entry for _, entry in sorted(keyed, key=lambda x: x[0])]


def _span(view: CommunityView, person: str, role: str, held: list[str], limits: SpanLimits) -> Row:
    """The span row of `person` in `role` over the scopes `held`, checked against `limits`."""
    households = len({h for s in held for h in view.descendants(s, "household")})
    low, high = limits.get(role, (None, None))
    if role not in limits:
        status = "unchecked"
    elif low is not None and households < low:
        status = "below"
    elif high is not None and households > high:
        status = "above"
    else:
        status = "ok"
    d = view.nodes["resident"][person]
    return {
        "resident_id": d["resident_id"],
        "name": d.get("name"),
        "role": role,
        "scopes": [view.scope_label(s) for s in held],
        "households": households,
        "min": low,
        "max": high,
        "status": status,
    }
