"""The will registry (遗嘱库): which elder registered a will, when, where it is kept and who witnessed it.

Metadata only — the will's text is never stored. A `(:Will)` node names the
resident, the day it was registered (``registeredOn``), its custodian (where it
is kept: the community office's safe, a notary office) and its witnesses' names;
a later will supersedes the current one (``supersededOn``, ``supersededBy``) and a
will may be revoked (``revokedOn``). Every read is a read of sensitive data:
it writes an `(:AccessLog)` entry (field ``will``) in the same transaction.

The offer list (`will_offers`): solitary elders of ``age`` or more with no will
in force, as people to *offer* the registry to — only when the community has
turned it on (`analysis.services.ServiceSettings.will_offers`); its reads are
logged too (field ``willOffer``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import neo4j

from analysis.domain import born_by, today
from graph.cases import Actor, native
from graph.errors import Conflict, Invalid, NotFound
from graph.models import to_date
from graph.mutations.common import MAX_NAME, load_active, not_future, require
from graph.sensitive import Reader
from graph.store import Store, counted, counted_one

MAX_CUSTODIAN = 100
MAX_WITNESSES = 5


@dataclass(frozen=True)
class Will:
    id: str
    community: str
    resident_id: str
    registered_on: date
    custodian: str
    witnesses: tuple[str, ...]
    revoked_on: date | None = None
    superseded_on: date | None = None
    superseded_by: str | None = None
    recorded_at: datetime | None = None
    recorded_by: str | None = None

    @property
    def in_force(self) -> bool:
        return self.revoked_on is None and self.superseded_on is None


def will_from(p: Mapping[str, Any]) -> Will:
    registered = to_date(p["registeredOn"])
    assert registered is not None
    return Will(
        id=p["id"],
        community=p["community"],
        resident_id=p["resident"],
        registered_on=registered,
        custodian=p["custodian"],
        witnesses=tuple(p.get("witnesses") or ()),
        revoked_on=to_date(p.get("revokedOn")),
        superseded_on=to_date(p.get("supersededOn")),
        superseded_by=p.get("supersededBy"),
        recorded_at=native(p.get("recordedAt")),
        recorded_by=p.get("recordedBy"),
    )


CURRENT = """
MATCH (w:Will {resident: $resident}) WHERE w.revokedOn IS NULL AND w.supersededOn IS NULL
SET w._lock = true REMOVE w._lock
RETURN properties(w) AS w
"""
REGISTER = """
MATCH (r:Resident {id: $resident})
CREATE (w:Will {id: $id, community: r.community, resident: r.id, registeredOn: $on, custodian: $custodian,
                witnesses: $witnesses, recordedAt: datetime(), recordedBy: $by, recordedByToken: $token})
WITH w
OPTIONAL MATCH (old:Will {id: $old})
SET old.supersededOn = $on, old.supersededBy = w.id
RETURN properties(w) AS w
"""
REVOKE = """
MATCH (w:Will {id: $id})
SET w._lock = true REMOVE w._lock
RETURN properties(w) AS w
"""
SET_REVOKED = "MATCH (w:Will {id: $id}) SET w.revokedOn = $on, w.revokedBy = $by RETURN properties(w) AS w"


def register_will(
    store: Store, resident_id: str, on: date, custodian: str, witnesses: Sequence[str], actor: Actor
) -> Will:
    """Register a will of an active resident (metadata only); a will in force is superseded by it."""
    not_future(on, "registeredOn")
    keeper = (custodian or "").strip()
    require(bool(keeper), "custodian", "say where the will is kept")
    require(len(keeper) <= MAX_CUSTODIAN, "custodian", f"must be at most {MAX_CUSTODIAN} characters")
    names = [w.strip() for w in witnesses if w.strip()]
    require(len(names) <= MAX_WITNESSES, "witnesses", f"at most {MAX_WITNESSES}")
    require(all(len(n) <= MAX_NAME for n in names), "witnesses", f"a name is at most {MAX_NAME} characters")

    def work(tx: neo4j.ManagedTransaction) -> Will:
        elder = load_active(tx, resident_id)
        require(on >= elder.birth_date, "registeredOn", "is before the resident was born")
        current = counted(tx, "current_will", CURRENT, resident=elder.id).single()
        old = will_from(current["w"]) if current else None
        if old is not None and on < old.registered_on:
            raise Invalid("registeredOn", f"a will registered on {old.registered_on.isoformat()} is in force")
        row = counted_one(
            tx,
            "register_will",
            REGISTER,
            resident=elder.id,
            id=secrets.token_hex(8),
            on=on,
            custodian=keeper,
            witnesses=names,
            by=actor.label,
            token=actor.token_id,
            old=old.id if old else None,
        )
        return will_from(row["w"])

    return store.transaction(work)


def revoke_will(store: Store, will_id: str, on: date, actor: Actor) -> Will:
    """Record that a will in force was revoked on ``on``; `Conflict` if it is not in force."""
    not_future(on, "on")

    def work(tx: neo4j.ManagedTransaction) -> Will:
        row = counted(tx, "lock_will", REVOKE, id=will_id).single()
        if row is None:
            raise NotFound(f"no will {will_id!r}", kind="will", id=will_id)
        found = will_from(row["w"])
        if not found.in_force:
            raise Conflict(f"will {will_id!r} is no longer in force")
        require(on >= found.registered_on, "on", "is before the will was registered")
        return will_from(counted_one(tx, "revoke_will", SET_REVOKED, id=will_id, on=on, by=actor.label)["w"])

    return store.transaction(work)


READ_AND_LOG = """
UNWIND $entries AS entry
MATCH (r:Resident {id: entry.resident})
CALL (r) {
  OPTIONAL MATCH (w:Will {resident: r.id})
  WITH w ORDER BY w.registeredOn DESC, w.id
  RETURN collect(properties(w)) AS wills
}
CREATE (:AccessLog {id: entry.id, at: datetime(), community: r.community, resident: r.id, fields: [$field],
                    actor: $actor, actorRole: $role, tokenId: $token, requestId: $request})
RETURN collect([r.id, wills]) AS rows
"""


def _log_params(reader: Reader) -> dict[str, Any]:
    return {"actor": reader.actor, "role": reader.role, "token": reader.token_id, "request": reader.request_id}


def wills_of(store: Store, resident_ids: list[str], reader: Reader) -> dict[str, list[Will]]:
    """Each resident's wills, newest first (superseded and revoked ones too), read and logged."""
    entries = [{"id": secrets.token_hex(8), "resident": rid} for rid in dict.fromkeys(resident_ids)]
    rows = store.write("read_wills", READ_AND_LOG, entries=entries, field="will", **_log_params(reader))
    found = rows[0]["rows"] if rows else []
    return {rid: [will_from(w) for w in wills] for rid, wills in found}


REGISTERED_IN = """
MATCH (w:Will {community: $community}) WHERE w.registeredOn >= $since AND w.registeredOn <= $until
RETURN collect(DISTINCT w.resident) AS rows
"""


def wills_in(store: Store, community: str, since: date, until: date, reader: Reader) -> list[Will]:
    """The wills of a community registered between two days, newest first (each resident's read logged)."""
    residents = store.read_rows("wills_registered_in", REGISTERED_IN, community=community, since=since, until=until)
    by_resident = wills_of(store, residents, reader) if residents else {}
    wills = [w for found in by_resident.values() for w in found if since <= w.registered_on <= until]
    return sorted(wills, key=lambda w: (w.registered_on, w.id), reverse=True)


OFFERS = """
MATCH (r:Resident {community: $community, status: 'active'})
WHERE r.birthDate <= $born_by AND r.livesAlone
  AND NOT EXISTS { MATCH (w:Will {resident: r.id}) WHERE w.revokedOn IS NULL AND w.supersededOn IS NULL }
WITH r ORDER BY r.birthDate, r.id
CREATE (:AccessLog {id: $prefix + r.id, at: datetime(), community: r.community, resident: r.id,
                    fields: ['willOffer'], actor: $actor, actorRole: $role, tokenId: $token, requestId: $request})
RETURN collect(r.id) AS rows
"""


def will_offers(store: Store, community: str, age: int, reader: Reader, day: date | None = None) -> list[str]:
    """The solitary elders aged ``age`` or more on ``day`` (default today) with no will in force, oldest first
    (their stable ids); every one listed is logged. The caller checks that the community turned the list on."""
    rows = store.write(
        "will_offers",
        OFFERS,
        community=community,
        born_by=born_by(day or today(), age),
        prefix=f"{secrets.token_hex(6)}-",
        **_log_params(reader),
    )
    return list(rows[0]["rows"]) if rows else []


def will_community(store: Store, will_id: str) -> str | None:
    """The community of a will (None: no such will), for the access check before a change."""
    rows = store.read("will_community", "MATCH (w:Will {id: $id}) RETURN w.community AS c", id=will_id)
    return rows[0]["c"] if rows else None
