"""The size of communities' networks: any number of them in one round trip."""

from __future__ import annotations

from datetime import date
from typing import Any

from analysis.domain import ELDER_AGE, born_by
from graph.errors import NotFound
from graph.store import Store

STATS = """
UNWIND $communities AS community
MATCH (c:Community {id: community})
RETURN c.name AS community,
  COUNT { (c)-[:HAS_GRID]->(:Grid) } AS grids,
  COUNT { (c)-[:HAS_GRID]->(:Grid)-[:HAS_BUILDING]->(:Building) } AS buildings,
  COUNT { (c)-[:HAS_GRID]->()-[:HAS_BUILDING]->()-[:HAS_UNIT]->(:Unit) } AS units,
  COUNT { MATCH (h:Household {community: community}) } AS households,
  COUNT { MATCH (r:Resident {community: community}) WHERE r.status = 'active' } AS residents,
  COUNT { MATCH (r:Resident {community: community})
          WHERE r.status = 'active' AND r.birthDate <= $elderBorn } AS elders,
  COUNT { MATCH (p:PartyGroup {community: community}) } AS party_groups,
  COUNT { MATCH (h:Household {community: community})
          WHERE EXISTS { (h)<-[:LIVES_IN]-(:Resident {partyMember: true, status: 'active'}) } }
    AS party_member_households,
  COUNT { MATCH (t:VolunteerTeam {community: community}) } AS volunteer_teams,
  COUNT { MATCH (:Resident {community: community})-[:CARES_FOR]->() } AS care_relationships,
  COLLECT { MATCH (:Resident {community: community})-[l:LEADS]->()
            RETURN [l.role, l.post] } AS posts
"""

COMMUNITIES = """
MATCH (c:Community)
RETURN c.id AS id, c.name AS name ORDER BY c.name
"""


def community_stats(store: Store, community: str, *, today: date) -> dict[str, Any]:
    """Counts of one community's parts; raises `NotFound` for an unknown community."""
    found = many_community_stats(store, [community], today=today)
    if community not in found:
        raise NotFound(f"no community named {community!r}")
    return found[community]


def many_community_stats(store: Store, communities: list[str], *, today: date) -> dict[str, dict[str, Any]]:
    """Counts of several communities, by name; unknown names are left out."""
    records = store.read("community_stats", STATS, communities=communities, elderBorn=born_by(today, ELDER_AGE))
    return {r["community"]: _with_leaders(dict(r)) for r in records}


def _with_leaders(stats: dict[str, Any]) -> dict[str, Any]:
    leaders = {role: {"A": 0, "B": 0} for role in ("grid", "building", "unit")}
    for role, post in stats.pop("posts"):
        leaders[role.removesuffix("_leader")][post] += 1
    stats["leaders"] = leaders
    return stats


def list_communities(store: Store) -> list[dict[str, Any]]:
    records = store.read("list_communities", COMMUNITIES)
    return [dict(r) for r in records]
