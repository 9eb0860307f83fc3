"""Write a validated ledger into the graph: one transaction per community.

The ledger has been validated as a whole before anything is written, so a
transaction fails only when the database does; then that community is rolled
back whole. National id numbers are replaced by a keyed hash here and never
leave this module in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TypeAlias, TypeVar
from zoneinfo import ZoneInfo

from analysis.domain import Role, VisitOutcome, zone
from analysis.services import PointsRules
from graph import ids
from graph.imports import cypher as Q
from graph.imports.write import NotKept, Step, WriteSummary, check_written, write_steps
from graph.store import Store
from graph.visits import stored_time
from loaders.model import (
    Care,
    LeaderPost,
    Ledger,
    PartyGroupMembership,
    Resident,
    ServiceDone,
    ServiceRole,
    Visit,
    VolunteerMembership,
)
from loaders.services_writer import services_steps

Hasher: TypeAlias = Callable[[str], str]
#: One row of a write step: the Cypher parameters of one node or relationship.
Row: TypeAlias = dict[str, object]

_Linked = TypeVar(
    "_Linked", LeaderPost, Care, VolunteerMembership, ServiceRole, PartyGroupMembership, Visit, ServiceDone
)


@dataclass
class ImportSummary:
    communities: dict[str, WriteSummary] = field(default_factory=dict)

    @property
    def structural_changes(self) -> int:
        return sum(s.structural_changes for s in self.communities.values())


Plan: TypeAlias = dict[str, list[Step]]  # community -> its ordered write steps


def plan_import(ledger: Ledger, *, hash_national_id: Hasher, points: Mapping[str, PointsRules] | None = None) -> Plan:
    """Turn a validated ledger into write steps, per community.

    ``points``: the earning rules of each community whose imported services earn their providers points (the
    ``--earn-points`` option); without it, imported services earn none.
    """
    return {c: community_steps(ledger, c, hash_national_id, (points or {}).get(c)) for c in ledger.communities}


def total_rows(plan: Plan) -> int:
    """How many rows `write_plan` will report through ``on_rows``."""
    return sum(len(rows) for steps in plan.values() for _, rows in steps)


#: The stages of the community being written (`WriteProgress.stage`).
WRITING, COMMITTING, CHECKING = "writing", "committing", "checking"


@dataclass
class WriteProgress:
    """How far `write_plan` got: what an interrupted import tells its user.

    ``current`` is the community being written, at ``stage``: ``WRITING`` (its
    transaction is open: a failure rolls it back whole), ``COMMITTING`` (the
    driver is committing it: a failure may or may not have committed it) or
    ``CHECKING`` (committed, in ``committed`` too; the store is being read back).
    """

    communities: list[str] = field(default_factory=list)  # every community of the plan, in the order written
    committed: list[str] = field(default_factory=list)
    current: str | None = None
    stage: str = WRITING

    @property
    def not_started(self) -> list[str]:
        done = len(self.committed) + (self.current is not None and self.stage != CHECKING)
        return self.communities[done:]


def write_plan(
    store: Store,
    plan: Plan,
    *,
    on_rows: Callable[[int], None] | None = None,
    on_commit: Callable[[str, int, int], None] | None = None,
    progress: WriteProgress | None = None,
    batch_size: int = 2000,
) -> ImportSummary:
    """Write every community of the plan, each in one managed transaction, and check what the store kept.

    After each commit, ``on_commit(community, number, total)`` is told, then one
    read checks that the store holds what was planned
    (`graph.imports.write.check_written`). ``progress``, if given, follows along
    for the message of an import that fails or is interrupted.

    Raises
    ------
    graph.imports.write.NotKept
        If the store does not hold what a committed transaction wrote; the
        communities after it are not written.
    """
    summary = ImportSummary()
    state = progress if progress is not None else WriteProgress()
    state.communities = list(plan)

    def committing() -> None:
        state.stage = COMMITTING

    for number, (community, steps) in enumerate(plan.items(), 1):
        state.current, state.stage = community, WRITING
        params = {"community": community, "committee": ids.committee_id(community)}
        written = write_steps(store, params, steps, batch_size=batch_size, on_rows=on_rows, on_written=committing)
        state.committed.append(community)
        state.stage = CHECKING
        if on_commit:
            on_commit(community, number, len(plan))
        shortfalls = check_written(store, params, steps)
        if shortfalls:
            raise NotKept(community, shortfalls)
        summary.communities[community] = written
        state.current = None
    return summary


def community_steps(ledger: Ledger, community: str, hasher: Hasher, points: PointsRules | None = None) -> list[Step]:
    """The ordered write steps of one community: places first, then people, then links, then history."""
    residents = [r for r in ledger.residents if r.community == community]

    def mine(rows: list[_Linked]) -> list[_Linked]:
        return [x for x in rows if x.community == community]

    c, tz = community, zone()
    return [
        (Q.COMMUNITY, [{}]),
        (Q.GRIDS, _grids(c, residents)),
        (Q.BUILDINGS, _buildings(c, residents)),
        (Q.UNITS, _units(c, residents)),
        (Q.HOUSEHOLDS, _households(c, residents)),
        (Q.RESIDENTS, [_resident(r, hasher) for r in residents]),
        (Q.HEALTH_CONSENT_WITHDRAWN, [_resident_ref(r) for r in residents if r.health_consent is False]),
        (Q.HEALTH_RECORDS, [_health(r) for r in residents if r.health_notes]),
        (Q.CONTACTS, [_contact(r) for r in residents if r.emergency_contact or r.emergency_phone]),
        *((Q.LEADS[role], _leads(c, mine(ledger.leaders), role)) for role in Q.LEADS),
        (Q.CARE, [_care(x) for x in mine(ledger.care)]),
        (Q.VOLUNTEERS, [_volunteer(x) for x in mine(ledger.volunteers)]),
        (Q.SERVICE_ROLES, [_service(x) for x in mine(ledger.service_roles)]),
        (Q.PARTY_GROUPS, _party(c, mine(ledger.party_groups), residents)),
        (
            Q.CARE_TIERS,
            [{"resident": _resident_ref(r)["resident"], "tier": r.care_tier} for r in residents if r.care_tier],
        ),
        (Q.VISITS, [_visit(x, tz) for x in mine(ledger.visits)]),
        *services_steps(c, mine(ledger.services), residents, points),
    ]


def _unique(rows: Iterable[Row]) -> list[Row]:
    return list({row["id"]: row for row in rows}.values())


def _grids(c: str, residents: list[Resident]) -> list[Row]:
    return _unique(
        {"id": ids.grid_id(c, r.grid), "number": r.grid, "branch": ids.branch_id(c, r.grid)} for r in residents
    )


def _buildings(c: str, residents: list[Resident]) -> list[Row]:
    return _unique(
        {
            "id": ids.building_id(c, r.building),
            "number": r.building,
            "grid": ids.grid_id(c, r.grid),
            "gridNumber": r.grid,
        }
        for r in residents
    )


def _units(c: str, residents: list[Resident]) -> list[Row]:
    return _unique(
        {
            "id": ids.unit_id(c, r.building, r.unit),
            "number": r.unit,
            "building": ids.building_id(c, r.building),
            "buildingNumber": r.building,
        }
        for r in residents
    )


def _households(c: str, residents: list[Resident]) -> list[Row]:
    return _unique(
        {
            "id": ids.household_id(c, r.building, r.unit, r.room),
            "room": r.room,
            "unit": ids.unit_id(c, r.building, r.unit),
        }
        for r in residents
    )


def _resident(r: Resident, hasher: Hasher) -> Row:
    props: Row = {
        "community": r.community,
        "residentId": r.resident_id,
        "name": r.name,
        "gender": r.gender,
        "birthDate": r.birth_date,
        "phone": r.phone,
        "livesAlone": r.lives_alone,
        "partyMember": r.party_member,
        "nationalIdHash": hasher(r.national_id) if r.national_id else None,
    }
    if r.care_capacity is not None:  # an empty cell keeps a capacity set before (e.g. by the API)
        props["careCapacity"] = r.care_capacity
    for prop, value in (
        ("healthConsent", r.health_consent),
        ("qrShowContact", r.qr_show_contact),
        ("qrShowMedical", r.qr_show_medical),
        ("qrShowAddress", r.qr_show_address),
    ):
        if value is not None:  # likewise: a consent not stated keeps the one stored
            props[prop] = value
    return {
        "id": ids.resident_id(r.community, r.resident_id),
        "props": props,
        "household": ids.household_id(r.community, r.building, r.unit, r.room),
    }


def _resident_ref(r: Resident) -> Row:
    return {"resident": ids.resident_id(r.community, r.resident_id)}


def _health(r: Resident) -> Row:
    rid = ids.resident_id(r.community, r.resident_id)
    return {"id": f"{rid}/health", "resident": rid, "notes": r.health_notes}


def _contact(r: Resident) -> Row:
    rid = ids.resident_id(r.community, r.resident_id)
    return {"id": f"{rid}/contact", "resident": rid, "name": r.emergency_contact, "phone": r.emergency_phone}


def _leads(c: str, leaders: list[LeaderPost], role: str) -> list[Row]:
    scopes: dict[Role, Callable[[LeaderPost], str]] = {
        Role.GRID_LEADER: lambda p: ids.grid_id(c, _led(p.grid)),
        Role.BUILDING_LEADER: lambda p: ids.building_id(c, _led(p.building)),
        Role.UNIT_LEADER: lambda p: ids.unit_id(c, _led(p.building), _led(p.unit)),
    }
    scope = scopes[Role(role)]
    return [
        {"resident": ids.resident_id(c, p.resident_id), "scope": scope(p), "post": p.post, "role": role}
        for p in leaders
        if p.role == role
    ]


def _led(label: str | None) -> str:
    """The place label of the scope a leader post leads, which the ledger checks its role has."""
    if label is None:
        raise ValueError("a leader post without the grid, building or unit it leads")
    return label


def _care(x: Care) -> Row:
    return {
        "caregiver": ids.resident_id(x.community, x.caregiver_id),
        "recipient": ids.resident_id(x.community, x.recipient_id),
        "kind": x.kind,
        "since": x.since,
        "until": x.until,
    }


def _volunteer(x: VolunteerMembership) -> Row:
    return {
        "resident": ids.resident_id(x.community, x.resident_id),
        "team": ids.team_id(x.community, x.team),
        "name": x.team,
    }


def _service(x: ServiceRole) -> Row:
    return {
        "resident": ids.resident_id(x.community, x.resident_id),
        "grid": ids.grid_id(x.community, x.grid),
        "role": x.role,
    }


def _party(c: str, memberships: list[PartyGroupMembership], residents: list[Resident]) -> list[Row]:
    grid_of = {r.building: r.grid for r in residents}
    return [
        {
            "resident": ids.resident_id(c, m.resident_id),
            "building": ids.building_id(c, m.building),
            "branch": ids.branch_id(c, grid_of[m.building]),
            "group": ids.party_group_id(c, m.party_group),
            "name": m.party_group,
        }
        for m in memberships
    ]


def _visit(x: Visit, tz: ZoneInfo) -> Row:
    """A visit's row: its time stored as the API stores it (a day without a time: the day's first moment, with
    ``timeKnown`` false)."""
    local = x.visited_at if isinstance(x.visited_at, datetime) else datetime.combine(x.visited_at, time())
    at = stored_time(local, tz)
    resident = ids.resident_id(x.community, x.resident_id)
    visitor = ids.resident_id(x.community, x.visitor_id) if x.visitor_id else None
    return {
        "id": ids.imported_visit_id(x.community, resident, local.isoformat(), visitor, x.mode, x.outcome),
        "resident": resident,
        "props": {
            "visitor": visitor,
            "at": at,
            "day": local.date(),
            "timeKnown": x.time_known,
            "mode": x.mode,
            "outcome": x.outcome,
            "contact": VisitOutcome(x.outcome).is_contact,
            "note": x.note,
        },
    }
