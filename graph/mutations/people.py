"""Registering and updating residents: the inputs, their checks, the writes.

Every resident argument is a GLOBAL id (``长山花园社区/r/R00042``). Each
function is one transaction and answers an expected failure with `NotFound`,
`Invalid` (its ``field`` is the API's camelCase name, nested as
``address.building``) or `Conflict`, having written nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import neo4j
from neo4j.exceptions import ConstraintError

from analysis.domain import ResidentStatus
from graph import ids
from graph.errors import Conflict, Invalid, NotFound
from graph.models import ResidentRecord
from graph.mutations import cypher as Q
from graph.mutations.common import MAX_ID, label, load_active, not_future, one_of, phone, record, require, text
from graph.store import Store, counted, counted_one


@dataclass(frozen=True)
class Address:
    """A home by the ledger's normalised labels: grid ``"3"``, building ``"5"``, unit ``"2"``, room ``"301"``.

    Labels are NFKC-folded and stripped, not parsed: pass ``"5"``, not ``"5号楼"``.
    """

    grid: str
    building: str
    unit: str
    room: str


@dataclass(frozen=True)
class NewResident:
    resident_id: str | None  # the ledger's (local) id, unique in the community; None: one is generated
    name: str
    birth_date: date
    address: Address
    gender: str | None = None  # "F" | "M"
    phone: str | None = None
    lives_alone: bool = False
    party_member: bool = False


@dataclass(frozen=True)
class ResidentChanges:
    """What to change; ``None`` leaves a field as it is, ``clear`` names fields to empty."""

    name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    phone: str | None = None
    lives_alone: bool | None = None
    party_member: bool | None = None
    care_capacity: int | None = None
    clear: frozenset[str] = field(default_factory=frozenset)  # of "gender", "phone", "care_capacity"


# dataclass field -> Resident property (also the API's field name)
PROPS = {
    "name": "name",
    "birth_date": "birthDate",
    "gender": "gender",
    "phone": "phone",
    "lives_alone": "livesAlone",
    "party_member": "partyMember",
    "care_capacity": "careCapacity",
}
CLEARABLE = ("gender", "phone", "care_capacity")


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(name, "must be true or false")
    return value


def _capacity(value: object, name: str) -> int:
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise Invalid(name, "must be a whole number, 0 or more")
    return value


# dataclass field -> its check: (value, the property's name for `Invalid`) -> the value to store
_CHECKS: dict[str, Callable[[Any, str], object]] = {
    "name": text,
    "birth_date": not_future,
    "gender": lambda v, f: one_of(v, ("F", "M"), f),
    "phone": phone,
    "lives_alone": _flag,
    "party_member": _flag,
    "care_capacity": _capacity,
}


def resident_props(values: dict[str, Any]) -> dict[str, Any]:
    """Check dataclass-named values and map them to Resident properties."""
    return {PROPS[k]: _CHECKS[k](v, PROPS[k]) for k, v in values.items() if v is not None}


def change_props(changes: ResidentChanges) -> dict[str, Any]:
    """The properties `update_resident` sets (``None`` removes one)."""
    for name in changes.clear:
        require(name in CLEARABLE, "clear", f"{name!r} cannot be cleared (only {', '.join(CLEARABLE)})")
        require(getattr(changes, name) is None, PROPS[name], "both given and cleared")
    given = {k: getattr(changes, k) for k in PROPS}
    return resident_props(given) | {PROPS[k]: None for k in changes.clear}


def checked_address(a: Address, name: str) -> Address:
    """The address with its labels folded; `Invalid` on ``name.grid`` etc. if one is empty."""
    return Address(*(label(getattr(a, part), f"{name}.{part}") for part in ("grid", "building", "unit", "room")))


def check_address(tx: neo4j.ManagedTransaction, community: str, a: Address, name: str) -> None:
    """The community, building and unit must exist, and the building be in the grid given."""
    bid, uid = ids.building_id(community, a.building), ids.unit_id(community, a.building, a.unit)
    row = counted_one(tx, "address", Q.ADDRESS, community=community, building=bid, unit=uid)
    if not row["community"]:
        raise NotFound(f"no community {community!r}", kind="community", id=community)
    if not row["building"]:
        raise NotFound(f"no building {bid!r}", kind="building", id=bid)
    require(
        row["grid"] == a.grid, f"{name}.grid", f"building {a.building!r} is in grid {row['grid']!r}, not {a.grid!r}"
    )
    if not row["unit"]:
        raise NotFound(f"no unit {uid!r}", kind="unit", id=uid)


def ensure_household(tx: neo4j.ManagedTransaction, community: str, a: Address) -> str:
    """The household's id, creating it under its (existing) unit if it is new."""
    hid = ids.household_id(community, a.building, a.unit, a.room)
    counted(
        tx,
        "ensure_household",
        Q.ENSURE_HOUSEHOLD,
        community=community,
        room=a.room,
        household=hid,
        unit=ids.unit_id(community, a.building, a.unit),
    ).consume()
    return hid


def new_local_id() -> str:
    """A fresh ledger id for a resident registered without one (``N`` and 10 random hex digits)."""
    return "N" + secrets.token_hex(5).upper()


def register_resident(store: Store, community: str, data: NewResident) -> ResidentRecord:
    """Add an active resident living at ``data.address`` (a new room becomes a household).

    `Conflict` if the community already has ``data.resident_id``; `NotFound` for
    an unknown community, building or unit; `Invalid` for a bad field.
    """
    local = text(data.resident_id, "residentId", MAX_ID) if data.resident_id is not None else new_local_id()
    where = checked_address(data.address, "address")
    props = resident_props({k: getattr(data, k) for k in PROPS if hasattr(data, k)})
    props |= {"community": community, "residentId": local, "status": ResidentStatus.ACTIVE.value}
    rid = ids.resident_id(community, local)

    def work(tx: neo4j.ManagedTransaction) -> ResidentRecord:
        check_address(tx, community, where, "address")
        if counted(tx, "resident_for_update", Q.RESIDENT_FOR_UPDATE, id=rid).single():
            raise Conflict(f"resident {rid!r} already exists")
        hid = ensure_household(tx, community, where)
        return record(counted_one(tx, "register_resident", Q.REGISTER, id=rid, props=props, household=hid))

    try:
        return store.transaction(work)
    except ConstraintError as e:  # registered concurrently, after our check
        raise Conflict(f"resident {rid!r} already exists") from e


def update_resident(store: Store, resident_id: str, changes: ResidentChanges) -> ResidentRecord:
    """Change an active resident's own fields (not the address: `move_resident`)."""
    props = change_props(changes)

    def work(tx: neo4j.ManagedTransaction) -> ResidentRecord:
        resident = load_active(tx, resident_id)
        if not props:
            return resident
        return record(counted_one(tx, "update_resident", Q.UPDATE, id=resident_id, props=props))

    return store.transaction(work)
