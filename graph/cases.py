"""Cases — home-service requests and residents' matters — and the record of their transitions.

A case is a node (`:ServiceRequest` or `:Matter`) whose facts (what was asked,
for whom, by whom, when) are written once. Every change of its status is a
`(:CaseEvent)` node of its own: which case, its sequence number (unique per case:
a constraint, so two concurrent transitions of one case can never both be
written), from which status to which, the action, when, who (token label, role,
token id, and the resident the token names), why, and the idempotency key of
the call. The case's ``status``, ``seq`` and the fields the events set
(provider, assignee, times) are the projection of its events, updated in the
same transaction as the event that changes them; `graph.cases.history` reads
the events back.

A transition locks the case first (`lock_case`), checks the move against the
rules of `analysis.services` and raises `IllegalTransition` — a `Conflict`
naming the status, the action and why — before anything is written. A call
repeated with the same idempotency key finds its event and is answered with the
case as it is (`replayed`), writing nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import ConstraintError

from analysis.domain import now, zone
from graph.errors import Conflict, Invalid, NotFound
from graph.store import Store, counted, counted_one

T = TypeVar("T")

#: The label of each kind of case: a closed table, since labels cannot be parameters.
CASE_LABELS: Mapping[str, str] = {"request": "ServiceRequest", "matter": "Matter"}
MAX_KEY = 64  # characters of an idempotency key
MAX_WHY = 200  # characters of a reason or a note
SYSTEM = "gridcare"  # who records what the service does by itself (expiry, escalation)


class IllegalTransition(Conflict):
    """A case cannot make this move from where it stands (completing a cancelled request, closing an unhandled
    matter, accepting one's own request)."""

    def __init__(self, case: str, status: str, action: str, reason: str):
        super().__init__(f"{case} is {status}: it cannot be {action}: {reason}" if reason else f"{case} is {status}")
        self.case, self.status, self.action = case, status, action
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.case, self.status, self.action, self.reason)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the token's label, role and id, and the resident the token names (if any)."""

    label: str
    role: str
    token_id: str | None = None
    resident_id: str | None = None


@dataclass(frozen=True)
class Event:
    """One transition of a case, as recorded."""

    id: str
    case: str
    seq: int
    action: str
    from_status: str | None
    to_status: str
    at: datetime
    by: str
    by_role: str
    actor: str | None
    why: str | None
    details: Mapping[str, Any]


_EVENT_FIELDS = frozenset(
    {"id", "community", "case", "caseKind", "seq", "from", "to", "action", "at", "recordedAt"}
    | {"by", "byRole", "byToken", "actor", "why", "key"}
)


def lock_case(tx: neo4j.ManagedTransaction, kind: str, case_id: str) -> dict[str, Any]:
    """The case's properties, write-locked for the transaction; `NotFound` if there is none."""
    label = CASE_LABELS[kind]
    row = counted(
        tx,
        f"lock_{kind}",
        f"MATCH (c:{label} {{id: $id}}) SET c._lock = true REMOVE c._lock RETURN properties(c) AS c",
        id=case_id,
    ).single()
    if row is None:
        raise NotFound(f"no {kind} {case_id!r}", kind=kind, id=case_id)
    return dict(row["c"])


def replayed(tx: neo4j.ManagedTransaction, case_id: str, key: str | None, action: str) -> bool:
    """Whether this call was made before with the same key (True: answer the case as it is, write nothing);
    `Conflict` if the key was used for another action of the case."""
    if key is None:
        return False
    row = counted(
        tx,
        "case_event_by_key",
        "MATCH (e:CaseEvent {case: $case, key: $key}) RETURN e.action AS action",
        case=case_id,
        key=key,
    ).single()
    if row is None:
        return False
    if row["action"] != action:
        raise Conflict(f"idempotency key {key!r} was used to {row['action']} this case, not to {action} it")
    return True


def record_event(
    tx: neo4j.ManagedTransaction,
    kind: str,
    case: Mapping[str, Any],
    *,
    action: str,
    to: str,
    at: datetime,
    actor: Actor,
    why: str | None = None,
    key: str | None = None,
    details: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Append an event to a locked case and set its status (and ``changes``); the case's properties after it."""
    label = CASE_LABELS[kind]
    cypher = f"""
MATCH (c:{label} {{id: $case}})
CREATE (e:CaseEvent {{id: $id, community: c.community, case: c.id, caseKind: $kind, seq: coalesce(c.seq, 0) + 1,
                     from: c.status, to: $to, action: $action, at: $at, recordedAt: datetime(), by: $by,
                     byRole: $role, byToken: $token, actor: $actor, why: $why, key: $key}})
SET e += $details
SET c.seq = e.seq, c.status = $to, c.statusAt = $at, c += $changes
RETURN properties(c) AS c
"""
    row = counted_one(
        tx,
        f"{kind}_event",
        cypher,
        case=case["id"],
        id=secrets.token_hex(8),
        kind=kind,
        to=to,
        action=action,
        at=at,
        by=actor.label,
        role=actor.role,
        token=actor.token_id,
        actor=actor.resident_id,
        why=why,
        key=key,
        details=dict(details or {}),
        changes=dict(changes or {}),
    )
    return dict(row["c"])


def check_key(key: str | None) -> str | None:
    """An idempotency key as given: stripped, at most `MAX_KEY` characters; empty is none."""
    stripped = (key or "").strip()
    if len(stripped) > MAX_KEY:
        raise Invalid("idempotencyKey", f"must be at most {MAX_KEY} characters, not {len(stripped)}")
    return stripped or None


def check_why(why: str | None, field: str = "reason", *, required: bool = True) -> str | None:
    """A reason or note: stripped, at most `MAX_WHY` characters; required unless told."""
    stripped = (why or "").strip()
    if required and not stripped:
        raise Invalid(field, "say why")
    if len(stripped) > MAX_WHY:
        raise Invalid(field, f"must be at most {MAX_WHY} characters, not {len(stripped)}")
    return stripped or None


def moment(value: datetime, field: str) -> datetime:
    """A time as stored: aware, with the community's fixed offset (a naive time is the community's local time)."""
    if not isinstance(value, datetime):
        raise Invalid(field, "must be a date and time")
    local = value.astimezone(zone()) if value.tzinfo is not None else value.replace(tzinfo=zone())
    offset = local.utcoffset()
    assert offset is not None
    # an offset of local mean time (before 1901: +08:05:43) is not whole minutes, which Bolt cannot carry: UTC then
    return local.replace(tzinfo=timezone(offset)) if not offset % timedelta(minutes=1) else local.astimezone(UTC)


def stamp() -> datetime:
    """Now (`analysis.domain.now`) as stored: with the community's fixed offset. Every time sent to Neo4j is made
    so: the driver's packing of zone names is not to be relied on."""
    return moment(now(), "at")


def native(value: Any) -> Any:
    """A Neo4j temporal value as Python's (anything else as it is)."""
    return value.to_native() if hasattr(value, "to_native") else value


def once(store: Store, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
    """Run a transaction that creates nodes under a unique constraint; when a concurrent one created the same
    first (a `ConstraintError`), run it once more: it then finds what the other wrote."""
    try:
        return store.transaction(work)
    except ConstraintError:
        return store.transaction(work)


def _event(e: Mapping[str, Any]) -> Event:
    details = {k: native(v) for k, v in e.items() if k not in _EVENT_FIELDS}
    return Event(
        id=e["id"],
        case=e["case"],
        seq=e["seq"],
        action=e["action"],
        from_status=e.get("from"),
        to_status=e["to"],
        at=native(e["at"]),
        by=e["by"],
        by_role=e["byRole"],
        actor=e.get("actor"),
        why=e.get("why"),
        details=details,
    )


HISTORIES = """
UNWIND $ids AS cid
MATCH (e:CaseEvent {case: cid})
WITH cid, e ORDER BY e.seq
RETURN collect([cid, properties(e)]) AS rows
"""


def histories(store: Store, case_ids: list[str]) -> dict[str, list[Event]]:
    """The transitions of many cases (one round trip), each oldest first."""
    out: dict[str, list[Event]] = {cid: [] for cid in case_ids}
    for cid, e in store.read_rows("case_histories", HISTORIES, ids=case_ids):
        out[cid].append(_event(e))
    return out


def history(store: Store, case_id: str) -> list[Event]:
    """Every transition of a case, oldest first."""
    return histories(store, [case_id])[case_id]


__all__ = [
    "CASE_LABELS",
    "SYSTEM",
    "Actor",
    "Event",
    "IllegalTransition",
    "check_key",
    "check_why",
    "histories",
    "history",
    "lock_case",
    "moment",
    "native",
    "stamp",
    "once",
    "record_event",
    "replayed",
]
