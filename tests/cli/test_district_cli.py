"""`gridcare audit --all`: every community of the database at once, each row its community's own audit.

The database the tests share may hold other tests' communities too: these
tests look at the rows of the communities they imported, and at the demo's
(imported once for the session, with its year of visits).
"""

import json
import uuid

import pytest

from api.district import summary_of
from tests.cli.test_analysis_cli import AS_OF
from tests.conftest import DELETE_COMMUNITY, DEMO_DAY
from tests.graph.test_export import import_sheets


@pytest.fixture
def communities(driver, database):
    """Three fresh community names, deleted with everything in them after the test."""
    names = [f"街道测试-{i}-{uuid.uuid4().hex[:6]}" for i in range(3)]
    yield names
    for name in names:
        driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


def own_audit(gridcare, community: str, as_of: str) -> dict:
    return json.loads(gridcare("audit", "--community", community, "--as-of", as_of, "--format", "json").stdout)


def rows_of(done) -> dict[str, dict]:
    return {row["community"]: row for row in json.loads(done.stdout)["communities"]}


def test_each_row_is_its_communitys_own_audit(gridcare, communities, demo_community, tmp_path):
    for name in communities:
        import_sheets(gridcare, tmp_path / name, name)
    done = gridcare("audit", "--all", "--workers", "2", "--as-of", DEMO_DAY.isoformat(), "--full", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "communities" in done.stderr  # the progress, on stderr
    rows = rows_of(done)
    for name in [*communities, demo_community]:
        own = own_audit(gridcare, name, DEMO_DAY.isoformat())
        assert rows[name]["audit"] == own
        assert rows[name]["error"] is None
        summary = rows[name]["summary"]
        assert summary == summary_of(own)
        assert {k: summary[k] for k in ("elders", "uncovered_elders", "solitary_uncovered")} == {
            k: own["totals"][k] for k in ("elders", "uncovered_elders", "solitary_uncovered")
        }
    demo = rows[demo_community]["summary"]  # the demo has visits: its overdue elders and contact rate are counted
    assert demo["overdue_visits"] == len(own_audit(gridcare, demo_community, DEMO_DAY.isoformat())["visits"]["overdue"])
    assert demo["contact_rate_30d"] is not None
    totals = json.loads(done.stdout)["totals"]
    assert totals["residents"] == sum(r["summary"]["residents"] for r in rows.values() if r["summary"])


def test_a_failing_community_is_reported_in_its_row_and_the_others_go_on(
    gridcare, communities, tmp_path, driver, database
):
    for name in communities:
        import_sheets(gridcare, tmp_path / name, name)
    broken = communities[1]  # a birth date written as text by some other tool: its audit cannot count ages
    driver.execute_query(
        "MATCH (r:Resident {community: $c, residentId: 'E1'}) SET r.birthDate = '一九四〇年'",
        c=broken,
        database_=database,
    )
    done = gridcare("audit", "--all", "--as-of", AS_OF, "--full", "--limit", "1")
    assert done.returncode == 1
    lines = done.stdout.split("=" * 60)[0].splitlines()  # the table, before the reports of --full
    [row] = [line for line in lines if line.startswith(broken)]
    assert "失败 failed: AttributeError" in row and "trace on stderr" in row
    for name in (communities[0], communities[2]):
        [row] = [line for line in lines if line.startswith(name)]
        assert row.split()[1:5] == ["21", "13", "4", "2"]  # residents, elders, uncovered, solitary uncovered
    assert "communities failed" in done.stdout
    assert f"{communities[0]} 包保覆盖审计" in done.stdout and f"{broken} 包保覆盖审计" not in done.stdout  # --full
    assert f"the audit of {broken} failed" in done.stderr and "一九四〇年" not in done.stderr
    as_json = gridcare("audit", "--all", "--as-of", AS_OF, "--format", "json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["failed"] >= 1


def test_the_audits_run_on_a_dask_cluster_when_a_scheduler_is_given(gridcare, communities, tmp_path, cli_env):
    from distributed import LocalCluster

    for name in communities:
        import_sheets(gridcare, tmp_path / name, name)
    local = rows_of(gridcare("audit", "--all", "--as-of", AS_OF, "--format", "json"))
    # the cluster's workers reach the store of the tests through the same settings as the CLI
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, env=cli_env
    ) as cluster:
        done = gridcare(
            "audit", "--all", "--as-of", AS_OF, "--format", "json", "--scheduler", cluster.scheduler_address
        )
    assert "Dask cluster" in done.stderr
    on_dask = rows_of(done)
    for name in communities:
        assert on_dask[name] == local[name]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--all", "--community", "x"], "leave --community out"),
        (["--workers", "2"], "go with --all"),
        (["--all", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "has its own workers"),
    ],
)
def test_district_options_are_checked(gridcare, args, message):
    done = gridcare("audit", *args)
    assert done.returncode == 2 and message in done.stderr


def test_an_unreachable_scheduler_is_said_plainly(gridcare):
    done = gridcare("audit", "--all", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
