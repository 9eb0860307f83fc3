"""Schema migrations against the real Neo4j."""

import re
from datetime import UTC

from neo4j import RoutingControl

from graph.store.migrations import ID_LABELS, LATEST, MIGRATIONS, current_version, migrate


def test_schema_is_at_latest_version(store):
    assert current_version(store) == LATEST


def test_migrating_again_applies_nothing(store):
    assert migrate(store) == []
    assert current_version(store) == LATEST


def test_every_labelled_id_is_unique(driver, database):
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type WHERE type = 'UNIQUENESS' "
        "RETURN labelsOrTypes[0] AS label, properties",
        database_=database,
        routing_=RoutingControl.READ,
    )
    unique = {(r["label"], tuple(r["properties"])) for r in records}
    assert {(label, ("id",)) for label in ID_LABELS} <= unique


def test_a_duplicate_id_is_refused(driver, database, community):
    driver.execute_query(
        "CREATE (:Grid {id: $id, community: $c})", id=f"{community}/g/1", c=community, database_=database
    )
    try:
        driver.execute_query(
            "CREATE (:Grid {id: $id, community: $c})", id=f"{community}/g/1", c=community, database_=database
        )
    except Exception as e:  # the constraint's violation
        assert "already exists" in str(e)
    else:
        raise AssertionError("a second Grid with the same id was accepted")


def test_log_ages_are_indexed_for_retention(driver, database):
    from datetime import datetime

    from graph.retention import PRUNE_BEFORE

    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, labelsOrTypes, properties, state WHERE name IN ['access_log_at', 'qr_scan_at'] "
        "RETURN labelsOrTypes[0] AS label, properties, state",
        database_=database,
        routing_=RoutingControl.READ,
    )
    assert {(r["label"], tuple(r["properties"])) for r in records} == {("AccessLog", ("at",)), ("QrScan", ("at",))}
    assert {r["state"] for r in records} <= {"ONLINE", "POPULATING"}
    plan = driver.execute_query(
        "EXPLAIN " + PRUNE_BEFORE["access_log", False],
        before=datetime.now(UTC),
        batch=10,
        database_=database,
        result_transformer_=lambda result: result.consume().plan,
    )
    # the prune without --community seeks the index rather than reading every entry
    assert re.search(r"RANGE INDEX \w+:AccessLog\(at\)", plan["args"]["string-representation"])


def test_qr_consents_move_from_the_code_to_the_resident(driver, database, community):
    """Codes issued before the consents lived on the resident hand them over; a stated one is kept."""
    [migration] = [m for m in MIGRATIONS if "QR finder-page consents" in m.description]
    driver.execute_query(
        "CREATE (:Resident {id: $c + '/r/1', community: $c})-[:HAS_QR]->"
        "(:QrCode {id: $c + '-q1', community: $c, showContact: false, showMedical: true, showAddress: false}) "
        "CREATE (:Resident {id: $c + '/r/2', community: $c, qrShowAddress: false})-[:HAS_QR]->"
        "(:QrCode {id: $c + '-q2', community: $c, showContact: true, showMedical: false, showAddress: true}) "
        "CREATE (:Resident {id: $c + '/r/3', community: $c})",
        c=community,
        database_=database,
    )
    for _ in range(2):  # safe to run twice
        for statement in migration.statements:
            driver.execute_query(statement, database_=database)
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c}) OPTIONAL MATCH (r)-[:HAS_QR]->(q) "
        "RETURN r.id AS id, [r.qrShowContact, r.qrShowMedical, r.qrShowAddress] AS shown, "
        "q IS NULL OR (q.showContact IS NULL AND q.showMedical IS NULL AND q.showAddress IS NULL) AS moved "
        "ORDER BY id",
        c=community,
        database_=database,
    )
    assert [(r["id"].rsplit("/", 1)[1], r["shown"], r["moved"]) for r in records] == [
        ("1", [False, True, False], True),
        ("2", [True, False, False], True),
        ("3", [None, None, None], True),
    ]
