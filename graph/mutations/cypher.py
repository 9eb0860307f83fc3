"""Cypher of the mutations: named, parameterised, one statement per step.

Each mutation runs these inside ONE managed transaction (`graph.store.Store.transaction`).
Statements that read what a mutation is about to change take a write lock on
it first (``SET x._lock = true REMOVE x._lock`` leaves no trace), so two
concurrent mutations of one resident or one leader post are serialised and
the later one validates against what the earlier one wrote. Labels are written
out here, per closed set, never taken from input.
"""

from analysis.domain import LEADER_ROLES, Role, kind_of_role
from graph.models import SCOPE_LABELS

_HOUSEHOLD_OF = "COLLECT { MATCH (r)-[:LIVES_IN]->(h:Household) RETURN h.id }[0]"

RESIDENT_READ = f"""
MATCH (r:Resident {{id: $id}})
RETURN properties(r) AS props, {_HOUSEHOLD_OF} AS household
"""

RESIDENT_FOR_UPDATE = f"""
MATCH (r:Resident {{id: $id}})
SET r._lock = true REMOVE r._lock
RETURN properties(r) AS props, {_HOUSEHOLD_OF} AS household
"""

ADDRESS = """
OPTIONAL MATCH (c:Community {id: $community})
OPTIONAL MATCH (b:Building {id: $building})
OPTIONAL MATCH (b)-[:HAS_UNIT]->(u:Unit {id: $unit})
RETURN c IS NOT NULL AS community, b IS NOT NULL AS building, u IS NOT NULL AS unit,
       COLLECT { MATCH (g:Grid)-[:HAS_BUILDING]->(b) RETURN g.number }[0] AS grid
"""

ENSURE_HOUSEHOLD = """
MATCH (u:Unit {id: $unit})
MERGE (h:Household {id: $household})
ON CREATE SET h.community = $community, h.room = $room
MERGE (u)-[:HAS_HOUSEHOLD]->(h)
"""

REGISTER = """
MATCH (h:Household {id: $household})
CREATE (r:Resident {id: $id})
SET r += $props
CREATE (r)-[:LIVES_IN]->(h)
RETURN properties(r) AS props, h.id AS household
"""

UPDATE = f"""
MATCH (r:Resident {{id: $id}})
SET r += $props
RETURN properties(r) AS props, {_HOUSEHOLD_OF} AS household
"""

MOVE_IN = """
MATCH (r:Resident {id: $id}), (h:Household {id: $household})
CALL (r) { MATCH (r)-[old:LIVES_IN]->() DELETE old }
CREATE (r)-[:LIVES_IN {since: $on}]->(h)
RETURN properties(r) AS props, h.id AS household
"""

MARK_REMOVED = f"""
MATCH (r:Resident {{id: $id}})
SET r.status = $status, r.leftOn = $on
RETURN properties(r) AS props, {_HOUSEHOLD_OF} AS household
"""

END_ALL_CARE = """
MATCH (:Resident {id: $id})-[c:CARES_FOR]-(:Resident)
WHERE c.until IS NULL OR c.until > $on
SET c.until = $on
RETURN startNode(c).id AS caregiver, endNode(c).id AS recipient, c.kind AS kind,
       c.since AS since, c.until AS until
"""

DROP_POSTS = """
MATCH (r:Resident {id: $id})-[l:LEADS]->(s)
WITH l, r.id AS holder, s.id AS scope, l.role AS role, l.post AS post, l.since AS since
DELETE l
RETURN holder, scope, role, post, since
"""

CARE = """
MATCH (:Resident {id: $caregiver})-[c:CARES_FOR {kind: $kind}]->(:Resident {id: $recipient})
RETURN c.since AS since, c.until AS until
"""

SET_CARE = """
MATCH (a:Resident {id: $caregiver}), (b:Resident {id: $recipient})
MERGE (a)-[c:CARES_FOR {kind: $kind}]->(b)
SET c.since = $since, c.until = $until
RETURN a.id AS caregiver, b.id AS recipient, c.kind AS kind, c.since AS since, c.until AS until
"""

END_CARE = """
MATCH (a:Resident {id: $caregiver})-[c:CARES_FOR {kind: $kind}]->(b:Resident {id: $recipient})
SET c.until = $on
RETURN a.id AS caregiver, b.id AS recipient, c.kind AS kind, c.since AS since, c.until AS until
"""

# A scope with its grid's number and every current post holder, locked.
_SCOPE = """
MATCH {path}
SET s._lock = true REMOVE s._lock
RETURN g.number AS grid, COLLECT {
  MATCH (r:Resident)-[l:LEADS]->(s)
  RETURN {props: properties(r), household: {household}, post: l.post, since: l.since}
} AS holders
""".replace("{household}", _HOUSEHOLD_OF)

_ASSIGN = """
MATCH (r:Resident {id: $resident}), (s:{label} {id: $scope})
CALL (s) { MATCH (:Resident)-[old:LEADS {post: $post}]->(s) DELETE old }
CREATE (r)-[:LEADS {post: $post, role: $role, since: $since}]->(s)
"""

_VACATE = """
MATCH (:Resident)-[l:LEADS {post: $post}]->(:{label} {id: $scope})
DELETE l
"""

# one statement per leader role: a closed set, written out here; looked up by the role as given (a str)
SCOPE: dict[str, str] = {
    Role.GRID_LEADER: _SCOPE.replace("{path}", "(s:Grid {id: $scope}), (g:Grid {id: $scope})"),
    Role.BUILDING_LEADER: _SCOPE.replace("{path}", "(g:Grid)-[:HAS_BUILDING]->(s:Building {id: $scope})"),
    Role.UNIT_LEADER: _SCOPE.replace(
        "{path}", "(g:Grid)-[:HAS_BUILDING]->(:Building)-[:HAS_UNIT]->(s:Unit {id: $scope})"
    ),
}
ASSIGN: dict[str, str] = {role: _ASSIGN.replace("{label}", SCOPE_LABELS[kind_of_role(role)]) for role in LEADER_ROLES}
VACATE: dict[str, str] = {role: _VACATE.replace("{label}", SCOPE_LABELS[kind_of_role(role)]) for role in LEADER_ROLES}

MEMBERSHIP = """
OPTIONAL MATCH (t:VolunteerTeam {id: $team})
OPTIONAL MATCH (:Resident {id: $resident})-[m:MEMBER_OF]->(t)
RETURN t IS NOT NULL AS team, m IS NOT NULL AS member, m.since AS since
"""

JOIN_TEAM = """
MATCH (r:Resident {id: $resident})
MERGE (t:VolunteerTeam {id: $team})
ON CREATE SET t.community = $community, t.name = $teamName
MERGE (r)-[m:MEMBER_OF]->(t)
ON CREATE SET m.since = $since
RETURN t.name AS name, m.since AS since
"""

LEAVE_TEAM = """
MATCH (:Resident {id: $resident})-[m:MEMBER_OF]->(:VolunteerTeam {id: $team})
DELETE m
"""
