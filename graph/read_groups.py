"""Batched reads of teams, grid service roles and the Party network.

Each entry of `RELATED` is one Cypher statement over many ids (``$ids``) that
returns ``key`` (the id asked about) and ``node`` (the related node's
properties), plus ``rel`` (the relationship's properties) where it has any.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import neo4j

from graph import db
from graph.models import to_date

_ACTIVE = "WHERE r.status = 'active' "
RELATED = {
    "teams_of_communities": "UNWIND $ids AS key MATCH (n:VolunteerTeam {community: key}) "
                            "RETURN key, properties(n) AS node, {} AS rel",
    "teams_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[m:MEMBER_OF]->(n:VolunteerTeam) "
                          "RETURN key, properties(n) AS node, properties(m) AS rel",
    "members_of_teams": "UNWIND $ids AS key MATCH (r:Resident)-[m:MEMBER_OF]->(:VolunteerTeam {id: key}) "
                        + _ACTIVE + "RETURN key, properties(r) AS node, properties(m) AS rel",
    "service_roles_of_grids": "UNWIND $ids AS key MATCH (r:Resident)-[s:SERVES]->(:Grid {id: key}) "
                              + _ACTIVE + "RETURN key, properties(r) AS node, properties(s) AS rel",
    "service_roles_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[s:SERVES]->(n:Grid) "
                                  "RETURN key, properties(n) AS node, properties(s) AS rel",
    "committee_of_communities": "UNWIND $ids AS key MATCH (:Community {id: key})-[:HAS_PARTY_COMMITTEE]->"
                                "(n:PartyCommittee) RETURN key, properties(n) AS node, {} AS rel",
    "branches_of_committees": "UNWIND $ids AS key MATCH (:PartyCommittee {id: key})-[:HAS_BRANCH]->"
                              "(n:PartyBranch) RETURN key, properties(n) AS node, {} AS rel",
    "branch_of_grids": "UNWIND $ids AS key MATCH (n:PartyBranch)-[:FOR_GRID]->(:Grid {id: key}) "
                       "RETURN key, properties(n) AS node, {} AS rel",
    "grid_of_branches": "UNWIND $ids AS key MATCH (:PartyBranch {id: key})-[:FOR_GRID]->(n:Grid) "
                        "RETURN key, properties(n) AS node, {} AS rel",
    "groups_of_branches": "UNWIND $ids AS key MATCH (:PartyBranch {id: key})-[:HAS_GROUP]->(n:PartyGroup) "
                          "RETURN key, properties(n) AS node, {} AS rel",
    "groups_of_buildings": "UNWIND $ids AS key MATCH (n:PartyGroup)-[:FOR_BUILDING]->(:Building {id: key}) "
                           "RETURN key, properties(n) AS node, {} AS rel",
    "building_of_groups": "UNWIND $ids AS key MATCH (:PartyGroup {id: key})-[:FOR_BUILDING]->(n:Building) "
                          "RETURN key, properties(n) AS node, {} AS rel",
    "groups_of_residents": "UNWIND $ids AS key MATCH (:Resident {id: key})-[:MEMBER_OF]->(n:PartyGroup) "
                           "RETURN key, properties(n) AS node, {} AS rel",
    "members_of_groups": "UNWIND $ids AS key MATCH (r:Resident)-[:MEMBER_OF]->(:PartyGroup {id: key}) "
                         + _ACTIVE + "RETURN key, properties(r) AS node, {} AS rel",
    "households_of_groups": "UNWIND $ids AS key MATCH (r:Resident)-[:MEMBER_OF]->(:PartyGroup {id: key}) "
                            + _ACTIVE + "MATCH (r)-[:LIVES_IN]->(n:Household) "
                            "RETURN DISTINCT key, properties(n) AS node, {} AS rel",
    "communities_by_id": "UNWIND $ids AS key MATCH (n:Community {id: key}) RETURN key, properties(n) AS node, {} AS rel",
    "teams_by_id": "UNWIND $ids AS key MATCH (n:VolunteerTeam {id: key}) RETURN key, properties(n) AS node, {} AS rel",
}


@dataclass(frozen=True)
class Related:
    """A node related to the key, with the relationship's properties (dates converted)."""

    node: dict
    rel: dict

    @property
    def since(self) -> date | None:
        return to_date(self.rel.get("since"))


def related(driver: neo4j.Driver, database: str, name: str, ids: list[str]) -> dict[str, list[Related]]:
    """Run one `RELATED` statement for many ids; results grouped by id."""
    out: dict[str, list[Related]] = defaultdict(list)
    for row in db.read(driver, database, name, RELATED[name], ids=ids):
        out[row["key"]].append(Related(dict(row["node"]), dict(row["rel"])))
    return out
