"""Care relationships and volunteer-team memberships: adding and ending them.

The graph has at most ONE ``CARES_FOR`` per (caregiver, recipient, kind), as the
import MERGEs it. A relationship is *active* until its ``until`` has passed
(``until`` null or today or later). Re-adding an ended one re-opens that same
relationship with the new ``since``/``until`` (its earlier period is not
kept); re-adding an active one is a `Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

import neo4j

from analysis.domain import CARE_KINDS, CareKind
from graph import ids
from graph.errors import Conflict, NotFound
from graph.models import CareRecord, care_from_row, to_date
from graph.mutations import cypher as Q
from graph.mutations.common import label, load_active, load_resident, one_of, require, same_community, today
from graph.store import Store, counted, counted_one


@dataclass(frozen=True)
class Membership:
    """A resident's membership of a volunteer team (``MEMBER_OF {since}``)."""

    resident_id: str
    team_id: str
    team: str  # the team's name
    since: date | None = None


def _care_row(tx: neo4j.ManagedTransaction, caregiver_id: str, recipient_id: str, kind: str) -> neo4j.Record | None:
    return counted(tx, "care", Q.CARE, caregiver=caregiver_id, recipient=recipient_id, kind=kind).single()


def _is_active(row: neo4j.Record | None, day: date) -> TypeGuard[neo4j.Record]:
    """Whether the care relationship ``row`` (`_care_row`) exists and has not ended before ``day``."""
    if row is None:
        return False
    until = to_date(row["until"])
    return until is None or until >= day


def _check_pair(tx: neo4j.ManagedTransaction, caregiver_id: str, recipient_id: str) -> None:
    """Both residents exist, are active and live in one community."""
    require(caregiver_id != recipient_id, "recipientId", f"resident {caregiver_id!r} cannot care for themselves")
    caregiver = load_active(tx, caregiver_id, "caregiverId")
    recipient = load_active(tx, recipient_id, "recipientId")
    same_community(recipient, caregiver.community, "recipientId")


def _add_care_in(
    tx: neo4j.ManagedTransaction,
    caregiver_id: str,
    recipient_id: str,
    kind: str,
    since: date | None,
    until: date | None,
) -> CareRecord:
    _check_pair(tx, caregiver_id, recipient_id)
    if _is_active(_care_row(tx, caregiver_id, recipient_id, kind), today()):
        raise Conflict(f"{caregiver_id!r} already cares for {recipient_id!r} ({kind})")
    row = counted_one(
        tx, "add_care", Q.SET_CARE, caregiver=caregiver_id, recipient=recipient_id, kind=kind, since=since, until=until
    )
    return care_from_row(row)


def _check_care_input(kind: str, since: date | None, until: date | None) -> None:
    one_of(kind, CARE_KINDS, "kind")
    if since and until:
        require(until >= since, "until", f"{until.isoformat()} is before since {since.isoformat()}")


def add_care(
    store: Store,
    caregiver_id: str,
    recipient_id: str,
    *,
    kind: str = CareKind.RESPONSIBILITY,
    since: date | None = None,
    until: date | None = None,
) -> CareRecord:
    """Record that ``caregiver_id`` cares for ``recipient_id`` (both active, one community)."""
    _check_care_input(kind, since, until)
    return store.transaction(lambda tx: _add_care_in(tx, caregiver_id, recipient_id, kind, since, until))


def add_care_many(
    store: Store, pairs: list[tuple[str, str]], *, kind: str = CareKind.RESPONSIBILITY, since: date | None = None
) -> list[CareRecord]:
    """Add several care relationships in ONE transaction: all of them, or none.

    Each pair is checked as in `add_care`; a pair given twice is `Invalid`
    (field ``assignments``). Used to apply chosen assignment suggestions.
    """
    _check_care_input(kind, since, None)
    require(bool(pairs), "assignments", "no assignments given")
    require(len(set(pairs)) == len(pairs), "assignments", "the same pair is given twice")
    return store.transaction(lambda tx: [_add_care_in(tx, a, b, kind, since, None) for a, b in pairs])


def end_care(store: Store, caregiver_id: str, recipient_id: str, *, kind: str, on: date) -> CareRecord:
    """End an active care relationship on ``on`` (its ``until``); `NotFound` if none is active."""
    one_of(kind, CARE_KINDS, "kind")
    require(isinstance(on, date), "on", "must be a date")

    def work(tx: neo4j.ManagedTransaction) -> CareRecord:
        load_resident(tx, caregiver_id)
        load_resident(tx, recipient_id)
        found = _care_row(tx, caregiver_id, recipient_id, kind)
        if not _is_active(found, today()):
            raise NotFound(
                f"no active {kind} care of {caregiver_id!r} for {recipient_id!r}",
                kind="care",
                id=f"{caregiver_id}->{recipient_id}:{kind}",
            )
        since = to_date(found["since"])
        require(since is None or on >= since, "on", f"{on.isoformat()} is before since {since}")
        row = counted_one(tx, "end_care", Q.END_CARE, caregiver=caregiver_id, recipient=recipient_id, kind=kind, on=on)
        return care_from_row(row)

    return store.transaction(work)


def join_team(store: Store, resident_id: str, team: str, *, since: date | None = None) -> Membership:
    """Make an active resident a member of the team named ``team`` (created if new)."""
    name = label(team, "team")
    day = since or today()

    def work(tx: neo4j.ManagedTransaction) -> Membership:
        resident = load_active(tx, resident_id)
        tid = ids.team_id(resident.community, name)
        if counted_one(tx, "membership", Q.MEMBERSHIP, resident=resident_id, team=tid)["member"]:
            raise Conflict(f"resident {resident_id!r} is already a member of {tid!r}")
        row = counted_one(
            tx,
            "join_team",
            Q.JOIN_TEAM,
            resident=resident_id,
            team=tid,
            teamName=name,
            community=resident.community,
            since=day,
        )
        return Membership(resident_id, tid, row["name"], to_date(row["since"]))

    return store.transaction(work)


def leave_team(store: Store, resident_id: str, team: str) -> Membership:
    """End a membership (the team stays); `NotFound` for an unknown team or a non-member."""
    name = label(team, "team")

    def work(tx: neo4j.ManagedTransaction) -> Membership:
        resident = load_resident(tx, resident_id)
        tid = ids.team_id(resident.community, name)
        found = counted_one(tx, "membership", Q.MEMBERSHIP, resident=resident_id, team=tid)
        if not found["team"]:
            raise NotFound(f"no volunteer team {tid!r}", kind="team", id=tid)
        if not found["member"]:
            raise NotFound(f"resident {resident_id!r} is not a member of {tid!r}", kind="membership", id=tid)
        counted(tx, "leave_team", Q.LEAVE_TEAM, resident=resident_id, team=tid).consume()
        return Membership(resident_id, tid, name, to_date(found["since"]))

    return store.transaction(work)
