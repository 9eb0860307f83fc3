"""Per-resident consents (PIPL 单独同意): health notes, and what the QR finder page may show.

They are properties of the `Resident` node, absent until stated:

- ``healthConsent``: the resident (or their guardian) consented to their health
  notes being recorded; absent = not recorded. While it is false no
  `HealthRecord` is kept: setting it to false deletes theirs in the same
  transaction, and the ledger import stores none.
- ``qrShowContact`` (default true), ``qrShowMedical`` and ``qrShowAddress``
  (default false): what the public finder page of their anti-wandering QR code
  shows. `graph.qr.scan` reads them at scan time, so a change applies at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import neo4j

from graph.errors import Invalid
from graph.models import ResidentRecord
from graph.mutations.common import load_resident, record
from graph.store import Store, counted_one

# the API's name of each flag -> the Resident property holding it
PROPS = {
    "health": "healthConsent",
    "qrShowContact": "qrShowContact",
    "qrShowMedical": "qrShowMedical",
    "qrShowAddress": "qrShowAddress",
}

CONSENTS = """
UNWIND $ids AS id
MATCH (r:Resident {id: id})
RETURN collect([r.id, r {.healthConsent, .qrShowContact, .qrShowMedical, .qrShowAddress}]) AS rows
"""

SET_CONSENT = """
MATCH (r:Resident {id: $id})
SET r += $props
RETURN properties(r) AS props, COLLECT { MATCH (r)-[:LIVES_IN]->(h:Household) RETURN h.id }[0] AS household
"""

DELETE_HEALTH_RECORD = """
MATCH (:Resident {id: $id})-[:HAS_HEALTH_RECORD]->(h:HealthRecord)
DETACH DELETE h
RETURN count(*) AS deleted
"""


@dataclass(frozen=True)
class Consent:
    """A resident's consents as they apply: unstated flags take their defaults."""

    health: bool | None = None  # None: not recorded
    qr_show_contact: bool = True
    qr_show_medical: bool = False
    qr_show_address: bool = False

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> Consent:
        """From a Resident node's properties (or a map projection of the four)."""

        def flag(name: str, default: bool) -> bool:
            value = p.get(name)
            return default if value is None else bool(value)

        health = p.get("healthConsent")
        return cls(
            health=None if health is None else bool(health),
            qr_show_contact=flag("qrShowContact", True),
            qr_show_medical=flag("qrShowMedical", False),
            qr_show_address=flag("qrShowAddress", False),
        )


@dataclass(frozen=True)
class ConsentChange:
    """A resident after `set_consent`, and whether their health notes were deleted by it."""

    resident: ResidentRecord
    consent: Consent
    health_notes_deleted: bool


def consents_of(store: Store, ids: list[str]) -> dict[str, Consent]:
    """The consents of many residents (stable ids) in one round trip; unknown ids are left out."""
    rows = store.read_rows("consents_of", CONSENTS, ids=ids)
    return {rid: Consent.from_props(props) for rid, props in rows}


def _checked(changes: Mapping[str, bool | None]) -> dict[str, bool | None]:
    """The changes as Resident properties; `Invalid` for an unknown flag or a QR flag that is not a boolean."""
    props: dict[str, bool | None] = {}
    for name, value in changes.items():
        if name not in PROPS:
            raise Invalid(name, "not a consent")
        if not isinstance(value, bool) and (value is not None or name != "health"):
            raise Invalid(name, "must be true or false" + (" (or null: not recorded)" if name == "health" else ""))
        props[PROPS[name]] = value
    return props


def set_consent(store: Store, resident_id: str, changes: Mapping[str, bool | None]) -> ConsentChange:
    """Change a resident's consents (keys of `PROPS`; a flag left out is kept), in one transaction.

    ``health`` may be None (back to "not recorded"); False deletes the resident's
    health notes in the same transaction. Moved-out and deceased residents may
    change too (a withdrawal must always be possible). `NotFound` for an unknown
    resident, `Invalid` for a bad flag; either way nothing is written.
    """
    props = _checked(changes)

    def work(tx: neo4j.ManagedTransaction) -> ConsentChange:
        load_resident(tx, resident_id)  # NotFound, and the resident's write lock
        row = counted_one(tx, "set_consent", SET_CONSENT, id=resident_id, props=props)
        deleted = 0
        if props.get("healthConsent") is False:
            deleted = counted_one(tx, "delete_health_record", DELETE_HEALTH_RECORD, id=resident_id)["deleted"]
        return ConsentChange(record(row), Consent.from_props(row["props"]), deleted > 0)

    return store.transaction(work)
