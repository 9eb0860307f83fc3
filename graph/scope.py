"""What a leader or a volunteer may reach: the row-level scope of their token.

A grid, building or unit leader answers for the places under their grid,
building or unit: they reach those places, the active residents living there
(and themselves), and see the places above theirs only as the way down to them. A
volunteer reaches themselves and the people they actively care for today,
and the homes of those people. Everything else behaves, for them, as if it
did not exist. `Reach` is computed on the server from the token (never from
arguments), in one round trip per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph import ids
from graph.models import SCOPE_LABELS
from graph.store import Store

_BELOW = "[:HAS_BUILDING|HAS_UNIT|HAS_HOUSEHOLD*0..3]"
_HOME_AND_ABOVE = """
  OPTIONAL MATCH (r)-[:LIVES_IN]->(h:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
                 <-[:HAS_BUILDING]-(g:Grid)
"""
LEADER_REACH: dict[str, str] = {  # by scope kind (grid, building, unit)
    kind: f"""
OPTIONAL MATCH (top:{label} {{id: $place, community: $community}})
CALL (top) {{
  OPTIONAL MATCH (top)-{_BELOW}->(p)
  RETURN collect(DISTINCT p.id) AS below
}}
CALL (top) {{
  OPTIONAL MATCH (a)-[:HAS_GRID|HAS_BUILDING|HAS_UNIT*1..3]->(top)
  RETURN collect(DISTINCT a.id) AS above
}}
CALL (below) {{
  UNWIND below AS hid
  MATCH (:Household {{id: hid}})<-[:LIVES_IN]-(r:Resident {{status: 'active'}})
  RETURN collect(r.id) AS residents
}}
CALL () {{
  OPTIONAL MATCH (r:Resident {{id: $self, community: $community}})
  {_HOME_AND_ABOVE}
  RETURN [x IN [r.id, h.id, u.id, b.id, g.id] WHERE x IS NOT NULL] AS own
}}
RETURN below, above, residents, own
"""
    for kind, label in SCOPE_LABELS.items()
}
VOLUNTEER_REACH = f"""
MATCH (r:Resident {{community: $community}})
WHERE r.id = $self
   OR EXISTS {{ MATCH (:Resident {{id: $self}})-[c:CARES_FOR]->(r)
               WHERE (c.since IS NULL OR c.since <= $today) AND (c.until IS NULL OR c.until >= $today) }}
{_HOME_AND_ABOVE}
RETURN collect(r.id) AS residents, collect([x IN [h.id, u.id, b.id, g.id] WHERE x IS NOT NULL]) AS homes
"""


@dataclass(frozen=True)
class Reach:
    """The ids a scoped caller may see, and the places they may change."""

    community: str
    residents: frozenset[str]
    places: frozenset[str]  # visible: their own places, the way down to them, and the homes they reach
    answers_for: frozenset[str]  # their grid/building/unit and everything below it; empty for volunteers
    changes: frozenset[str] = frozenset()  # the residents they may change: those living where they answer

    def sees(self, node_id: str) -> bool:
        return node_id == self.community or node_id in self.residents or node_id in self.places


def scope_place_id(community: str, kind: str, value: str) -> str:
    """The stable id of the place a token's scope names (``unit``, ``5-2`` → ``…/b/5/u/2``)."""
    if kind == "grid":
        return ids.grid_id(community, value)
    if kind == "building":
        return ids.building_id(community, value)
    if kind == "unit":
        building, _, unit = value.rpartition("-")
        return ids.unit_id(community, building, unit)
    raise ValueError(f"no scope kind {kind!r}")


def leader_reach(store: Store, community: str, kind: str, value: str, self_id: str | None = None) -> Reach:
    """What a leader of the grid/building/unit ``value`` reaches (a place that is gone: only themselves)."""
    place = scope_place_id(community, kind, value)
    row = store.read(f"reach_of_{kind}_leader", LEADER_REACH[kind], community=community, place=place, self=self_id)[0]
    below, living = frozenset(row["below"]), frozenset(row["residents"])
    own = row["own"]
    return Reach(
        community=community,
        residents=living | frozenset(own[:1]),
        places=below | frozenset(row["above"]) | frozenset(own[1:]),
        answers_for=below,
        changes=living,
    )


def volunteer_reach(store: Store, community: str, self_id: str, today: date) -> Reach:
    """What a volunteer reaches on ``today``: themselves, the people they care for, and their homes."""
    row = store.read("reach_of_volunteer", VOLUNTEER_REACH, community=community, self=self_id, today=today)[0]
    return Reach(
        community=community,
        residents=frozenset(row["residents"]),
        places=frozenset(p for home in row["homes"] for p in home),
        answers_for=frozenset(),
    )
