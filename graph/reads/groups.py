"""Batched reads of teams, grid service roles and the Party network.

Each entry of `RELATED` is one Cypher statement over many ids (``$ids``) that
collects ``[key, node, rel]`` rows: the id asked about, the related node's
properties, and the relationship's properties (``{}`` where it has none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.models import to_date
from graph.store import Store

_ACTIVE = "WHERE r.status = 'active' "
RELATED = {
    "teams_of_communities": "UNWIND $ids AS key MATCH (n:VolunteerTeam {community: key}) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "teams_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[m:MEMBER_OF]->(n:VolunteerTeam) "
    "RETURN collect([key, properties(n), properties(m)]) AS rows",
    "members_of_teams": "UNWIND $ids AS key MATCH (r:Resident)-[m:MEMBER_OF]->(:VolunteerTeam {id: key}) "
    + _ACTIVE
    + "RETURN collect([key, properties(r), properties(m)]) AS rows",
    "service_roles_of_grids": "UNWIND $ids AS key MATCH (r:Resident)-[s:SERVES]->(:Grid {id: key}) "
    + _ACTIVE
    + "RETURN collect([key, properties(r), properties(s)]) AS rows",
    "service_roles_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[s:SERVES]->(n:Grid) "
    "RETURN collect([key, properties(n), properties(s)]) AS rows",
    "committee_of_communities": "UNWIND $ids AS key MATCH (:Community {id: key})-[:HAS_PARTY_COMMITTEE]->"
    "(n:PartyCommittee) RETURN collect([key, properties(n), {}]) AS rows",
    # a branch or group of the Party network comes with the place it stands for (`place`), to be seen with it
    "branches_of_committees": "UNWIND $ids AS key MATCH (:PartyCommittee {id: key})-[:HAS_BRANCH]->"
    "(n:PartyBranch) OPTIONAL MATCH (n)-[:FOR_GRID]->(g:Grid) "
    "RETURN collect([key, properties(n), {place: g.id}]) AS rows",
    "branch_of_grids": "UNWIND $ids AS key MATCH (n:PartyBranch)-[:FOR_GRID]->(:Grid {id: key}) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "grid_of_branches": "UNWIND $ids AS key MATCH (:PartyBranch {id: key})-[:FOR_GRID]->(n:Grid) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "groups_of_branches": "UNWIND $ids AS key MATCH (:PartyBranch {id: key})-[:HAS_GROUP]->(n:PartyGroup) "
    "OPTIONAL MATCH (n)-[:FOR_BUILDING]->(b:Building) RETURN collect([key, properties(n), {place: b.id}]) AS rows",
    "groups_of_buildings": "UNWIND $ids AS key MATCH (n:PartyGroup)-[:FOR_BUILDING]->(:Building {id: key}) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "building_of_groups": "UNWIND $ids AS key MATCH (:PartyGroup {id: key})-[:FOR_BUILDING]->(n:Building) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "groups_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[:MEMBER_OF]->(n:PartyGroup) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "members_of_groups": "UNWIND $ids AS key MATCH (r:Resident)-[:MEMBER_OF]->(:PartyGroup {id: key}) "
    + _ACTIVE
    + "RETURN collect([key, properties(r), {}]) AS rows",
    "households_of_groups": "UNWIND $ids AS key MATCH (r:Resident)-[:MEMBER_OF]->(:PartyGroup {id: key}) "
    + _ACTIVE
    + "MATCH (r)-[:LIVES_IN]->(n:Household) "
    "WITH DISTINCT key, n RETURN collect([key, properties(n), {}]) AS rows",
    "communities_by_id": "UNWIND $ids AS key MATCH (n:Community {id: key}) "
    "RETURN collect([key, properties(n), {}]) AS rows",
    "teams_by_id": "UNWIND $ids AS key MATCH (n:VolunteerTeam {id: key}) "
    "RETURN collect([key, properties(n), {}]) AS rows",
}


@dataclass(frozen=True)
class Related:
    """A node related to the key, with the relationship's properties (dates converted)."""

    node: dict[str, Any]
    rel: dict[str, Any]

    @property
    def since(self) -> date | None:
        return to_date(self.rel.get("since"))


def related(store: Store, name: str, ids: list[str]) -> dict[str, list[Related]]:
    """Run one `RELATED` statement for many ids; results grouped by id."""
    out: dict[str, list[Related]] = defaultdict(list)
    for key, node, rel in store.read_rows(name, RELATED[name], ids=ids):
        out[key].append(Related(node, rel))
    return out
