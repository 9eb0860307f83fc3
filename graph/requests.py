"""Home-service requests (六送 and others) in the store: asked, accepted, done, cancelled, expired.

A request (`:ServiceRequest`) is asked for an active elder, by the elder or on
their behalf (``asker``; ``askedBy`` the resident who asked, if any), for a
wanted window (``wantedFrom`` … ``wantedUntil``: without an end, the community's
``window_hours`` after its start). Where the elder lives (grid, building, unit)
is written with it. Nobody accepting it by the end of the window makes it
``expired`` (`analysis.services.effective_status`: every read says so at once;
`graph.case_sweep` records the transition). Its transitions are `graph.cases`
events; completing it pays its provider the community's points for its kind and
duration, under a key of the request's own, in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import neo4j

from analysis.domain import Asker, MovementKind, RequestStatus, ServiceKind, local_day, now
from analysis.services import effective_status, may_move
from graph import ids
from graph.cases import (
    Actor,
    IllegalTransition,
    check_key,
    check_why,
    lock_case,
    moment,
    native,
    once,
    record_event,
    replayed,
    stamp,
)
from graph.errors import Conflict, Invalid
from graph.mutations.common import load_active, one_of, require, same_community
from graph.points import earning, own_key, post
from graph.service_settings import settings_in
from graph.store import Store, counted, counted_one

MAX_WINDOW = timedelta(days=90)
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class ServiceRequest:
    """A request as stored, with its effective ``status`` (expired computed) at the time it was read."""

    id: str
    community: str
    kind: str
    resident_id: str
    grid: str | None
    building: str | None
    unit: str | None
    asker: str
    asked_by: str | None
    wanted_from: datetime
    wanted_until: datetime
    requested_at: datetime
    status: str
    stored_status: str
    provider_id: str | None = None
    team_id: str | None = None
    accepted_at: datetime | None = None
    done_at: datetime | None = None
    closed_at: datetime | None = None  # cancelled or expired
    minutes: int | None = None
    points: int | None = None
    note: str | None = None
    source: str = "api"
    seq: int = 0
    replayed: bool = False


def request_from(p: Mapping[str, Any], at: datetime | None = None) -> ServiceRequest:
    """A `ServiceRequest` from a node's properties, its status as of ``at`` (default now)."""
    until = native(p["wantedUntil"])
    stored = p.get("status") or RequestStatus.REQUESTED.value
    status = effective_status(stored, native(p.get("expiresAt")), at or now())
    closed = native(p.get("cancelledAt")) or native(p.get("expiredAt"))
    if status is RequestStatus.EXPIRED and closed is None:
        closed = native(p.get("expiresAt"))
    return ServiceRequest(
        id=p["id"],
        community=p["community"],
        kind=p["kind"],
        resident_id=p["resident"],
        grid=p.get("grid"),
        building=p.get("building"),
        unit=p.get("unit"),
        asker=p["asker"],
        asked_by=p.get("askedBy"),
        wanted_from=native(p["wantedFrom"]),
        wanted_until=until,
        requested_at=native(p["requestedAt"]),
        status=status.value,
        stored_status=stored,
        provider_id=p.get("provider"),
        team_id=p.get("team"),
        accepted_at=native(p.get("acceptedAt")),
        done_at=native(p.get("doneAt")),
        closed_at=closed,
        minutes=p.get("minutes"),
        points=p.get("points"),
        note=p.get("note"),
        source=p.get("source", "api"),
        seq=p.get("seq") or 0,
    )


@dataclass(frozen=True)
class NewRequest:
    """A request to ask: for whom (stable id), what, who asks; a window (naive times: the community's)."""

    resident_id: str
    kind: str
    asker: str = Asker.SELF
    asked_by: str | None = None
    wanted_from: datetime | None = None
    wanted_until: datetime | None = None
    note: str | None = None


HOME = """
MATCH (r:Resident {id: $id})
OPTIONAL MATCH (r)-[:LIVES_IN]->(h:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
               <-[:HAS_BUILDING]-(g:Grid)
RETURN g.number AS grid, b.number AS building, u.number AS unit
"""
CREATE = """
MATCH (r:Resident {id: $resident})
CREATE (q:ServiceRequest {id: $id, community: r.community, kind: $kind, resident: r.id, grid: $grid,
                          building: $building, unit: $unit, asker: $asker, askedBy: $askedBy, wantedFrom: $from,
                          wantedUntil: $until, expiresAt: $until, note: $note, requestedAt: $at,
                          recordedAt: datetime(), source: 'api', seq: 0})
RETURN properties(q) AS q
"""
BY_ID = "MATCH (q:ServiceRequest {id: $id}) RETURN properties(q) AS q"


def _window(new: NewRequest, window_hours: int, at: datetime) -> tuple[datetime, datetime]:
    start = moment(new.wanted_from, "wantedFrom") if new.wanted_from is not None else at
    end = moment(new.wanted_until, "wantedUntil") if new.wanted_until is not None else start
    if new.wanted_until is None:
        end = start + timedelta(hours=window_hours)
    require(end > start, "wantedUntil", "must be after wantedFrom")
    require(end - start <= MAX_WINDOW, "wantedUntil", f"a window is at most {MAX_WINDOW.days} days")
    require(end > at, "wantedUntil", f"{end.isoformat()} has passed already")
    return start, end


def request_id(community: str, key: str | None) -> str:
    """A new request's id: from the caller's idempotency key (a repeat finds the first), else random."""
    if key is None:
        return secrets.token_hex(8)
    return f"{community}/sr/{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def ask_request(store: Store, new: NewRequest, actor: Actor, *, key: str | None = None) -> ServiceRequest:
    """Ask for a home service for an active elder (`Invalid` on the field at fault); a repeat of ``key`` answers
    the first request (`Conflict` if the key was used for another)."""
    kind = one_of(new.kind, tuple(ServiceKind), "kind")
    asker = one_of(new.asker, tuple(Asker), "asker")
    note = check_why(new.note, "note", required=False)
    given = check_key(key)

    def work(tx: neo4j.ManagedTransaction) -> ServiceRequest:
        elder = load_active(tx, new.resident_id)
        rid = request_id(elder.community, given)
        found = counted(tx, "request_by_id", BY_ID, id=rid).single()
        if found is not None:
            first = request_from(found["q"])
            if (first.resident_id, first.kind) != (elder.id, kind):
                raise Conflict("this idempotency key was used to ask for another request")
            return replace(first, replayed=True)
        if new.asked_by is not None:
            require(new.asked_by != elder.id or asker == Asker.SELF, "askedBy", "the elder asked: say asker SELF")
            same_community(load_active(tx, new.asked_by, "askedBy"), elder.community, "askedBy")
        at = stamp()
        start, end = _window(new, settings_in(tx, elder.community).window_hours, at)
        home = counted_one(tx, "elder_home", HOME, id=elder.id)
        created = counted_one(
            tx,
            "create_request",
            CREATE,
            resident=elder.id,
            id=rid,
            kind=kind,
            grid=home["grid"],
            building=home["building"],
            unit=home["unit"],
            asker=asker,
            askedBy=new.asked_by,
            **{"from": start},
            until=end,
            note=note,
            at=at,
        )
        case = record_event(
            tx, "request", created["q"], action="ask", to=RequestStatus.REQUESTED, at=at, actor=actor, key=given
        )
        return request_from(case, at)

    return once(store, work)


def _illegal(case: ServiceRequest, action: str, reason: str = "") -> IllegalTransition:
    return IllegalTransition(f"request {case.id!r}", case.status, action, reason)


def _transition(
    store: Store, request: str, action: str, to: RequestStatus, key: str | None, act: Any
) -> ServiceRequest:
    """Lock the request, answer a repeat of ``key``, check the move, then ``act(tx, case, at)`` writes it."""

    def work(tx: neo4j.ManagedTransaction) -> ServiceRequest:
        at = stamp()
        props = lock_case(tx, "request", request)
        case = request_from(props, at)
        if replayed(tx, request, key, action):
            return replace(case, replayed=True)
        if not may_move(case.status, to):
            raise _illegal(case, action)
        return request_from(act(tx, case, at), at)

    return store.transaction(work)


def accept_request(
    store: Store,
    request: str,
    actor: Actor,
    *,
    provider_id: str | None = None,
    team: str | None = None,
    key: str | None = None,
) -> ServiceRequest:
    """A volunteer (``provider_id``) and/or a team (by name) takes an open request. Nobody accepts a request
    they asked for or that is for themselves; a provider named with a team must be a member of it."""
    given = check_key(key)
    if provider_id is None and team is None:
        raise Invalid("providerId", "say who takes it: a volunteer, a team, or both")

    def act(tx: neo4j.ManagedTransaction, case: ServiceRequest, at: datetime) -> dict[str, Any]:
        team_id = ids.team_id(case.community, team) if team else None
        if provider_id is not None:
            provider = load_active(tx, provider_id, "providerId")
            same_community(provider, case.community, "providerId")
            if provider.id in (case.resident_id, case.asked_by):
                raise _illegal(case, "accepted", "nobody accepts their own request")
        if team_id is not None:
            row = counted(
                tx,
                "team_of_request",
                "MATCH (t:VolunteerTeam {id: $team}) "
                "RETURN EXISTS { MATCH (:Resident {id: $provider})-[:MEMBER_OF]->(t) } AS member",
                team=team_id,
                provider=provider_id,
            ).single()
            require(row is not None, "team", f"no team {team!r} in {case.community!r}")
            assert row is not None
            require(provider_id is None or row["member"], "team", f"the provider is not a member of {team!r}")
        details = {"provider": provider_id, "team": team_id}
        return record_event(
            tx,
            "request",
            {"id": case.id},
            action="accept",
            to=RequestStatus.ACCEPTED,
            at=at,
            actor=actor,
            key=given,
            details=details,
            changes={**details, "acceptedAt": at},
        )

    return _transition(store, request, "accept", RequestStatus.ACCEPTED, given, act)


def complete_request(
    store: Store, request: str, actor: Actor, *, minutes: int | None = None, key: str | None = None
) -> ServiceRequest:
    """Mark an accepted request done (``minutes`` it took, if known) and pay its provider the community's points,
    once: the movement's key is the request's."""
    given = check_key(key)
    require(minutes is None or 0 < minutes <= MAX_MINUTES, "minutes", f"must be between 1 and {MAX_MINUTES}")

    def act(tx: neo4j.ManagedTransaction, case: ServiceRequest, at: datetime) -> dict[str, Any]:
        rules = settings_in(tx, case.community).points
        points = rules.for_request(case.kind, minutes) if case.provider_id else 0
        details = {"minutes": minutes, "points": points or None}
        done = record_event(
            tx,
            "request",
            {"id": case.id},
            action="complete",
            to=RequestStatus.DONE,
            at=at,
            actor=actor,
            key=given,
            details=details,
            changes={**details, "doneAt": at},
        )
        if points and case.provider_id:
            why = f"{ServiceKind(case.kind).zh}服务" + (f" {minutes} 分钟" if minutes else "")
            entry = earning(
                case.community,
                case.provider_id,
                MovementKind.REQUEST,
                points,
                own_key(case.community, "request", case.id),
                local_day(at),
                why=why,
                ref=case.id,
            )
            post(tx, entry, actor)
        return done

    return _transition(store, request, "complete", RequestStatus.DONE, given, act)


def cancel_request(store: Store, request: str, reason: str, actor: Actor, *, key: str | None = None) -> ServiceRequest:
    """Cancel an open request, saying why."""
    why = check_why(reason)
    given = check_key(key)

    def act(tx: neo4j.ManagedTransaction, case: ServiceRequest, at: datetime) -> dict[str, Any]:
        return record_event(
            tx,
            "request",
            {"id": case.id},
            action="cancel",
            to=RequestStatus.CANCELLED,
            at=at,
            actor=actor,
            why=why,
            key=given,
            changes={"cancelledAt": at},
        )

    return _transition(store, request, "cancel", RequestStatus.CANCELLED, given, act)


def request_by_id(store: Store, request: str) -> ServiceRequest | None:
    rows = store.read("request_by_id", BY_ID, id=request)
    return request_from(rows[0]["q"]) if rows else None


REQUESTS_BY_ID = "UNWIND $ids AS id MATCH (q:ServiceRequest {id: id}) RETURN collect(properties(q)) AS rows"


def requests_by_id(store: Store, request_ids: list[str]) -> dict[str, ServiceRequest]:
    at = now()
    return {p["id"]: request_from(p, at) for p in store.read_rows("requests_by_id", REQUESTS_BY_ID, ids=request_ids)}
