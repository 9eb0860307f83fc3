"""Writing a prepared history of home services, matters, points and wills in bulk (the demo's year).

`people_of` reads what a generator needs of a community (residents with their
homes, teams and their members, grid mediators and leaders); `write_seed`
writes a `Seed` — nodes with their properties, already consistent: each case's
events numbered, each account's balance the sum of its movements — in one
transaction of batched ``UNWIND … MERGE`` statements keyed on the nodes' ids, so
a second run changes nothing. A community that already has requests, matters or
movements of points is left alone (`Seeded.skipped`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import neo4j

from analysis.domain import ServiceRole
from graph import ids
from graph.models import to_date
from graph.store import Store, counted, counted_one

BATCH = 2000


@dataclass(frozen=True)
class Person:
    """A resident as the demo's generator sees them."""

    id: str
    ledger_id: str
    name: str
    birth_date: date
    lives_alone: bool
    grid: str | None
    building: str | None
    unit: str | None


@dataclass(frozen=True)
class People:
    community: str
    residents: list[Person]
    teams: dict[str, list[str]]  # team name → member ids
    mediators: dict[str, str]  # grid label → the dispute mediator's id
    leaders: dict[str, str]  # grid or building id (`…/g/3`, `…/b/5`) → its A-post leader's id


PEOPLE = """
MATCH (r:Resident {community: $community, status: 'active'})
OPTIONAL MATCH (r)-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
               <-[:HAS_BUILDING]-(g:Grid)
RETURN collect([r.id, r.residentId, r.name, r.birthDate, coalesce(r.livesAlone, false), g.number, b.number,
                u.number]) AS rows
"""
TEAMS = """
MATCH (t:VolunteerTeam {community: $community})
CALL (t) { OPTIONAL MATCH (r:Resident {status: 'active'})-[:MEMBER_OF]->(t) WITH r ORDER BY r.id
           RETURN collect(r.id) AS members }
RETURN collect([t.name, members]) AS rows
"""
POSTS = """
MATCH (r:Resident {community: $community, status: 'active'})-[s:SERVES {role: $mediator}]->(g:Grid)
WITH g, r ORDER BY r.id
WITH g.number AS grid, collect(r.id)[0] AS mediator
RETURN collect([grid, mediator]) AS mediators,
       COLLECT { MATCH (l:Resident {community: $community})-[p:LEADS {post: 'A'}]->(s) WHERE s:Grid OR s:Building
                 RETURN [s.id, l.id] } AS leaders
"""


def people_of(store: Store, community: str) -> People:
    """The active residents of a community with their homes, its teams, mediators and A-post leaders."""
    rows = store.read_rows("seed_people", PEOPLE, community=community)
    residents = []
    for rid, ledger_id, name, born, alone, g, b, u in sorted(rows, key=lambda r: r[0]):
        birth = to_date(born)
        assert birth is not None
        residents.append(Person(rid, ledger_id, name, birth, bool(alone), g, b, u))
    teams = {name: list(members) for name, members in store.read_rows("seed_teams", TEAMS, community=community)}
    posts = store.read("seed_posts", POSTS, community=community, mediator=ServiceRole.DISPUTE_MEDIATOR.value)
    mediators = dict(posts[0]["mediators"]) if posts else {}
    leaders = dict(posts[0]["leaders"]) if posts else {}
    return People(community, residents, teams, mediators, leaders)


@dataclass
class Seed:
    """What to write: each list holds one dict of properties per node (``id`` first among them)."""

    community: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    matters: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    gifts: list[dict[str, Any]] = field(default_factory=list)
    wills: list[dict[str, Any]] = field(default_factory=list)
    team_kinds: dict[str, list[str]] = field(default_factory=dict)  # team name → the kinds it declares

    def sizes(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("requests", "matters", "events", "movements", "gifts", "wills")}


@dataclass(frozen=True)
class Seeded:
    written: Mapping[str, int]
    skipped: bool = False


#: label of each list of a `Seed`: a closed table, since labels cannot be parameters
LABELS = {
    "requests": "ServiceRequest",
    "matters": "Matter",
    "events": "CaseEvent",
    "accounts": "PointsAccount",
    "movements": "PointsMovement",
    "gifts": "Gift",
    "wills": "Will",
}
ALREADY = """
RETURN EXISTS { MATCH (q:ServiceRequest {community: $community}) WHERE q.source <> 'ledger' }
    OR EXISTS { MATCH (:Matter {community: $community}) }
    OR EXISTS { MATCH (:PointsMovement {community: $community}) } AS found
"""


TEAM_KINDS = "UNWIND $teams AS t MATCH (n:VolunteerTeam {id: t.id}) SET n.serviceKinds = t.kinds"


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def write_seed(store: Store, seed: Seed) -> Seeded:
    """Write a seed in one transaction (nothing if the community has cases or points already)."""

    def work(tx: neo4j.ManagedTransaction) -> Seeded:
        if counted_one(tx, "seed_already", ALREADY, community=seed.community)["found"]:
            return Seeded({}, skipped=True)
        declared = [{"id": ids.team_id(seed.community, t), "kinds": k} for t, k in sorted(seed.team_kinds.items())]
        counted(tx, "seed_team_kinds", TEAM_KINDS, teams=declared).consume()
        for name, label in LABELS.items():
            cypher = f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) ON CREATE SET n += row"
            for rows in _batches(getattr(seed, name)):
                counted(tx, f"seed_{name}", cypher, rows=rows).consume()
        return Seeded(seed.sizes())

    return store.transaction(work)
