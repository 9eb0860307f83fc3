"""Suggest people for vacant and unbacked leader posts.

For every grid, building or unit **without a leader** (no post, A or B) or
**without backup** (an A post, no B post), residents living in that scope who
hold none of its posts and are 18 or older are ranked by an explained score,
the sum of weighted components:

- ``lives_there``: lives in the scope (all do; the rule made visible);
- ``party_member``: is a Party member;
- ``volunteer``: belongs to a volunteer team or serves a grid service role;
- ``age``: 40–70 scores 1, 30–39 and 71–75 score 0.5, 18–29 and 76–80
  score 0, over 80 scores -1;
- ``posts_held``: minus the number of leader posts already held;
- ``care_load``: minus care load / capacity (own ``care_capacity`` or the
  option).

Each component is ``weight x value``, rounded to 3 decimals; weights default
to `DEFAULT_WEIGHTS`. Ties go to the lower resident id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from analysis.domain import SCOPE_KINDS, as_of_date, role_of_kind
from analysis.model import Graph
from analysis.view import CommunityView, Row
from analysis.workload import capacity_of

__all__ = ["DEFAULT_WEIGHTS", "LeaderSuggestions", "suggest_leaders"]

DEFAULT_WEIGHTS: dict[str, float] = {
    "lives_there": 1.0,
    "party_member": 2.0,
    "volunteer": 1.5,
    "age": 1.0,
    "posts_held": 1.0,
    "care_load": 1.0,
}
MIN_AGE = 18

#: What ranking needs of a resident: (resident_id, name, age, party, volunteer, posts, load share).
Fact: TypeAlias = tuple[str, str | None, int, bool, bool, int, float]


@dataclass
class LeaderSuggestions:
    """Ranked people for each scope needing a leader or a backup."""

    community: str | None
    as_of: date
    scopes: list[Row]

    def to_dict(self) -> Row:
        return {"community": self.community, "as_of": self.as_of.isoformat(), "scopes": self.scopes}


def age_band(age: int) -> float:
    """The ``age`` component before weighting.

    >>> [age_band(a) for a in (25, 35, 40, 70, 72, 79, 81)]
    [0.0, 0.5, 1.0, 1.0, 0.5, 0.0, -1.0]
    """
    if 40 <= age <= 70:
        return 1.0
    if 30 <= age <= 39 or 71 <= age <= 75:
        return 0.5
    return -1.0 if age > 80 else 0.0


def suggest_leaders(
    G: Graph,
    *,
    as_of: date | str | None = None,
    limit: int = 5,
    weights: Mapping[str, float] | None = None,
    care_capacity: int = 10,
) -> LeaderSuggestions:
    """Rank residents for the posts of scopes without a leader or a backup.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day ages and care are counted on (default today).
    limit : int, optional
        How many people to suggest per scope (default 5).
    weights : dict, optional
        Weights overriding `DEFAULT_WEIGHTS`.
    care_capacity : int, optional
        Capacity of a person without an own ``care_capacity`` (default 10).

    Returns
    -------
    LeaderSuggestions
        ``scopes``: vacant scopes first, then unbacked ones, each by role
        (grid, building, unit) and place; each with ``role``, ``grid``,
        ``building``, ``unit``, ``need`` (``leader``/``backup``) and
        ``candidates`` (``resident_id``, ``name``, ``age``, ``score``,
        ``components``).

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> r = suggest_leaders(example_graph(), as_of="2024-06-01", limit=2)
    >>> [(s["role"], s["need"], [c["resident_id"] for c in s["candidates"]]) for s in r.scopes][:3]
    [('grid_leader', 'leader', ['R07', 'R06']), ('building_leader', 'leader', ['R07', 'R06']),
     ('unit_leader', 'leader', ['R07', 'R06'])]
    >>> r.scopes[0]["candidates"][0]["components"]
    {'lives_there': 1.0, 'party_member': 0.0, 'volunteer': 1.5, 'age': 0.5, 'posts_held': 0.0, 'care_load': 0.0}
    """
    unknown = set(weights or {}) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown weights: {sorted(unknown)}")
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    view, as_of = CommunityView(G), as_of_date(as_of)
    facts = _facts(view, as_of, care_capacity)
    living = _residents_by_scope(view)
    scopes = [_suggest(view, scope, kind, need, living[scope], facts, w, limit) for need, kind, scope in _needs(view)]
    return LeaderSuggestions(view.community, as_of, scopes)


def _needs(view: CommunityView) -> list[tuple[str, str, str]]:
    """``(need, kind, scope)`` of the scopes without a leader, then of those without a backup."""
    vacant: list[tuple[str, str, str]] = []
    unbacked: list[tuple[str, str, str]] = []
    for kind in SCOPE_KINDS:
        for scope in view.sorted_nodes(kind):
            posts: dict[str, set[str]] = view.holders.get(scope, {})
            if not posts.get("A") and not posts.get("B"):
                vacant.append(("leader", kind, scope))
            elif not posts.get("B"):
                unbacked.append(("backup", kind, scope))
    return vacant + unbacked


def _residents_by_scope(view: CommunityView) -> defaultdict[str, list[str]]:
    """The residents living in each place (an empty list for a place nobody lives in)."""
    living: defaultdict[str, list[str]] = defaultdict(list)
    for r in view.nodes["resident"]:
        for place in view.ancestors(r):
            living[place].append(r)
    return living


def _facts(view: CommunityView, as_of: date, care_capacity: int) -> dict[str, Fact]:
    """Per resident: (resident_id, name, age, party, volunteer, posts, load share)."""
    ages, loads = view.ages(as_of), view.care_loads(as_of)
    posts: defaultdict[str, int] = defaultdict(int)
    for p in view.posts:
        posts[p.person] += 1
    facts: dict[str, Fact] = {}
    for r, d in view.nodes["resident"].items():
        if r in ages:
            share = loads.get(r, 0) / max(capacity_of(d, care_capacity), 1)
            facts[r] = (
                d["resident_id"],
                d.get("name"),
                ages[r],
                bool(d.get("party_member")),
                bool(view.teams.get(r)) or r in view.servers,
                posts[r],
                share,
            )
    return facts


def _suggest(
    view: CommunityView,
    scope: str,
    kind: str,
    need: str,
    residents: list[str],
    facts: dict[str, Fact],
    w: Mapping[str, float],
    limit: int,
) -> Row:
    """The entry of one scope of `kind`: its place, its `need` and its best `limit` candidates."""
    grid, building, unit = view.labels(scope)
    holders: set[str] = set().union(*view.holders.get(scope, {}).values())
    scored = [_score(facts[r], w) for r in residents if r in facts and r not in holders and facts[r][2] >= MIN_AGE]
    scored.sort(key=lambda c: (-c["score"], c["resident_id"]))
    return {
        "role": role_of_kind(kind).value,
        "grid": grid,
        "building": building,
        "unit": unit,
        "need": need,
        "candidates": scored[:limit],
    }


def _score(fact: Fact, w: Mapping[str, float]) -> Row:
    """A candidate's entry: weighted components and their sum."""
    rid, name, age, party, volunteer, posts, share = fact
    values = {
        "lives_there": 1.0,
        "party_member": float(party),
        "volunteer": float(volunteer),
        "age": age_band(age),
        "posts_held": -float(posts),
        "care_load": -share,
    }
    components = {k: round(w[k] * v, 3) + 0.0 for k, v in values.items()}  # no -0.0
    return {
        "resident_id": rid,
        "name": name,
        "age": age,
        "score": round(sum(components.values()), 3),
        "components": components,
    }
