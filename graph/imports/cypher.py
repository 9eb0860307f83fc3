"""Cypher of the ledger import: named, parameterised, batched with ``UNWIND``.

Every statement MERGEs on stable ids and SETs what the ledger says, so running
the same rows twice leaves the graph as it was. Labels and relationship types
are written in the statements, never taken from input. The steps of
:data:`FRESH` (households, residents, visits, home services done) look up first
which of their ids the community holds, and CREATE the nodes of the others.
"""

from analysis.domain import LEADER_ROLES, kind_of_role
from graph.models import SCOPE_LABELS

COMMUNITY = """
MERGE (c:Community {id: $community})
SET c.name = $community, c.community = $community
MERGE (pc:PartyCommittee {id: $committee})
SET pc.community = $community
MERGE (c)-[:HAS_PARTY_COMMITTEE]->(pc)
"""

GRIDS = """
MATCH (c:Community {id: $community})-[:HAS_PARTY_COMMITTEE]->(pc:PartyCommittee)
UNWIND $rows AS row
MERGE (g:Grid {id: row.id})
SET g.community = $community, g.number = row.number
MERGE (c)-[:HAS_GRID]->(g)
MERGE (pb:PartyBranch {id: row.branch})
SET pb.community = $community, pb.grid = row.number
MERGE (pc)-[:HAS_BRANCH]->(pb)
MERGE (pb)-[:FOR_GRID]->(g)
"""

BUILDINGS = """
UNWIND $rows AS row
MATCH (g:Grid {id: row.grid})
MERGE (b:Building {id: row.id})
SET b.community = $community, b.number = row.number, b.grid = row.gridNumber
WITH g, b
CALL (g, b) { MATCH (other:Grid)-[old:HAS_BUILDING]->(b) WHERE other <> g DELETE old }
MERGE (g)-[:HAS_BUILDING]->(b)
"""

UNITS = """
UNWIND $rows AS row
MATCH (b:Building {id: row.building})
MERGE (u:Unit {id: row.id})
SET u.community = $community, u.number = row.number, u.building = row.buildingNumber
MERGE (b)-[:HAS_UNIT]->(u)
"""

HOUSEHOLDS = """
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MERGE (h:Household {id: row.id})
SET h.community = $community, h.room = row.room
MERGE (u)-[:HAS_HOUSEHOLD]->(h)
"""

RESIDENTS = """
UNWIND $rows AS row
MATCH (h:Household {id: row.household})
MERGE (r:Resident {id: row.id})
ON CREATE SET r.status = 'active'
SET r += row.props
WITH r, h
CALL (r, h) { MATCH (r)-[old:LIVES_IN]->(other) WHERE other <> h DELETE old }
MERGE (r)-[:LIVES_IN]->(h)
"""

# no health notes are kept while the resident's consent to them is false (graph.consent)
HEALTH_RECORDS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
WHERE coalesce(r.healthConsent, true)
MERGE (h:HealthRecord {id: row.id})
SET h.community = $community, h.notes = row.notes
MERGE (r)-[:HAS_HEALTH_RECORD]->(h)
"""

HEALTH_CONSENT_WITHDRAWN = """
UNWIND $rows AS row
MATCH (:Resident {id: row.resident})-[:HAS_HEALTH_RECORD]->(h:HealthRecord)
DETACH DELETE h
"""

CONTACTS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
MERGE (k:Contact {id: row.id})
SET k.community = $community, k.name = row.name, k.phone = row.phone
MERGE (r)-[:EMERGENCY_CONTACT]->(k)
"""

_LEADS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident}), (s:{label} {id: row.scope})
CALL (r, s, row) {
  MATCH (other:Resident)-[old:LEADS {post: row.post}]->(s) WHERE other <> r DELETE old
}
MERGE (r)-[l:LEADS {post: row.post}]->(s)
ON CREATE SET l.since = date()
SET l.role = row.role
"""
# one statement per scope label: a closed set, written out here
LEADS = {role: _LEADS.replace("{label}", SCOPE_LABELS[kind_of_role(role)]) for role in LEADER_ROLES}

CARE = """
UNWIND $rows AS row
MATCH (a:Resident {id: row.caregiver}), (b:Resident {id: row.recipient})
MERGE (a)-[c:CARES_FOR {kind: row.kind}]->(b)
SET c.since = row.since, c.until = row.until
"""

VOLUNTEERS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
MERGE (t:VolunteerTeam {id: row.team})
ON CREATE SET t.community = $community, t.name = row.name
MERGE (r)-[m:MEMBER_OF]->(t)
ON CREATE SET m.since = date()
"""

SERVICE_ROLES = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident}), (g:Grid {id: row.grid})
MERGE (r)-[s:SERVES {role: row.role}]->(g)
ON CREATE SET s.since = date()
"""

PARTY_GROUPS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident}), (b:Building {id: row.building}), (pb:PartyBranch {id: row.branch})
MERGE (pg:PartyGroup {id: row.group})
SET pg.community = $community, pg.name = row.name
MERGE (pb)-[:HAS_GROUP]->(pg)
MERGE (pg)-[:FOR_BUILDING]->(b)
MERGE (r)-[:MEMBER_OF]->(pg)
"""

# an explicit tier of the visiting programme; set (with who and when) only when it changes, so that a re-import
# leaves it as it was; an empty cell is not a row here: the tier stored (by the rule, or set) stays
CARE_TIERS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
WITH r, row WHERE r.careTier IS NULL OR r.careTier <> row.tier
SET r.careTier = row.tier, r.careTierSetBy = 'import', r.careTierSetAt = datetime()
"""

# visits already made: their id is a digest of the row (graph.ids.imported_visit_id), and a visit is never
# changed once stored (a wrong one is withdrawn through the API, and stays withdrawn after a re-import)
VISITS = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
MERGE (v:Visit {id: row.id})
ON CREATE SET v += row.props, v.community = $community, v.resident = r.id, v.source = 'import',
              v.recordedAt = datetime(), v.recordedBy = 'import', v.withdrawn = false
"""

# the `services` sheet: home services already delivered, kept as requests done (one event: the import); a row's
# id is derived from what it says, so a second import finds it and changes nothing
SERVICES = """
UNWIND $rows AS row
MATCH (r:Resident {id: row.resident})
MERGE (q:ServiceRequest {id: row.id})
ON CREATE SET q += row.props
MERGE (e:CaseEvent {id: row.id + '/e1'})
ON CREATE SET e += row.event
WITH row WHERE row.team IS NOT NULL
MERGE (t:VolunteerTeam {id: row.team})
ON CREATE SET t.community = $community, t.name = row.teamName
"""
# --- the rows whose node the community does not hold yet: CREATEd -------------------------------------------
# A MERGE seeks its id under a unique-index lock held until the commit, and most rows of a first import (a year of
# visits above all) name nodes that are not there. Inside the import's transaction, one look-up per step (by the
# community's index) says which of the step's ids the community holds: their rows run the step's statement as
# planned; the others a statement that CREATEs what that one creates when the node is absent (a new node has no
# old links to delete). A node of the same id written by another transaction meanwhile fails the CREATE on the
# unique constraint, and the community's transaction is rolled back whole.


def _time(part: str) -> str:
    """The stored time of `row.<part>[k]`: the rows CREATEd carry their times as [epoch seconds, nanoseconds,
    offset] (`graph.imports.write.shipped`), not as the driver's temporal values, whose packing takes ~50 µs of
    Python each (6 s for the demo's 117,590); the value stored is the same."""
    return f"datetime({{epochSeconds: row.{part}[k][0], nanosecond: row.{part}[k][1], timezone: row.{part}[k][2]}})"


HELD_HOUSEHOLDS = "MATCH (h:Household) WHERE h.community = $community RETURN collect(h.id) AS ids"
NEW_HOUSEHOLDS = """
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
CREATE (h:Household {id: row.id})
SET h.community = $community, h.room = row.room
CREATE (u)-[:HAS_HOUSEHOLD]->(h)
"""
HELD_RESIDENTS = (
    "MATCH (r:Resident) WHERE r.community = $community AND r.residentId IS NOT NULL RETURN collect(r.id) AS ids"
)
NEW_RESIDENTS = """
UNWIND $rows AS row
MATCH (h:Household {id: row.household})
CREATE (r:Resident {id: row.id})
SET r.status = 'active', r += row.props
CREATE (r)-[:LIVES_IN]->(h)
"""
HELD_VISITS = "MATCH (v:Visit) WHERE v.community = $community AND v.at IS NOT NULL RETURN collect(v.id) AS ids"
# the elder is the ledger's (checked when reading), written earlier in the same transaction
NEW_VISITS = """
UNWIND $rows AS row
CREATE (v:Visit {id: row.id})
SET v += row.props, v.community = $community, v.resident = row.resident, v.source = 'import',
    v.recordedAt = datetime(), v.recordedBy = 'import', v.withdrawn = false
FOREACH (k IN keys(row.propsTimes) | SET v[k] = _TIME_propsTimes)
""".replace("_TIME_propsTimes", _time("propsTimes"))
HELD_SERVICES = (
    "MATCH (q:ServiceRequest) WHERE q.community = $community AND q.requestedAt IS NOT NULL RETURN collect(q.id) AS ids"
)
# the request with its one event (the elder is the ledger's); the teams named, once each
NEW_SERVICES = """
UNWIND $rows AS row
CREATE (q:ServiceRequest {id: row.id})
SET q += row.props
FOREACH (k IN keys(row.propsTimes) | SET q[k] = _TIME_propsTimes)
CREATE (e:CaseEvent {id: row.id + '/e1'})
SET e += row.event
FOREACH (k IN keys(row.eventTimes) | SET e[k] = _TIME_eventTimes)
WITH DISTINCT row.team AS team, row.teamName AS name WHERE team IS NOT NULL
MERGE (t:VolunteerTeam {id: team})
ON CREATE SET t.community = $community, t.name = name
""".replace("_TIME_propsTimes", _time("propsTimes")).replace("_TIME_eventTimes", _time("eventTimes"))
#: statement of a plan's step -> (the look-up of the ids held, returning ``ids``; the statement for the rest)
FRESH: dict[str, tuple[str, str]] = {
    HOUSEHOLDS: (HELD_HOUSEHOLDS, NEW_HOUSEHOLDS),
    RESIDENTS: (HELD_RESIDENTS, NEW_RESIDENTS),
    VISITS: (HELD_VISITS, NEW_VISITS),
    SERVICES: (HELD_SERVICES, NEW_SERVICES),
}

# with `--earn-points`: the provider's points for each service, under the key a completion would use (once)
SERVICE_POINTS = """
UNWIND $rows AS row
MERGE (p:PointsAccount {id: row.pool})
ON CREATE SET p.community = $community, p.kind = row.poolKind, p.balance = 0, p.openedAt = datetime()
MERGE (a:PointsAccount {id: row.account})
ON CREATE SET a.community = $community, a.kind = row.accountKind, a.owner = row.resident, a.balance = 0,
              a.openedAt = datetime()
MERGE (m:PointsMovement {key: row.key})
ON CREATE SET m += row.props, m.recordedAt = datetime()
"""
# then each touched account's balance is the sum of its movements again (idempotent, whatever was there)
SERVICE_BALANCES = """
UNWIND $rows AS row
MATCH (a:PointsAccount {id: row.account})
SET a._lock = true REMOVE a._lock
WITH a
CALL (a) { OPTIONAL MATCH (m:PointsMovement {credit: a.id}) RETURN coalesce(sum(m.amount), 0) AS credits }
CALL (a) { OPTIONAL MATCH (m:PointsMovement {debit: a.id}) RETURN coalesce(sum(m.amount), 0) AS debits }
SET a.balance = credits - debits
"""

# --- after the commit: how much of what was planned the store holds ------------
# One check per kind of planned row: (its name in messages, the steps whose rows it checks, the keys of a row
# it needs, the resident id key, the pattern from that resident `a` that the row's other ids must match).
# Every import statement MERGEs what its row names, so each planned row matches once its transaction has
# committed. Health records are not checked: while consent is withdrawn none are written. The resident is
# MATCHed by its unique id outside the EXISTS, which the planner always seeks by index (inside, it may scan).
CHECKS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (
        "residents in their households",
        (RESIDENTS,),
        ("id", "household"),
        "id",
        "(a)-[:LIVES_IN]->(h) WHERE h.id = row.household",
    ),
    (
        "leader posts",
        tuple(LEADS.values()),
        ("resident", "scope", "post"),
        "resident",
        "(a)-[:LEADS {post: row.post}]->(s) WHERE s.id = row.scope",
    ),
    (
        "care relationships",
        (CARE,),
        ("caregiver", "recipient", "kind"),
        "caregiver",
        "(a)-[:CARES_FOR {kind: row.kind}]->(r) WHERE r.id = row.recipient",
    ),
    (
        "volunteer team memberships",
        (VOLUNTEERS,),
        ("resident", "team"),
        "resident",
        "(a)-[:MEMBER_OF]->(t) WHERE t.id = row.team",
    ),
    (
        "grid service roles",
        (SERVICE_ROLES,),
        ("resident", "grid", "role"),
        "resident",
        "(a)-[:SERVES {role: row.role}]->(g) WHERE g.id = row.grid",
    ),
    (
        "Party group memberships",
        (PARTY_GROUPS,),
        ("resident", "group"),
        "resident",
        "(a)-[:MEMBER_OF]->(g) WHERE g.id = row.group",
    ),
    ("visits", (VISITS,), ("resident", "id"), "resident", "(v:Visit) WHERE v.id = row.id AND v.resident = a.id"),
    (
        "home services done",
        (SERVICES,),
        ("id", "resident"),
        "resident",
        "(q:ServiceRequest) WHERE q.id = row.id AND q.resident = a.id",
    ),
)

# $rows0 … $rowsN: the rows of each check, in the order of CHECKS; one count per check, and whether
# the community node is there
WRITTEN = (
    "".join(
        f"CALL () {{ UNWIND $rows{i} AS row MATCH (a:Resident {{id: row.{anchor}}})"
        f" WHERE EXISTS {{ MATCH {pattern} }} RETURN count(*) AS found{i} }}\n"
        for i, (_, _, _, anchor, pattern) in enumerate(CHECKS)
    )
    + "RETURN EXISTS { MATCH (:Community {id: $community}) } AS community, ["
    + ", ".join(f"found{i}" for i in range(len(CHECKS)))
    + "] AS found"
)
