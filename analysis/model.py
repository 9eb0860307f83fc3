"""Dates, place labels and a builder for hand-made community graphs.

The analyses read the graph described in ``docs/analysis-graph.md``. The
builder functions here make such a graph by hand (in tests, doctests and
examples) with the same node keys and attributes as the export:

>>> from analysis.model import community_graph, add_resident, add_post
>>> G = community_graph("示例社区")
>>> add_resident(G, "R1", name="刘凤霞", birth_date="1958-05-01",
...              grid="1", building="5", unit="2", room="301")
'示例社区/r/R1'
>>> add_post(G, "R1", "building_leader", "A", building="5")
>>> sorted(k for k, kind in G.nodes(data="kind") if kind != "resident")
['示例社区', '示例社区/b/5', '示例社区/b/5/u/2', '示例社区/b/5/u/2/h/301', '示例社区/g/1']

Places are normalised labels (``"5"`` for 5号楼); `analysis.domain.place_key` orders them.
"""

from __future__ import annotations

from bisect import insort
from datetime import date
from typing import Any, TypeAlias

import networkx as nx

from analysis.domain import as_of_date, kind_of_role

__all__ = [
    "Attrs",
    "Graph",
    "community_graph",
    "add_resident",
    "add_post",
    "add_care",
    "add_member",
    "add_service",
    "add_visit",
]

#: A community graph (``docs/analysis-graph.md``): node keys are str, attributes plain dicts.
Graph: TypeAlias = "nx.MultiDiGraph[str]"
#: The attribute dict of a node or an edge of a community graph.
Attrs: TypeAlias = dict[str, Any]


def community_graph(community: str) -> Graph:
    """Return an empty community graph: a MultiDiGraph with its community node.

    >>> G = community_graph("示例社区")
    >>> G.graph["community"], dict(G.nodes["示例社区"])
    ('示例社区', {'kind': 'community', 'name': '示例社区'})
    """
    G: Graph = nx.MultiDiGraph(community=community)
    G.add_node(community, kind="community", name=community)
    return G


def _edge(G: Graph, u: str, v: str, rel: str, key: str | None = None, **attrs: Any) -> None:
    G.add_edge(u, v, key=key or rel, rel=rel, **attrs)


def _grid(G: Graph, grid: str) -> str:
    c = G.graph["community"]
    key = f"{c}/g/{grid}"
    if key not in G:
        G.add_node(key, kind="grid", number=grid)
        _edge(G, c, key, "HAS_GRID")
    return key


def _building(G: Graph, building: str, grid: str | None = None) -> str:
    key = f"{G.graph['community']}/b/{building}"
    if key not in G:
        if grid is None:
            raise ValueError(f"building {building!r} is new: give its grid")
        G.add_node(key, kind="building", number=building, grid=grid)
        _edge(G, _grid(G, grid), key, "HAS_BUILDING")
    return key


def _unit(G: Graph, building: str, unit: str, grid: str | None = None) -> str:
    b = _building(G, building, grid)
    key = f"{b}/u/{unit}"
    if key not in G:
        G.add_node(key, kind="unit", number=unit, building=building, grid=G.nodes[b]["grid"])
        _edge(G, b, key, "HAS_UNIT")
    return key


def _household(G: Graph, grid: str, building: str, unit: str, room: str) -> str:
    u = _unit(G, building, unit, grid)
    key = f"{u}/h/{room}"
    if key not in G:
        G.add_node(key, kind="household", room=room, unit=unit, building=building, grid=grid)
        _edge(G, u, key, "HAS_HOUSEHOLD")
    return key


def _resident(G: Graph, resident_id: str) -> str:
    return f"{G.graph['community']}/r/{resident_id}"


def add_resident(
    G: Graph,
    resident_id: str,
    *,
    birth_date: date | str,
    grid: str,
    building: str,
    unit: str,
    room: str,
    name: str | None = None,
    lives_alone: bool = False,
    party_member: bool = False,
    care_capacity: int | None = None,
    care_tier: str | None = None,
) -> str:
    """Add a resident and, as needed, their grid, building, unit and household.

    `birth_date` is a date or an ISO string; `care_tier` an explicit tier of the visiting programme (None: the
    rule decides). Returns the resident's node key.

    >>> G = community_graph("c")
    >>> add_resident(G, "R1", birth_date="1950-01-01", grid="1", building="5", unit="2", room="301")
    'c/r/R1'
    """
    key = _resident(G, resident_id)
    G.add_node(
        key,
        kind="resident",
        resident_id=resident_id,
        name=name or resident_id,
        birth_date=as_of_date(birth_date),
        lives_alone=lives_alone,
        party_member=party_member,
        grid=grid,
        building=building,
        unit=unit,
        room=room,
        care_capacity=care_capacity,
        care_tier=care_tier,
        contacts=(),
    )
    _edge(G, key, _household(G, grid, building, unit, room), "LIVES_IN")
    return key


def add_post(
    G: Graph,
    resident_id: str,
    role: str,
    post: str = "A",
    *,
    grid: str | None = None,
    building: str | None = None,
    unit: str | None = None,
) -> None:
    """Make a resident hold leader post `post` (A/B) of `role` over a scope.

    A grid post needs `grid`; a building post `building` (and `grid` if the
    building is new); a unit post `building` and `unit`.

    >>> G = community_graph("c")
    >>> add_post(G, "R1", "unit_leader", "B", grid="1", building="5", unit="2")
    >>> [(u, v, d["post"]) for u, v, d in G.edges(data=True) if d["rel"] == "LEADS"]
    [('c/r/R1', 'c/b/5/u/2', 'B')]
    """
    kind = kind_of_role(role)
    if kind == "grid":
        scope = _grid(G, _needed(grid, "grid", role))
    elif kind == "building":
        scope = _building(G, _needed(building, "building", role), grid)
    else:
        scope = _unit(G, _needed(building, "building", role), _needed(unit, "unit", role), grid)
    _edge(G, _resident(G, resident_id), scope, "LEADS", role=role, post=post)


def _needed(label: str | None, name: str, role: str) -> str:
    """`label`, which a post of `role` needs: a missing one would make a place named "None"."""
    if label is None:
        raise ValueError(f"a {role} post needs its {name}")
    return label


def add_care(
    G: Graph,
    caregiver_id: str,
    recipient_id: str,
    kind: str = "responsibility",
    *,
    since: date | str | None = None,
    until: date | str | None = None,
) -> None:
    """Record that one resident cares for another (`since`/`until`: dates or None).

    >>> G = community_graph("c")
    >>> add_care(G, "R1", "R2", until="2024-01-31")
    >>> list(G.edges(keys=True))
    [('c/r/R1', 'c/r/R2', 'CARES_FOR:responsibility')]
    """
    since = since and as_of_date(since)
    until = until and as_of_date(until)
    _edge(
        G,
        _resident(G, caregiver_id),
        _resident(G, recipient_id),
        "CARES_FOR",
        key=f"CARES_FOR:{kind}",
        kind=kind,
        since=since,
        until=until,
    )


def add_member(G: Graph, resident_id: str, team: str) -> None:
    """Make a resident a member of a volunteer team (created as needed).

    >>> G = community_graph("c")
    >>> add_member(G, "R1", "红马甲法律援助队")
    >>> G.nodes["c/t/红马甲法律援助队"]["kind"]
    'team'
    """
    key = f"{G.graph['community']}/t/{team}"
    if key not in G:
        G.add_node(key, kind="team", name=team)
    _edge(G, _resident(G, resident_id), key, "MEMBER_OF")


def add_service(G: Graph, resident_id: str, grid: str, role: str) -> None:
    """Make a resident serve a grid in one of the 8 service roles.

    >>> G = community_graph("c")
    >>> add_service(G, "R1", "1", "dispute_mediator")
    >>> G.has_edge("c/r/R1", "c/g/1", key="SERVES:dispute_mediator")
    True
    """
    _edge(G, _resident(G, resident_id), _grid(G, grid), "SERVES", key=f"SERVES:{role}", role=role)


def add_visit(G: Graph, elder_id: str, day: date | str, visitor_id: str | None = None) -> None:
    """Record a contact: a visit on `day` that reached the elder, by resident `visitor_id` (None: staff).

    The day joins the elder's ``contacts`` (kept ascending, as the export gives them) and, with a visitor,
    the ``VISITED`` edge from the visitor keeps the latest day in ``last``. Attempts (``not_home``) and
    withdrawn visits are not in the exported graph, so there is nothing to add for them.

    Both must be residents of `G` already.

    >>> G = community_graph("c")
    >>> for rid, born in (("E1", "1940-01-01"), ("V1", "1975-01-01")):
    ...     _ = add_resident(G, rid, birth_date=born, grid="1", building="5", unit="2", room="301")
    >>> add_visit(G, "E1", "2024-05-20", "V1")
    >>> add_visit(G, "E1", "2024-05-06")
    >>> G.nodes["c/r/E1"]["contacts"]
    (datetime.date(2024, 5, 6), datetime.date(2024, 5, 20))
    >>> G.edges["c/r/V1", "c/r/E1", "VISITED"]["last"]
    datetime.date(2024, 5, 20)
    """
    elder, day = _resident(G, elder_id), as_of_date(day)
    if elder not in G:
        raise ValueError(f"elder {elder_id!r} is not a resident of the graph: add them first")
    contacts = list(G.nodes[elder].get("contacts", ()))
    insort(contacts, day)
    G.nodes[elder]["contacts"] = tuple(contacts)
    if visitor_id is not None:
        visitor = _resident(G, visitor_id)
        if visitor not in G:
            raise ValueError(f"visitor {visitor_id!r} is not a resident of the graph: add them first")
        if G.has_edge(visitor, elder, key="VISITED"):
            edge = G.edges[visitor, elder, "VISITED"]
            edge["last"] = max(edge["last"], day)
        else:
            _edge(G, visitor, elder, "VISITED", last=day)
