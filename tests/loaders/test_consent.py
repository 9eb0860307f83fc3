"""The optional consent columns of the residents sheet (a gridcare extension): parsing, the
consent/notes rule, and what the writer plans from them."""

from graph.imports.cypher import HEALTH_CONSENT_WITHDRAWN, HEALTH_RECORDS, RESIDENTS
from loaders.ledger import read_ledger, write_rejected
from loaders.writer import plan_import

C = "长山花园"
HEAD = [
    "居民编号",
    "姓名",
    "出生日期",
    "网格",
    "楼栋",
    "单元",
    "门牌号",
    "健康状况",
    "健康信息同意",
    "二维码显示联系人",
    "二维码显示健康",
    "二维码显示住址",
]
EN = [
    "resident_id",
    "name",
    "birth_date",
    "grid",
    "building",
    "unit",
    "room",
    "health_notes",
    "health_consent",
    "qr_show_contact",
    "qr_show_medical",
    "qr_show_address",
]
FLAGS = ("health_consent", "qr_show_contact", "qr_show_medical", "qr_show_address")


def person(rid, notes="", *flags):
    flags = list(flags) + [""] * (4 - len(flags))
    return [rid, f"居民{rid}", "1950-01-01", "1", "1", "1", f"10{rid}", notes, *flags]


def write_csv(tmp_path, rows, name="ledger"):
    folder = tmp_path / name
    folder.mkdir()
    text = "".join(",".join(row) + "\r\n" for row in rows)
    (folder / "residents.csv").write_bytes(text.encode("utf-8-sig"))
    return folder


def flags(ledger):
    return [(r.resident_id, *(getattr(r, f) for f in FLAGS)) for r in ledger.residents]


def test_flags_read_as_booleans_and_an_empty_cell_is_not_stated(tmp_path):
    rows = [
        HEAD,
        person("1", "高血压", "是", "否", "Y", "1"),
        person("2", "", "否", "yes", "N", "false"),
        person("3", "糖尿病", "", "", "", ""),
        person("4", "", "TRUE", "0", "是", ""),
    ]
    ledger = read_ledger(write_csv(tmp_path, rows), C)
    assert ledger.problems == []
    assert flags(ledger) == [
        ("1", True, False, True, True),
        ("2", False, True, False, False),
        ("3", None, None, None, None),
        ("4", True, False, True, None),
    ]


def test_english_headers_and_absent_columns(tmp_path):
    english = read_ledger(write_csv(tmp_path, [EN, person("1", "", "yes", "no", "yes", "no")]), C)
    assert flags(english) == [("1", True, False, True, False)]
    without = read_ledger(write_csv(tmp_path, [HEAD[:8], person("2", "高血压")[:8]], "old"), C)
    assert without.problems == [] and flags(without) == [("2", None, None, None, None)]
    assert without.residents[0].health_notes == "高血压"  # notes without a consent column: as before


def test_a_bad_flag_is_an_error_of_its_column(tmp_path):
    ledger = read_ledger(write_csv(tmp_path, [HEAD, person("1", "", "maybe"), person("2", "", "", "", "", "不")]), C)
    assert [(p.sheet, p.row, p.column, p.value, p.severity) for p in ledger.problems] == [
        ("residents", 2, "health_consent", "maybe", "error"),
        ("residents", 3, "qr_show_address", "不", "error"),
    ]
    assert all("yes/no" in p.reason for p in ledger.problems) and ledger.residents == []


def test_notes_with_consent_withheld_are_a_row_error_that_never_quotes_them(tmp_path):
    rows = [HEAD, person("1", "高血压", "是"), person("2", "阿尔茨海默病", "否"), person("3", "", "否")]
    path = write_csv(tmp_path, rows)
    ledger = read_ledger(path, C)
    [problem] = ledger.problems
    assert (problem.sheet, problem.row, problem.column, problem.value, problem.severity) == (
        "residents",
        3,
        "health_notes",
        None,
        "error",
    )
    assert "consent" in problem.reason and "阿尔茨海默" not in str(problem)
    assert [r.resident_id for r in ledger.residents] == ["1", "3"]
    report = write_rejected(ledger, path).read_text(encoding="utf-8-sig")
    assert "居民2" in report and "阿尔茨海默" not in report


def test_the_writer_sets_stated_flags_only_and_withdraws_notes(tmp_path):
    rows = [HEAD, person("1", "高血压", "是", "否"), person("2", "", "否"), person("3", "糖尿病")]
    plan = plan_import(read_ledger(write_csv(tmp_path, rows), C), hash_national_id=str)
    steps = dict(plan[C])
    consents = [{k: v for k, v in row["props"].items() if k.startswith(("health", "qr"))} for row in steps[RESIDENTS]]
    assert consents == [{"healthConsent": True, "qrShowContact": False}, {"healthConsent": False}, {}]
    assert [row["resident"] for row in steps[HEALTH_CONSENT_WITHDRAWN]] == [f"{C}/r/2"]
    assert [row["resident"] for row in steps[HEALTH_RECORDS]] == [f"{C}/r/1", f"{C}/r/3"]
