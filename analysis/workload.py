"""Care loads of caregivers and overloaded leaders.

A **leader** holds any leader post (A or B) of a grid, building or unit. A
person's **care load** is the number of distinct people they actively care for
(any kind of care). A leader is **overloaded** when the load is above their
capacity: their own ``care_capacity`` attribute where set, else the
`care_capacity` option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from analysis.domain import LEADER_ROLES, PlaceSortKey, as_of_date, place_key
from analysis.model import Graph
from analysis.view import CommunityView, Post, Row

__all__ = ["OverloadedLeader", "capacity_of", "care_loads", "leader_posts", "overloaded_leaders"]


@dataclass(frozen=True)
class OverloadedLeader:
    """A leader caring for more people than their capacity."""

    resident_id: str
    name: str | None
    care_load: int
    capacity: int
    posts: list[str]

    def to_dict(self) -> Row:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["posts"] = list(self.posts)
        return d


def capacity_of(attrs: Mapping[str, Any], care_capacity: int = 10) -> int:
    """A person's capacity: own ``care_capacity`` attribute, else the default.

    >>> capacity_of({"care_capacity": 3}), capacity_of({"care_capacity": None}, 10)
    (3, 10)
    """
    own: int | None = attrs.get("care_capacity")
    return care_capacity if own is None else own


def care_loads(G: Graph, *, as_of: date | str | None = None) -> dict[str, int]:
    """Return the care load of every active caregiver, by resident id.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day the care must be active on (default today).

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> care_loads(example_graph(), as_of="2024-06-01")
    {'R01': 2}
    >>> care_loads(example_graph(), as_of="2024-05-31")
    {'R01': 2, 'R07': 1}
    """
    view = CommunityView(G)
    loads = view.care_loads(as_of_date(as_of))
    return {_rid(view, r): n for r, n in sorted(loads.items(), key=lambda x: _rid(view, x[0]))}


def leader_posts(G: Graph) -> dict[str, list[str]]:
    """Return the posts of every leader, by resident id, e.g. ``"unit_leader:5-2:B"``.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> leader_posts(example_graph())["R02"]
    ['grid_leader:1:A', 'unit_leader:5-1:A', 'unit_leader:5-2:B']
    """
    view = CommunityView(G)
    return {_rid(view, p): posts for p, posts in sorted(_posts_by_person(view).items())}


def overloaded_leaders(G: Graph, *, as_of: date | str | None = None, care_capacity: int = 10) -> list[OverloadedLeader]:
    """Return the leaders whose care load is above their capacity.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph.
    as_of : date or str, optional
        The day care is counted on (default today).
    care_capacity : int, optional
        The capacity of a leader without an own ``care_capacity`` (default 10).

    Returns
    -------
    list of OverloadedLeader
        Sorted by falling care load, then resident id.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> [o.to_dict() for o in overloaded_leaders(example_graph(), as_of="2024-06-01")]
    [{'resident_id': 'R01', 'name': '刘凤霞', 'care_load': 2, 'capacity': 1, 'posts': ['building_leader:5:A']}]
    """
    return find_overloaded(CommunityView(G), as_of_date(as_of), care_capacity)


def find_overloaded(view: CommunityView, as_of: date, care_capacity: int) -> list[OverloadedLeader]:
    """`overloaded_leaders` on a `CommunityView`."""
    loads = view.care_loads(as_of)
    result = []
    for person, posts in _posts_by_person(view).items():
        d = view.nodes["resident"][person]
        cap = capacity_of(d, care_capacity)
        if loads.get(person, 0) > cap:
            result.append(OverloadedLeader(d["resident_id"], d.get("name"), loads[person], cap, posts))
    return sorted(result, key=lambda o: (-o.care_load, o.resident_id))


def post_sort_key(view: CommunityView, post: Post) -> tuple[int, tuple[PlaceSortKey, ...], str]:
    """Order posts by role (grid, building, unit), place, then A before B."""
    labels = tuple(place_key(x) for x in view.labels(post.scope))
    return (LEADER_ROLES.index(post.role), labels, post.post)


def _posts_by_person(view: CommunityView) -> dict[str, list[str]]:
    """The labels of every leader's posts, in `post_sort_key` order."""
    by_person: dict[str, list[str]] = {}
    for post in sorted(view.posts, key=lambda p: post_sort_key(view, p)):
        by_person.setdefault(post.person, []).append(view.post_label(post))
    return by_person


def _rid(view: CommunityView, person: str) -> str:
    """The ledger id of a resident node."""
    rid: str = view.nodes["resident"][person]["resident_id"]
    return rid
