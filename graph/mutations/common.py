"""What every mutation shares: resident look-ups and the checks of inputs.

A mutation validates its input here (pure checks, before any round trip),
then runs ONE transaction function with `graph.store.Store.transaction`: it
reads what it needs through `graph.store.counted`, raises `NotFound`, `Invalid` or `Conflict` from
inside the function when the graph forbids the change (so nothing is
committed), and only then writes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import neo4j

from analysis.domain import ResidentStatus, today
from graph.errors import Invalid, NotFound
from graph.models import ResidentRecord, resident_from_props
from graph.mutations import cypher as Q
from graph.store import Store, counted

__all__ = [
    "MAX_ID",
    "MAX_LABEL",
    "MAX_NAME",
    "MAX_PHONE",
    "get_resident",
    "label",
    "phone",
    "load_active",
    "load_resident",
    "not_future",
    "one_of",
    "record",
    "require",
    "same_community",
    "text",
    "today",
]


def record(row: Mapping[str, Any]) -> ResidentRecord:
    """A ResidentRecord from a row with ``props`` and ``household``."""
    return resident_from_props(row["props"], row["household"])


def get_resident(store: Store, resident_id: str) -> ResidentRecord:
    """The resident with this GLOBAL id, moved out or not; `NotFound` if there is none."""
    rows = store.read("resident", Q.RESIDENT_READ, id=resident_id)
    if not rows:
        raise NotFound(f"no resident {resident_id!r}", kind="resident", id=resident_id)
    return record(rows[0])


def load_resident(tx: neo4j.ManagedTransaction, resident_id: str) -> ResidentRecord:
    """The resident, write-locked for this transaction; `NotFound` if there is none."""
    row = counted(tx, "resident_for_update", Q.RESIDENT_FOR_UPDATE, id=resident_id).single()
    if row is None:
        raise NotFound(f"no resident {resident_id!r}", kind="resident", id=resident_id)
    return record(row)


def load_active(tx: neo4j.ManagedTransaction, resident_id: str, field: str = "residentId") -> ResidentRecord:
    """The resident as `load_resident`, who must not have moved out or died (`Invalid` on ``field``)."""
    resident = load_resident(tx, resident_id)
    if resident.status != ResidentStatus.ACTIVE:
        gone = "has died" if resident.status == ResidentStatus.DECEASED else "has moved out"
        raise Invalid(field, f"resident {resident_id!r} {gone}")
    return resident


def require(condition: bool, field: str, reason: str) -> None:
    """Raise `Invalid(field, reason)` unless ``condition`` holds."""
    if not condition:
        raise Invalid(field, reason)


#: The longest text each kind of field takes (characters), checked before Neo4j sees it: a person's name, an id,
#: a place label (grid, building, unit, room) or team name, a phone number.
MAX_NAME, MAX_ID, MAX_LABEL, MAX_PHONE = 50, 40, 40, 30


def text(value: str | None, field: str, limit: int = MAX_NAME) -> str:
    """A required text (a name): stripped, not empty, at most ``limit`` characters, otherwise verbatim."""
    stripped = (value or "").strip()
    require(bool(stripped), field, "must not be empty")
    require(len(stripped) <= limit, field, f"must be at most {limit} characters, not {len(stripped)}")
    return stripped


def label(value: str | None, field: str) -> str:
    """A required place label or team name: NFKC-folded (full-width digits), then as `text` (`MAX_LABEL`)."""
    return text(unicodedata.normalize("NFKC", value or ""), field, MAX_LABEL)


def phone(value: object, field: str) -> str | None:
    """An optional phone number: stripped, at most `MAX_PHONE` characters; empty is none."""
    stripped = str(value).strip()
    require(len(stripped) <= MAX_PHONE, field, f"must be at most {MAX_PHONE} characters, not {len(stripped)}")
    return stripped or None


def one_of(value: str, allowed: Collection[str], field: str) -> str:
    require(value in allowed, field, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def not_future(day: date, field: str) -> date:
    require(isinstance(day, date), field, "must be a date")
    require(day <= today(), field, f"{day.isoformat()} is in the future")
    return day


def same_community(resident: ResidentRecord, community: str, field: str) -> None:
    require(resident.community == community, field, f"resident {resident.id!r} is not in community {community!r}")
