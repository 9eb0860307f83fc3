"""`gridcare access-log show | prune` and `gridcare qr-scans prune` with the real CLI and store."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from graph.ids import resident_id
from graph.retention import prune

ENTRY = """
UNWIND $ages AS age
CREATE (:AccessLog {id: randomUUID(), at: datetime() - duration({days: age}), community: $c, resident: $r,
                    fields: ['healthNotes'], actor: '社区工作人员', actorRole: 'staff', tokenId: 't1',
                    requestId: 'req-' + toString(age)})
"""
SCAN = """
UNWIND $ages AS age
CREATE (:QrScan {id: randomUUID(), at: datetime() - duration({days: age}), community: $c, resident: $r,
                 client: 'h'})
"""
AGES = "MATCH (n {community: $c}) WHERE $label IN labels(n) RETURN duration.inDays(n.at, datetime()).days AS d"


@pytest.fixture
def logs(driver, database, community):
    """Two communities (the test's own and another), each with entries and scans 500, 300 and 10 days old."""
    other = f"测试社区-{uuid.uuid4().hex[:8]}"
    for name in (community, other):
        driver.execute_query("CREATE (:Community {id: $c, name: $c})", c=name, database_=database)
        for rid in ("A1", "A2"):
            driver.execute_query(ENTRY, ages=[500, 300, 10], c=name, r=resident_id(name, rid), database_=database)
        driver.execute_query(SCAN, ages=[500, 300, 10], c=name, r=resident_id(name, "A1"), database_=database)
    yield community, other
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=other, database_=database)


def ages(store, community, label="AccessLog"):
    records = store.read("ages", AGES, c=community, label=label)
    return sorted(r["d"] for r in records)


def test_old_entries_go_and_newer_stay(store, gridcare, logs):
    mine, other = logs
    done = gridcare("access-log", "prune", "--community", mine, "--older-than", "400d", check=True)
    assert "Deleted 2 access-log entries older than 400 days" in done.stdout and f"in {mine}" in done.stdout
    assert ages(store, mine) == [10, 10, 300, 300]
    assert ages(store, other) == [10, 10, 300, 300, 500, 500]  # --community keeps to one community
    assert ages(store, mine, "QrScan") == [10, 300, 500]  # scans are pruned on their own

    done = gridcare("access-log", "prune", "--older-than", "183", check=True)  # every community, six months
    assert "in every community" in done.stdout
    assert ages(store, mine) == ages(store, other) == [10, 10]


def test_the_default_cut_off_is_the_setting(store, gridcare, logs):
    mine, other = logs
    gridcare("access-log", "prune", "--community", mine, check=True)  # 400 days
    assert ages(store, mine) == [10, 10, 300, 300]
    done = gridcare("access-log", "prune", "--community", mine, env={"GRIDCARE_LOG_RETENTION_DAYS": "200"}, check=True)
    assert "Deleted 2 access-log entries older than 200 days" in done.stdout
    assert ages(store, mine) == [10, 10]


def test_qr_scans(store, gridcare, logs):
    mine, other = logs
    done = gridcare("qr-scans", "prune", "--community", mine, "--older-than", "250d", check=True)
    assert "Deleted 2 QR scan records older than 250 days" in done.stdout
    assert ages(store, mine, "QrScan") == [10]
    assert ages(store, other, "QrScan") == [10, 300, 500]
    assert ages(store, mine) == [10, 10, 300, 300, 500, 500]  # the access log is left alone


def test_dry_run_deletes_nothing(store, gridcare, logs):
    mine, _ = logs
    done = gridcare("access-log", "prune", "--community", mine, "--older-than", "200d", "--dry-run", check=True)
    assert "Would delete 4 access-log entries older than 200 days" in done.stdout
    assert "nothing was deleted (--dry-run)" in done.stdout
    done = gridcare("qr-scans", "prune", "--community", mine, "--dry-run", check=True)
    assert "Would delete 1 QR scan records older than 400 days" in done.stdout
    assert ages(store, mine) == [10, 10, 300, 300, 500, 500]
    assert ages(store, mine, "QrScan") == [10, 300, 500]


@pytest.mark.parametrize(
    ("command", "args", "env", "status"),
    [
        ("access-log", ["--older-than", "182d"], {}, 2),
        ("access-log", ["--older-than", "30"], {}, 2),
        ("qr-scans", ["--older-than", "90d"], {}, 2),
        ("access-log", [], {"GRIDCARE_LOG_RETENTION_DAYS": "90"}, 1),
    ],
)
def test_a_cut_off_under_six_months_is_refused(store, gridcare, logs, command, args, env, status):
    mine, other = logs
    done = gridcare(command, "prune", *args, env=env)
    assert done.returncode == status and not done.stdout
    assert "at least six months (183 days, PIPL)" in done.stderr and "nothing was deleted" in done.stderr
    for name in (mine, other):
        assert ages(store, name) == [10, 10, 300, 300, 500, 500]
        assert ages(store, name, "QrScan") == [10, 300, 500]


def test_bad_cut_off_and_unknown_community(gridcare):
    done = gridcare("access-log", "prune", "--older-than", "soon")
    assert done.returncode == 2 and "is not a number of days such as 400d" in done.stderr
    done = gridcare("qr-scans", "prune", "--community", "没有这个社区")
    assert done.returncode == 1 and "no community named '没有这个社区'" in done.stderr


def test_show_one_residents_entries(gridcare, logs):
    mine, _ = logs
    done = gridcare("access-log", "show", "--community", mine, "--resident", "A1", check=True)
    header, *rows = done.stdout.splitlines()
    assert header.split("\t") == ["at", "resident", "fields", "actor", "role", "token", "request"]
    assert [row.split("\t")[1] for row in rows] == ["A1"] * 3
    assert [row.split("\t")[6] for row in rows] == ["req-10", "req-300", "req-500"]  # newest first
    assert rows[0].split("\t")[2:6] == ["healthNotes", "社区工作人员", "staff", "t1"]

    entries = json.loads(
        gridcare("access-log", "show", "--community", mine, "--format", "json", "--limit", "4", check=True).stdout
    )
    assert len(entries) == 4 and {e["resident"] for e in entries} == {"A1", "A2"}
    assert entries[0]["fields"] == ["healthNotes"] and entries[0]["at"].endswith("Z")

    nobody = gridcare("access-log", "show", "--community", mine, "--resident", "Z9", check=True)
    assert nobody.stdout.splitlines()[1:] == [] and "no access-log entries" in nobody.stderr


def test_prune_deletes_in_batches(store, logs):
    mine, _ = logs
    before = datetime.now(UTC) - timedelta(days=200)
    batches = []
    assert prune(store, "access_log", before, community=mine, batch=3, on_batch=batches.append) == 4
    assert batches == [3, 1] and ages(store, mine) == [10, 10]
    with pytest.raises(ValueError, match="timezone-aware"):
        prune(store, "access_log", before.replace(tzinfo=None), community=mine)


def test_a_big_prune_shows_progress_and_deletes_everything_due(store, logs, cli_env, monkeypatch):
    from click.testing import CliRunner

    import graph.retention
    from api.cli import main
    from api.settings import get_settings

    mine, _ = logs
    monkeypatch.setattr(graph.retention, "PRUNE_BATCH", 1)  # more due than one batch: the progress bar shows
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            main, ["access-log", "prune", "--community", mine, "--older-than", "200d"], env=cli_env
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Deleted 4 access-log entries older than 200 days" in result.output
    assert ages(store, mine) == [10, 10]
