"""Schema migrations against the real Neo4j."""

from neo4j import RoutingControl

from graph.migrations import ID_LABELS, LATEST, current_version, migrate


def test_schema_is_at_latest_version(driver, database):
    assert current_version(driver, database) == LATEST


def test_migrating_again_applies_nothing(driver, database):
    assert migrate(driver, database) == []
    assert current_version(driver, database) == LATEST


def test_every_labelled_id_is_unique(driver, database):
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type WHERE type = 'UNIQUENESS' "
        "RETURN labelsOrTypes[0] AS label, properties", database_=database, routing_=RoutingControl.READ)
    unique = {(r["label"], tuple(r["properties"])) for r in records}
    assert {(label, ("id",)) for label in ID_LABELS} <= unique


def test_a_duplicate_id_is_refused(driver, database, community):
    driver.execute_query("CREATE (:Grid {id: $id, community: $c})", id=f"{community}/g/1", c=community,
                         database_=database)
    try:
        driver.execute_query("CREATE (:Grid {id: $id, community: $c})", id=f"{community}/g/1", c=community,
                             database_=database)
    except Exception as e:  # the constraint's violation
        assert "already exists" in str(e)
    else:
        raise AssertionError("a second Grid with the same id was accepted")
