"""`gridcare audit | spof | suggest | suggest-leaders` end to end, on ledgers whose answers are known."""

import json

from analysis.domain import age_on
from loaders.ledger import read_ledger
from tests.cli.test_import import write_csv_ledger
from tests.conftest import DEMO_DAY
from tests.graph.test_export import import_sheets

AS_OF = "2024-06-01"


def run_json(gridcare, *args):
    return json.loads(gridcare(*args, "--format", "json", check=True).stdout)


def uncovered(rid, name, age, alone, grid, building, unit, room):
    return {
        "resident_id": rid,
        "name": name,
        "age": age,
        "lives_alone": alone,
        "grid": grid,
        "building": building,
        "unit": unit,
        "room": room,
    }


U1 = uncovered("U1", "孙秀英", 94, True, "1", "2", "1", "101")
U2 = uncovered("U2", "钱德", 85, True, "2", "3", "1", "102")
U4 = uncovered("U4", "郑军", 73, False, "2", "3", "2", "303")
U3 = uncovered("U3", "吴芳", 60, False, "1", "2", "1", "102")
P2_OVER = {"resident_id": "P2", "name": "李红", "care_load": 3, "capacity": 2, "posts": ["unit_leader:1-1:A"]}
P3_OVER = {
    "resident_id": "P3",
    "name": "张伟",
    "care_load": 2,
    "capacity": 1,  # 照护能力 1 in the ledger
    "posts": ["grid_leader:1:B", "unit_leader:1-1:B"],
}


def test_audit_finds_exactly_the_gaps_of_the_ledger(gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    d = run_json(gridcare, "audit", "--community", community, "--as-of", AS_OF)
    assert (d["community"], d["as_of"], d["elder_age"], d["care_capacity"]) == (community, AS_OF, 60, 10)
    assert d["uncovered_elders"] == [U1, U2, U4, U3]  # solitary first, then the oldest
    assert d["overloaded_leaders"] == [P3_OVER]  # P1 cares for 3 with 照护能力 5: not overloaded
    assert d["grids_without_leader"] == [{"grid": "2"}]
    assert d["buildings_without_leader"] == [{"grid": "1", "building": "2"}]
    assert d["units_without_leader"] == [{"building": "2", "unit": "1"}, {"building": "3", "unit": "1"}]
    assert d["scopes_without_backup"] == [
        {"role": "building_leader", "grid": "1", "building": "1", "unit": None},
        {"role": "building_leader", "grid": "2", "building": "3", "unit": None},
        {"role": "unit_leader", "grid": "1", "building": "1", "unit": "2"},
    ]
    t = d["totals"]
    assert (t["elders"], t["covered_elders"], t["solitary_uncovered"]) == (13, 9, 2)


def test_audit_options_change_the_definitions(gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    base = ("audit", "--community", community)
    d = run_json(gridcare, *base, "--as-of", AS_OF, "--care-capacity", "2")
    assert d["overloaded_leaders"] == [P2_OVER, P3_OVER]
    # on 31 May U1's care has not ended yet, and U3 is 59
    d = run_json(gridcare, *base, "--as-of", "2024-05-31")
    assert [e["resident_id"] for e in d["uncovered_elders"]] == ["U2", "U4"]
    d = run_json(gridcare, *base, "--as-of", AS_OF, "--elder-age", "61")
    assert d["uncovered_elders"] == [U1, U2, U4]


def test_audit_text_is_a_readable_report(gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    text = gridcare("audit", "--community", community, "--as-of", AS_OF, "--limit", "1", check=True).stdout
    lines = text.splitlines()
    assert lines[0].startswith(f"{community} 包保覆盖审计") and "截至 2024-06-01" in lines[0]
    solitary = lines.index("未被包保的独居老人 (uncovered solitary elders)：2")
    assert lines[solitary + 1] == "  U1 孙秀英 94岁 第1网格 2号楼 1单元 101室"
    assert lines[solitary + 2] == "  ……另有 1 项 (more)"
    assert "无楼栋长的楼栋 (buildings without leader)：1" in lines
    assert "  第1网格 2号楼" in lines
    assert any(line.startswith("  P3 张伟 包保 2 人，能力 1 人") for line in lines)


SUGGEST = {
    "residents": [
        ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居", "照护能力"],
        ["H1", "王强", "1970-01-01", "1", "1", "1", "101", "否", "2"],
        ["H2", "李娜", "1975-01-01", "1", "2", "1", "201", "否", ""],
        ["H3", "陈刚", "1980-01-01", "2", "3", "1", "301", "否", "0"],
        ["H4", "赵丽", "1985-01-01", "2", "3", "1", "302", "否", "1"],
        ["Y", "赵小", "2000-01-01", "2", "3", "1", "302", "否", ""],
        ["A1", "孙老", "1934-01-01", "1", "1", "1", "102", "是", ""],
        ["A2", "周老", "1944-01-01", "1", "2", "1", "202", "是", ""],
        ["A6", "吴老", "1949-01-01", "2", "3", "1", "303", "是", ""],
        ["A3", "郑老", "1939-01-01", "1", "1", "1", "103", "否", ""],
        ["A4", "冯老", "1954-01-01", "2", "3", "2", "304", "否", ""],
        ["A5", "蒋老", "1959-01-01", "1", "1", "2", "105", "否", ""],
    ],
    "leaders": [["居民编号", "职务", "楼栋", "单元"], ["H1", "单元长", "1", "1"], ["H3", "楼栋长", "3", ""]],
    "volunteers": [["居民编号", "队伍"], ["H2", "助老服务队"], ["H4", "助老服务队"]],
    "care": [["照护人编号", "被照护人编号", "类型"], ["H4", "Y", "家属"]],
}


def pairs(d):
    return [(a["elder_id"], a["caregiver_id"], a["proximity"], a["cost"]) for a in d["assignments"]]


def test_suggest_is_the_known_optimum_for_each_capacity(gridcare, community, tmp_path):
    # H1 can take 2 (照护能力), H2 takes --care-capacity, H3 (照护能力 0) and H4 (1, already used) none
    gridcare("import", write_csv_ledger(tmp_path / "s", SUGGEST), "--community", community, check=True)
    base = ("suggest", "--community", community, "--as-of", AS_OF)
    d = run_json(gridcare, *base, "--care-capacity", "0")
    assert pairs(d) == [("A1", "H1", "unit", 1), ("A2", "H1", "grid", 3)]
    assert d["unassigned"] == ["A6", "A3", "A4", "A5"]
    d = run_json(gridcare, *base, "--care-capacity", "1")  # all solitary first, though A6 costs 4
    assert pairs(d) == [("A1", "H1", "unit", 1), ("A2", "H2", "unit", 1), ("A6", "H1", "community", 4)]
    assert d["unassigned"] == ["A3", "A4", "A5"]
    assert d["totals"] == {"covered": 3, "solitary_covered": 3, "cost": 6}
    d = run_json(gridcare, *base, "--care-capacity", "2")
    assert pairs(d) == [
        ("A1", "H1", "unit", 1),
        ("A2", "H2", "unit", 1),
        ("A6", "H2", "community", 4),
        ("A3", "H1", "unit", 1),
    ]
    assert d["unassigned"] == ["A4", "A5"]
    assert d["totals"] == {"covered": 4, "solitary_covered": 3, "cost": 7}
    text = gridcare(*base, "--care-capacity", "2", check=True).stdout
    assert "  A1 孙老 90岁 独居 第1网格 1号楼 1单元 102室 ← H1 王强（同单元，成本 1）" in text.splitlines()
    assert "下一步 (next)" in text and "suggest-leaders" in text


def test_spof_and_suggest_leaders(gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    d = run_json(gridcare, "spof", "--community", community, "--as-of", AS_OF)
    assert sorted(d["unreached_elders"]) == ["U1", "U2", "U3", "U4"]  # no caregiver, a vacant post above
    assert d["people"][0]["resident_id"] == "P1" and d["people"][0]["sole_posts"] == ["building_leader:1:A"]
    d = run_json(gridcare, "suggest-leaders", "--community", community, "--as-of", AS_OF, "--limit", "2")
    needs = [(s["role"], s["need"], s["grid"], s["building"], s["unit"]) for s in d["scopes"]]
    assert needs[:4] == [
        ("grid_leader", "leader", "2", None, None),
        ("building_leader", "leader", "1", "2", None),
        ("unit_leader", "leader", "1", "2", "1"),
        ("unit_leader", "leader", "2", "3", "1"),
    ]
    assert all(len(s["candidates"]) <= 2 for s in d["scopes"])


def test_errors(gridcare, community, demo_community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    done = gridcare("audit", "--community", f"{community}-无此社区")
    assert done.returncode == 1 and f"no community named '{community}-无此社区'" in done.stderr
    done = gridcare("suggest", "--community", community, "--as-of", "2024-02-30")
    assert done.returncode == 2 and "--as-of" in done.stderr
    assert gridcare("audit", "--community", community, "--care-capacity", "-1").returncode == 2
    done = gridcare("spof")  # two communities at least: which one?
    assert done.returncode == 2 and "pass --community" in done.stderr and community in done.stderr


def test_demo_audit(gridcare, demo_ledger, demo_community):
    d = run_json(gridcare, "audit", "--community", demo_community, "--as-of", DEMO_DAY.isoformat())
    ledger = read_ledger(demo_ledger, demo_community)
    grid_of = {r.building: r.grid for r in ledger.residents}
    led = {p.building for p in ledger.leaders if p.role == "building_leader"}
    assert d["buildings_without_leader"] == [
        {"grid": grid_of[b], "building": b} for b in sorted(set(grid_of) - led, key=int)
    ]
    assert len(d["buildings_without_leader"]) == 1  # the demo leaves one building (9) without a leader
    today = DEMO_DAY
    solitary5 = {
        r.resident_id
        for r in ledger.residents
        if r.building == "5" and r.lives_alone and age_on(r.birth_date, today) >= 60
    }
    assert len(solitary5) == 7
    assert not solitary5 & {e["resident_id"] for e in d["uncovered_elders"]}
    [b5] = [b for b in d["coverage"]["buildings"] if b["building"] == "5"]
    assert b5["solitary_uncovered"] == 0
    # a year of visits: a believable contact rate, a short overdue list, high risk first
    visits = d["visits"]
    assert 0.75 <= visits["contact_rate_30d"] <= 0.97
    assert visits["contact_rate_30d_by_tier"]["high"] > 0.95
    overdue = visits["overdue"]
    assert 20 <= len(overdue) <= 0.05 * sum(visits["in_programme"].values())
    rank = {"high": 0, "key": 1, "general": 2}
    assert [rank[o["tier"]] for o in overdue] == sorted(rank[o["tier"]] for o in overdue)
    assert sum(o["last_contact"] is None for o in overdue) == 4  # the demo's elders never visited
    assert not solitary5 & {o["resident_id"] for o in overdue}  # building 5's leader sees them every day
