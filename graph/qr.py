"""Anti-wandering QR codes (防走失二维码): one per elder, found by a keyed hash of its token.

The token itself (128 random bits) is printed on the elder's card and never
stored; `(:QrCode {hash})` hangs off the resident. What the finder's page may
show is the resident's own consent (`graph.consent`), read at scan time, so a
change applies at once to a code already printed. Issuing again replaces the
code (the old one is dead at once); revoking removes it. Every scan is
recorded as `(:QrScan)`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import neo4j

from graph.consent import Consent
from graph.errors import Invalid, NotFound
from graph.store import Store, counted

ISSUE = """
MATCH (r:Resident {id: $resident})
OPTIONAL MATCH (r)-[:HAS_QR]->(old:QrCode)
DETACH DELETE old
WITH DISTINCT r
WHERE r.status = 'active'
CREATE (r)-[:HAS_QR]->(q:QrCode {id: $id, hash: $hash, community: r.community, createdAt: datetime()})
RETURN q.id AS id
"""
ISSUE_MANY = """
UNWIND $codes AS code
MATCH (r:Resident {id: code.resident})
WHERE r.status = 'active'
OPTIONAL MATCH (r)-[:HAS_QR]->(old:QrCode)
DETACH DELETE old
WITH DISTINCT r, code
CREATE (r)-[:HAS_QR]->(q:QrCode {id: code.id, hash: code.hash, community: r.community, createdAt: datetime()})
RETURN count(q) AS issued
"""
REVOKE = """
MATCH (:Resident {id: $resident})-[:HAS_QR]->(q:QrCode)
WITH q, q.id AS id DETACH DELETE q
RETURN id
"""
FIND = """
MATCH (q:QrCode {hash: $hash})<-[:HAS_QR]-(r:Resident {status: 'active'})
OPTIONAL MATCH (r)-[:HAS_HEALTH_RECORD]->(h:HealthRecord)
OPTIONAL MATCH (r)-[:EMERGENCY_CONTACT]->(k:Contact)
OPTIONAL MATCH (r)-[:LIVES_IN]->(home:Household)<-[:HAS_HOUSEHOLD]-(u:Unit)<-[:HAS_UNIT]-(b:Building)
CREATE (:QrScan {id: $scan, at: datetime(), community: r.community, resident: r.id, client: $client})
RETURN r.id AS resident, r.name AS name, r.community AS community,
       r {.healthConsent, .qrShowContact, .qrShowMedical, .qrShowAddress} AS consent, h.notes AS medical,
       k.name AS contactName, k.phone AS contactPhone,
       b.number AS building, u.number AS unit, home.room AS room
"""
# what the finder's page served of the sensitive fields goes into the access log, as any other read
LOG_FINDER_READ = """
MATCH (r:Resident {id: $resident})
CREATE (:AccessLog {id: $id, at: datetime(), community: r.community, resident: r.id, fields: $fields,
                    actor: 'QR finder page', actorRole: 'finder', requestId: $scan})
"""
SCANS = """
MATCH (s:QrScan {community: $community})
WITH s ORDER BY s.at DESC LIMIT $limit
RETURN collect(properties(s)) AS rows
"""


@dataclass(frozen=True)
class Found:
    """What a finder's page shows: only consented parts are filled."""

    name: str
    community: str
    contact_name: str | None
    contact_phone: str | None
    medical: str | None
    address: str | None


def issue_qr(store: Store, resident_id: str, token_hash: str) -> str:
    """Give the resident a new code (replacing any old one); returns the code's id."""
    rows = store.write("issue_qr", ISSUE, resident=resident_id, id=secrets.token_hex(8), hash=token_hash)
    if not rows:
        known = store.read("resident_exists", "MATCH (r:Resident {id: $id}) RETURN r.status AS s", id=resident_id)
        if known:
            raise Invalid("residentId", f"resident {resident_id!r} has moved out or died")
        raise NotFound(f"no resident {resident_id!r}", kind="resident", id=resident_id)
    code_id: str = rows[0]["id"]
    return code_id


def issue_qr_many(store: Store, codes: list[tuple[str, str]]) -> int:
    """Give many residents new codes ((resident id, token hash) pairs) in ONE transaction: all
    old codes of them die together, or none does. Returns how many were issued."""
    rows = store.write(
        "issue_qr_many",
        ISSUE_MANY,
        codes=[{"resident": rid, "hash": h, "id": secrets.token_hex(8)} for rid, h in codes],
    )
    issued: int = rows[0]["issued"]
    return issued


def revoke_qr(store: Store, resident_id: str) -> str:
    rows = store.write("revoke_qr", REVOKE, resident=resident_id)
    if not rows:
        raise NotFound(f"resident {resident_id!r} has no QR code", kind="qr", id=resident_id)
    code_id: str = rows[0]["id"]
    return code_id


def scan(store: Store, token_hash: str, client: str) -> Found | None:
    """Look a scanned code up and record the scan; None for an unknown or revoked code.

    Only what the resident's current consents allow is filled in; the sensitive
    fields served (contact, medical alert) are logged in the access log as read by
    the finder's page, in the same transaction as the scan.
    """

    def work(tx: neo4j.ManagedTransaction) -> Found | None:
        scan_id = secrets.token_hex(8)
        r = counted(tx, "qr_scan", FIND, hash=token_hash, scan=scan_id, client=client).single()
        if r is None:
            return None
        consent = Consent.from_props(r["consent"])
        address = f"{r['building']}号楼{r['unit']}单元{r['room']}室" if consent.qr_show_address and r["room"] else None
        found = Found(
            name=r["name"],
            community=r["community"],
            contact_name=r["contactName"] if consent.qr_show_contact else None,
            contact_phone=r["contactPhone"] if consent.qr_show_contact else None,
            medical=r["medical"] if consent.qr_show_medical else None,
            address=address,
        )
        fields = [
            f
            for f, shown in (
                ("emergencyContact", found.contact_name or found.contact_phone),
                ("healthNotes", found.medical),
            )
            if shown
        ]
        if fields:  # the scan id is the log entry's request id
            counted(
                tx,
                "qr_finder_read",
                LOG_FINDER_READ,
                resident=r["resident"],
                id=secrets.token_hex(8),
                fields=fields,
                scan=scan_id,
            ).consume()
        return found

    return store.transaction(work)


def scans(store: Store, community: str, limit: int = 100) -> list[dict[str, Any]]:
    return store.read_rows("qr_scans", SCANS, community=community, limit=limit)


ELDERS_FOR_CARDS = """
MATCH (r:Resident {community: $community})-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(:Unit)
      <-[:HAS_UNIT]-(b:Building)
WHERE r.status = 'active' AND r.birthDate <= $bornBy
  AND ($building IS NULL OR b.number = $building) AND ($resident IS NULL OR r.residentId = $resident)
RETURN collect([r.id, r.name]) AS rows
"""


def elders_for_cards(
    store: Store, community: str, *, born_by: date, building: str | None = None, resident: str | None = None
) -> list[tuple[str, str]]:
    """(id, name) of the active elders of a community, a building, or one resident (ledger id)."""
    rows = store.read_rows(
        "elders_for_cards", ELDERS_FOR_CARDS, community=community, bornBy=born_by, building=building, resident=resident
    )
    return sorted((rid, name) for rid, name in rows)


# Notifications of scans (`schema.notify`): one read per poll for every community watched in the process.
SCANS_SINCE = """
WITH datetime() AS now
OPTIONAL MATCH (s:QrScan) WHERE s.community IN $communities AND s.at >= $since
WITH now, s ORDER BY s.at, s.id LIMIT $limit
OPTIONAL MATCH (r:Resident {id: s.resident})
RETURN now, collect(CASE WHEN s IS NOT NULL THEN [s.id, s.at, s.community, s.resident, r.name] END) AS rows
"""
WATCH_START = """
OPTIONAL MATCH (c:Community {id: $community})
RETURN c IS NOT NULL AS known, datetime() AS now
"""
#: A scan as `scans_since` returns it: (id, at, community, resident id, resident name or None if gone).
ScanRow = tuple[str, datetime, str, str, str | None]


def scans_since(
    store: Store, communities: list[str], since: datetime, limit: int = 1000
) -> tuple[datetime, list[ScanRow]]:
    """The database's clock now, and the scans of ``communities`` at or after ``since``, oldest first.

    Each scan is ``(id, at, community, resident id, resident name)``, ``at`` as a
    native UTC datetime; at most ``limit`` of them.
    """
    records = store.read("qr_scans_since", SCANS_SINCE, communities=communities, since=since, limit=limit)
    rows: list[ScanRow] = [
        (sid, at.to_native(), community, resident, name) for sid, at, community, resident, name in records[0]["rows"]
    ]
    return records[0]["now"].to_native(), rows


def watch_start(store: Store, community: str) -> datetime | None:
    """The database's clock now (a native datetime) if the community exists; else None."""
    records = store.read("qr_watch_start", WATCH_START, community=community)
    return records[0]["now"].to_native() if records[0]["known"] else None
