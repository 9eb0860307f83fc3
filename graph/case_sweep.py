"""What the service records by itself: requests that expired and matters that climbed, and the board's feed.

Every read computes a request's expiry and a matter's escalation at once
(`graph.requests.request_from`, `graph.matters.Matter.escalation_now`); the
sweep writes them down as transitions of their own (who: ``gridcare``; when:
the moment it happened; why), so that the history is complete and the
service board hears of them. It is run by the `serviceBoard` poller (at most
once a minute per process, for the communities watched) and by
``gridcare services sweep`` (cron). Running it twice, or in two processes at
once, records each transition once: each case is locked and checked again, and
the (case, seq) constraint refuses a second event of the same number.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from neo4j.exceptions import ConstraintError

from analysis.domain import Escalation, MatterStatus, RequestStatus
from graph.cases import SYSTEM, moment, native
from graph.service_settings import read_settings
from graph.store import Store

BATCH = 500

EXPIRE = """
MATCH (q:ServiceRequest {community: $community, status: $requested}) WHERE q.expiresAt < $now
WITH q ORDER BY q.expiresAt, q.id LIMIT $batch
SET q._lock = true REMOVE q._lock
WITH q WHERE q.status = $requested
CREATE (e:CaseEvent {id: $prefix + q.id, community: q.community, case: q.id, caseKind: 'request', seq: q.seq + 1,
                     from: q.status, to: $expired, action: 'expire', at: q.expiresAt, recordedAt: datetime(),
                     by: $system, byRole: $system, why: $why})
SET q.seq = e.seq, q.status = $expired, q.statusAt = q.expiresAt, q.expiredAt = q.expiresAt
RETURN count(e) AS n
"""
ESCALATE = """
MATCH (m:Matter {community: $community}) WHERE m.status IN $waiting AND m.escalation IN $below
  AND m.reportedAt + duration({hours: $hours}) < $now
WITH m ORDER BY m.reportedAt, m.id LIMIT $batch
SET m._lock = true REMOVE m._lock
WITH m WHERE m.status IN $waiting AND m.escalation IN $below
CREATE (e:CaseEvent {id: $prefix + m.id, community: m.community, case: m.id, caseKind: 'matter', seq: m.seq + 1,
                     from: m.status, to: m.status, action: 'escalate', level: $level,
                     at: m.reportedAt + duration({hours: $hours}), recordedAt: datetime(), by: $system,
                     byRole: $system, why: $why})
SET m.seq = e.seq, m.escalation = $level, m.escalatedAt = e.at
RETURN count(e) AS n
"""


@dataclass(frozen=True)
class Swept:
    expired: int
    escalated: int


def sweep(store: Store, community: str, at: datetime) -> Swept:
    """Record, as of ``at``, the expiries and escalations of one community that are due (in batches)."""
    settings = read_settings(store, community)
    at = moment(at, "at")
    prefix = f"sweep-{secrets.token_hex(4)}-"
    expired = _batches(
        store,
        "sweep_expire",
        EXPIRE,
        community=community,
        now=at,
        prefix=prefix,
        requested=RequestStatus.REQUESTED.value,
        expired=RequestStatus.EXPIRED.value,
        system=SYSTEM,
        why="无人在期望时间内接单 (nobody accepted it within its wanted window)",
    )
    escalated = 0
    waiting = [s.value for s in MatterStatus if s.is_waiting]
    for level, hours, below in (
        (Escalation.GRID, settings.escalate_grid_hours, [Escalation.NONE.value]),
        (Escalation.OFFICE, settings.escalate_office_hours, [Escalation.NONE.value, Escalation.GRID.value]),
    ):
        escalated += _batches(
            store,
            "sweep_escalate",
            ESCALATE,
            community=community,
            now=at,
            prefix=f"{prefix}{level}-",
            waiting=waiting,
            below=below,
            hours=hours,
            level=level.value,
            system=SYSTEM,
            why=f"等待处理超过 {hours} 小时 (waited over {hours} hours): {level.zh}",
        )
    return Swept(expired, escalated)


def _batches(store: Store, name: str, cypher: str, **params: Any) -> int:
    total = 0
    while True:
        try:
            n: int = store.write(name, cypher, batch=BATCH, **params)[0]["n"]
        except ConstraintError:  # another process recorded the same transition a moment before
            return total
        total += n
        if n < BATCH:
            return total


EVENTS_SINCE = """
WITH datetime() AS now
OPTIONAL MATCH (e:CaseEvent) WHERE e.community IN $communities AND e.recordedAt >= $since
WITH now, e ORDER BY e.recordedAt, e.id LIMIT $limit
OPTIONAL MATCH (q:ServiceRequest {id: e.case})
OPTIONAL MATCH (m:Matter {id: e.case})
RETURN now, collect(CASE WHEN e IS NOT NULL THEN {
  id: e.id, recordedAt: e.recordedAt, community: e.community, caseKind: e.caseKind, case: e.case, action: e.action,
  to: e.to, at: e.at, level: e.level, kind: coalesce(q.kind, m.kind), resident: coalesce(q.resident, m.resident),
  grid: coalesce(q.grid, m.grid), place: m.place, provider: q.provider, assignee: m.assignee,
  askedBy: q.askedBy, reportedBy: m.reportedBy
} END) AS rows
"""


def events_since(
    store: Store, communities: list[str], since: datetime, limit: int = 1000
) -> tuple[datetime, list[dict[str, Any]]]:
    """The database's clock now, and the case events recorded at or after ``since`` in ``communities``, oldest
    first, each with what a subscriber's reach is decided by (the elder, the grid, the place, the people)."""
    rows = store.read("case_events_since", EVENTS_SINCE, communities=communities, since=since, limit=limit)
    events = [{k: native(v) for k, v in e.items()} for e in rows[0]["rows"]]
    return native(rows[0]["now"]), events


SWEEP_EVERY = timedelta(minutes=1)
