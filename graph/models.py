"""Plain records read from the graph, and the one place each is built from Neo4j data.

Repositories return these; the GraphQL layer turns them into its types. Dates
are ``datetime.date`` (the driver's ``neo4j.time.Date`` is converted here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import neo4j.time

from analysis.domain import SCOPE_KINDS, PlaceKind, ResidentStatus, is_active

#: The Neo4j label of each kind of place. Labels cannot be parameters, so statements that
#: differ by place are built from this closed set, never from input.
PLACE_LABELS: dict[PlaceKind, str] = {
    PlaceKind.GRID: "Grid",
    PlaceKind.BUILDING: "Building",
    PlaceKind.UNIT: "Unit",
    PlaceKind.HOUSEHOLD: "Household",
}
SCOPE_LABELS: dict[PlaceKind, str] = {kind: PLACE_LABELS[kind] for kind in SCOPE_KINDS}


def to_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    day: date = value  # already a native date
    return day


@dataclass(frozen=True)
class ResidentRecord:
    id: str  # global id, e.g. 长山花园社区/r/R00042
    community: str
    resident_id: str  # the ledger's id
    name: str
    birth_date: date
    gender: str | None = None
    phone: str | None = None
    lives_alone: bool = False
    party_member: bool = False
    status: str = ResidentStatus.ACTIVE
    left_on: date | None = None
    care_capacity: int | None = None
    household_id: str | None = None
    care_tier: str | None = None  # an explicit tier of the visiting programme; None: the rule decides


def resident_from_props(p: Mapping[str, Any], household_id: str | None = None) -> ResidentRecord:
    """Build a ResidentRecord from a Resident node's properties (``properties(r)``)."""
    return ResidentRecord(
        id=p["id"],
        community=p["community"],
        resident_id=p["residentId"],
        name=p["name"],
        birth_date=cast(date, to_date(p["birthDate"])),  # every Resident has one: the import and registering set it
        gender=p.get("gender"),
        phone=p.get("phone"),
        lives_alone=bool(p.get("livesAlone")),
        party_member=bool(p.get("partyMember")),
        status=p.get("status", ResidentStatus.ACTIVE),
        left_on=to_date(p.get("leftOn")),
        care_capacity=p.get("careCapacity"),
        care_tier=p.get("careTier"),
        household_id=household_id,
    )


@dataclass(frozen=True)
class PlaceRecord:
    """A grid, building, unit or household."""

    id: str
    kind: str  # grid | building | unit | household
    community: str
    number: str  # the normalised label; a household's room
    parent_id: str | None = None


@dataclass(frozen=True)
class PostRecord:
    """A leader post held by a resident (LEADS)."""

    holder_id: str
    scope_id: str
    role: str  # grid_leader | building_leader | unit_leader
    post: str  # A | B
    since: date | None = None


def post_from_row(row: Mapping[str, Any]) -> PostRecord:
    return PostRecord(
        holder_id=row["holder"],
        scope_id=row["scope"],
        role=row["role"],
        post=row["post"],
        since=to_date(row.get("since")),
    )


@dataclass(frozen=True)
class CareRecord:
    """A care relationship (CARES_FOR)."""

    caregiver_id: str
    recipient_id: str
    kind: str  # responsibility | family | volunteer | neighbour
    since: date | None = None
    until: date | None = None

    def active_on(self, day: date) -> bool:
        """Active unless it ended before ``day`` (or has not begun by then): `analysis.domain.is_active`."""
        return is_active(self.since, self.until, day)


def care_from_row(row: Mapping[str, Any]) -> CareRecord:
    return CareRecord(
        caregiver_id=row["caregiver"],
        recipient_id=row["recipient"],
        kind=row["kind"],
        since=to_date(row.get("since")),
        until=to_date(row.get("until")),
    )


def place_from_props(kind: str, p: Mapping[str, Any], parent_id: str | None = None) -> PlaceRecord:
    number = p.get("room") if kind == "household" else p.get("number")
    return PlaceRecord(id=p["id"], kind=kind, community=p["community"], number=str(number), parent_id=parent_id)
