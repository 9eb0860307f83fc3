"""Anti-wandering QR codes (防走失二维码): one per elder, found by a keyed hash of its token.

The token itself (128 random bits) is printed on the elder's card and never
stored; `(:QrCode {hash})` hangs off the resident with what the family
consented to show. Issuing again replaces the code (the old one is dead at
once); revoking removes it. Every scan is recorded as `(:QrScan)`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import neo4j

from graph import db
from graph.errors import Invalid, NotFound

ISSUE = """
MATCH (r:Resident {id: $resident})
OPTIONAL MATCH (r)-[:HAS_QR]->(old:QrCode)
DETACH DELETE old
WITH DISTINCT r
WHERE r.status = 'active'
CREATE (r)-[:HAS_QR]->(q:QrCode {id: $id, hash: $hash, community: r.community, createdAt: datetime(),
                                 showContact: $showContact, showMedical: $showMedical, showAddress: $showAddress})
RETURN q.id AS id
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
RETURN r.name AS name, r.community AS community, q.showContact AS showContact, q.showMedical AS showMedical,
       q.showAddress AS showAddress, h.notes AS medical, k.name AS contactName, k.phone AS contactPhone,
       b.number AS building, u.number AS unit, home.room AS room
"""
SCANS = """
MATCH (s:QrScan {community: $community})
WITH s ORDER BY s.at DESC LIMIT $limit
RETURN collect(properties(s)) AS rows
"""


@dataclass(frozen=True)
class Consent:
    """What the family agreed the finder's page may show."""

    contact: bool = True
    medical: bool = False
    address: bool = False


@dataclass(frozen=True)
class Found:
    """What a finder's page shows: only consented parts are filled."""

    name: str
    community: str
    contact_name: str | None
    contact_phone: str | None
    medical: str | None
    address: str | None


def issue_qr(driver: neo4j.Driver, database: str, resident_id: str, token_hash: str, consent: Consent) -> str:
    """Give the resident a new code (replacing any old one); returns the code's id."""
    rows = db.write(driver, database, "issue_qr", ISSUE, resident=resident_id, id=secrets.token_hex(8),
                    hash=token_hash, showContact=consent.contact, showMedical=consent.medical,
                    showAddress=consent.address)
    if not rows:
        known = db.read(driver, database, "resident_exists", "MATCH (r:Resident {id: $id}) RETURN r.status AS s",
                        id=resident_id)
        if known:
            raise Invalid("residentId", f"resident {resident_id!r} has moved out or died")
        raise NotFound(f"no resident {resident_id!r}", kind="resident", id=resident_id)
    return rows[0]["id"]


def revoke_qr(driver: neo4j.Driver, database: str, resident_id: str) -> str:
    rows = db.write(driver, database, "revoke_qr", REVOKE, resident=resident_id)
    if not rows:
        raise NotFound(f"resident {resident_id!r} has no QR code", kind="qr", id=resident_id)
    return rows[0]["id"]


def scan(driver: neo4j.Driver, database: str, token_hash: str, client: str) -> Found | None:
    """Look a scanned code up and record the scan; None for an unknown or revoked code."""
    rows = db.write(driver, database, "qr_scan", FIND, hash=token_hash, scan=secrets.token_hex(8), client=client)
    if not rows:
        return None
    r = rows[0]
    address = f"{r['building']}号楼{r['unit']}单元{r['room']}室" if r["showAddress"] and r["room"] else None
    return Found(name=r["name"], community=r["community"],
                 contact_name=r["contactName"] if r["showContact"] else None,
                 contact_phone=r["contactPhone"] if r["showContact"] else None,
                 medical=r["medical"] if r["showMedical"] else None, address=address)


def scans(driver: neo4j.Driver, database: str, community: str, limit: int = 100) -> list[dict]:
    return db.read_rows(driver, database, "qr_scans", SCANS, community=community, limit=limit)


ELDERS_FOR_CARDS = """
MATCH (r:Resident {community: $community})-[:LIVES_IN]->(:Household)<-[:HAS_HOUSEHOLD]-(:Unit)
      <-[:HAS_UNIT]-(b:Building)
WHERE r.status = 'active' AND r.birthDate <= $bornBy
  AND ($building IS NULL OR b.number = $building) AND ($resident IS NULL OR r.residentId = $resident)
RETURN collect([r.id, r.name]) AS rows
"""


def elders_for_cards(driver: neo4j.Driver, database: str, community: str, *, born_by, building: str | None = None,
                     resident: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of the active elders of a community, a building, or one resident (ledger id)."""
    rows = db.read_rows(driver, database, "elders_for_cards", ELDERS_FOR_CARDS, community=community,
                        bornBy=born_by, building=building, resident=resident)
    return sorted((rid, name) for rid, name in rows)
