"""Visits (探访) to elders, and the tiers of the visiting programme (关爱等级), in the store.

A visit is a `(:Visit)` node of its own (`docs/graph-model.md`): whom (``resident``),
by whom (``visitor``, a resident; null for community staff), when (``at``, and
``day``: the community's day of it), how (``mode``), how it went (``outcome``;
``contact`` is false for an attempt, ``not_home``), and a note, which is sensitive.
Visits are never edited: a wrong one is withdrawn — kept, marked with who withdrew
it, when and why — and recorded again. An explicit tier is the resident's
``careTier`` (with who set it and when); without one, the rule of
`analysis.domain.rule_tier` decides.

A contact visit by a resident earns them the community's points for a visit in the
same transaction (`graph.points`, key: the visit's id); withdrawing it reverses them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import neo4j

from analysis.domain import CareTier, MovementKind, VisitMode, VisitOutcome, local_day, now, zone
from graph.cases import Actor
from graph.errors import Conflict, NotFound
from graph.models import ResidentRecord, to_date
from graph.mutations.common import load_active, one_of, record, require, same_community
from graph.points import earning, own_key, post, reverse_in
from graph.sensitive import Reader
from graph.service_settings import settings_in
from graph.store import Store, counted, counted_one

MAX_NOTE = 500  # characters of a visit's note
SKEW = timedelta(minutes=5)  # how far in the future a visit's time may be: the clocks of phones differ

RECORD = """
MATCH (r:Resident {id: $resident})
CREATE (v:Visit {id: $id, community: r.community, resident: r.id, visitor: $visitor, at: $at, day: $day,
                 mode: $mode, outcome: $outcome, contact: $contact, note: $note, source: 'api',
                 recordedAt: datetime(), recordedBy: $by, recordedByRole: $role, recordedByToken: $token,
                 withdrawn: false})
RETURN properties(v) AS v
"""
FOR_UPDATE = """
MATCH (v:Visit {id: $id})
SET v._lock = true REMOVE v._lock
RETURN properties(v) AS v
"""
WITHDRAW = """
MATCH (v:Visit {id: $id})
SET v.withdrawn = true, v.withdrawnAt = datetime(), v.withdrawnBy = $by, v.withdrawnWhy = $why
RETURN properties(v) AS v
"""
SET_TIER = """
MATCH (r:Resident {id: $resident})
SET r.careTier = $tier, r.careTierSetBy = $by, r.careTierSetAt = CASE WHEN $tier IS NULL THEN null ELSE datetime() END
RETURN properties(r) AS props, COLLECT { MATCH (r)-[:LIVES_IN]->(h:Household) RETURN h.id }[0] AS household
"""
_FIELDS = (
    "v {.id, .community, .resident, .visitor, .at, .day, .mode, .outcome, .contact, .source, .recordedAt, "
    ".recordedBy, .recordedByRole, .recordedByToken, .withdrawn, .withdrawnAt, .withdrawnBy, .withdrawnWhy}"
)
# newest first from the (resident, at) index, read backwards from the page's start ($until)
OF_RESIDENTS = f"""
UNWIND $ids AS rid
CALL (rid) {{
  MATCH (v:Visit) USING INDEX v:Visit(resident, at) WHERE v.resident = rid AND v.at <= $until
  WITH v ORDER BY v.resident DESC, v.at DESC, v.id DESC
  WHERE $after IS NULL OR v.at < $after.at OR (v.at = $after.at AND v.id < $after.id)
  WITH v LIMIT $limit
  RETURN collect({_FIELDS}) AS visits
}}
RETURN collect([rid, visits]) AS rows
"""
#: Later than any visit: where a first page starts.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
# one seek of the (resident, at) index each, read backwards from the day's end: the first contact found is the last
# (the hint keeps the planner from the (community, day) index, which reads the whole community's visits)
LAST_CONTACTS = """
UNWIND $ids AS rid
RETURN collect([rid, COLLECT {
  MATCH (v:Visit) USING INDEX v:Visit(resident, at) WHERE v.resident = rid AND v.at < $end
  WITH v ORDER BY v.resident DESC, v.at DESC WHERE v.contact AND NOT v.withdrawn
  RETURN v.day LIMIT 1
}[0]]) AS rows
"""
# a note served is a read of sensitive data: logged in the same transaction, like health notes
NOTES_AND_LOG = """
UNWIND $entries AS entry
MATCH (v:Visit {id: entry.visit})
CREATE (:AccessLog {id: entry.id, at: datetime(), community: v.community, resident: v.resident,
                    fields: ['visitNote'], actor: $actor, actorRole: $role, tokenId: $token, requestId: $request})
RETURN collect([v.id, v.note]) AS rows
"""
ALERTS_SINCE = """
WITH datetime() AS now
OPTIONAL MATCH (v:Visit) WHERE v.community IN $communities AND v.recordedAt >= $since
  AND v.outcome IN $alerting AND NOT v.withdrawn AND v.source <> 'import'
WITH now, v ORDER BY v.recordedAt, v.id LIMIT $limit
OPTIONAL MATCH (r:Resident {id: v.resident})
RETURN now, collect(CASE WHEN v IS NOT NULL THEN [v.id, v.recordedAt, v.community, v.resident, r.name, v.outcome,
                                                 v.at, v.mode] END) AS rows
"""


@dataclass(frozen=True)
class Visit:
    """A visit as stored, without its note (`notes_of` reads notes, logged)."""

    id: str
    community: str
    resident_id: str
    visitor_id: str | None
    at: datetime
    day: date
    mode: str
    outcome: str
    contact: bool
    source: str
    recorded_at: datetime | None
    recorded_by: str | None
    withdrawn: bool
    recorded_by_token: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_why: str | None = None


@dataclass(frozen=True)
class NewVisit:
    """A visit to record: ``at`` aware (a naive time is the community's local time)."""

    resident_id: str
    visitor_id: str | None
    at: datetime
    mode: str = VisitMode.HOME
    outcome: str = VisitOutcome.OK
    note: str | None = None


@dataclass(frozen=True)
class Recorder:
    """Who records or withdraws: written into the visit."""

    label: str
    role: str
    token_id: str | None = None


def _when(value: Any) -> datetime | None:
    """A Neo4j datetime as a native aware one (None stays None)."""
    native: datetime | None = value.to_native() if value is not None and hasattr(value, "to_native") else value
    return native


def visit_from(p: Mapping[str, Any]) -> Visit:
    """A `Visit` from a node's properties (or a projection of them)."""
    at = _when(p["at"])
    day = to_date(p.get("day"))
    assert at is not None and day is not None
    return Visit(
        id=p["id"],
        community=p["community"],
        resident_id=p["resident"],
        visitor_id=p.get("visitor"),
        at=at,
        day=day,
        mode=p["mode"],
        outcome=p["outcome"],
        contact=bool(p["contact"]),
        source=p.get("source", "api"),
        recorded_at=_when(p.get("recordedAt")),
        recorded_by=p.get("recordedBy"),
        recorded_by_token=p.get("recordedByToken"),
        withdrawn=bool(p.get("withdrawn")),
        withdrawn_at=_when(p.get("withdrawnAt")),
        withdrawn_by=p.get("withdrawnBy"),
        withdrawn_why=p.get("withdrawnWhy"),
    )


def day_end(day: date) -> datetime:
    """The first moment after the community's ``day``, as visit times are stored (`stored_time`)."""
    return stored_time(datetime.combine(day + timedelta(days=1), time()))


def stored_time(at: datetime, tz: ZoneInfo | None = None) -> datetime:
    """A visit's time as it is stored: aware, with the community's fixed offset (+08:00), whatever zone it came
    in (a naive time is the community's local time). The driver's packing of zone names is not relied on, and an
    offset of local mean time (before 1901: +08:05:43), which Bolt cannot carry in seconds, goes as UTC. ``tz``:
    the community's zone (`analysis.domain.zone`), when the caller has it already."""
    tz = tz or zone()
    local = at.astimezone(tz) if at.tzinfo is not None else at.replace(tzinfo=tz)
    offset = local.utcoffset()
    assert offset is not None
    return local.replace(tzinfo=timezone(offset)) if not offset % timedelta(minutes=1) else local.astimezone(UTC)


def checked(visit: NewVisit) -> tuple[str, str, datetime, str | None]:
    """The visit's mode, outcome, aware time and note, checked before any round trip (`Invalid` on the field)."""
    mode = one_of(visit.mode, tuple(VisitMode), "mode")
    outcome = one_of(visit.outcome, tuple(VisitOutcome), "outcome")
    require(isinstance(visit.at, datetime), "at", "must be a date and time")
    at = stored_time(visit.at)
    require(at <= now() + SKEW, "at", f"{at.isoformat()} is in the future")
    note = (visit.note or "").strip() or None
    require(note is None or len(note) <= MAX_NOTE, "note", f"must be at most {MAX_NOTE} characters")
    return mode, outcome, at, note


def record_visit(store: Store, visit: NewVisit, recorder: Recorder) -> Visit:
    """Record a visit to an active elder, by an active resident of the same community or by staff (no
    visitor), at a time not in the future (a few minutes' clock skew aside) nor before the elder was born."""
    mode, outcome, at, note = checked(visit)

    def work(tx: neo4j.ManagedTransaction) -> Visit:
        elder = load_active(tx, visit.resident_id)
        require(local_day(at) >= elder.birth_date, "at", f"{at.isoformat()} is before the resident was born")
        if visit.visitor_id is not None:
            require(visit.visitor_id != visit.resident_id, "visitorId", "a resident cannot visit themselves")
            visitor = load_active(tx, visit.visitor_id, "visitorId")
            same_community(visitor, elder.community, "visitorId")
        row = counted_one(
            tx,
            "record_visit",
            RECORD,
            resident=elder.id,
            id=secrets.token_hex(8),
            visitor=visit.visitor_id,
            at=at,
            day=local_day(at),
            mode=mode,
            outcome=outcome,
            contact=VisitOutcome(outcome).is_contact,
            note=note,
            by=recorder.label,
            role=recorder.role,
            token=recorder.token_id,
        )
        recorded = visit_from(row["v"])
        _earn_for(tx, recorded, recorder)
        return recorded

    return store.transaction(work)


def _earn_for(tx: neo4j.ManagedTransaction, visit: Visit, recorder: Recorder) -> None:
    """A contact visit by a resident earns them the community's points for a visit (key: the visit's id)."""
    if visit.visitor_id is None or not visit.contact:
        return
    points = settings_in(tx, visit.community).points.visit
    if points > 0:
        key = own_key(visit.community, "visit", visit.id)
        entry = earning(visit.community, visit.visitor_id, MovementKind.VISIT, points, key, visit.day, ref=visit.id)
        post(tx, entry, Actor(recorder.label, recorder.role, recorder.token_id))


def withdraw_visit(store: Store, visit_id: str, reason: str, recorder: Recorder) -> Visit:
    """Withdraw a visit recorded in error (it stays, marked); `NotFound`, or `Conflict` if withdrawn already."""
    why = (reason or "").strip()
    require(bool(why), "reason", "say why the visit is withdrawn")
    require(len(why) <= 200, "reason", "must be at most 200 characters")

    def work(tx: neo4j.ManagedTransaction) -> Visit:
        found = counted(tx, "visit_for_update", FOR_UPDATE, id=visit_id).single()
        if found is None:
            raise NotFound(f"no visit {visit_id!r}", kind="visit", id=visit_id)
        if found["v"].get("withdrawn"):
            raise Conflict(f"visit {visit_id!r} was withdrawn already")
        withdrawn = visit_from(
            counted_one(tx, "withdraw_visit", WITHDRAW, id=visit_id, by=recorder.label, why=why)["v"]
        )
        _take_back(tx, withdrawn, why, recorder)
        return withdrawn

    return store.transaction(work)


def _take_back(tx: neo4j.ManagedTransaction, visit: Visit, why: str, recorder: Recorder) -> None:
    """A withdrawn visit's points are reversed (`graph.points.Insufficient` if the visitor has spent them)."""
    key = own_key(visit.community, "visit", visit.id)
    reverse_in(tx, visit.community, key, f"探访撤回：{why}", Actor(recorder.label, recorder.role, recorder.token_id))


def visit_by_id(store: Store, visit_id: str) -> Visit | None:
    rows = store.read("visit_by_id", "MATCH (v:Visit {id: $id}) RETURN properties(v) AS v", id=visit_id)
    return visit_from(rows[0]["v"]) if rows else None


def set_care_tier(store: Store, resident_id: str, tier: str | None, recorder: Recorder) -> ResidentRecord:
    """Set a resident's tier explicitly (``none`` takes them out of the programme), or clear it (None: the rule
    decides again). Moved-out and deceased residents keep what they had (`Invalid`)."""
    if tier is not None:
        one_of(tier, tuple(CareTier), "tier")

    def work(tx: neo4j.ManagedTransaction) -> ResidentRecord:
        load_active(tx, resident_id)
        return record(counted_one(tx, "set_care_tier", SET_TIER, resident=resident_id, tier=tier, by=recorder.label))

    return store.transaction(work)


def visits_of(
    store: Store, resident_ids: list[str], *, limit: int, after: tuple[datetime, str] | None = None
) -> dict[str, list[Visit]]:
    """The newest ``limit`` visits of each resident (withdrawn ones included, marked), newest first; ``after``: the
    (at, id) of the last visit of a previous page."""
    page_after = {"at": after[0], "id": after[1]} if after else None
    until = after[0] if after else END_OF_TIME
    rows = store.read_rows("visits_of", OF_RESIDENTS, ids=resident_ids, limit=limit, after=page_after, until=until)
    return {rid: [visit_from(v) for v in visits] for rid, visits in rows}


def last_contacts(store: Store, resident_ids: list[str], day: date) -> dict[str, date | None]:
    """Each resident's last contact on or before ``day`` (None: none)."""
    rows = store.read_rows("last_contacts", LAST_CONTACTS, ids=resident_ids, end=day_end(day))
    return {rid: to_date(last) for rid, last in rows}


def read_notes(store: Store, visit_ids: list[str], reader: Reader) -> dict[str, str | None]:
    """Each visit's note, read and logged in the access log (one entry per visit, field ``visitNote``)."""
    entries = [{"id": secrets.token_hex(8), "visit": vid} for vid in dict.fromkeys(visit_ids)]
    rows = store.write(
        "read_visit_notes",
        NOTES_AND_LOG,
        entries=entries,
        actor=reader.actor,
        role=reader.role,
        token=reader.token_id,
        request=reader.request_id,
    )
    return dict(rows[0]["rows"]) if rows else {}


def alerts_since(
    store: Store, communities: list[str], since: datetime, limit: int = 1000
) -> tuple[datetime, list[tuple[Any, ...]]]:
    """The database's clock now, and the alerting visits (needs help, emergency) recorded at or after ``since``
    in ``communities``, oldest first: ``(id, recorded at, community, elder id, elder name, outcome, at, mode)``."""
    alerting = [o.value for o in VisitOutcome if o.alerts]
    records = store.read(
        "visit_alerts_since", ALERTS_SINCE, communities=communities, since=since, limit=limit, alerting=alerting
    )
    rows = [
        (vid, rec.to_native(), c, r, name, o, at.to_native(), m)
        for vid, rec, c, r, name, o, at, m in records[0]["rows"]
    ]
    return records[0]["now"].to_native(), rows


__all__ = [
    "MAX_NOTE",
    "NewVisit",
    "Recorder",
    "Visit",
    "alerts_since",
    "last_contacts",
    "read_notes",
    "record_visit",
    "set_care_tier",
    "visit_by_id",
    "visits_of",
    "withdraw_visit",
]


HOUSEHOLD_BIRTHS = """
UNWIND $ids AS hid
MATCH (:Household {id: hid})<-[:LIVES_IN]-(r:Resident {status: 'active'})
RETURN collect([hid, r.birthDate]) AS rows
"""


def household_births(store: Store, household_ids: list[str]) -> dict[str, list[date]]:
    """The birth dates of each household's active residents (to tell a household of elders only), no names."""
    out: dict[str, list[date]] = {}
    for hid, born in store.read_rows("household_births", HOUSEHOLD_BIRTHS, ids=household_ids):
        native = to_date(born)
        if native is not None:
            out.setdefault(hid, []).append(native)
    return out


@dataclass(frozen=True)
class VisitQuery:
    """What `search_visits` finds in a community: all given conditions hold."""

    community: str
    since: date | None = None  # community days, both ends included
    until: date | None = None
    resident_id: str | None = None
    visitor_id: str | None = None
    outcome: str | None = None
    mode: str | None = None
    withdrawn: bool | None = None


# days as ranges of time: the (community, at) and (resident, at) indexes serve them
_VISIT_FILTERS = {
    "since": "v.at >= $since",
    "until": "v.at < $until",
    "resident_id": "v.resident = $resident_id",
    "visitor_id": "v.visitor = $visitor_id",
    "outcome": "v.outcome = $outcome",
    "mode": "v.mode = $mode",
    "withdrawn": "v.withdrawn = $withdrawn",
}


@dataclass(frozen=True)
class VisitPage:
    total: int
    visits: list[Visit]
    has_next: bool


def search_visits(store: Store, q: VisitQuery, *, first: int, after: tuple[datetime, str] | None = None) -> VisitPage:
    """One page of a community's visits, newest first, keyset-paginated on (at, id); with the total."""
    params: dict[str, Any] = {k: getattr(q, k) for k in _VISIT_FILTERS if getattr(q, k) is not None}
    if q.since is not None:
        params["since"] = day_end(q.since - timedelta(days=1))  # the day's first moment
    if q.until is not None:
        params["until"] = day_end(q.until)
    where = " AND ".join(["v.community = $community", *(_VISIT_FILTERS[k] for k in params)])
    # an elder's visits from their own index, a community's from its; both read newest first, up to the page's start
    index = "v:Visit(resident, at)" if q.resident_id is not None else "v:Visit(community, at)"
    key = "v.resident" if q.resident_id is not None else "v.community"
    seek = "(v.at < $afterAt OR (v.at = $afterAt AND v.id < $afterId))"
    cypher = f"""
CALL () {{ MATCH (v:Visit) USING INDEX {index} WHERE {where} AND v.at IS NOT NULL RETURN count(v) AS total }}
CALL () {{
  MATCH (v:Visit) USING INDEX {index} WHERE {where} AND v.at <= $start
  WITH v ORDER BY {key} DESC, v.at DESC, v.id DESC
  WHERE $afterAt IS NULL OR {seek}
  WITH v LIMIT $limit
  RETURN collect({_FIELDS}) AS page
}}
RETURN total, page
"""
    at, vid = after or (None, None)
    rows = store.read(
        "search_visits",
        cypher,
        community=q.community,
        limit=first + 1,
        afterAt=at,
        afterId=vid,
        start=at or END_OF_TIME,
        **params,
    )
    found = [visit_from(v) for v in rows[0]["page"]]
    return VisitPage(total=rows[0]["total"], visits=found[:first], has_next=len(found) > first)
