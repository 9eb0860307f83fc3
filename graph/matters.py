"""Residents' matters (百姓说事) in the store: reported, assigned, handled, closed — and escalated.

A matter (`:Matter`) is a dispute, a repair, a complaint or a question, raised at
a "people's talk point" (百姓说事点), a watch post, by a leader or at the office,
in a grid (and perhaps a building and unit, or about a resident, whose home
then says where). It may be marked as one of the "eight zeros" (``category``).
It is assigned — by default to the grid's dispute mediator (矛盾调处员, a grid
service role) — handled, and closed with the resident's satisfaction. While
nobody has handled it, it climbs: to the grid leader, then to the office
(`analysis.services.escalation_of`; `graph.case_sweep` records it).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import neo4j

from analysis.domain import EightZero, Escalation, MatterChannel, MatterKind, MatterStatus, Satisfaction, ServiceRole
from analysis.services import DEFAULT_SETTINGS, ServiceSettings, escalation_of, may_move
from graph import ids
from graph.cases import (
    Actor,
    IllegalTransition,
    check_key,
    check_why,
    lock_case,
    moment,
    native,
    record_event,
    replayed,
    stamp,
)
from graph.errors import Invalid, NotFound
from graph.mutations.common import MAX_LABEL, load_active, one_of, require, same_community
from graph.store import Store, counted, counted_one


@dataclass(frozen=True)
class Matter:
    """A matter as stored; ``escalation`` as recorded (the reads compute the effective level)."""

    id: str
    community: str
    kind: str
    category: str | None
    channel: str
    resident_id: str | None
    grid: str
    building: str | None
    unit: str | None
    place_id: str
    summary: str
    reported_at: datetime
    status: str
    assignee_id: str | None = None
    assigned_at: datetime | None = None
    handled_at: datetime | None = None
    closed_at: datetime | None = None
    satisfaction: str | None = None
    escalation: str = Escalation.NONE
    reported_by: str | None = None  # the resident the reporting token named
    seq: int = 0
    replayed: bool = False

    def escalation_now(self, at: datetime, settings: ServiceSettings = DEFAULT_SETTINGS) -> Escalation:
        """How far up it has gone at ``at``: the recorded level, or higher if it has waited longer since."""
        computed = escalation_of(self.reported_at, self.handled_at, at, settings)
        levels = list(Escalation)
        return max(Escalation(self.escalation), computed, key=levels.index)


def matter_from(p: Mapping[str, Any]) -> Matter:
    return Matter(
        id=p["id"],
        community=p["community"],
        kind=p["kind"],
        category=p.get("category"),
        channel=p["channel"],
        resident_id=p.get("resident"),
        grid=p["grid"],
        building=p.get("building"),
        unit=p.get("unit"),
        place_id=p["place"],
        summary=p["summary"],
        reported_at=native(p["reportedAt"]),
        status=p.get("status") or MatterStatus.REPORTED.value,
        assignee_id=p.get("assignee"),
        assigned_at=native(p.get("assignedAt")),
        handled_at=native(p.get("handledAt")),
        closed_at=native(p.get("closedAt")),
        satisfaction=p.get("satisfaction"),
        escalation=p.get("escalation") or Escalation.NONE.value,
        reported_by=p.get("reportedBy"),
        seq=p.get("seq") or 0,
    )


@dataclass(frozen=True)
class NewMatter:
    """A matter to report: about a resident (their home says where) or at a place (a grid, perhaps a building
    and unit); ``reported_at`` default now (naive: the community's local time)."""

    community: str
    kind: str
    summary: str
    channel: str = MatterChannel.TALK_POINT
    category: str | None = None
    resident_id: str | None = None
    grid: str | None = None
    building: str | None = None
    unit: str | None = None
    reported_at: datetime | None = None


PLACE = """
OPTIONAL MATCH (g:Grid {id: $grid})
OPTIONAL MATCH (g)-[:HAS_BUILDING]->(b:Building {id: $building})
OPTIONAL MATCH (b)-[:HAS_UNIT]->(u:Unit {id: $unit})
RETURN g.id AS grid, b.id AS building, u.id AS unit
"""
HOME = """
MATCH (r:Resident {id: $id})-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
      <-[:HAS_BUILDING]-(g:Grid)
RETURN g.number AS grid, b.number AS building, u.number AS unit
"""
CREATE = """
MATCH (c:Community {id: $community})
CREATE (m:Matter {id: $id, community: c.id, kind: $kind, category: $category, channel: $channel, resident: $resident,
                  grid: $grid, building: $building, unit: $unit, place: $place, summary: $summary, reportedAt: $at,
                  reportedBy: $by, recordedAt: datetime(), escalation: 'none', seq: 0})
RETURN properties(m) AS m
"""
MEDIATOR = """
MATCH (r:Resident {status: 'active'})-[s:SERVES {role: $role}]->(:Grid {id: $grid})
RETURN r.id AS id ORDER BY s.since, r.id LIMIT 1
"""


def _where(tx: neo4j.ManagedTransaction, new: NewMatter) -> tuple[str, str | None, str | None, str]:
    """The matter's grid, building and unit labels and the id of the most precise place; `Invalid` if unknown."""
    grid, building, unit = new.grid, new.building, new.unit
    if new.resident_id is not None:
        who = load_active(tx, new.resident_id)
        same_community(who, new.community, "residentId")
        home = counted(tx, "matter_home", HOME, id=who.id).single()
        if home is not None and grid is None:
            grid, building, unit = home["grid"], home["building"], home["unit"]
    require(grid is not None, "grid", "say where: a grid, or a resident whose home says it")
    assert grid is not None
    require(unit is None or building is not None, "unit", "a unit is named within its building")
    for field, value in (("grid", grid), ("building", building), ("unit", unit)):
        require(value is None or len(value) <= MAX_LABEL, field, f"must be at most {MAX_LABEL} characters")
    c = new.community
    wanted = {
        "grid": ids.grid_id(c, grid),
        "building": ids.building_id(c, building) if building else None,
        "unit": ids.unit_id(c, building, unit) if building and unit else None,
    }
    found = counted_one(tx, "matter_place", PLACE, **wanted)
    for field in ("grid", "building", "unit"):
        require(wanted[field] is None or found[field] is not None, field, f"no such {field} in {c!r}")
    place = wanted["unit"] or wanted["building"] or wanted["grid"]
    assert place is not None
    return grid, building, unit, place


def report_matter(store: Store, new: NewMatter, actor: Actor, *, key: str | None = None) -> Matter:
    """Record a matter raised by or about residents (`Invalid` on the field at fault)."""
    kind = one_of(new.kind, tuple(MatterKind), "kind")
    channel = one_of(new.channel, tuple(MatterChannel), "channel")
    category = one_of(new.category, tuple(EightZero), "category") if new.category is not None else None
    summary = check_why(new.summary, "summary")
    given = check_key(key)

    def work(tx: neo4j.ManagedTransaction) -> Matter:
        at = moment(new.reported_at, "reportedAt") if new.reported_at is not None else stamp()
        require(at <= stamp(), "reportedAt", f"{at.isoformat()} is in the future")
        grid, building, unit, place = _where(tx, new)
        row = counted(
            tx,
            "create_matter",
            CREATE,
            community=new.community,
            id=secrets.token_hex(8),
            kind=kind,
            category=category,
            channel=channel,
            resident=new.resident_id,
            grid=grid,
            building=building,
            unit=unit,
            place=place,
            summary=summary,
            at=at,
            by=actor.resident_id,
        ).single()
        if row is None:
            raise NotFound(f"no community named {new.community!r}", kind="community", id=new.community)
        case = record_event(
            tx, "matter", row["m"], action="report", to=MatterStatus.REPORTED, at=at, actor=actor, key=given
        )
        return matter_from(case)

    return store.transaction(work)


def _transition(store: Store, matter: str, action: str, to: MatterStatus, key: str | None, act: Any) -> Matter:
    def work(tx: neo4j.ManagedTransaction) -> Matter:
        at = stamp()
        case = matter_from(lock_case(tx, "matter", matter))
        if replayed(tx, matter, key, action):
            return replace(case, replayed=True)
        if not may_move(case.status, to):
            reason = "it has not been handled yet" if to == MatterStatus.CLOSED else ""
            raise IllegalTransition(f"matter {matter!r}", case.status, action, reason)
        return matter_from(act(tx, case, at))

    return store.transaction(work)


def mediator_of(tx: neo4j.ManagedTransaction, community: str, grid: str) -> str | None:
    """The grid's dispute mediator (矛盾调处员), if it has one."""
    row = counted(
        tx, "grid_mediator", MEDIATOR, role=ServiceRole.DISPUTE_MEDIATOR.value, grid=ids.grid_id(community, grid)
    ).single()
    return row["id"] if row else None


def assign_matter(
    store: Store, matter: str, actor: Actor, *, assignee_id: str | None = None, key: str | None = None
) -> Matter:
    """Give a matter to someone — by default the dispute mediator of its grid — or to someone else later."""
    given = check_key(key)

    def act(tx: neo4j.ManagedTransaction, case: Matter, at: datetime) -> dict[str, Any]:
        who = assignee_id or mediator_of(tx, case.community, case.grid)
        if who is None:
            raise Invalid("assigneeId", f"grid {case.grid} has no dispute mediator (矛盾调处员): name who takes it")
        person = load_active(tx, who, "assigneeId")
        same_community(person, case.community, "assigneeId")
        require(who != case.assignee_id, "assigneeId", "the matter is theirs already")
        return record_event(
            tx,
            "matter",
            {"id": case.id},
            action="assign",
            to=MatterStatus.ASSIGNED,
            at=at,
            actor=actor,
            key=given,
            details={"assignee": who},
            changes={"assignee": who, "assignedAt": at},
        )

    return _transition(store, matter, "assign", MatterStatus.ASSIGNED, given, act)


def handle_matter(store: Store, matter: str, note: str, actor: Actor, *, key: str | None = None) -> Matter:
    """Record that an assigned matter was dealt with, and how."""
    what = check_why(note, "note")
    given = check_key(key)

    def act(tx: neo4j.ManagedTransaction, case: Matter, at: datetime) -> dict[str, Any]:
        return record_event(
            tx,
            "matter",
            {"id": case.id},
            action="handle",
            to=MatterStatus.HANDLED,
            at=at,
            actor=actor,
            why=what,
            key=given,
            changes={"handledAt": at},
        )

    return _transition(store, matter, "handle", MatterStatus.HANDLED, given, act)


def close_matter(
    store: Store, matter: str, satisfaction: str, actor: Actor, *, note: str | None = None, key: str | None = None
) -> Matter:
    """Close a handled matter with the resident's satisfaction."""
    felt = one_of(satisfaction, tuple(Satisfaction), "satisfaction")
    what = check_why(note, "note", required=False)
    given = check_key(key)

    def act(tx: neo4j.ManagedTransaction, case: Matter, at: datetime) -> dict[str, Any]:
        return record_event(
            tx,
            "matter",
            {"id": case.id},
            action="close",
            to=MatterStatus.CLOSED,
            at=at,
            actor=actor,
            why=what,
            key=given,
            details={"satisfaction": felt},
            changes={"closedAt": at, "satisfaction": felt},
        )

    return _transition(store, matter, "close", MatterStatus.CLOSED, given, act)


BY_ID = "UNWIND $ids AS id MATCH (m:Matter {id: id}) RETURN collect(properties(m)) AS rows"


def matters_by_id(store: Store, matter_ids: list[str]) -> dict[str, Matter]:
    return {p["id"]: matter_from(p) for p in store.read_rows("matters_by_id", BY_ID, ids=matter_ids)}


def matter_by_id(store: Store, matter: str) -> Matter | None:
    return matters_by_id(store, [matter]).get(matter)
