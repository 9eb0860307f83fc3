"""Sensitive data of residents, read only together with an entry in the access log.

Health notes (`HealthRecord`) and emergency contacts (`Contact`) are kept on
nodes of their own (docs/graph-model.md). `read_sensitive` fetches them for many
residents in one round trip and records, in the same transaction, who read
which fields of whom: one `(:AccessLog)` node per resident read. Entries go
only when an operator prunes them (`graph.retention`), never before they are
six months old (the law's minimum).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from graph.store import Store

READ_AND_LOG = """
UNWIND $entries AS entry
MATCH (r:Resident {id: entry.resident})
OPTIONAL MATCH (r)-[:HAS_HEALTH_RECORD]->(h:HealthRecord)
OPTIONAL MATCH (r)-[:EMERGENCY_CONTACT]->(k:Contact)
CREATE (:AccessLog {id: entry.id, at: datetime(), community: r.community, resident: r.id,
                    fields: entry.fields, actor: $actor, actorRole: $role, tokenId: $token, requestId: $request})
RETURN collect([r.id, h.notes, k.name, k.phone]) AS rows
"""

ACCESS_LOG = """
MATCH (a:AccessLog {community: $community})
WHERE $resident IS NULL OR a.resident = $resident
WITH a ORDER BY a.at DESC, a.id LIMIT $limit
RETURN collect(properties(a)) AS rows
"""


@dataclass(frozen=True)
class Reader:
    """Who reads: written into every access-log entry."""

    actor: str
    role: str
    token_id: str | None
    request_id: str


@dataclass(frozen=True)
class Sensitive:
    health_notes: str | None
    contact_name: str | None
    contact_phone: str | None


@dataclass(frozen=True)
class AccessEntry:
    id: str
    at: datetime
    community: str
    resident: str
    fields: tuple[str, ...]
    actor: str
    actor_role: str
    token_id: str | None
    request_id: str


def read_sensitive(store: Store, wanted: dict[str, list[str]], reader: Reader) -> dict[str, Sensitive]:
    """Sensitive fields of the residents in ``wanted`` (resident id → fields asked), logged."""
    entries = [
        {"id": secrets.token_hex(8), "resident": rid, "fields": sorted(set(fields))} for rid, fields in wanted.items()
    ]
    rows = store.write(
        "read_sensitive",
        READ_AND_LOG,
        entries=entries,
        actor=reader.actor,
        role=reader.role,
        token=reader.token_id,
        request=reader.request_id,
    )
    return {rid: Sensitive(notes, name, phone) for rid, notes, name, phone in rows[0]["rows"]} if rows else {}


def access_log(store: Store, community: str, *, resident: str | None = None, limit: int = 100) -> list[AccessEntry]:
    """The newest entries of a community's access log (optionally of one resident)."""
    rows = store.read_rows("access_log", ACCESS_LOG, community=community, resident=resident, limit=limit)
    return [
        AccessEntry(
            id=a["id"],
            at=a["at"].to_native(),
            community=a["community"],
            resident=a["resident"],
            fields=tuple(a["fields"]),
            actor=a["actor"],
            actor_role=a["actorRole"],
            token_id=a.get("tokenId"),
            request_id=a["requestId"],
        )
        for a in rows
    ]
