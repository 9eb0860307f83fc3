"""Versioned schema migrations, applied idempotently and recorded in the database.

Each migration is a version number and a list of Cypher statements that are
safe to run twice (``IF NOT EXISTS``; a data migration matches only what it has
not moved yet). Applied versions are recorded as
``(:SchemaMigration {version, description, appliedAt})`` nodes, so
`current_version` tells a readiness probe whether the schema is in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j.exceptions import ClientError

from graph.store.store import Store

# Labels with a unique `id`: a closed set, since labels cannot be parameters.
ID_LABELS = (
    "Community",
    "Grid",
    "Building",
    "Unit",
    "Household",
    "Resident",
    "VolunteerTeam",
    "PartyCommittee",
    "PartyBranch",
    "PartyGroup",
    "Contact",
    "HealthRecord",
)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


def _unique_ids() -> tuple[str, ...]:
    return tuple(
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in ID_LABELS
    )


# QR codes issued before version 7 carry what their page may show; the resident
# now does (graph.consent). A consent already on the resident is kept.
QR_CONSENTS_TO_RESIDENTS = """
MATCH (r:Resident)-[:HAS_QR]->(q:QrCode)
WHERE q.showContact IS NOT NULL OR q.showMedical IS NOT NULL OR q.showAddress IS NOT NULL
SET r.qrShowContact = coalesce(r.qrShowContact, q.showContact),
    r.qrShowMedical = coalesce(r.qrShowMedical, q.showMedical),
    r.qrShowAddress = coalesce(r.qrShowAddress, q.showAddress)
REMOVE q.showContact, q.showMedical, q.showAddress
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "unique ids per label", _unique_ids()),
    Migration(
        2,
        "community-scoped look-ups",
        (
            "CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE",
            "CREATE INDEX resident_community IF NOT EXISTS FOR (r:Resident) ON (r.community, r.residentId)",
            "CREATE INDEX resident_name IF NOT EXISTS FOR (r:Resident) ON (r.name)",
            "CREATE INDEX resident_birth IF NOT EXISTS FOR (r:Resident) ON (r.community, r.birthDate)",
            "CREATE INDEX grid_community IF NOT EXISTS FOR (g:Grid) ON (g.community)",
            "CREATE INDEX building_community IF NOT EXISTS FOR (b:Building) ON (b.community)",
            "CREATE INDEX unit_community IF NOT EXISTS FOR (u:Unit) ON (u.community)",
            "CREATE INDEX household_community IF NOT EXISTS FOR (h:Household) ON (h.community)",
            "CREATE INDEX team_community IF NOT EXISTS FOR (t:VolunteerTeam) ON (t.community)",
            "CREATE INDEX party_group_community IF NOT EXISTS FOR (p:PartyGroup) ON (p.community)",
        ),
    ),
    Migration(
        3,
        "API tokens, looked up by their keyed hash",
        (
            "CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE",
            "CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE",
        ),
    ),
    Migration(
        4,
        "the access log of sensitive reads",
        (
            "CREATE CONSTRAINT access_log_id IF NOT EXISTS FOR (a:AccessLog) REQUIRE a.id IS UNIQUE",
            "CREATE INDEX access_log_community IF NOT EXISTS FOR (a:AccessLog) ON (a.community, a.at)",
        ),
    ),
    Migration(
        5,
        "anti-wandering QR codes and their scans",
        (
            "CREATE CONSTRAINT qr_code_id IF NOT EXISTS FOR (q:QrCode) REQUIRE q.id IS UNIQUE",
            "CREATE CONSTRAINT qr_code_hash IF NOT EXISTS FOR (q:QrCode) REQUIRE q.hash IS UNIQUE",
            "CREATE INDEX qr_scan_community IF NOT EXISTS FOR (s:QrScan) ON (s.community, s.at)",
        ),
    ),
    Migration(
        6,
        "retention: access-log entries and QR scans found by age across communities",
        (
            "CREATE INDEX access_log_at IF NOT EXISTS FOR (a:AccessLog) ON (a.at)",
            "CREATE INDEX qr_scan_at IF NOT EXISTS FOR (s:QrScan) ON (s.at)",
        ),
    ),
    Migration(7, "QR finder-page consents move from the code to the resident", (QR_CONSENTS_TO_RESIDENTS,)),
    Migration(
        8,
        "visits: one node each, found by elder and time, and by community and day",
        (
            "CREATE CONSTRAINT visit_id IF NOT EXISTS FOR (v:Visit) REQUIRE v.id IS UNIQUE",
            "CREATE INDEX visit_resident IF NOT EXISTS FOR (v:Visit) ON (v.resident, v.at)",
            "CREATE INDEX visit_community_day IF NOT EXISTS FOR (v:Visit) ON (v.community, v.day)",
            "CREATE INDEX visit_recorded IF NOT EXISTS FOR (v:Visit) ON (v.community, v.recordedAt)",
        ),
    ),
    Migration(
        9,
        "a community's visits found by time, newest first from the index (pages of visits, windows of days)",
        (
            "CREATE INDEX visit_community_at IF NOT EXISTS FOR (v:Visit) ON (v.community, v.at)",
            "DROP INDEX visit_community_day IF EXISTS",
        ),
    ),
)
LATEST = MIGRATIONS[-1].version

Q_APPLIED = "MATCH (m:SchemaMigration) RETURN coalesce(max(m.version), 0) AS version"
Q_RECORD = """
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.description = $description, m.appliedAt = datetime()
"""


def current_version(store: Store) -> int:
    """The highest migration version recorded in the database (0 if none), as a readiness probe asks it:
    in one attempt that gives up within about a second (`Store.check`)."""
    return int(store.check("migration_version", Q_APPLIED)[0]["version"])


def migrate(store: Store) -> list[int]:
    """Apply every migration newer than the database's; return those applied."""
    done = int(store.read("migration_version", Q_APPLIED)[0]["version"])
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= done:
            continue
        for statement in migration.statements:
            _run_schema(store, statement)
        store.write("record_migration", Q_RECORD, version=migration.version, description=migration.description)
        applied.append(migration.version)
    return applied


def _run_schema(store: Store, statement: str) -> None:
    try:
        store.write("migration", statement)
    except ClientError as e:  # another process created the same rule a moment before
        if "EquivalentSchemaRuleAlreadyExists" not in (e.code or ""):
            raise
