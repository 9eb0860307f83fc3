"""`gridcare import` end to end: a hand-written ledger, the real CLI, the real Neo4j."""

import csv
import json

import openpyxl
import pytest

NASTY = "O'Brien\"}) DETACH DELETE n //"

RESIDENTS = [
    ["居民编号", "姓名", "性别", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居", "党员", "健康状况"],
    ["A1", "王秀英", "女", "1941-05-03", "第1网格", "1号楼", "1单元", "101", "是", "否", "高血压"],
    ["A2", "李建国", "男", "1950/3/5", "1网格", "1栋", "1单元", "102", "否", "是", ""],
    ["A3", "张桂兰", "女", "1952年1月9日", "1", "1", "2", "201", "否", "否", ""],
    ["A4", NASTY, "M", "1990.07.01", "第2网格", "2号楼", "1单元", "301", "N", "Y", ""],
    ["A5", "刘凤霞", "女", "1958-09-12", "第2网格", "2号楼", "1单元", "302", "否", "是", ""],
]
LEADERS = [
    ["居民编号", "职务", "网格", "楼栋", "单元", "岗位"],
    ["A2", "网格长", "第1网格", "", "", "A"],
    ["A5", "楼栋长", "", "2号楼", "", "A"],
    ["A4", "单元长", "", "2号楼", "1单元", "B"],
]
CARE = [
    ["照护人编号", "被照护人编号", "类型", "开始日期", "结束日期"],
    ["A2", "A1", "包保", "2024-01-01", ""],
    ["A5", "A3", "邻居", "2023-01-01", "2024-01-01"],
]
VOLUNTEERS = [["居民编号", "队伍"], ["A4", "巡逻队"], ["A5", "法律援助队"]]


def write_csv_ledger(folder, sheets, encoding="utf-8-sig"):
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding=encoding) as f:
            csv.writer(f).writerows(rows)
    return folder


def write_xlsx_ledger(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def ledger_sheets():
    return {"residents": RESIDENTS, "leaders": LEADERS, "care": CARE, "volunteers": VOLUNTEERS}


def stats(gridcare, community):
    done = gridcare("stats", "--community", community, "--format", "json", check=True)
    return json.loads(done.stdout)


def snapshot(store, community):
    """Every node and relationship of a community with its properties, order-free."""
    records = store.read(
        "snapshot",
        "MATCH (n {community: $c}) OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN n.id AS n, properties(n) AS p, type(r) AS t, properties(r) AS rp, m.id AS m",
        c=community,
    )
    return sorted(json.dumps([r["n"], r["p"], r["t"], r["rp"], r["m"]], sort_keys=True, default=str) for r in records)


@pytest.mark.parametrize("form", ["csv-utf8", "csv-gb18030", "xlsx"])
def test_import_counts_and_is_idempotent(store, gridcare, community, tmp_path, form):
    if form == "xlsx":
        path = write_xlsx_ledger(tmp_path / "ledger.xlsx", ledger_sheets())
    else:
        path = write_csv_ledger(
            tmp_path / "ledger", ledger_sheets(), encoding="gb18030" if form == "csv-gb18030" else "utf-8-sig"
        )
    gridcare("import", path, "--community", community, check=True)
    s = stats(gridcare, community)
    assert (s["grids"], s["buildings"], s["units"], s["households"], s["residents"]) == (2, 2, 3, 5, 5)
    assert s["care_relationships"] == 2 and s["volunteer_teams"] == 2
    assert s["party_member_households"] == 3  # A2, A4 and A5, each in a household of their own
    assert s["leaders"] == {"grid": {"A": 1, "B": 0}, "building": {"A": 1, "B": 0}, "unit": {"A": 0, "B": 1}}

    before = snapshot(store, community)
    again = gridcare("import", path, "--community", community, check=True)
    assert "already up to date" in again.stdout
    assert snapshot(store, community) == before


def test_hostile_name_is_stored_verbatim(gridcare, driver, database, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", ledger_sheets())
    gridcare("import", path, "--community", community, check=True)
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c, residentId: 'A4'}) RETURN r.name AS name", c=community, database_=database
    )
    assert [r["name"] for r in records] == [NASTY]
    assert stats(gridcare, community)["residents"] == 5


def test_sensitive_data_kept_apart_and_not_echoed(gridcare, driver, database, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", ledger_sheets())
    done = gridcare("import", path, "--community", community, check=True)
    assert "高血压" not in done.stdout + done.stderr
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c, residentId: 'A1'}) "
        "OPTIONAL MATCH (r)-[:HAS_HEALTH_RECORD]->(h) RETURN properties(r) AS r, h.notes AS notes",
        c=community,
        database_=database,
    )
    assert records[0]["notes"] == "高血压"
    assert "高血压" not in json.dumps(records[0]["r"], default=str, ensure_ascii=False)


def test_one_bad_row_writes_nothing_and_names_the_row(gridcare, community, tmp_path):
    sheets = ledger_sheets()
    sheets["care"] = CARE + [["A9", "A1", "包保", "", ""]]
    path = write_csv_ledger(tmp_path / "ledger", sheets)
    done = gridcare("import", path, "--community", community)
    assert done.returncode == 1
    assert "care, row 4" in done.stderr and "A9" in done.stderr
    assert "nothing was written" in done.stderr
    listed = gridcare("stats", "--community", community)
    assert listed.returncode == 1 and "no community named" in listed.stderr


def test_skip_bad_rows_imports_the_rest(gridcare, community, tmp_path):
    sheets = ledger_sheets()
    sheets["residents"] = RESIDENTS + [["A6", "赵丽", "女", "1960-13-01", "1", "1", "1", "103", "", "", ""]]
    path = write_csv_ledger(tmp_path / "ledger", sheets)
    done = gridcare("import", path, "--community", community, "--skip-bad-rows", check=True)
    assert "residents, row 7" in done.stderr and "1960-13-01" in done.stderr
    rejected = [p for p in tmp_path.iterdir() if "rejected" in p.name]
    assert len(rejected) == 1 and "A6" in rejected[0].read_text(encoding="utf-8-sig")
    assert stats(gridcare, community)["residents"] == 5


def test_unreadable_path_is_a_clear_error(gridcare, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    done = gridcare("import", tmp_path / "notes.txt", "--community", "x")
    assert done.returncode == 1 and "notes.txt" in done.stderr


def test_reimport_does_not_bring_back_a_removed_resident(store, gridcare, driver, database, community, tmp_path):
    from datetime import date

    from graph import ids
    from graph.mutations import remove_resident

    path = write_csv_ledger(tmp_path / "ledger", ledger_sheets())
    gridcare("import", path, "--community", community, check=True)
    remove_resident(store, ids.resident_id(community, "A1"), reason="deceased", on=date(2026, 1, 5))
    gridcare("import", path, "--community", community, check=True)
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {id: $id}) RETURN r.status AS status",
        id=ids.resident_id(community, "A1"),
        database_=database,
    )
    assert [r["status"] for r in records] == ["deceased"]
    assert stats(gridcare, community)["residents"] == 4


def test_a_community_name_with_a_slash_is_refused(gridcare, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", ledger_sheets())
    done = gridcare("import", path, "--community", "长山/花园")
    assert done.returncode == 1 and "contains '/'" in done.stderr
