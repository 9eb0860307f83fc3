"""Batched reads: each function takes many parent ids and makes ONE round trip.

These back the GraphQL DataLoaders, so the number of Cypher statements of a
request grows with the depth of its query, not with the number of objects.
Labels and relationship types come from the closed tables below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from analysis.domain import ResidentStatus, place_key
from graph.models import (
    PLACE_LABELS,
    SCOPE_LABELS,
    CareRecord,
    PlaceRecord,
    PostRecord,
    ResidentRecord,
    care_from_row,
    place_from_props,
    post_from_row,
    resident_from_props,
)
from graph.store import Store

# (parent label, relationship, child label, child kind): the place hierarchy
PLACE_CHILDREN = {
    "grids": ("Community", "HAS_GRID", "Grid", "grid"),
    "buildings": ("Grid", "HAS_BUILDING", "Building", "building"),
    "units": ("Building", "HAS_UNIT", "Unit", "unit"),
    "households": ("Unit", "HAS_HOUSEHOLD", "Household", "household"),
}
_CHILDREN = {
    name: (
        f"UNWIND $ids AS pid MATCH (:{p} {{id: pid}})-[:{rel}]->(c:{c}) RETURN collect([pid, properties(c)]) AS rows"
    )
    for name, (p, rel, c, _) in PLACE_CHILDREN.items()
}
_PARENT = {
    "grid": ("Community", "HAS_GRID"),
    "building": ("Grid", "HAS_BUILDING"),
    "unit": ("Building", "HAS_UNIT"),
    "household": ("Unit", "HAS_HOUSEHOLD"),
}
_PLACES_BY_ID: dict[str, str] = {
    kind: f"UNWIND $ids AS id MATCH (parent:{_PARENT[kind][0]})-[:{_PARENT[kind][1]}]->(p:{label} {{id: id}}) "
    "RETURN collect([properties(p), parent.id]) AS rows"
    for kind, label in PLACE_LABELS.items()
}

RESIDENTS_OF_HOUSEHOLDS = """
UNWIND $ids AS hid
MATCH (:Household {id: hid})<-[:LIVES_IN]-(r:Resident)
WHERE r.status IN $statuses
RETURN collect([hid, properties(r)]) AS rows
"""
RESIDENTS_BY_ID = """
UNWIND $ids AS rid
MATCH (r:Resident {id: rid})
OPTIONAL MATCH (r)-[:LIVES_IN]->(h:Household)
RETURN collect([properties(r), h.id]) AS rows
"""
LOCATIONS = """
UNWIND $ids AS rid
MATCH (:Resident {id: rid})-[:LIVES_IN]->(h:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)
      <-[:HAS_UNIT]-(b:Building)<-[:HAS_BUILDING]-(g:Grid)
RETURN collect([rid, properties(h), properties(u), properties(b), properties(g)]) AS rows
"""
_POST_FIELDS = "collect({holder: r.id, scope: s.id, role: l.role, post: l.post, since: l.since}) AS rows"
POSTS_OF_SCOPES: dict[str, str] = {
    kind: f"UNWIND $ids AS sid MATCH (r:Resident)-[l:LEADS]->(s:{label} {{id: sid}}) RETURN {_POST_FIELDS}"
    for kind, label in SCOPE_LABELS.items()
}
POSTS_OF_RESIDENTS = f"UNWIND $ids AS rid MATCH (r:Resident {{id: rid}})-[l:LEADS]->(s) RETURN {_POST_FIELDS}"
_CARE = "RETURN collect({caregiver: a.id, recipient: b.id, kind: c.kind, since: c.since, until: c.until}) AS rows"
CARE_OF_RECIPIENTS = "UNWIND $ids AS rid MATCH (a:Resident)-[c:CARES_FOR]->(b:Resident {id: rid}) " + _CARE
CARE_OF_CAREGIVERS = "UNWIND $ids AS rid MATCH (a:Resident {id: rid})-[c:CARES_FOR]->(b:Resident) " + _CARE


def children(store: Store, relation: str, parent_ids: list[str]) -> dict[str, list[PlaceRecord]]:
    """Places under each parent (``relation`` one of `PLACE_CHILDREN`), naturally ordered."""
    kind = PLACE_CHILDREN[relation][3]
    out: dict[str, list[PlaceRecord]] = defaultdict(list)
    for parent, props in store.read_rows(f"{relation}_of", _CHILDREN[relation], ids=parent_ids):
        out[parent].append(place_from_props(kind, props, parent))
    for places in out.values():
        places.sort(key=lambda p: place_key(p.number))
    return out


def places_by_id(store: Store, kind: str, ids: list[str]) -> dict[str, PlaceRecord]:
    rows = store.read_rows(f"{kind}_by_id", _PLACES_BY_ID[kind], ids=ids)
    return {props["id"]: place_from_props(kind, props, parent) for props, parent in rows}


def residents_of_households(
    store: Store, ids: list[str], statuses: Iterable[str] = (ResidentStatus.ACTIVE,)
) -> dict[str, list[ResidentRecord]]:
    out: dict[str, list[ResidentRecord]] = defaultdict(list)
    for parent, props in store.read_rows(
        "residents_of_households", RESIDENTS_OF_HOUSEHOLDS, ids=ids, statuses=list(statuses)
    ):
        out[parent].append(resident_from_props(props, parent))
    for people in out.values():
        people.sort(key=lambda r: (r.birth_date, r.id))
    return out


def residents_by_id(store: Store, ids: list[str]) -> dict[str, ResidentRecord]:
    rows = store.read_rows("residents_by_id", RESIDENTS_BY_ID, ids=ids)
    return {props["id"]: resident_from_props(props, household) for props, household in rows}


def locations(store: Store, ids: list[str]) -> dict[str, dict[str, PlaceRecord]]:
    """Each resident's household, unit, building and grid."""
    out: dict[str, dict[str, PlaceRecord]] = {}
    for rid, h, u, b, g in store.read_rows("locations", LOCATIONS, ids=ids):
        out[rid] = {
            "household": place_from_props("household", h, u["id"]),
            "unit": place_from_props("unit", u, b["id"]),
            "building": place_from_props("building", b, g["id"]),
            "grid": place_from_props("grid", g, g["community"]),
        }
    return out


def posts_of_scopes(store: Store, kind: str, ids: list[str]) -> dict[str, list[PostRecord]]:
    out: dict[str, list[PostRecord]] = defaultdict(list)
    for row in store.read_rows(f"posts_of_{kind}s", POSTS_OF_SCOPES[kind], ids=ids):
        out[row["scope"]].append(post_from_row(row))
    for posts in out.values():
        posts.sort(key=lambda p: (p.post, p.holder_id))
    return out


def posts_of_residents(store: Store, ids: list[str]) -> dict[str, list[PostRecord]]:
    out: dict[str, list[PostRecord]] = defaultdict(list)
    for row in store.read_rows("posts_of_residents", POSTS_OF_RESIDENTS, ids=ids):
        out[row["holder"]].append(post_from_row(row))
    return out


def care_of(store: Store, side: str, ids: list[str]) -> dict[str, list[CareRecord]]:
    """Care relationships by recipient (``side="recipient"``) or by caregiver."""
    cypher = CARE_OF_RECIPIENTS if side == "recipient" else CARE_OF_CAREGIVERS
    out: dict[str, list[CareRecord]] = defaultdict(list)
    for row in store.read_rows(f"care_of_{side}s", cypher, ids=ids):
        care = care_from_row(row)
        out[care.recipient_id if side == "recipient" else care.caregiver_id].append(care)
    return out
