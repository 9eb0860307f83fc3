"""`gridcare community list | delete` with the real CLI on the session's Neo4j.

Each test imports the small ledger of the import tests (A1…A5) as a community of
its own through the CLI, with an access-log entry, a QR code and scan, and tokens,
so that a deletion has every kind of node to remove.
"""

import json
import uuid

import pytest

from graph import communities
from graph.ids import resident_id
from tests.cli.test_import import ledger_sheets, snapshot, write_csv_ledger


@pytest.fixture
def town(gridcare, store, community, tmp_path):
    """A community of the test ledger with a staff token, an access-log entry and a QR code with a scan."""
    gridcare("import", write_csv_ledger(tmp_path / "ledger", ledger_sheets()), "--community", community, check=True)
    gridcare("token", "issue", "--role", "staff", "--community", community, check=True)
    store.write(
        "test_records",
        "MATCH (r:Resident {id: $r}) "
        "CREATE (:AccessLog {id: randomUUID(), at: datetime(), community: r.community, resident: r.id}), "
        "(r)-[:HAS_QR]->(:QrCode {id: randomUUID(), hash: randomUUID(), community: r.community}), "
        "(:QrScan {id: randomUUID(), at: datetime(), community: r.community, resident: r.id})",
        r=resident_id(community, "A1"),
    )
    return community


def listed(gridcare):
    return {c["name"]: c for c in json.loads(gridcare("community", "list", "--format", "json", check=True).stdout)}


def node_count(store, community):
    return store.read("test_count", "MATCH (n {community: $c}) RETURN count(n) AS n", c=community)[0]["n"]


def test_list_shows_residents_and_live_tokens(gridcare, town):
    assert listed(gridcare)[town] == {"name": town, "residents": 5, "tokens": 1}
    text = gridcare("community", "list", check=True).stdout.splitlines()
    assert text[0] == "name\tresidents\ttokens" and f"{town}\t5\t1" in text


def test_delete_without_yes_says_what_and_changes_nothing(gridcare, store, town, gridcare_home):
    before = snapshot(store, town)
    done = gridcare("community", "delete", town)
    assert done.returncode == 2
    nodes = node_count(store, town)
    assert f"Would delete {nodes} nodes of community '{town}' (resident records: 5, API tokens: 1)" in done.stderr
    assert "Nothing was deleted" in done.stderr and done.stdout == ""
    assert snapshot(store, town) == before
    log = gridcare_home / "logs" / "operations.log"
    assert not log.exists() or town not in log.read_text()


@pytest.fixture
def neighbour(gridcare, driver, database, tmp_path):
    """Another community of the same ledger, which deleting `town` must leave alone."""
    name = f"邻居社区-{uuid.uuid4().hex[:8]}"
    gridcare("import", write_csv_ledger(tmp_path / "neighbour", ledger_sheets()), "--community", name, check=True)
    gridcare("token", "issue", "--role", "staff", "--community", name, check=True)
    yield name
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=name, database_=database)


def test_delete_removes_every_node_of_the_community_and_records_it(gridcare, store, town, neighbour, gridcare_home):
    neighbour_before = snapshot(store, neighbour)
    nodes = node_count(store, town)

    done = gridcare("community", "delete", town, "--yes", check=True)

    assert done.stdout.strip() == f"Deleted community '{town}': {nodes} nodes (resident records: 5, API tokens: 1)."
    assert node_count(store, town) == 0
    assert town not in listed(gridcare)
    assert store.read("test_left", "MATCH (c:Community {id: $c}) RETURN c", c=town) == []
    assert snapshot(store, neighbour) == neighbour_before  # nothing of another community goes
    entries = [json.loads(line) for line in (gridcare_home / "logs" / "operations.log").read_text().splitlines()]
    entry = next(e for e in entries if e.get("community") == town)
    assert entry["operation"] == "community delete" and entry["nodes"] == nodes and entry["completed"] is True
    assert set(entry) == {"at", "user", "operation", "community", "nodes", "completed"} and entry["user"]


def test_unknown_community_is_a_clear_error(gridcare):
    done = gridcare("community", "delete", f"没有-{uuid.uuid4().hex[:6]}", "--yes")
    assert done.returncode == 1
    assert "gridcare: no community named '没有-" in done.stderr


def test_batches_each_their_own_transaction_delete_everything(store, town):
    """With batches of 3 nodes, the deletion takes many transactions and still leaves nothing behind."""
    nodes = node_count(store, town)
    batches = []
    deleted = communities.delete_community(store, town, batch=3, on_batch=batches.append)
    assert deleted == nodes and sum(batches) == nodes
    assert max(batches) == 3 and len(batches) > nodes // 3
    assert node_count(store, town) == 0
