"""`gridcare audit` (its ``visits``) and `gridcare visits due` end to end: a hand-written ledger imported
through the real CLI, tiers and visits recorded through the store (`graph.visits`), fixed as-of days."""

import json
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from analysis import domain
from graph import ids
from graph.mutations.moves import remove_resident
from graph.visits import NewVisit, Recorder, record_visit, set_care_tier, withdraw_visit
from tests.cli.test_import import write_csv_ledger

D = "2024-06-01"
DAY = date(2024, 6, 1)
STAFF = Recorder("tests", "staff")
# Changchun's offset, fixed: the driver decodes a time stored with a ZoneInfo zone wrongly now and then
# ("utcoffset must be a whole number of minutes", about 1 in 100 visits read back), which a test must not hit
SHANGHAI = timezone(timedelta(hours=8))

SHEETS = {
    "residents": [
        ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居"],
        ["H1", "高一", "1935-03-01", "1", "1", "1", "101", "是"],  # high: seen exactly 7 days ago
        ["H2", "高二", "1938-01-01", "1", "1", "1", "102", "是"],  # high: seen 8 days ago, then not at home
        ["H3", "高三", "1940-01-01", "1", "1", "2", "201", "是"],  # high: seen only the day after
        ["H4", "高四", "1941-01-01", "1", "1", "2", "202", "是"],  # high: seen 22 days ago; a later visit withdrawn
        ["T1", "时一", "1950-06-01", "1", "1", "2", "203", "是"],  # general: seen at 00:30 the next day (Shanghai)
        ["K1", "重一", "1950-01-01", "2", "2", "1", "101", "否"],  # key, set explicitly: seen 30 days ago
        ["S1", "重子", "1985-01-01", "2", "2", "1", "101", "否"],
        ["G1", "般一", "1955-01-01", "2", "2", "1", "102", "是"],  # general: seen 29 days ago
        ["N1", "无一", "1930-01-01", "2", "2", "2", "201", "是"],  # high by the rule, none explicitly
        ["O1", "外一", "1945-01-01", "2", "2", "2", "202", "否"],  # lives with her daughter: outside
        ["D1", "外女", "1990-01-01", "2", "2", "2", "202", "否"],
        ["X1", "逝一", "1932-01-01", "2", "2", "2", "203", "是"],  # died on 15 May: not an elder of the audit
        ["P1", "楼长", "1975-01-01", "1", "1", "1", "103", "否"],
        ["P2", "邻居", "1980-01-01", "2", "2", "1", "103", "否"],
    ],
    "leaders": [["居民编号", "职务", "楼栋", "单元"], ["P1", "楼栋长", "1", ""]],
    "care": [
        ["照护人编号", "被照护人编号", "类型"],
        ["P1", "H1", "包保"],
        ["P1", "H2", "包保"],
        ["P2", "H3", "邻居"],
        ["P2", "K1", "包保"],
    ],
}


def at(day, hour=10, minute=0):
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def pinned(monkeypatch):
    """The clock of this process, pinned a month after the as-of day (visits may not be in its future)."""
    monkeypatch.setattr(domain, "clock", lambda: datetime(2024, 7, 1, 4, 0, tzinfo=UTC))


@pytest.fixture
def visited(gridcare, store, community, tmp_path, pinned):
    gridcare("import", write_csv_ledger(tmp_path / "ledger", SHEETS), "--community", community, check=True)
    rid = lambda local: ids.resident_id(community, local)  # noqa: E731

    def visit(elder, when, visitor=None, outcome="ok", mode="home"):
        new = NewVisit(rid(elder), visitor and rid(visitor), when, mode=mode, outcome=outcome)
        return record_visit(store, new, STAFF)

    visit("H1", at("2024-05-25"), "P1")
    visit("H2", at("2024-05-24"), "P1", mode="phone")
    visit("H2", at("2024-05-31"), "P1", outcome="not_home")  # an attempt, not a contact
    visit("H3", at("2024-06-02"), "P2")  # after the as-of day
    visit("H4", at("2024-05-10"))  # by staff
    wrong = visit("H4", at("2024-05-30"), "P1")
    withdraw_visit(store, wrong.id, "recorded for the wrong elder", STAFF)
    # 16:30 UTC on 1 June is 00:30 on 2 June in the community: after the as-of day
    visit("T1", datetime(2024, 6, 1, 16, 30, tzinfo=UTC), outcome="needs_help")
    visit("K1", at("2024-05-02"), "P2", mode="video")
    visit("G1", at("2024-05-03"))
    visit("X1", at("2024-05-01"), "P1")
    set_care_tier(store, rid("K1"), "key", STAFF)
    set_care_tier(store, rid("N1"), "none", STAFF)
    remove_resident(store, rid("X1"), reason="deceased", on=date(2024, 5, 15))
    return community


def audit_json(gridcare, community, *args):
    done = gridcare("audit", "--community", community, "--format", "json", *args, check=True)
    return json.loads(done.stdout)


def overdue(rid, name, tier, last, due, caregivers, day=DAY):
    days = None if last is None else (day - date.fromisoformat(last)).days
    return {
        "resident_id": rid,
        "name": name,
        "tier": tier,
        "last_contact": last,
        "days_since": days,
        "due": due,
        "caregivers": caregivers,
    }


def test_the_audit_counts_contact_on_a_fixed_day(gridcare, visited):
    d = audit_json(gridcare, visited, "--as-of", D)
    v = d["visits"]
    assert v["overdue"] == [
        overdue("H3", "高三", "high", None, None, ["P2"]),  # never contacted on or before the day
        overdue("H4", "高四", "high", "2024-05-10", "2024-05-17", []),  # the withdrawn visit does not count
        overdue("H2", "高二", "high", "2024-05-24", "2024-05-31", ["P1"]),  # the attempt does not count
        overdue("T1", "时一", "general", None, None, []),  # the community's day of the visit is 2 June
    ]  # not H1 (exactly 7 days), K1 (exactly 30, key by choice), N1 (none), O1 (outside), X1 (died)
    assert v["covered_but_overdue"] == 2
    # contacted on D-29 … D: H1, H2, H4, G1 — not K1 (D-30), H3, T1
    assert v["in_programme"] == {"high": 4, "key": 1, "general": 2}
    assert v["contact_rate_30d"] == pytest.approx(4 / 7)
    assert v["contact_rate_30d_by_tier"] == {"high": 0.75, "key": 0.0, "general": 0.5}
    assert [(g["grid"], g["in_programme"], g["contact_rate_30d"]) for g in v["places"]["grids"]] == [
        ("1", 5, 0.6),
        ("2", 2, 0.5),
    ]
    t = d["totals"]
    assert (t["in_programme"], t["contacted_30d"], t["overdue_visits"], t["covered_but_overdue"]) == (7, 4, 4, 2)
    # outside the programme is still in the rest of the audit
    assert {"N1", "O1"} <= {e["resident_id"] for e in d["uncovered_elders"]}
    assert "X1" not in {e["resident_id"] for e in d["uncovered_elders"]}


def test_the_next_day_and_another_cadence(gridcare, visited):
    day = DAY + timedelta(days=1)
    v = audit_json(gridcare, visited, "--as-of", day.isoformat())["visits"]
    # H3 and T1 were seen on 2 June; H1 and K1 are now one day past their cadence
    assert [(o["resident_id"], o["days_since"]) for o in v["overdue"]] == [("H4", 23), ("H2", 9), ("H1", 8), ("K1", 31)]
    v = audit_json(gridcare, visited, "--as-of", D, "--cadence", "high=8")["visits"]
    assert [o["resident_id"] for o in v["overdue"]] == ["H3", "H4", "T1"]
    assert v["cadence"] == {"high": 8, "key": 30, "general": 90}


def test_the_text_report_starts_with_the_overdue_high_risk_elders(gridcare, visited):
    text = gridcare("audit", "--community", visited, "--as-of", D, check=True).stdout
    lines = text.splitlines()
    assert lines[2] == "关爱探访 (visits)：关爱对象 7 人（高风险 4，重点 1，一般 2），逾期未探访 4 人（其中已包保 2）"
    assert lines[3] == "近30天探访率 (contact rate, 30 days)：57.1%（高风险 75.0%，重点 0.0%，一般 50.0%）"
    assert lines[4:8] == [
        "逾期未探访的高风险老人 (overdue high-risk elders)：3",
        "  H3 高三 从未探访，应立即探访；照料人：P2",
        "  H4 高四 上次探访 2024-05-10（22 天前），应于 2024-05-17 前；照料人：无",
        "  H2 高二 上次探访 2024-05-24（8 天前），应于 2024-05-31 前；照料人：P1",
    ]
    assert "  第1网格：关爱对象 5，近30天已探访 3，探访率 60.0%，逾期 4" in lines


def due_json(gridcare, community, *args):
    done = gridcare("visits", "due", "--community", community, "--as-of", D, "--format", "json", *args, check=True)
    return json.loads(done.stdout)


def test_visits_due_for_a_leader_a_place_and_the_community(gridcare, visited):
    d = due_json(gridcare, visited, "--visitor", "P1")
    assert [(e["resident_id"], e["due"], e["days_overdue"]) for e in d["elders"]] == [
        ("H2", "2024-05-31", 1),
        ("H1", "2024-06-01", 0),  # due today: within the look-ahead
    ]
    assert d["elders"][0]["caregivers"] == [{"resident_id": "P1", "name": "楼长"}]
    assert d["totals"] == {"due": 2, "overdue": 1, "due_soon": 1}
    d = due_json(gridcare, visited, "--scope", "unit:1-2")
    assert [e["resident_id"] for e in d["elders"]] == ["H3", "T1", "H4"]  # never contacted first, high first
    assert d["scope"] == "unit:1-2"
    d = due_json(gridcare, visited, "--within", "0")
    assert [e["resident_id"] for e in d["elders"]] == ["H3", "T1", "H4", "H2", "H1", "K1"]  # not G1: due 1 Aug
    d = due_json(gridcare, visited, "--scope", "building:2", "--within", "61")
    assert [e["resident_id"] for e in d["elders"]] == ["K1", "G1"]
    text = gridcare("visits", "due", "--community", visited, "--as-of", D, "--visitor", "P1", check=True).stdout
    assert text.splitlines() == [
        f"{visited} 探访待办 (visits due)，截至 2024-06-01，含 3 天内到期；范围：P1 照料的老人",
        "待探访 2 人：逾期 1，即将到期 1",
        "  H2 高二 高风险 上次 2024-05-24，应于 2024-05-31，逾期 1 天 第1网格 1号楼 1单元 102室；照料人：P1 楼长",
        "  H1 高一 高风险 上次 2024-05-25，应于 2024-06-01，今天到期 第1网格 1号楼 1单元 101室；照料人：P1 楼长",
    ]


def test_errors_are_clear(gridcare, visited):
    base = ("--community", visited, "--as-of", D)
    done = gridcare("visits", "due", *base, "--visitor", "NOPE")
    assert done.returncode == 1 and "no resident 'NOPE'" in done.stderr
    done = gridcare("visits", "due", *base, "--scope", "building:99")
    assert done.returncode == 1 and "no building '99'" in done.stderr
    done = gridcare("visits", "due", *base, "--visitor", "P1", "--scope", "building:1")
    assert done.returncode == 2 and "not both" in done.stderr
    done = gridcare("visits", "due", *base, "--scope", "5")
    assert done.returncode == 2 and "is not grid:N, building:N or unit:B-U" in done.stderr
    done = gridcare("visits", "due", *base, "--within", "-1")
    assert done.returncode == 2 and "--within" in done.stderr
    for bad, says in [("high=0", "from 1 to 366"), ("urgent=3", "no tier 'urgent'"), ("high:7", "TIER=DAYS")]:
        done = gridcare("audit", *base, "--cadence", bad)
        assert done.returncode == 2 and "--cadence" in done.stderr and says in done.stderr
    done = gridcare("visits", "due", "--community", f"{visited}-无此社区")
    assert done.returncode == 1 and "no community named" in done.stderr


def test_spof_and_suggest_still_work_with_visits(gridcare, visited):
    for command in ("spof", "suggest"):
        done = gridcare(command, "--community", visited, "--as-of", D, "--format", "json", check=True)
        assert json.loads(done.stdout)["as_of"] == D
