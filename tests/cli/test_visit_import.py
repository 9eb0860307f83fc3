"""The ledger's `visits` sheet (探访记录) and `关爱等级 | care_tier` column, through the real `gridcare import`:
the audit on a fixed as-of day counts what was imported, a re-import stores nothing twice, bad rows are named
and nothing is written."""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from graph import ids
from graph.visits import Recorder, alerts_since, withdraw_visit
from loaders.sources import cell_value
from tests.cli.test_import import write_csv_ledger

D = "2024-06-01"

RESIDENTS = [
    ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居", "关爱等级"],
    ["H1", "高一", "1935-03-01", "1", "1", "1", "101", "是", ""],  # high by the rule: seen exactly 7 days ago
    ["H2", "高二", "1938-01-01", "1", "1", "1", "102", "是", ""],  # high: seen 8 days ago, then not at home
    ["H3", "高三", "1940-01-01", "1", "1", "2", "201", "是", "高风险"],  # high: seen only the day after
    ["K1", "重一", "1950-01-01", "2", "2", "1", "101", "否", "重点"],  # key, by the ledger: seen 30 days ago
    ["S1", "重子", "1985-01-01", "2", "2", "1", "101", "否", ""],
    ["G1", "般一", "1955-01-01", "2", "2", "1", "102", "是", "一般"],  # general: seen 29 days ago, by staff
    ["N1", "无一", "1930-01-01", "2", "2", "2", "201", "是", "无"],  # high by the rule, none by the ledger
    ["O1", "外一", "1945-01-01", "2", "2", "2", "202", "否", ""],  # lives with her daughter: outside
    ["D1", "外女", "1990-01-01", "2", "2", "2", "202", "否", ""],
    ["P1", "楼长", "1975-01-01", "1", "1", "1", "103", "否", ""],
    ["P2", "邻居", "1980-01-01", "2", "2", "1", "103", "否", ""],
]
VISITS = [
    ["探访时间", "被探访人编号", "探访人编号", "方式", "情况", "备注"],
    ["2024/5/25 10:00", "H1", "P1", "上门", "正常", "血压平稳"],
    ["2024-05-24 09:30", "H2", "P1", "电话", "", ""],
    ["2024年5月31日 10时00分", "H2", "P1", "上门", "不在家", ""],  # an attempt, not a contact
    ["2024-06-02", "H3", "P2", "", "", ""],  # after the as-of day
    ["2024-05-02 15:00", "K1", "P2", "视频", "ok", ""],
    ["2024.05.03", "G1", "", "home", "需要帮助", "需要助浴"],  # by staff
    ["2024-05-20", "N1", "P2", "", "", ""],
]
CARE = [["照护人编号", "被照护人编号", "类型"], ["P1", "H1", "包保"], ["P1", "H2", "包保"], ["P2", "H3", "邻居"]]
CARE += [["P2", "K1", "包保"]]


def sheets(**more):
    return {"residents": RESIDENTS, "care": CARE, "visits": VISITS, **more}


def audit(gridcare, community):
    done = gridcare("audit", "--community", community, "--as-of", D, "--format", "json", check=True)
    return json.loads(done.stdout)["visits"]


def stored(driver, database, community):
    records, _, _ = driver.execute_query(
        "MATCH (v:Visit {community: $c}) RETURN v ORDER BY v.at, v.id", c=community, database_=database
    )
    return [dict(r["v"]) for r in records]


def test_the_audit_counts_the_visits_and_tiers_of_the_ledger(gridcare, community, tmp_path):
    gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets()), "--community", community, check=True)
    got = audit(gridcare, community)
    assert got["overdue"] == [
        {
            "resident_id": "H3",
            "name": "高三",
            "tier": "high",
            "last_contact": None,
            "days_since": None,
            "due": None,
            "caregivers": ["P2"],
        },
        {
            "resident_id": "H2",
            "name": "高二",
            "tier": "high",
            "last_contact": "2024-05-24",
            "days_since": 8,
            "due": "2024-05-31",
            "caregivers": ["P1"],
        },
    ]
    assert got["in_programme"] == {"high": 3, "key": 1, "general": 1}
    assert got["contacted_30d"] == {"high": 2, "key": 0, "general": 1}
    assert got["contact_rate_30d"] == pytest.approx(0.6)
    assert got["contact_rate_30d_by_tier"] == {"high": pytest.approx(2 / 3), "key": 0.0, "general": 1.0}
    assert got["covered_but_overdue"] == 2


def test_visits_are_stored_as_the_api_stores_them(gridcare, driver, database, community, tmp_path):
    gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets()), "--community", community, check=True)
    visits = {(v["resident"].rsplit("/", 1)[1], v["day"].iso_format()): v for v in stored(driver, database, community)}
    assert len(visits) == len(VISITS) - 1
    h1 = visits[("H1", "2024-05-25")]
    assert h1["at"].to_native() == datetime(2024, 5, 25, 2, 0, tzinfo=UTC)  # 10:00 in Changchun
    assert h1["at"].to_native().utcoffset() == timedelta(hours=8)
    assert (h1["visitor"], h1["mode"], h1["outcome"], h1["contact"], h1["timeKnown"]) == (
        ids.resident_id(community, "P1"),
        "home",
        "ok",
        True,
        True,
    )
    assert (h1["source"], h1["withdrawn"], h1["note"]) == ("import", False, "血压平稳")
    attempt = visits[("H2", "2024-05-31")]
    assert (attempt["outcome"], attempt["contact"]) == ("not_home", False)
    by_staff = visits[("G1", "2024-05-03")]
    assert (by_staff.get("visitor"), by_staff["timeKnown"], by_staff["outcome"]) == (None, False, "needs_help")
    assert by_staff["at"].to_native().time() == time(0) and visits[("K1", "2024-05-02")]["mode"] == "video"


def test_a_reimport_stores_nothing_twice_and_keeps_a_withdrawal_and_the_tiers(
    gridcare, store, driver, database, community, tmp_path
):
    path = write_csv_ledger(tmp_path / "ledger", sheets())
    gridcare("import", path, "--community", community, check=True)
    first = stored(driver, database, community)
    tiers, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c}) WHERE r.careTier IS NOT NULL "
        "RETURN r.residentId AS id, r.careTier AS tier, r.careTierSetBy AS by, r.careTierSetAt AS at ORDER BY id",
        c=community,
        database_=database,
    )
    assert [(t["id"], t["tier"], t["by"]) for t in tiers] == [
        ("G1", "general", "import"),
        ("H3", "high", "import"),
        ("K1", "key", "import"),
        ("N1", "none", "import"),
    ]
    withdraw_visit(store, first[0]["id"], "recorded for the wrong elder", Recorder("tests", "staff"))
    again = gridcare("import", path, "--community", community, check=True)
    assert "already up to date" in again.stdout
    second = stored(driver, database, community)
    assert [v["id"] for v in second] == [v["id"] for v in first]
    assert second[0]["withdrawn"] and not any(v["withdrawn"] for v in second[1:])
    tiers_again, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c}) WHERE r.careTier IS NOT NULL "
        "RETURN r.residentId AS id, r.careTier AS tier, r.careTierSetBy AS by, r.careTierSetAt AS at ORDER BY id",
        c=community,
        database_=database,
    )
    assert [dict(t) for t in tiers_again] == [dict(t) for t in tiers]  # not even set again


def test_the_same_visit_twice_in_the_sheet_is_stored_once_with_a_warning(
    gridcare, driver, database, community, tmp_path
):
    visits = VISITS + [["2024/05/25 10:00", "H1", "P1", "home", "ok", "another note"]]
    done = gridcare(
        "import", write_csv_ledger(tmp_path / "ledger", sheets(visits=visits)), "--community", community, check=True
    )
    assert "visits, row 9" in done.stderr and "the same visit as row 2" in done.stderr
    assert len(stored(driver, database, community)) == len(VISITS) - 1


def test_bad_visit_rows_are_named_and_nothing_is_written(gridcare, community, tmp_path):
    secret = "病情" * 251  # 502 characters: too long, and never quoted
    visits = [
        VISITS[0],
        ["2024-05-25 10:00", "Z9", "P1", "", "", ""],  # row 2: unknown elder
        ["2024-05-25 10:00", "H1", "H1", "", "", ""],  # row 3: visits themselves
        ["2999-01-01 10:00", "H1", "P1", "", "", ""],  # row 4: in the future
        ["1930-01-01", "H1", "P1", "", "", ""],  # row 5: before the elder was born
        ["2024-05-25 10:00", "H1", "P1", "飞鸽", "", ""],  # row 6: no such way of visiting
        ["2024-05-25 10:00", "H1", "P1", "", "还行", ""],  # row 7: no such outcome
        ["2024-05-25 10:00", "H1", "P1", "", "", secret],  # row 8: note too long
        ["2024-05-25 26:00", "H1", "P1", "", "", ""],  # row 9: no such time
        ["", "H1", "P1", "", "", ""],  # row 10: no time at all
    ]
    residents = [RESIDENTS[0], RESIDENTS[1], RESIDENTS[10]]
    done = gridcare(
        "import",
        write_csv_ledger(tmp_path / "ledger", {"residents": residents, "visits": visits}),
        "--community",
        community,
    )
    assert done.returncode == 1, done.stderr
    err = done.stderr
    for expected in (
        "visits, row 2, column resident_id: unknown resident id ('Z9')",
        "visits, row 3, column visitor_id: a resident cannot visit themselves ('H1')",
        "visits, row 4, column visited_at: in the future ('2999-01-01 10:00')",
        "visits, row 5, column visited_at: before the resident was born ('1930-01-01')",
        "visits, row 6, column mode: unknown way of visiting",
        "visits, row 7, column outcome: unknown outcome",
        "visits, row 8, column note: longer than 500 characters",
        "visits, row 9, column visited_at: no such time of day",
        "visits, row 10, column visited_at: required value missing",
    ):
        assert expected in err, expected
    assert "病情" not in err and "nothing was written" in err
    assert gridcare("stats", "--community", community).returncode == 1  # no community named …


def test_a_bad_care_tier_is_named(gridcare, community, tmp_path):
    residents = [RESIDENTS[0], RESIDENTS[1][:-1] + ["很高"]]
    done = gridcare("import", write_csv_ledger(tmp_path / "ledger", {"residents": residents}), "--community", community)
    assert done.returncode == 1
    assert "residents, row 2, column care_tier: unknown care tier (高风险, 重点, 一般 or 无) ('很高')" in done.stderr


def test_imported_needs_help_raises_no_care_alert(gridcare, store, community, tmp_path):
    gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets()), "--community", community, check=True)
    _, alerts = alerts_since(store, [community], datetime(2000, 1, 1, tzinfo=UTC))  # the community's whole life
    assert alerts == []


def test_a_spreadsheet_cell_with_a_time_keeps_it_a_date_cell_stays_a_date():
    assert cell_value(datetime(2024, 5, 25, 10, 0)) == datetime(2024, 5, 25, 10, 0)
    assert cell_value(datetime(2024, 5, 25)) == date(2024, 5, 25)
    assert type(cell_value(datetime(2024, 5, 25))) is date
