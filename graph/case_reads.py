"""Reading cases: pages of requests and matters within a caller's sight, the facts of the reports, and the
candidates of dispatch.

`CaseSight` says which cases a caller sees (`schema.policy` builds it from the
token): staff and admins a whole community; a leader the cases of the residents
and places they reach; a volunteer the cases of the people they reach, their
own work (what they asked, accepted, were assigned or reported) and the open
requests of the grid they live in. The condition is one of a few fixed Cypher
fragments with every value a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from analysis.dispatch import Candidate
from analysis.domain import MatterStatus, RequestStatus, now, zone
from analysis.service_report import MatterFact, RequestFact
from graph import ids
from graph.cases import native, stamp
from graph.matters import Matter, matter_from
from graph.requests import ServiceRequest, request_from
from graph.service_settings import team_kinds
from graph.store import Store


@dataclass(frozen=True)
class CaseSight:
    """Which cases of a community a caller sees; ``whole``: all of them."""

    whole: bool = True
    residents: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    me: str | None = None
    grid: str | None = None  # a volunteer's own grid (label): its open requests

    def params(self) -> dict[str, Any]:
        return {"residents": sorted(self.residents), "places": sorted(self.places), "me": self.me, "grid": self.grid}


_EFFECTIVE = "CASE WHEN q.status = $requested AND q.expiresAt < $now THEN $expired ELSE q.status END"
_SEES_REQUEST = (
    "(q.resident IN $residents OR q.provider = $me OR q.askedBy = $me OR q.resident = $me"
    f" OR ($grid IS NOT NULL AND q.grid = $grid AND {_EFFECTIVE} = $requested))"
)
_SEES_MATTER = "(m.resident IN $residents OR m.place IN $places OR m.assignee = $me OR m.reportedBy = $me)"


@dataclass(frozen=True)
class RequestQuery:
    """What `search_requests` finds in a community: all given conditions hold (days are the community's)."""

    community: str
    status: str | None = None  # effective: an expired request is found as expired
    kind: str | None = None
    resident_id: str | None = None
    provider_id: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Page:
    total: int
    items: list[Any]
    has_next: bool


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone())


_REQUEST_FILTERS = {
    "status": f"{_EFFECTIVE} = $status",
    "kind": "q.kind = $kind",
    "resident_id": "q.resident = $resident_id",
    "provider_id": "q.provider = $provider_id",
    "since": "q.requestedAt >= $since",
    "until": "q.requestedAt < $until",
}


def search_requests(
    store: Store, q: RequestQuery, sight: CaseSight, *, first: int, after: tuple[datetime, str] | None = None
) -> Page:
    """One page of the requests the caller sees, newest first (keyset on asked time and id), with the total."""
    params: dict[str, Any] = {k: getattr(q, k) for k in _REQUEST_FILTERS if getattr(q, k) is not None}
    if q.since is not None:
        params["since"] = _day_start(q.since)
    if q.until is not None:
        params["until"] = _day_start(q.until + timedelta(days=1))
    conditions = ["q.requestedAt IS NOT NULL", *(_REQUEST_FILTERS[k] for k in params)]
    if not sight.whole:
        conditions.append(_SEES_REQUEST)
    where = " AND ".join(conditions)
    seek = "(q.requestedAt < $afterAt OR (q.requestedAt = $afterAt AND q.id < $afterId))"
    cypher = f"""
CALL () {{ MATCH (q:ServiceRequest {{community: $community}}) WHERE {where} RETURN count(q) AS total }}
CALL () {{
  MATCH (q:ServiceRequest {{community: $community}}) WHERE {where} AND ($afterAt IS NULL OR {seek})
  WITH q ORDER BY q.requestedAt DESC, q.id DESC LIMIT $limit
  RETURN collect(properties(q)) AS page
}}
RETURN total, page
"""
    at, rid = after or (None, None)
    moment = stamp()
    row = store.read(
        "search_requests",
        cypher,
        community=q.community,
        limit=first + 1,
        afterAt=at,
        afterId=rid,
        now=moment,
        requested=RequestStatus.REQUESTED.value,
        expired=RequestStatus.EXPIRED.value,
        **sight.params(),
        **params,
    )[0]
    found = [request_from(p, moment) for p in row["page"]]
    return Page(row["total"], found[:first], len(found) > first)


@dataclass(frozen=True)
class MatterQuery:
    community: str
    status: str | None = None
    kind: str | None = None
    category: str | None = None
    grid: str | None = None
    assignee_id: str | None = None
    since: date | None = None
    until: date | None = None


_MATTER_FILTERS = {
    "status": "m.status = $status",
    "kind": "m.kind = $kind",
    "category": "m.category = $category",
    "grid": "m.grid = $grid_label",
    "assignee_id": "m.assignee = $assignee_id",
    "since": "m.reportedAt >= $since",
    "until": "m.reportedAt < $until",
}


def search_matters(
    store: Store, q: MatterQuery, sight: CaseSight, *, first: int, after: tuple[datetime, str] | None = None
) -> Page:
    """One page of the matters the caller sees, newest first, with the total."""
    params: dict[str, Any] = {k: getattr(q, k) for k in _MATTER_FILTERS if getattr(q, k) is not None}
    if "grid" in params:
        params["grid_label"] = params.pop("grid")
    if q.since is not None:
        params["since"] = _day_start(q.since)
    if q.until is not None:
        params["until"] = _day_start(q.until + timedelta(days=1))
    keys = [k for k in _MATTER_FILTERS if getattr(q, k) is not None]
    conditions = ["m.reportedAt IS NOT NULL", *(_MATTER_FILTERS[k] for k in keys)]
    if not sight.whole:
        conditions.append(_SEES_MATTER)
    where = " AND ".join(conditions)
    seek = "(m.reportedAt < $afterAt OR (m.reportedAt = $afterAt AND m.id < $afterId))"
    cypher = f"""
CALL () {{ MATCH (m:Matter {{community: $community}}) WHERE {where} RETURN count(m) AS total }}
CALL () {{
  MATCH (m:Matter {{community: $community}}) WHERE {where} AND ($afterAt IS NULL OR {seek})
  WITH m ORDER BY m.reportedAt DESC, m.id DESC LIMIT $limit
  RETURN collect(properties(m)) AS page
}}
RETURN total, page
"""
    at, mid = after or (None, None)
    row = store.read(
        "search_matters",
        cypher,
        community=q.community,
        limit=first + 1,
        afterAt=at,
        afterId=mid,
        **sight.params(),
        **params,
    )[0]
    found: list[Matter] = [matter_from(p) for p in row["page"]]
    return Page(row["total"], found[:first], len(found) > first)


REQUEST_FACTS = """
MATCH (q:ServiceRequest {community: $community})
WHERE q.requestedAt < $end AND (q.requestedAt >= $start OR q.doneAt >= $start OR q.expiresAt >= $start)
OPTIONAL MATCH (r:Resident {id: q.resident})
RETURN collect([properties(q), r.residentId, r.name]) AS rows
"""
MATTER_FACTS = """
MATCH (m:Matter {community: $community})
WHERE m.reportedAt >= $start AND m.reportedAt < $end
RETURN collect(properties(m)) AS rows
"""


def request_facts(store: Store, community: str, start: datetime, end: datetime) -> list[RequestFact]:
    """The requests asked, done or expiring between ``start`` and ``end`` (and their elders' ids and names)."""
    at = now()
    out: list[RequestFact] = []
    for props, ledger_id, name in store.read_rows(
        "request_facts", REQUEST_FACTS, community=community, start=start, end=end
    ):
        r = request_from(props, at)
        out.append(
            RequestFact(
                r.id,
                r.kind,
                ledger_id or r.resident_id,
                name or "",
                r.grid,
                r.status,
                r.requested_at,
                r.accepted_at,
                r.done_at,
                native(props.get("expiresAt")),
                r.source,
            )
        )
    return out


def matter_facts(store: Store, community: str, start: datetime, end: datetime) -> list[MatterFact]:
    """The matters reported between ``start`` and ``end``."""
    rows = store.read_rows("matter_facts", MATTER_FACTS, community=community, start=start, end=end)
    out: list[MatterFact] = []
    for props in rows:
        m = matter_from(props)
        out.append(
            MatterFact(
                m.id, m.kind, m.category, m.grid, m.status, m.reported_at, m.handled_at, m.closed_at, m.satisfaction
            )
        )
    return out


CANDIDATES = """
UNWIND $teams AS team
MATCH (t:VolunteerTeam {id: team})<-[:MEMBER_OF]-(p:Resident {status: 'active'})
WITH p, collect(t.name) AS teams
OPTIONAL MATCH (p)-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
               <-[:HAS_BUILDING]-(g:Grid)
RETURN collect([p.id, p.name, g.number, b.number, u.number, teams,
  COUNT { MATCH (q:ServiceRequest {provider: p.id}) WHERE q.status = $accepted }
  + COUNT { MATCH (m:Matter {assignee: p.id}) WHERE m.status = $assigned }]) AS rows
"""


def _hub(*labels: str | None) -> tuple[str, ...]:
    hub: list[str] = []
    for label in labels:
        if label is None:
            break
        hub.append(label)
    return tuple(hub)


def candidates(store: Store, community: str) -> list[Candidate]:
    """The members of the community's service teams (teams doing at least one kind), with their open work."""
    kinds = {name: frozenset(k) for name, k in team_kinds(store, community).items() if k}
    teams = [ids.team_id(community, name) for name in sorted(kinds)]
    rows = store.read_rows(
        "dispatch_candidates",
        CANDIDATES,
        teams=teams,
        accepted=RequestStatus.ACCEPTED.value,
        assigned=MatterStatus.ASSIGNED.value,
    )
    return [
        Candidate(pid, name, _hub(g, b, u), tuple((t, kinds[t]) for t in sorted(their)), open_work)
        for pid, name, g, b, u, their, open_work in rows
    ]


def hub_of(request: ServiceRequest) -> tuple[str, ...]:
    """Where a request's elder lives, as dispatch compares places."""
    return _hub(request.grid, request.building, request.unit)


def open_work(store: Store, resident_ids: list[str]) -> Mapping[str, int]:
    """Each resident's open work: requests accepted and not done, matters assigned and not handled."""
    rows = store.read_rows(
        "open_work",
        "UNWIND $ids AS rid RETURN collect([rid, COUNT { MATCH (q:ServiceRequest {provider: rid}) "
        "WHERE q.status = $accepted } + COUNT { MATCH (m:Matter {assignee: rid}) WHERE m.status = $assigned }]) "
        "AS rows",
        ids=resident_ids,
        accepted=RequestStatus.ACCEPTED.value,
        assigned=MatterStatus.ASSIGNED.value,
    )
    return dict(rows)
