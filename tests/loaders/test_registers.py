"""The reader on registers as offices keep them: sheets named after buildings, identity from the national id,
merged cells, two-row headers, footers, one person in two sheets, residents named by their id in other sheets."""

from datetime import date

import pytest

from loaders.columns import parse_mapping
from loaders.identity import derived_key
from loaders.ledger import read_ledger, write_rejected
from loaders.parse import national_id_is_valid
from tests.registers import FOOTER, Sheet, national_id, write_register

C = "长山花园"


def hasher(value: str) -> str:
    return "k" + value[::-1]


def read(path, **options):
    return read_ledger(path, C, hash_national_id=hasher, **options)


def problems(ledger, severity="error"):
    return [(p.sheet, p.row, p.column, p.value) for p in ledger.problems if p.severity == severity]


WANG = national_id(date(1941, 5, 3), "F", 1)
LI = national_id(date(1950, 3, 5), "M", 2)
ZHANG = national_id(date(1985, 11, 20), "M", 3)
ZHAO = national_id(date(1938, 2, 14), "F", 4)
ANOTHER = national_id(date(1941, 5, 3), "F", 5)
HEADER = ["序号", "网格", "姓名", "身份证号", "家庭住址", "政治面貌"]


def test_merged_grid_cells_and_blank_rows_of_the_form(tmp_path):
    rows = [
        ["长山花园社区5号楼居民信息台账"],
        HEADER,
        [1, "第三网格", "王秀英", WANG, "5栋1单元101室", "群众"],
        [2, None, "李建国", LI, "1单元102", "中共党员"],
        [3, None, "张志强", ZHANG, "5-2-201", ""],
        [4, None],  # numbered, merged grid, nothing else: a blank row of the form
        [5],
        [],
        FOOTER,
    ]
    path = write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows, ["A1:F1", "B3:B6"])])
    ledger = read(path)
    assert problems(ledger) == []
    assert [(r.name, r.grid, r.building, r.unit, r.room, r.party_member) for r in ledger.residents] == [
        ("王秀英", "3", "5", "1", "101", False),
        ("李建国", "3", "5", "1", "102", True),
        ("张志强", "3", "5", "2", "201", False),
    ]
    assert [(r.resident_id, r.birth_date, r.gender) for r in ledger.residents][0] == (
        derived_key(hasher, WANG),
        date(1941, 5, 3),
        "F",
    )
    [reading] = ledger.readings
    assert (reading.rows, reading.accepted, reading.blank, reading.footer) == (3, 3, 2, [9])
    assert reading.building == "5" and reading.header_row == 2 and reading.title_rows == [1]
    assert problems(ledger, "warning") == [("5号楼", None, None, None)]  # the footer, once


def test_a_header_over_two_rows(tmp_path):
    rows = [
        ["序号", "姓名", "身份证号", "住址", None, None, "网格"],
        [None, None, None, "楼号", "单元", "室号", None],
        [1, "王秀英", WANG, "5号楼", "1单元", "101室", "3"],
        [2, "李建国", LI, "5", "1", "102", "3"],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2"]
    path = write_register(tmp_path / "r.xlsx", [Sheet("Sheet1", rows, merges)])
    ledger = read(path)
    assert problems(ledger) == []
    assert [(r.building, r.unit, r.room) for r in ledger.residents] == [("5", "1", "101"), ("5", "1", "102")]
    assert [c.header for c in ledger.readings[0].columns] == [
        "序号",
        "姓名",
        "身份证号",
        "楼号",
        "单元",
        "室号",
        "网格",
    ]


def test_a_header_over_two_rows_with_its_cells_merged_down_is_no_title(tmp_path):
    rows = [
        ["长山花园社区居民信息台账"],
        ["序号", "姓名", "身份证号", "地址", None, None, "网格"],
        [None, None, None, "楼栋", "单元", "门牌", None],
        [1, "王秀英", WANG, "5号楼", "1单元", "101室", "3"],
    ]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:F2", "G2:G3"]
    path = write_register(tmp_path / "r.xlsx", [Sheet("residents", rows, merges)])
    ledger = read(path)
    assert problems(ledger) == [] and [r.room for r in ledger.residents] == ["101"]
    assert problems(ledger, "warning") == [("residents", 1, None, None)]  # the title, not the header's upper row
    assert (ledger.readings[0].header_row, ledger.readings[0].title_rows) == (2, [1])


def test_one_person_in_two_sheets_is_one_resident(tmp_path):
    building = [
        HEADER,
        [1, "第三网格", "王秀英", WANG, "5栋1单元101", ""],
        [2, "第三网格", "李建国", LI, "5-1-102", "群众"],
    ]
    members = [["姓名", "身份证号", "政治面貌"], ["王秀英", WANG, "中共党员"]]
    path = write_register(tmp_path / "r.xlsx", [Sheet("5号楼", building), Sheet("党员名册", members)])
    ledger = read(path)
    assert problems(ledger) == []
    assert [(r.name, r.party_member) for r in ledger.residents] == [("王秀英", True), ("李建国", False)]
    assert ledger.merged == 1


def test_two_homes_for_one_person_and_a_person_with_no_home_are_errors(tmp_path):
    five = [HEADER, [1, "第三网格", "王秀英", WANG, "5栋1单元101", ""]]
    seven = [HEADER, [1, "第四网格", "王秀英", WANG, "7栋1单元101", ""]]
    members = [["姓名", "身份证号", "政治面貌"], ["赵桂兰", ZHAO, "中共党员"], ["王秀英", WANG, "中共党员"]]
    sheets = [Sheet("5号楼", five), Sheet("7号楼", seven), Sheet("党员", members)]
    ledger = read(write_register(tmp_path / "r.xlsx", sheets))
    assert problems(ledger) == [("7号楼", 2, "address", None), ("党员", 2, "address", None)]
    reasons = [p.reason for p in ledger.errors]
    assert "lives at 5-1-101 (网格 3) at 5号楼 row 2" in reasons[0]
    assert "has none in another sheet" in reasons[1]
    assert [r.name for r in ledger.residents] == ["王秀英"] and ledger.residents[0].party_member
    assert sorted(ledger.rejected) == ["7号楼", "党员"]


def test_identity_problems_are_named_without_the_id(tmp_path):
    rows = [
        ["姓名", "性别", "身份证号", "出生年月", "住址", "网格"],
        ["王秀英", "女", WANG, "1941.05", "5-1-101", "3"],  # agrees
        ["李建国", "女", LI, "1950.03", "5-1-102", "3"],  # gender contradicts
        ["张志强", "男", ZHANG, "1986.11", "5-1-201", "3"],  # birth month contradicts
        ["赵桂兰", "女", "", "1938.02", "5-1-202", "3"],  # no id, and a month without a day
        ["无名", "男", "", "1938-02-14", "5-1-301", "3"],  # neither id
    ]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]))
    assert problems(ledger) == [
        ("5号楼", 3, "gender", "女"),
        ("5号楼", 4, "birth_date", "1986-11"),
        ("5号楼", 5, "resident_id", None),  # no 居民编号 and no 身份证号
        ("5号楼", 5, "birth_date", "1938-02"),  # and no day
        ("5号楼", 6, "resident_id", None),
    ]
    assert all("身份证号 | national_id" in p.reason for p in ledger.errors[:2])
    text = " ".join(str(p) for p in ledger.problems)
    assert not any(nid[6:14] in text for nid in (WANG, LI, ZHANG))
    assert [r.name for r in ledger.residents] == ["王秀英"]


def test_a_birth_date_cell_must_agree_with_the_id(tmp_path):
    rows = [["姓名", "身份证号", "出生日期", "住址", "网格"], ["王秀英", WANG, date(1941, 5, 4), "5-1-101", "3"]]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]))
    assert problems(ledger) == [("5号楼", 2, "birth_date", "1941-05-04")]


def test_the_sheet_gives_the_building_and_contradicts_an_address(tmp_path):
    rows = [["姓名", "身份证号", "住址", "网格"], ["王秀英", WANG, "1单元101", "3"], ["李建国", LI, "7栋1单元102", "3"]]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]))
    assert problems(ledger) == [("5号楼", 3, "address", "7栋1单元102")]
    assert "the sheet 5号楼 is building 5" in ledger.errors[0].reason
    assert [(r.building, r.unit) for r in ledger.residents] == [("5", "1")]


def test_without_the_key_no_resident_id_is_derived(tmp_path):
    rows = [["姓名", "身份证号", "住址", "网格"], ["王秀英", WANG, "5-1-101", "3"]]
    ledger = read_ledger(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]), C)
    assert problems(ledger) == [("5号楼", 2, "resident_id", None)]


def test_other_sheets_name_residents_by_their_id(tmp_path):
    people = [HEADER, [1, "第三网格", "王秀英", WANG, "5栋1单元101", ""], [2, "第三网格", "李建国", LI, "5-1-102", ""]]
    leaders = [
        ["姓名", "身份证号", "职务", "楼栋"],
        ["李建国", LI, "楼栋长", "5号楼"],
        ["张志强", ZHANG, "单元长", "5"],
    ]
    care = [["照护人身份证号", "被照护人身份证号", "类型"], [LI, WANG, "包保"]]
    sheets = [Sheet("5号楼", people), Sheet("职务", leaders), Sheet("包保", care)]
    ledger = read(write_register(tmp_path / "r.xlsx", sheets))
    assert problems(ledger) == [("leaders", 3, "national_id", "*" * 14 + ZHANG[-4:])]
    assert [(x.resident_id, x.role) for x in ledger.leaders] == [(derived_key(hasher, LI), "building_leader")]
    assert [(x.caregiver_id, x.recipient_id) for x in ledger.care] == [
        (derived_key(hasher, LI), derived_key(hasher, WANG))
    ]


def test_a_mapped_header_and_the_rejected_rows_never_show_an_id(tmp_path):
    rows = [
        ["姓名", "证件", "楼房", "网格", "备用号码"],
        ["王秀英", WANG, "5-1-101", "3", LI],
        ["李建国", LI, "5栋", "3", WANG],
    ]
    path = write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)])
    ledger = read(path, mapping=parse_mapping(["证件=national_id", "楼房=address"]))
    assert problems(ledger) == [("5号楼", 3, "address", "5栋")]
    report = write_rejected(ledger, path).read_text(encoding="utf-8-sig")
    assert WANG not in report and LI not in report and LI[6:14] not in report
    assert f"证件={'*' * 14}{LI[-4:]}" in report and f"备用号码={'*' * 14}{WANG[-4:]}" in report


@pytest.mark.parametrize(
    ("item", "message"),
    [("家庭住址", "HEADER=COLUMN"), ("=address", "HEADER=COLUMN"), ("家庭住址=楼房", "no column named '楼房'")],
)
def test_bad_mappings(item, message):
    with pytest.raises(ValueError, match=message):
        parse_mapping([item])


def test_a_sheet_that_is_no_register_is_ignored(tmp_path):
    rows = [HEADER, [1, "第三网格", "王秀英", WANG, "5栋1单元101", ""]]
    notes = [["填表说明"], ["姓名", "身份证号"]]  # names two columns: not a register
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows), Sheet("说明", notes)]))
    assert [r.sheet for r in ledger.readings] == ["5号楼"]
    assert problems(ledger, "warning") == [("说明", None, None, None)]


def test_a_footer_in_the_middle_does_not_swallow_the_data_after_it(tmp_path):
    rows = [
        HEADER,
        [1, "3", "王秀英", WANG, "5栋1单元101", ""],
        ["小计：1户"],
        [2, "3", "李建国", LI, "5栋1单元102", ""],
        [],
        ["填表人：王丽"],
        ["2024年3月5日"],
    ]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]))
    assert problems(ledger) == []
    assert [r.name for r in ledger.residents] == ["王秀英", "李建国"]
    assert ledger.readings[0].footer == [3, 6, 7]


def test_the_services_sheet_names_residents_by_their_id(tmp_path):
    people = [HEADER, [1, "第三网格", "王秀英", WANG, "5栋1单元101", ""], [2, "第三网格", "李建国", LI, "5-1-102", ""]]
    services = [
        ["服务日期", "身份证号", "服务类型", "服务人身份证号", "时长分钟"],
        ["2025-10-08 09:30", WANG, "理发", LI, "30"],
        ["2025-10-09", f"{LI[:6]} {LI[6:].lower()}", "送餐", "", ""],
        ["2025-10-10", ZHANG, "理发", "", ""],  # nobody's id
        ["2025-10-11", "", "理发", "", ""],  # nobody named
    ]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", people), Sheet("服务记录", services)]))
    assert problems(ledger) == [
        ("services", 4, "national_id", "*" * 14 + ZHANG[-4:]),
        ("services", 5, "resident_id", None),
    ]
    assert [(s.resident_id, s.kind, s.provider_id) for s in ledger.services] == [
        (derived_key(hasher, WANG), "haircut", derived_key(hasher, LI)),
        (derived_key(hasher, LI), "meals", None),
    ]


def test_an_id_stored_as_a_number_is_refused_never_read_as_another_id(tmp_path):
    """Excel keeps 15 digits of a number: an id typed into a number cell comes back as 2.20104194803050E+17,
    whose digits would make another id, sometimes with a valid checksum (as this one: born a day earlier)."""
    nid = "220104194803050010"  # its float's digits, 220104194803049984, pass the checksum
    as_excel = float(f"{float(nid):.14e}")  # the 15 digits Excel keeps
    seen = str(int(as_excel))
    assert national_id_is_valid(nid) and national_id_is_valid(seen) and seen != nid
    rows = [
        ["姓名", "身份证号", "住址", "网格", "原证件号"],
        ["王秀英", as_excel, "5-1-101", "3", "2.20104E+17"],  # as an Excel CSV export writes it, unknown column
        ["李建国", "220104480305123", "5-1-102", "3"],  # a first-generation id of 15 digits
        ["张志强", ZHANG, "5-1-201", "3"],
    ]
    path = write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)])
    ledger = read(path)
    assert problems(ledger) == [
        ("5号楼", 2, "national_id", "*" * 16 + "E+17"),
        ("5号楼", 3, "national_id", "*" * 11 + "5123"),
    ]
    assert "stored as a number" in ledger.errors[0].reason and "文本" in ledger.errors[0].reason
    assert "15-digit" in ledger.errors[1].reason
    assert [r.name for r in ledger.residents] == ["张志强"]
    report = write_rejected(ledger, path).read_text(encoding="utf-8-sig")
    assert "220104194803" not in report and "2.201041948" not in report and "2.20104E" not in report


def test_birth_dates_lives_alone_and_grids_as_registers_write_them(tmp_path):
    rows = [
        ["网格", "姓名", "身份证号", "性别", "出生日期", "住址", "是否独居"],
        ["网格3", "王秀英", WANG, "女性", "19410503", "5-1-101", "独居"],
        ["三", "李建国", LI, "男性", 19500305, "5-1-102", "√"],
        ["3网格", "张志强", ZHANG, "男", "1985.11.20", "5-1-201", "非独居"],
        ["第3网格", "赵桂兰", ZHAO, "女", date(1938, 2, 14), "5-1-202", ""],
        ["3", "李秀兰", ANOTHER, "", "1941.05", "5-1-301", "空巢"],  # a 出生日期 of a year and a month
    ]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows)]))
    assert problems(ledger) == []
    assert [(r.grid, r.birth_date, r.lives_alone) for r in ledger.residents] == [
        ("3", date(1941, 5, 3), True),
        ("3", date(1950, 3, 5), True),
        ("3", date(1985, 11, 20), False),
        ("3", date(1938, 2, 14), False),
        ("3", date(1941, 5, 3), False),
    ]
    wrong = [
        ["姓名", "身份证号", "出生日期", "住址", "网格"],
        ["王秀英", WANG, "19410504", "5-1-101", "3"],
        ["李建国", LI, "1950.04", "5-1-102", "3"],
        ["张志强", "", "1985.11", "5-1-201", "3"],  # no id: a month is no birth date
    ]
    ledger = read(write_register(tmp_path / "w.xlsx", [Sheet("5号楼", wrong)]))
    assert problems(ledger) == [
        ("5号楼", 2, "birth_date", "1941-05-04"),
        ("5号楼", 3, "birth_date", "1950-04"),
        ("5号楼", 4, "resident_id", None),
        ("5号楼", 4, "birth_date", "1985-11"),
    ]


def test_the_header_repeated_atop_each_printed_page_is_skipped(tmp_path):
    header = ["序号", "姓名", "身份证号", "住址", None, None, "网格"]
    lower = [None, None, None, "楼栋", "单元", "门牌", None]
    rows = [
        header,
        lower,
        [1, "王秀英", WANG, "5号楼", "1单元", "101", "3"],
        header,  # page 2
        lower,
        [2, "李建国", LI, "5号楼", "1单元", "102", "3"],
        ["姓名", "李建国", ZHANG, "5号楼", "1单元", "201", "3"],  # a person, however odd: read, not skipped
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2", "A4:A5", "B4:B5", "C4:C5", "D4:F4", "G4:G5"]
    ledger = read(write_register(tmp_path / "r.xlsx", [Sheet("5号楼", rows, merges)]))
    assert problems(ledger) == []
    assert [r.room for r in ledger.residents] == ["101", "102", "201"]
    assert ledger.readings[0].repeated == [4, 5]
