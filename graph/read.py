"""Batched reads: each function takes many parent ids and makes ONE round trip.

These back the GraphQL DataLoaders, so the number of Cypher statements of a
request grows with the depth of its query, not with the number of objects.
Labels and relationship types come from the closed tables below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import neo4j

from graph import db
from graph.models import (
    CareRecord, PlaceRecord, PostRecord, ResidentRecord, care_from_row, natural_key, place_from_props,
    post_from_row, resident_from_props,
)

# (parent label, relationship, child label, child kind): the place hierarchy
PLACE_CHILDREN = {
    "grids": ("Community", "HAS_GRID", "Grid", "grid"),
    "buildings": ("Grid", "HAS_BUILDING", "Building", "building"),
    "units": ("Building", "HAS_UNIT", "Unit", "unit"),
    "households": ("Unit", "HAS_HOUSEHOLD", "Household", "household"),
}
_CHILDREN = {
    name: (f"UNWIND $ids AS pid MATCH (:{p} {{id: pid}})-[:{rel}]->(c:{c}) "
           "RETURN pid AS parent, properties(c) AS c")
    for name, (p, rel, c, _) in PLACE_CHILDREN.items()
}
PLACE_LABELS = {"grid": "Grid", "building": "Building", "unit": "Unit", "household": "Household"}
_PARENT = {"grid": ("Community", "HAS_GRID"), "building": ("Grid", "HAS_BUILDING"),
           "unit": ("Building", "HAS_UNIT"), "household": ("Unit", "HAS_HOUSEHOLD")}
_PLACES_BY_ID = {
    kind: f"UNWIND $ids AS id MATCH (parent:{_PARENT[kind][0]})-[:{_PARENT[kind][1]}]->(p:{label} {{id: id}}) "
          "RETURN properties(p) AS p, parent.id AS parent"
    for kind, label in PLACE_LABELS.items()
}

RESIDENTS_OF_HOUSEHOLDS = """
UNWIND $ids AS hid
MATCH (:Household {id: hid})<-[:LIVES_IN]-(r:Resident)
WHERE r.status IN $statuses
RETURN hid AS parent, properties(r) AS r
"""
RESIDENTS_BY_ID = """
UNWIND $ids AS rid
MATCH (r:Resident {id: rid})
OPTIONAL MATCH (r)-[:LIVES_IN]->(h:Household)
RETURN properties(r) AS r, h.id AS household
"""
LOCATIONS = """
UNWIND $ids AS rid
MATCH (:Resident {id: rid})-[:LIVES_IN]->(h:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)
      <-[:HAS_UNIT]-(b:Building)<-[:HAS_BUILDING]-(g:Grid)
RETURN rid, properties(h) AS h, properties(u) AS u, properties(b) AS b, properties(g) AS g
"""
_POST_FIELDS = "r.id AS holder, s.id AS scope, l.role AS role, l.post AS post, l.since AS since"
POSTS_OF_SCOPES = {
    kind: f"UNWIND $ids AS sid MATCH (r:Resident)-[l:LEADS]->(s:{label} {{id: sid}}) RETURN {_POST_FIELDS}"
    for kind, label in PLACE_LABELS.items() if kind != "household"
}
POSTS_OF_RESIDENTS = f"UNWIND $ids AS rid MATCH (r:Resident {{id: rid}})-[l:LEADS]->(s) RETURN {_POST_FIELDS}"
_CARE = ("RETURN a.id AS caregiver, b.id AS recipient, c.kind AS kind, c.since AS since, c.until AS until")
CARE_OF_RECIPIENTS = "UNWIND $ids AS rid MATCH (a:Resident)-[c:CARES_FOR]->(b:Resident {id: rid}) " + _CARE
CARE_OF_CAREGIVERS = "UNWIND $ids AS rid MATCH (a:Resident {id: rid})-[c:CARES_FOR]->(b:Resident) " + _CARE


def children(driver: neo4j.Driver, database: str, relation: str, parent_ids: list[str]) -> dict[str, list]:
    """Places under each parent (``relation`` one of `PLACE_CHILDREN`), naturally ordered."""
    kind = PLACE_CHILDREN[relation][3]
    out: dict[str, list[PlaceRecord]] = defaultdict(list)
    for row in db.read(driver, database, f"{relation}_of", _CHILDREN[relation], ids=parent_ids):
        out[row["parent"]].append(place_from_props(kind, row["c"], row["parent"]))
    for places in out.values():
        places.sort(key=lambda p: natural_key(p.number))
    return out


def places_by_id(driver: neo4j.Driver, database: str, kind: str, ids: list[str]) -> dict[str, PlaceRecord]:
    rows = db.read(driver, database, f"{kind}_by_id", _PLACES_BY_ID[kind], ids=ids)
    return {row["p"]["id"]: place_from_props(kind, row["p"], row["parent"]) for row in rows}


def residents_of_households(driver: neo4j.Driver, database: str, ids: list[str],
                            statuses: Iterable[str] = ("active",)) -> dict[str, list[ResidentRecord]]:
    out: dict[str, list[ResidentRecord]] = defaultdict(list)
    for row in db.read(driver, database, "residents_of_households", RESIDENTS_OF_HOUSEHOLDS,
                       ids=ids, statuses=list(statuses)):
        out[row["parent"]].append(resident_from_props(row["r"], row["parent"]))
    for people in out.values():
        people.sort(key=lambda r: (r.birth_date, r.id))
    return out


def residents_by_id(driver: neo4j.Driver, database: str, ids: list[str]) -> dict[str, ResidentRecord]:
    rows = db.read(driver, database, "residents_by_id", RESIDENTS_BY_ID, ids=ids)
    return {row["r"]["id"]: resident_from_props(row["r"], row["household"]) for row in rows}


def locations(driver: neo4j.Driver, database: str, ids: list[str]) -> dict[str, dict[str, PlaceRecord]]:
    """Each resident's household, unit, building and grid."""
    out = {}
    for row in db.read(driver, database, "locations", LOCATIONS, ids=ids):
        out[row["rid"]] = {
            "household": place_from_props("household", row["h"], row["u"]["id"]),
            "unit": place_from_props("unit", row["u"], row["b"]["id"]),
            "building": place_from_props("building", row["b"], row["g"]["id"]),
            "grid": place_from_props("grid", row["g"], row["g"]["community"]),
        }
    return out


def posts_of_scopes(driver: neo4j.Driver, database: str, kind: str, ids: list[str]) -> dict[str, list]:
    out: dict[str, list[PostRecord]] = defaultdict(list)
    for row in db.read(driver, database, f"posts_of_{kind}s", POSTS_OF_SCOPES[kind], ids=ids):
        out[row["scope"]].append(post_from_row(row))
    for posts in out.values():
        posts.sort(key=lambda p: (p.post, p.holder_id))
    return out


def posts_of_residents(driver: neo4j.Driver, database: str, ids: list[str]) -> dict[str, list]:
    out: dict[str, list[PostRecord]] = defaultdict(list)
    for row in db.read(driver, database, "posts_of_residents", POSTS_OF_RESIDENTS, ids=ids):
        out[row["holder"]].append(post_from_row(row))
    return out


def care_of(driver: neo4j.Driver, database: str, side: str, ids: list[str]) -> dict[str, list[CareRecord]]:
    """Care relationships by recipient (``side="recipient"``) or by caregiver."""
    cypher = CARE_OF_RECIPIENTS if side == "recipient" else CARE_OF_CAREGIVERS
    out: dict[str, list[CareRecord]] = defaultdict(list)
    for row in db.read(driver, database, f"care_of_{side}s", cypher, ids=ids):
        care = care_from_row(row)
        out[care.recipient_id if side == "recipient" else care.caregiver_id].append(care)
    return out
