"""The optional residents column 照护能力 | care_capacity (a gridcare extension)."""

import openpyxl

from graph.imports.cypher import RESIDENTS
from loaders.ledger import read_ledger
from loaders.writer import plan_import

C = "长山花园"
HEAD = ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号", "照护能力"]


def person(rid, capacity):
    return [rid, f"居民{rid}", "1970-01-01", "1", "1", "1", f"10{rid}", capacity]


def write_csv(tmp_path, rows):
    folder = tmp_path / "ledger"
    folder.mkdir()
    text = "".join(",".join(row) + "\r\n" for row in rows)
    (folder / "residents.csv").write_bytes(text.encode("utf-8-sig"))
    return folder


def test_capacity_is_read_in_its_spellings(tmp_path):
    rows = [HEAD, person("1", "3"), person("2", "0"), person("3", ""), person("4", "２人"), person("5", " 12 ")]
    ledger = read_ledger(write_csv(tmp_path, rows), C)
    assert ledger.problems == []
    assert [(r.resident_id, r.care_capacity) for r in ledger.residents] == [
        ("1", 3),
        ("2", 0),
        ("3", None),
        ("4", 2),
        ("5", 12),
    ]


def test_english_header_and_absent_column(tmp_path):
    english = [
        ["resident_id", "name", "birth_date", "grid", "building", "unit", "room", "care_capacity"],
        person("1", "4"),
    ]
    assert read_ledger(write_csv(tmp_path, english), C).residents[0].care_capacity == 4
    without = [HEAD[:-1], person("2", "")[:-1]]
    (tmp_path / "other").mkdir()
    folder = write_csv(tmp_path / "other", without)
    assert read_ledger(folder, C).residents[0].care_capacity is None


def test_bad_capacity_is_an_error_of_its_row(tmp_path):
    rows = [HEAD, person("1", "3"), person("2", "-1"), person("3", "2.5"), person("4", "很多")]
    ledger = read_ledger(write_csv(tmp_path, rows), C)
    assert [(p.sheet, p.row, p.column, p.value, p.severity) for p in ledger.problems] == [
        ("residents", 3, "care_capacity", "-1", "error"),
        ("residents", 4, "care_capacity", "2.5", "error"),
        ("residents", 5, "care_capacity", "很多", "error"),
    ]
    assert all("whole number" in p.reason for p in ledger.problems)
    assert [r.resident_id for r in ledger.residents] == ["1"]


def test_xlsx_number_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "居民"
    book.active.append(HEAD)
    book.active.append(["1", "甲", "1970-01-01", 1, 1, 1, 101, 5.0])
    book.save(tmp_path / "book.xlsx")
    assert read_ledger(tmp_path / "book.xlsx", C).residents[0].care_capacity == 5


def test_writer_stores_it_as_care_capacity_and_never_clears_one(tmp_path):
    ledger = read_ledger(write_csv(tmp_path, [HEAD, person("1", "3"), person("2", "")]), C)
    plan = plan_import(ledger, hash_national_id=str)
    [rows] = [rows for statement, rows in plan[C] if statement == RESIDENTS]
    assert [r["props"].get("careCapacity", "absent") for r in rows] == [3, "absent"]
