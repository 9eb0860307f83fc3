"""Finding residents: filters, keyset pagination and the total, in one round trip.

The WHERE clause is assembled only from the fixed fragments in `_FILTERS`;
every value is a parameter. Pages are keyset-paginated on (sort key, id), so a
page never repeats or skips a resident however deep the client pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from analysis.domain import ResidentStatus, born_by, today
from graph.errors import NotFound
from graph.models import ResidentRecord, resident_from_props
from graph.store import Store

_ACTIVE_CARE = "(c.until IS NULL OR c.until >= $asOf) AND (c.since IS NULL OR c.since <= $asOf)"
_FILTERS = {
    "grid": "EXISTS { (r)-[:LIVES_IN]->()<-[:HAS_HOUSEHOLD]-()<-[:HAS_UNIT]-()<-[:HAS_BUILDING]-(:Grid {id: $grid}) }",
    "building": "EXISTS { (r)-[:LIVES_IN]->()<-[:HAS_HOUSEHOLD]-()<-[:HAS_UNIT]-(:Building {id: $building}) }",
    "unit": "EXISTS { (r)-[:LIVES_IN]->()<-[:HAS_HOUSEHOLD]-(:Unit {id: $unit}) }",
    "bornOnOrBefore": "r.birthDate <= $bornOnOrBefore",
    "bornAfter": "r.birthDate > $bornAfter",
    "livesAlone": "coalesce(r.livesAlone, false) = $livesAlone",
    "partyMember": "coalesce(r.partyMember, false) = $partyMember",
    "hasCaregiver": f"EXISTS {{ (r)<-[c:CARES_FOR]-(:Resident) WHERE {_ACTIVE_CARE} }} = $hasCaregiver",
    # for a caller with a reach: only caregivers within it count (else the filter tells of people out of reach)
    "hasCaregiverWithin": f"EXISTS {{ (r)<-[c:CARES_FOR]-(g:Resident) WHERE {_ACTIVE_CARE} AND g.id IN $within }}"
    " = $hasCaregiverWithin",
    "holdsPost": "EXISTS { (r)-[:LEADS]->() } = $holdsPost",
    "team": "EXISTS { (r)-[:MEMBER_OF]->(:VolunteerTeam {id: $team}) }",
    "nameContains": "r.name CONTAINS $nameContains",
    "within": "r.id IN $within",
}
# sort key -> (Cypher expression, direction of the key for ascending order of the field)
_SORTS = {"NAME": ("r.name", "ASC"), "AGE": ("r.birthDate", "DESC")}


@dataclass(frozen=True)
class ResidentQuery:
    community: str
    statuses: tuple[str, ...] = (ResidentStatus.ACTIVE,)
    grid: str | None = None  # global ids of the places
    building: str | None = None
    unit: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    lives_alone: bool | None = None
    party_member: bool | None = None
    has_caregiver: bool | None = None
    holds_post: bool | None = None
    team: str | None = None  # global id of the team
    name_contains: str | None = None
    as_of: date | None = None
    within: frozenset[str] | None = None  # only these residents (a leader's or volunteer's reach)


@dataclass(frozen=True)
class Page:
    total: int
    residents: list[ResidentRecord]
    has_next: bool


def conditions(q: ResidentQuery, as_of: date) -> tuple[list[str], dict[str, Any]]:
    """The WHERE conditions on ``r`` of the query's filters (fixed fragments) and their parameters."""
    params = {
        "grid": q.grid,
        "building": q.building,
        "unit": q.unit,
        "livesAlone": q.lives_alone,
        "partyMember": q.party_member,
        "hasCaregiver": q.has_caregiver if q.within is None else None,
        "hasCaregiverWithin": q.has_caregiver if q.within is not None else None,
        "holdsPost": q.holds_post,
        "team": q.team,
        "nameContains": q.name_contains,
        "within": sorted(q.within) if q.within is not None else None,
        "bornOnOrBefore": born_by(as_of, q.min_age) if q.min_age is not None else None,
        "bornAfter": born_by(as_of, q.max_age + 1) if q.max_age is not None else None,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return ["r.status IN $statuses"] + [_FILTERS[k] for k in params], params


def ordering(sort: str, descending: bool) -> tuple[str, str, str]:
    """The sort expression on ``r``, its direction, and the keyset condition seeking past ``$afterKey``,
    ``$afterId`` in that order."""
    expr, direction = _SORTS[sort]
    if descending:
        direction = "ASC" if direction == "DESC" else "DESC"
    seek = f"{expr} {'>' if direction == 'ASC' else '<'} $afterKey OR ({expr} = $afterKey AND r.id > $afterId)"
    return expr, direction, seek


def _cypher(clauses: list[str], sort: str, descending: bool, after: bool) -> str:
    expr, direction, seek = ordering(sort, descending)
    where = " AND ".join(clauses)
    page_where = f"{where} AND ({seek})" if after else where
    return f"""
OPTIONAL MATCH (community:Community {{id: $community}})
CALL () {{ MATCH (r:Resident {{community: $community}}) WHERE {where} RETURN count(r) AS total }}
CALL () {{
  MATCH (r:Resident {{community: $community}}) WHERE {page_where}
  WITH r ORDER BY {expr} {direction}, r.id ASC LIMIT $limit
  RETURN collect(properties(r)) AS page
}}
RETURN community IS NOT NULL AS exists, total, page
"""


def search_residents(
    store: Store,
    q: ResidentQuery,
    *,
    first: int,
    sort: str = "NAME",
    descending: bool = False,
    after: tuple[object, str] | None = None,
) -> Page:
    """One page of residents matching ``q``; ``after`` is the (key, id) of the last one seen."""
    as_of = q.as_of or today()
    clauses, params = conditions(q, as_of)
    cypher = _cypher(clauses, sort, descending, after is not None)
    key, rid = after or (None, None)
    rows = store.read(
        "search_residents",
        cypher,
        community=q.community,
        statuses=list(q.statuses),
        asOf=as_of,
        limit=first + 1,
        afterKey=key,
        afterId=rid,
        **params,
    )
    row = rows[0]
    if not row["exists"]:
        raise NotFound(f"no community named {q.community!r}")
    people = [resident_from_props(p) for p in row["page"]]
    return Page(total=row["total"], residents=people[:first], has_next=len(people) > first)


def sort_key(resident: ResidentRecord, sort: str) -> object:
    """The value a cursor records for ``resident`` under ``sort``."""
    return resident.name if sort == "NAME" else resident.birth_date
