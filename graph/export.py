"""Export one community, as it is on a day, to the NetworkX graph that `analysis/` works on.

The graph is described in ``docs/analysis-graph.md``. It is read in one
round trip (`COMMUNITY`) of three parts, each anchored on a community-scoped
index: the places and teams, the active residents with their household and
their last contact on or before the day, and the relationships between them
(``LEADS``, ``CARES_FOR``, ``MEMBER_OF`` a volunteer team, ``SERVES``); a
second, when asked, reads who visited whom in the 90 days before it. A resident's grid, building, unit and
room are looked up in the places already read rather than walked again in
Cypher. Residents who moved out or died, and every relationship touching them,
are left out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import neo4j
import networkx as nx

from analysis.domain import today
from analysis.model import Attrs, Graph
from graph.errors import NotFound
from graph.models import to_date
from graph.store import Store
from graph.visits import day_end

__all__ = ["community_graph", "COMMUNITY", "PLACES", "RESIDENTS", "RELATIONSHIPS"]

PLACES = """
MATCH (c:Community {id: $community})
RETURN c.name AS name,
  COLLECT { MATCH (c)-[:HAS_GRID]->(g:Grid) RETURN [g.id, g.number] } AS grids,
  COLLECT { MATCH (g:Grid {community: $community})-[:HAS_BUILDING]->(b:Building)
            RETURN [b.id, b.number, g.id] } AS buildings,
  COLLECT { MATCH (b:Building {community: $community})-[:HAS_UNIT]->(u:Unit)
            RETURN [u.id, u.number, b.id] } AS units,
  COLLECT { MATCH (u:Unit {community: $community})-[:HAS_HOUSEHOLD]->(h:Household)
            RETURN [h.id, h.room, u.id] } AS households,
  COLLECT { MATCH (t:VolunteerTeam {community: $community}) RETURN [t.id, t.name] } AS teams
"""

# `residentId IS NOT NULL` lets the planner use the (community, residentId) index. Each resident's last contact
# before $end (the as-of day's end) is one seek of the (resident, at) index read backwards: the visits of a year
# are never all read (attempts and withdrawn visits are skipped on the way).
RESIDENTS = """
MATCH (r:Resident {community: $community})
WHERE r.residentId IS NOT NULL AND r.status = 'active'
OPTIONAL MATCH (r)-[:LIVES_IN]->(h:Household)
WITH r, h ORDER BY r.id
RETURN collect([r.id, r.residentId, r.name, r.birthDate, r.livesAlone, r.partyMember,
                r.careCapacity, h.id, r.careTier,
                COLLECT { MATCH (v:Visit) USING INDEX v:Visit(resident, at) WHERE v.resident = r.id AND v.at < $end
                          WITH v ORDER BY v.resident DESC, v.at DESC WHERE v.contact AND NOT v.withdrawn
                          RETURN v.day LIMIT 1 }]) AS residents
"""

# who visited whom in the `VISITED_DAYS` ending on the as-of day (contacts only), through the (community, at)
# index: the visitors an elder has now, not everyone who ever came
VISITORS = """
MATCH (v:Visit)
WHERE v.community = $community AND v.at >= $since AND v.at < $end AND v.contact AND NOT v.withdrawn
  AND v.visitor IS NOT NULL
WITH v.visitor AS visitor, v.resident AS elder, max(v.day) AS last
RETURN collect([visitor, elder, last]) AS visits
"""
#: The days before the as-of day whose visitors count as the ones who visit an elder (``VISITED`` edges).
VISITED_DAYS = 90

RELATIONSHIPS = """
MATCH (r:Resident {community: $community})-[rel:LEADS|CARES_FOR|MEMBER_OF|SERVES]->(x)
WHERE r.residentId IS NOT NULL AND r.status = 'active' AND x.community = $community
  AND (x:Grid OR x:Building OR x:Unit OR x:VolunteerTeam OR (x:Resident AND x.status = 'active'))
WITH type(rel) AS type, r.id AS source, x.id AS target, rel
ORDER BY source, type, target, rel.kind, rel.role, rel.post
RETURN collect([type, source, target, rel.role, rel.post, rel.kind, rel.since, rel.until]) AS relationships
"""

# the three parts in one statement: one round trip a community (what `gridcare audit --all` pays per community)
COMMUNITY = f"""
CALL () {{ {RESIDENTS} }}
CALL () {{ {RELATIONSHIPS} }}
{PLACES.strip()}, residents, relationships
"""


def community_graph(store: Store, community: str, *, as_of: date | None = None, visitors: bool = False) -> Graph:
    """Read one community as it is on ``as_of`` (default today) into a typed `networkx.MultiDiGraph`.

    One round trip, two with ``visitors``. Each resident's ``contacts`` holds
    their last contact on or before ``as_of`` (what the audit of that day needs;
    ``G.graph["contacts_as_of"]`` says the day, and `analysis.visits` refuses
    another). With ``visitors``, a ``VISITED`` edge goes from each resident who
    visited an elder in the `VISITED_DAYS` ending on ``as_of`` to that elder (what
    `analysis.suggest_assignments` prefers among equal optima).

    Each statement returns one record holding lists: the driver decodes those
    much faster than as many records. Raises `NotFound` for an unknown community.
    """
    day = as_of or today()
    end = day_end(day)
    records = store.read("export_community", COMMUNITY, community=community, end=end)
    if not records:
        raise NotFound(f"no community named {community!r}")
    [record] = records
    G: Graph = nx.MultiDiGraph(community=community, contacts_as_of=day)
    G.add_node(community, kind="community", name=record["name"])
    with _collector_paused():
        homes = _add_places(G, community, record)
        _add_residents(G, record["residents"], homes)
        _add_keyed_edges(G, (_edge(*row) for row in record["relationships"]))
        if visitors:
            since = day_end(day - timedelta(days=VISITED_DAYS))  # the first moment of the window's first day
            [visits] = store.read("export_visitors", VISITORS, community=community, since=since, end=end)
            _add_visitors(G, visits["visits"])
    return G


def _add_visitors(G: Graph, rows: list[list[Any]]) -> None:
    """A VISITED edge from each visitor to each elder they visited, with the day of the latest visit."""
    _add_keyed_edges(
        G, ((u, v, "VISITED", {"rel": "VISITED", "last": to_date(d)}) for u, v, d in rows if u in G and v in G)
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration.

    Decoding and building a community allocates some 10^5 containers, none in
    a reference cycle; the collections they would trigger cost about a quarter
    of the export time (measured on the demo) and free nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: A household's (grid, building, unit, room) labels.
Home = tuple[str | None, str | None, str | None, str | None]
#: An edge of the community graph with its key: (u, v, key, attributes).
KeyedEdge = tuple[str, str, str, Attrs]


def _add_keyed_edges(G: Graph, edges: Iterable[KeyedEdge]) -> None:
    """``G.add_edges_from(edges)``, for edges with keys."""
    # types-networkx declares only (u, v) and (u, v, data) edges, not MultiGraph's (u, v, key, data)
    G.add_edges_from(edges)  # type: ignore[arg-type]


def _add_places(G: Graph, community: str, places: neo4j.Record) -> dict[str, Home]:
    """Add grids, buildings, units, households and teams; return household -> labels."""
    grids = dict(places["grids"])
    buildings = {b: (n, grids.get(g)) for b, n, g in places["buildings"]}
    units = {u: (n, *buildings[b]) for u, n, b in places["units"]}
    homes = {h: (room, *units[u]) for h, room, u in places["households"]}
    G.add_nodes_from((g, {"kind": "grid", "number": n}) for g, n in grids.items())
    G.add_nodes_from((b, {"kind": "building", "number": n, "grid": g}) for b, (n, g) in buildings.items())
    G.add_nodes_from((u, {"kind": "unit", "number": n, "building": b, "grid": g}) for u, (n, b, g) in units.items())
    G.add_nodes_from(
        (h, {"kind": "household", "room": r, "unit": u, "building": b, "grid": g}) for h, (r, u, b, g) in homes.items()
    )
    G.add_nodes_from((t, {"kind": "team", "name": name}) for t, name in places["teams"])
    _add_keyed_edges(G, ((community, g, "HAS_GRID", {"rel": "HAS_GRID"}) for g in grids))
    _add_keyed_edges(G, ((g, b, "HAS_BUILDING", {"rel": "HAS_BUILDING"}) for b, _, g in places["buildings"]))
    _add_keyed_edges(G, ((b, u, "HAS_UNIT", {"rel": "HAS_UNIT"}) for u, _, b in places["units"]))
    _add_keyed_edges(G, ((u, h, "HAS_HOUSEHOLD", {"rel": "HAS_HOUSEHOLD"}) for h, _, u in places["households"]))
    return {h: (g, b, u, r) for h, (r, u, b, g) in homes.items()}


_NOWHERE: Home = (None, None, None, None)


def _add_residents(G: Graph, rows: list[list[Any]], homes: dict[str, Home]) -> None:
    """Add residents (placed by their household) and their LIVES_IN edges."""
    nodes: list[tuple[str, Attrs]] = []
    lives: list[KeyedEdge] = []
    for key, rid, name, born, alone, party, capacity, home, tier, last in rows:
        grid, building, unit, room = homes.get(home, _NOWHERE)
        nodes.append(
            (
                key,
                {
                    "kind": "resident",
                    "resident_id": rid,
                    "name": name,
                    "birth_date": to_date(born),
                    "lives_alone": bool(alone),
                    "party_member": bool(party),
                    "grid": grid,
                    "building": building,
                    "unit": unit,
                    "room": room,
                    "care_capacity": capacity,
                    "care_tier": tier,
                    "contacts": (to_date(last[0]),) if last else (),
                },
            )
        )
        if home in homes:
            lives.append((key, home, "LIVES_IN", {"rel": "LIVES_IN"}))
    G.add_nodes_from(nodes)
    _add_keyed_edges(G, lives)


def _edge(
    rel: str, u: str, v: str, role: str | None, post: str | None, kind: str | None, since: Any, until: Any
) -> KeyedEdge:
    """One relationship row as a ``(u, v, key, attrs)`` edge (keys per the contract)."""
    if rel == "LEADS":
        return u, v, rel, {"rel": rel, "role": role, "post": post}
    if rel == "CARES_FOR":
        return u, v, f"CARES_FOR:{kind}", {"rel": rel, "kind": kind, "since": to_date(since), "until": to_date(until)}
    if rel == "SERVES":
        return u, v, f"SERVES:{role}", {"rel": rel, "role": role}
    return u, v, rel, {"rel": rel}
