"""The ledger reader and validator, on small ledgers written in each test."""

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from loaders.errors import LoaderError
from loaders.ledger import LedgerError, read_ledger, write_rejected
from loaders.model import Care, LeaderPost, PartyGroupMembership, Resident, ServiceRole, VolunteerMembership
from tests.registers import national_id

C = "长山花园"
ZH = ["居民编号", "姓名", "性别", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居", "党员"]
EN = ["resident_id", "name", "gender", "birth_date", "grid", "building", "unit", "room", "lives_alone", "party_member"]
PEOPLE = [
    ["1001", "刘凤霞", "女", "1958-04-12", "第3网格", "5号楼", "2单元", "301", "否", "是"],
    ["1002", "王大爷", "男", "1940/1/5", "3网格", "5栋", "2", "302", "是", "否"],
    ["1003", "李奶奶", "F", "1938.11.30", "3", "5号", "1单元", "101", "Y", "N"],
    ["1004", "赵四", "male", "1975年6月1日", "4", "6", "1", "201", "", "1"],
]


LIU = national_id(date(1958, 4, 12), "F", 3)  # 刘凤霞's


def resident(rid, name, gender, born, grid, building, unit, room, alone, party, community=C, **more):
    return Resident(
        community, rid, name, born, grid, building, unit, room, gender, lives_alone=alone, party_member=party, **more
    )


PEOPLE_RECORDS = [
    resident("1001", "刘凤霞", "F", date(1958, 4, 12), "3", "5", "2", "301", False, True),
    resident("1002", "王大爷", "M", date(1940, 1, 5), "3", "5", "2", "302", True, False),
    resident("1003", "李奶奶", "F", date(1938, 11, 30), "3", "5", "1", "101", True, False),
    resident("1004", "赵四", "M", date(1975, 6, 1), "4", "6", "1", "201", False, True),
]


def write(folder: Path, name: str, rows, encoding="utf-8-sig") -> Path:
    folder.mkdir(exist_ok=True)
    lines = "".join(",".join(row) + "\r\n" for row in rows)
    (folder / name).write_bytes(lines.encode(encoding))
    return folder


def folder_with(tmp_path, **sheets) -> Path:
    """A CSV ledger: the 4 people (English headers, UTF-8 BOM) plus ``sheets``."""
    folder = write(tmp_path / "ledger", "residents.csv", [EN, *PEOPLE])
    for name, rows in sheets.items():
        write(folder, f"{name}.csv", rows)
    return folder


def found(ledger, sheet=None):
    """The problems as (sheet, row, column, value, severity), optionally of one sheet."""
    return [(p.sheet, p.row, p.column, p.value, p.severity) for p in ledger.problems if sheet in (None, p.sheet)]


def reasons(ledger, sheet):
    return {p.row: p.reason for p in ledger.problems if p.sheet == sheet}


# --- sources and encodings ---------------------------------------------------


def test_gb18030_csv_with_chinese_headers_and_file_names(tmp_path):
    folder = write(tmp_path / "台账", "居民.csv", [ZH, *PEOPLE], encoding="gb18030")
    write(folder, "包保.csv", [["照护人编号", "被照护人编号", "类型"], ["1001", "1002", "家属"]], "gb18030")
    ledger = read_ledger(folder, community=C)
    assert ledger.problems == []
    assert ledger.residents == PEOPLE_RECORDS
    assert ledger.care == [Care(C, "1001", "1002", "family")]
    assert ledger.rejected == {}


def test_utf8_with_and_without_bom(tmp_path):
    for encoding in ("utf-8-sig", "utf-8"):
        folder = write(tmp_path / encoding, "residents.csv", [EN, *PEOPLE], encoding)
        assert read_ledger(folder, C).residents == PEOPLE_RECORDS


def test_headers_any_order_case_and_spaces(tmp_path):
    order = [7, 0, 1, 3, 2, 4, 5, 6, 9, 8]
    header = [" Room ", "Resident ID", "NAME", "birth date", "性别", "网格", "楼栋", "单元", "party_member", "独居"]
    rows = [header] + [[p[i] for i in order] for p in PEOPLE]
    ledger = read_ledger(write(tmp_path / "l", "Residents.CSV", rows), C)
    assert ledger.problems == []
    assert ledger.residents == PEOPLE_RECORDS


def test_blank_rows_are_skipped_but_counted(tmp_path):
    bad = ["1005", "钱五", "男", "1950-13-01", "3", "5", "2", "303", "", ""]
    folder = write(tmp_path / "l", "residents.csv", [EN, PEOPLE[0], [], [""] * 10, bad])
    ledger = read_ledger(folder, C)
    assert found(ledger) == [("residents", 5, "birth_date", "1950-13-01", "error")]
    assert ledger.residents == PEOPLE_RECORDS[:1]


def test_xlsx_with_date_and_number_cells(tmp_path):
    book = openpyxl.Workbook()
    people = book.active
    people.title = "居民"
    people.append(["长山花园社区居民台账"])  # a title row above the header
    people.append(ZH + ["身份证号"])
    people.append([1001, "刘凤霞", "女", datetime(1958, 4, 12), 3, 5.0, 2, 301, False, True, LIU])
    people.append([])  # row 4 is empty
    people.append([1002.0, "王大爷", "男", "1940/1/5", "3网格", "5栋", 2, 302.0, 1, 0, None])
    people.append([1003, "李奶奶", "女", "1938-02-30", 3, 5, 1, 101, None, None, None])
    leaders = book.create_sheet("leaders")
    leaders.append(["resident_id", "role", "building"])
    leaders.append([1001, "楼栋长", 5])
    book.create_sheet("说明").append(["填写说明"])
    path = tmp_path / "book.xlsx"
    book.save(path)

    ledger = read_ledger(path, C)
    assert ledger.residents == [
        resident("1001", "刘凤霞", "F", date(1958, 4, 12), "3", "5", "2", "301", False, True, national_id=LIU),
        resident("1002", "王大爷", "M", date(1940, 1, 5), "3", "5", "2", "302", True, False),
    ]
    assert ledger.leaders == [LeaderPost(C, "1001", "building_leader", "3", "5", None, "A")]
    assert found(ledger) == [
        ("说明", None, None, None, "warning"),
        ("residents", 1, None, None, "warning"),
        ("residents", 6, "birth_date", "1938-02-30", "error"),
    ]
    assert ledger.rejected["residents"][0][0] == 6
    assert ledger.rejected["residents"][0][1]["居民编号"] == "1003"


# --- paths that cannot be read -----------------------------------------------


def test_unreadable_paths_raise_ledger_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip file")
    write(tmp_path / "nores", "care.csv", [["caregiver_id", "recipient_id"]])
    book = openpyxl.Workbook()
    book.active.title = "care"
    book.save(tmp_path / "nores.xlsx")
    for name, words in [
        ("missing", "no such"),
        ("notes.txt", "not an .xlsx"),
        ("broken.xlsx", "cannot read"),
        ("nores", "no residents"),
        ("nores.xlsx", "no residents"),
    ]:
        with pytest.raises(LedgerError, match=words) as error:
            read_ledger(tmp_path / name, C)
        assert str(tmp_path / name) in str(error.value)
        assert isinstance(error.value, LoaderError)


# --- headers and community ---------------------------------------------------


def test_unknown_column_is_a_warning(tmp_path):
    rows = [EN + ["备注", "wechat"]] + [p + ["", "x"] for p in PEOPLE]
    ledger = read_ledger(write(tmp_path / "l", "residents.csv", rows), C)
    assert found(ledger) == [
        ("residents", None, "备注", None, "warning"),
        ("residents", None, "wechat", None, "warning"),
    ]
    assert "unknown column" in ledger.problems[0].reason
    assert ledger.residents == PEOPLE_RECORDS


def test_missing_required_column_rejects_the_sheet(tmp_path):
    rows = [[h for h in ZH if h != "门牌号"]] + [p[:7] + p[8:] for p in PEOPLE]
    ledger = read_ledger(write(tmp_path / "l", "residents.csv", rows), C)
    assert found(ledger) == [("residents", None, "room", None, "error")]
    assert "门牌号" in ledger.problems[0].reason
    assert ledger.residents == []
    assert [n for n, _ in ledger.rejected["residents"]] == [2, 3, 4, 5]
    assert ledger.rejected["residents"][0][1] == dict(zip(rows[0], rows[1]))


def test_column_or_sheet_given_twice(tmp_path):
    folder = write(tmp_path / "l", "residents.csv", [EN + ["居民编号"], PEOPLE[0] + ["1001"]])
    write(folder, "居民.csv", [EN, PEOPLE[1]])
    ledger = read_ledger(folder, C)
    assert found(ledger) == [
        ("residents", None, None, "居民.csv", "error"),
        ("residents", None, "resident_id", "居民编号", "error"),
    ]
    assert "given twice" in ledger.problems[0].reason and "given twice" in ledger.problems[1].reason
    assert ledger.residents == [] and [n for n, _ in ledger.rejected["residents"]] == [2]


def test_community_from_column_allows_several_communities(tmp_path):
    rows = [EN + ["社区"]] + [PEOPLE[0] + ["长山花园"], PEOPLE[0] + ["团山"]]
    folder = write(tmp_path / "l", "residents.csv", rows)
    write(
        folder,
        "volunteers.csv",
        [["resident_id", "team", "community"], ["1001", "巡逻队", "团山"], ["1001", "巡逻队", "别处"]],
    )
    ledger = read_ledger(folder)
    assert [(r.community, r.resident_id) for r in ledger.residents] == [("长山花园", "1001"), ("团山", "1001")]
    assert ledger.communities == ["团山", "长山花园"]
    assert ledger.volunteers == [VolunteerMembership("团山", "1001", "巡逻队")]
    assert found(ledger) == [("volunteers", 3, "resident_id", "1001", "error")]


def test_community_argument_wins_over_column(tmp_path):
    rows = [EN + ["community"]] + [p + ["别处"] for p in PEOPLE]
    ledger = read_ledger(write(tmp_path / "l", "residents.csv", rows), community=C)
    assert ledger.residents == PEOPLE_RECORDS


def test_no_community_at_all(tmp_path):
    ledger = read_ledger(folder_with(tmp_path))
    assert found(ledger) == [("residents", None, "community", None, "error")]
    assert "--community" in ledger.problems[0].reason
    assert ledger.residents == [] and len(ledger.rejected["residents"]) == 4


def test_empty_community_cell(tmp_path):
    rows = [EN + ["社区"], PEOPLE[0] + [C], PEOPLE[1] + [""]]
    ledger = read_ledger(write(tmp_path / "l", "residents.csv", rows))
    assert found(ledger) == [("residents", 3, "community", None, "error")]


def test_other_sheets_take_the_only_community(tmp_path):
    rows = [EN + ["社区"], PEOPLE[0] + [C], PEOPLE[1] + [C]]
    folder = write(tmp_path / "l", "residents.csv", rows)
    write(folder, "care.csv", [["caregiver_id", "recipient_id"], ["1001", "1002"]])
    assert read_ledger(folder).care == [Care(C, "1001", "1002")]
    write(folder, "residents.csv", rows + [PEOPLE[2] + ["团山"]])
    ledger = read_ledger(folder)
    assert found(ledger) == [("care", None, "community", None, "error")]
    assert ledger.care == [] and ledger.rejected["care"] == [(2, {"caregiver_id": "1001", "recipient_id": "1002"})]


# --- residents -----------------------------------------------------------------


def test_resident_problems(tmp_path):
    header = ZH + ["健康状况", "身份证号"]
    ok = ["", ""]
    rows = [
        header,
        PEOPLE[0] + ["", LIU],  # 2
        ["1001", "重名", "女", "1960-01-01", "3", "5", "1", "401", "", ""] + ok,  # 3 duplicate id
        ["1005", "甲", "男", "1950-02-30", "3", "5", "1", "402", "", ""] + ok,  # 4 no such date
        ["1006", "乙", "男", "3/5/1950", "3", "5", "1", "403", "", ""] + ok,  # 5 not a date
        ["1007", "丙", "男", "1950-01-01", "4", "5号楼", "1", "404", "", ""] + ok,  # 6 building in 2 grids
        ["1008", "丁", "男", "2999-01-01", "3", "5", "1", "405", "", ""] + ok,  # 7 future
        ["1009", "", "男", "1950-01-01", "3", "5", "1", "406", "", ""] + ok,  # 8 no name
        ["1010", "戊", "未知", "1950-01-01", "3", "5", "1", "407", "", ""] + ok,  # 9 gender
        ["1011", "己", "女", "1950-01-01", "3", "5", "1", "408", "", ""] + ["高血压", "110105194912310021"],
        ["1012", "庚", "女", "1950-01-01", "3", "5", "1", "409", "也许", ""] + ok,  # 11 boolean
        ["1013", "辛", "女", "1950-01-01", "3", "号楼", "1", "410", "", ""] + ok,  # 12 building
        ["1014", "壬", "女", "1950-01-01", "", "5", "1", "411", "", ""] + ok,  # 13 no grid
    ]
    ledger = read_ledger(write(tmp_path / "l", "居民.csv", rows, "gb18030"), C)
    assert found(ledger) == [
        ("residents", 3, "resident_id", "1001", "error"),
        ("residents", 4, "birth_date", "1950-02-30", "error"),
        ("residents", 5, "birth_date", "3/5/1950", "error"),
        ("residents", 6, "building", "5", "error"),
        ("residents", 7, "birth_date", "2999-01-01", "error"),
        ("residents", 8, "name", None, "error"),
        ("residents", 9, "gender", "未知", "error"),
        ("residents", 10, "national_id", "**************0021", "error"),
        ("residents", 11, "lives_alone", "也许", "error"),
        ("residents", 12, "building", "号楼", "error"),
        ("residents", 13, "grid", None, "error"),
    ]
    why = reasons(ledger, "residents")
    assert "first at row 2" in why[3]
    assert "no such date" in why[4] and "not a date" in why[5]
    assert why[6] == "building 5 is in grid 3 at row 2"
    assert "future" in why[7] and "missing" in why[8] and "national id" in why[10]
    assert [r.resident_id for r in ledger.residents] == ["1001"]
    assert ledger.residents[0].national_id == LIU
    assert [n for n, _ in ledger.rejected["residents"]] == list(range(3, 14))
    assert ledger.rejected["residents"][7] == (10, dict(zip(header, rows[9])))
    assert not any("高血压" in str(p) or "1101051949123100" in str(p) or LIU[:14] in str(p) for p in ledger.problems)


def test_resident_ids_from_rejected_rows_are_unknown_elsewhere(tmp_path):
    bad = ["1005", "钱五", "男", "昨天", "3", "5", "2", "303", "", ""]
    folder = write(tmp_path / "l", "residents.csv", [EN, *PEOPLE, bad])
    write(folder, "volunteers.csv", [["resident_id", "team"], ["1005", "巡逻队"]])
    ledger = read_ledger(folder, C)
    assert found(ledger) == [
        ("residents", 6, "birth_date", "昨天", "error"),
        ("volunteers", 2, "resident_id", "1005", "error"),
    ]
    assert reasons(ledger, "volunteers")[2] == "unknown resident id"


# --- the other sheets ------------------------------------------------------------


def test_leaders(tmp_path):
    rows = [
        ["居民编号", "职务", "网格", "楼栋", "单元", "岗位"],
        ["1001", "楼栋长", "", "5号楼", "", ""],  # 2 ok, grid from the building
        ["1002", "unit leader", "", "5", "2", "B"],  # 3 ok
        ["1004", "网格长", "第4网格", "", "", ""],  # 4 ok
        ["1003", "单元长", "", "5", "", ""],  # 5 no unit
        ["1003", "building_leader", "", "9", "", ""],  # 6 no such building
        ["1003", "unit_leader", "", "5", "7", ""],  # 7 no such unit
        ["1003", "楼栋长", "", "5", "", "A"],  # 8 post A of building 5 taken
        ["9999", "网格长", "3", "", "", ""],  # 9 unknown resident
        ["1003", "grid_leader", "", "", "", ""],  # 10 no grid
        ["1003", "grid_leader", "8", "", "", ""],  # 11 no such grid
        ["1003", "楼栋长", "4", "5", "", "B"],  # 12 building 5 is in grid 3
        ["1003", "副主任", "", "5", "", ""],  # 13 unknown role
        ["1003", "楼栋长", "", "5", "", "C"],  # 14 bad post
        ["1003", "Building Leader", "3", "5栋", "", "b"],  # 15 ok: the B post
        ["1003", "单元长", "", "", "1", ""],  # 16 no building
    ]
    ledger = read_ledger(folder_with(tmp_path, leaders=rows), C)
    assert ledger.leaders == [
        LeaderPost(C, "1001", "building_leader", "3", "5", None, "A"),
        LeaderPost(C, "1002", "unit_leader", "3", "5", "2", "B"),
        LeaderPost(C, "1004", "grid_leader", "4", None, None, "A"),
        LeaderPost(C, "1003", "building_leader", "3", "5", None, "B"),
    ]
    assert found(ledger) == [
        ("leaders", 5, "unit", None, "error"),
        ("leaders", 6, "building", "9", "error"),
        ("leaders", 7, "unit", "7", "error"),
        ("leaders", 8, "post", "A", "error"),
        ("leaders", 9, "resident_id", "9999", "error"),
        ("leaders", 10, "grid", None, "error"),
        ("leaders", 11, "grid", "8", "error"),
        ("leaders", 12, "grid", "4", "error"),
        ("leaders", 13, "role", "副主任", "error"),
        ("leaders", 14, "post", "C", "error"),
        ("leaders", 16, "building", None, "error"),
    ]
    why = reasons(ledger, "leaders")
    assert why[5] == "a unit leader needs a unit"
    assert why[6] == "no such building"
    assert "no such unit" in why[7] and "row 2" in why[8]
    assert why[9] == "unknown resident id" and why[10] == "a grid leader needs a grid"
    assert why[11] == "no such grid" and why[12] == "building 5 is in grid 3"
    assert why[16] == "a unit leader needs a building"


def test_care(tmp_path):
    rows = [
        ["caregiver_id", "recipient_id", "kind", "since", "until"],
        ["1001", "1002", "", "2020-01-01", ""],  # 2 ok
        ["1001", "1003", "邻居", "", ""],  # 3 ok
        ["8888", "1002", "", "", ""],  # 4 unknown caregiver
        ["1001", "7777", "", "", ""],  # 5 unknown recipient
        ["1002", "1002", "", "", ""],  # 6 themselves
        ["1002", "1003", "family", "2024-05-01", "2024-04-30"],  # 7 ends before it starts
        ["1001", "1002", "包保", "", ""],  # 8 duplicate of row 2
        ["1001", "1004", "朋友", "", ""],  # 9 unknown kind
        ["1001", "1004", "Family", "2024.5.1", "2025年1月1日"],  # 10 ok
        ["1001", "1004", "family", "2024-05-01", "someday"],  # 11 bad date
    ]
    ledger = read_ledger(folder_with(tmp_path, care=rows), C)
    assert ledger.care == [
        Care(C, "1001", "1002", "responsibility", date(2020, 1, 1), None),
        Care(C, "1001", "1003", "neighbour"),
        Care(C, "1001", "1004", "family", date(2024, 5, 1), date(2025, 1, 1)),
    ]
    assert found(ledger) == [
        ("care", 4, "caregiver_id", "8888", "error"),
        ("care", 5, "recipient_id", "7777", "error"),
        ("care", 6, "recipient_id", "1002", "error"),
        ("care", 7, "until", "2024-04-30", "error"),
        ("care", 8, "kind", "responsibility", "error"),
        ("care", 9, "kind", "朋友", "error"),
        ("care", 11, "until", "someday", "error"),
    ]
    why = reasons(ledger, "care")
    assert why[4] == "unknown resident id" and "own caregiver" in why[6]
    assert "before" in why[7] and "first at row 2" in why[8]


def test_volunteers(tmp_path):
    rows = [
        ["居民编号", "队伍"],
        ["1001", "巡逻队"],
        ["1001", "巡逻队"],
        ["1002", ""],
        ["5555", "法律援助队"],
        ["1002", "法律援助队"],
    ]
    ledger = read_ledger(folder_with(tmp_path, volunteers=rows), C)
    assert ledger.volunteers == [VolunteerMembership(C, "1001", "巡逻队"), VolunteerMembership(C, "1002", "法律援助队")]
    assert found(ledger) == [
        ("volunteers", 3, "team", "巡逻队", "warning"),
        ("volunteers", 4, "team", None, "error"),
        ("volunteers", 5, "resident_id", "5555", "error"),
    ]
    assert [n for n, _ in ledger.rejected["volunteers"]] == [4, 5]


def test_service_roles(tmp_path):
    rows = [
        ["居民编号", "网格", "角色"],
        ["1001", "第3网格", "治安巡逻员"],
        ["1002", "3", "life adviser"],
        ["1002", "3网格", "Life-Adviser"],
        ["1003", "9", "dispute mediator"],
        ["1003", "3", "保安"],
        ["1004", "4", "culture & sports organiser"],
    ]
    ledger = read_ledger(folder_with(tmp_path, service_roles=rows), C)
    assert ledger.service_roles == [
        ServiceRole(C, "1001", "3", "security_patroller"),
        ServiceRole(C, "1002", "3", "life_adviser"),
        ServiceRole(C, "1004", "4", "culture_sports_organiser"),
    ]
    assert found(ledger) == [
        ("service_roles", 4, "role", "life_adviser", "warning"),
        ("service_roles", 5, "grid", "9", "error"),
        ("service_roles", 6, "role", "保安", "error"),
    ]
    assert reasons(ledger, "service_roles")[5] == "no such grid"


def test_party_groups(tmp_path):
    rows = [
        ["resident_id", "party_group", "building"],
        ["1001", "五号楼党小组", "5"],  # 2 ok
        ["1004", "五号楼党小组", "6栋"],  # 3 group already in building 5
        ["1002", "五号楼党小组", "5"],  # 4 not a Party member
        ["1004", "六号楼党小组", "6"],  # 5 ok
        ["1001", "某党小组", "99"],
    ]  # 6 no such building
    ledger = read_ledger(folder_with(tmp_path, party_groups=rows), C)
    assert ledger.party_groups == [
        PartyGroupMembership(C, "1001", "五号楼党小组", "5"),
        PartyGroupMembership(C, "1004", "六号楼党小组", "6"),
    ]
    assert found(ledger) == [
        ("party_groups", 3, "building", "6", "error"),
        ("party_groups", 4, "resident_id", "1002", "error"),
        ("party_groups", 6, "building", "99", "error"),
    ]
    why = reasons(ledger, "party_groups")
    assert "building 5" in why[3] and why[4] == "not a Party member" and why[6] == "no such building"


# --- rejected rows -------------------------------------------------------------


def read_report(path: Path):
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_write_rejected_beside_a_folder(tmp_path):
    header = EN + ["health_notes", "national_id"]
    rows = [header, PEOPLE[0] + ["", ""], ["1005", "刘凤霞", "?"] + PEOPLE[0][3:] + ["高血压", "110105194912310021"]]
    folder = write(tmp_path / "ledger", "residents.csv", rows)
    write(folder, "care.csv", [["caregiver_id", "recipient_id"], ["1001", "8888"]])
    write(folder, "volunteers.csv", [["resident_id"], ["1001"]])  # no team column
    ledger = read_ledger(folder, C)
    path = write_rejected(ledger, folder)
    assert path == tmp_path / "ledger.rejected.csv"
    report = read_report(path)
    assert report[0] == ["表 sheet", "行 row", "列 column", "原因 reason", "原始内容 cells"]
    assert report[1][:3] == ["居民 residents", "3", "gender, national_id"]
    assert report[1][3].startswith("gender: unknown gender")
    assert "'?'; national_id: not a valid national id" in report[1][3]
    assert report[1][3].endswith("'**************0021'")
    assert report[1][4].startswith("resident_id=1005 | name=刘凤霞 | gender=? | birth_date=1958-04-12")
    assert report[1][4].endswith("health_notes=*** | national_id=**************0021")
    assert report[2] == [
        "包保 care",
        "2",
        "recipient_id",
        "recipient_id: unknown resident id '8888'",
        "caregiver_id=1001 | recipient_id=8888",
    ]
    assert report[3][:3] == ["志愿者 volunteers", "2", "team"]
    assert "required column 队伍 | team is missing" in report[3][3]
    assert len(report) == 4
    assert "高血压" not in path.read_text(encoding="utf-8-sig")


def test_write_rejected_beside_a_workbook(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "residents"
    book.active.append(EN)
    book.active.append(PEOPLE[0])
    book.save(tmp_path / "book.xlsx")
    ledger = read_ledger(tmp_path / "book.xlsx", C)
    path = write_rejected(ledger, tmp_path / "book.xlsx")
    assert path == tmp_path / "book.rejected.csv"
    assert read_report(path) == [["表 sheet", "行 row", "列 column", "原因 reason", "原始内容 cells"]]


# --- scale (speed itself is measured by bench/import_bench.py) -----------------


def test_a_large_ledger_reads_whole(tmp_path):
    n = 30_000
    people = [
        [
            f"R{i}",
            "张三",
            "男",
            "1950/3/5",
            f"第{i // 1400}网格",
            f"{i // 700}号楼",
            f"{i % 6 + 1}单元",
            "301",
            "否",
            "是",
        ]
        for i in range(n)
    ]
    folder = write(tmp_path / "big", "residents.csv", [ZH, *people])
    write(folder, "care.csv", [["caregiver_id", "recipient_id"]] + [[f"R{i}", f"R{i + 1}"] for i in range(n - 1)])
    ledger = read_ledger(folder, C)
    assert ledger.problems == [] and len(ledger.residents) == n and len(ledger.care) == n - 1
