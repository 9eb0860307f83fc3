"""The ledger's optional `services` sheet (服务记录) through the real `gridcare import`: home services already
delivered, kept as requests done; idempotent; row errors named; points only with --earn-points, once."""

from __future__ import annotations

import json

from tests.cli.test_import import ledger_sheets, snapshot, write_csv_ledger

SERVICES = [
    ["服务日期", "被服务人编号", "服务类型", "服务人编号", "队伍", "时长分钟"],
    ["2024/5/3 14:30", "A1", "洗澡", "A5", "助老服务队", "60"],
    ["2024年5月4日", "A1", "配餐", "A5", "", ""],
    ["2024-05-20", "A3", "haircut", "A4", "理发服务队", "30分钟"],
    ["2024-06-02", "A3", "代办", "", "", ""],
]


def sheets(services=SERVICES):
    return {**ledger_sheets(), "services": services}


def test_services_are_kept_as_requests_done_and_counted_in_the_month(gridcare, store, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", sheets())
    gridcare("import", path, "--community", community, check=True)
    rows = store.read(
        "imported",
        "MATCH (q:ServiceRequest {community: $c}) RETURN q.kind AS kind, q.status AS status, q.source AS source, "
        "q.grid AS grid, q.minutes AS minutes, q.points AS points ORDER BY q.requestedAt",
        c=community,
    )
    assert [(r["kind"], r["status"], r["source"], r["grid"], r["minutes"]) for r in rows] == [
        ("bathing", "done", "ledger", "1", 60),
        ("meals", "done", "ledger", "1", None),
        ("haircut", "done", "ledger", "1", 30),
        ("errands", "done", "ledger", "1", None),
    ]
    assert all(r["points"] is None for r in rows)  # history earns nothing unless asked
    report = json.loads(
        gridcare(
            "report", "services", "--community", community, "--month", "2024-05", "--format", "json", check=True
        ).stdout
    )
    assert report["requested_by_kind"] == {"haircut": 1, "bathing": 1, "meals": 1}
    assert report["done_by_kind"] == {"haircut": 1, "bathing": 1, "meals": 1}
    assert report["median_hours_to_complete"] is None  # the ledger carries no times of asking
    teams = store.read("teams", "MATCH (t:VolunteerTeam {community: $c}) RETURN t.name AS n ORDER BY n", c=community)
    assert {"助老服务队", "理发服务队"} <= {t["n"] for t in teams}

    before = snapshot(store, community)
    again = gridcare("import", path, "--community", community, check=True)
    assert "already up to date" in again.stdout and snapshot(store, community) == before


def test_bad_service_rows_are_named_and_nothing_is_written(gridcare, store, community, tmp_path):
    bad = SERVICES + [
        ["2024-05-05", "A9", "洗澡", "", "", ""],
        ["2024-05-06", "A1", "按摩", "", "", ""],
        ["2100-01-01", "A1", "配餐", "", "", ""],
        ["2024-05-07", "A1", "配餐", "A1", "", ""],
        ["2024-05-08", "A1", "配餐", "", "", "两小时"],
    ]
    done = gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets(bad)), "--community", community)
    assert done.returncode == 1
    for expected in (
        "services, row 6, column resident_id: unknown resident id ('A9')",
        "services, row 7, column kind: unknown kind of service",
        "services, row 8, column served_on: is in the future ('2100-01-01')",
        "services, row 9, column provider_id: a resident does not serve themselves ('A1')",
        "services, row 10, column minutes: not a whole number of minutes",
    ):
        assert expected in done.stderr, done.stderr
    assert snapshot(store, community) == []


def test_earn_points_pays_each_service_once(gridcare, store, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", sheets())
    for _ in range(2):
        gridcare("import", path, "--community", community, "--earn-points", check=True)
    statement = json.loads(
        gridcare(
            "points", "statement", "--community", community, "--resident", "A5", "--format", "json", check=True
        ).stdout
    )
    assert statement["balance"] == 18 + 3  # bathing 8 + 1 h at 10; meals 3
    assert [m["kind"] for m in statement["movements"]] == ["request", "request"]
    assert gridcare("points", "reconcile", "--community", community).returncode == 0


def test_skip_bad_rows_imports_the_good_services(gridcare, store, community, tmp_path):
    bad = SERVICES + [["2024-05-05", "A9", "洗澡", "", "", ""]]
    path = write_csv_ledger(tmp_path / "ledger", sheets(bad))
    done = gridcare("import", path, "--community", community, "--skip-bad-rows")
    assert done.returncode == 0, done.stderr
    found = store.read("n", "MATCH (q:ServiceRequest {community: $c}) RETURN count(q) AS n", c=community)
    assert found[0]["n"] == 4
    rejected = (tmp_path / "ledger.rejected.csv").read_text(encoding="utf-8-sig")
    assert "服务记录 services" in rejected and "A9" in rejected
