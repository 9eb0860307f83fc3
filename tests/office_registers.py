"""Registers (居民信息台账) as different community offices make them, built in code for the import's tests.

Each office has its own habits, all seen in real registers: title rows (社区名称, 制表日期), a header over two
rows with 地址 merged over 楼栋/单元/门牌, a 序号 column, grid and building cells merged down many rows, grids
written 第三网格 / 3网格 / 三 / 网格3, one address column in mixed forms, national ids with a check character
X (or x), spaces inside them, genders 男/女/男性, birth dates 1948.3.5, 1948年3月5日, 19480305 or Excel dates,
政治面貌 and 是否独居 in their everyday values, landlines and mobiles, a 备注 and a hidden column, an empty
sheet and a sheet of totals (汇总) that lists no residents, and footers (填表人, 合计, a note after a blank
row). The people are this module's own, and so are the counts a register should import as: they are
computed from the people (`expected`), never from the importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
CN = "〇一二三四五六七八九"


def check_character(body: str) -> str:
    """The GB 11643 check character of the first 17 digits of an id."""
    return _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def make_id(born: date, gender: str, number: int, *, want_x: bool = False) -> str:
    """An 18-character id for a birth date and gender; ``number`` (0–49) keeps ids of people born the same day
    apart. With ``want_x`` the sequence is chosen so that the check character is X."""
    for tries in range(200):
        sequence = (number * 10 + tries * 500) % 1000 if not want_x else (number * 10 + tries) % 1000
        sequence = sequence - sequence % 2 + (1 if gender == "M" else 0)  # the 17th digit: odd for men
        body = f"220104{born:%Y%m%d}{sequence:03d}"
        if not want_x or check_character(body) == "X":
            return body + check_character(body)
    raise AssertionError("no sequence gives the check character X")


@dataclass
class Person:
    name: str
    born: date
    gender: str  # "M" | "F"
    grid: int
    building: int
    unit: int
    room: str
    member: bool = False
    alone: bool = False
    number: int = 0
    x: bool = False  # an id whose check character is X

    @property
    def id(self) -> str:
        return make_id(self.born, self.gender, self.number, want_x=self.x)


def expected(people: list[Person], day: date) -> dict[str, int]:
    """What a register of ``people`` holds, counted here: residents, households (flats), buildings, units,
    grids, households with a Party member, elders (60 or older on ``day``)."""
    flats = {(p.building, p.unit, p.room) for p in people}
    elder_born = date(day.year - 60, day.month, day.day)
    return {
        "residents": len(people),
        "households": len(flats),
        "buildings": len({p.building for p in people}),
        "units": len({(p.building, p.unit) for p in people}),
        "grids": len({p.grid for p in people}),
        "party_member_households": len({(p.building, p.unit, p.room) for p in people if p.member}),
        "elders": sum(p.born <= elder_born for p in people),
    }


NAMES = [
    "王秀英", "李桂兰", "张建国", "刘凤霞", "陈志强", "杨淑珍", "赵玉兰", "黄国庆", "周海燕", "吴德才",
    "徐丽娟", "孙永明", "马春花", "朱文革", "胡振华", "郭秀云", "何宝山", "高翠萍", "林卫东", "罗金凤",
]  # fmt: skip


def residents(buildings: list[tuple[int, int, int]], seed: int) -> list[Person]:
    """People of ``buildings`` as (building, grid, units): one to three a flat on three floors of two doors,
    born 1930–2015, a Party member in about every third flat, the old living alone in some. Deterministic."""
    out: list[Person] = []
    n = seed
    for building, grid, units in buildings:
        for unit in range(1, units + 1):
            for floor in (1, 2, 3):
                for door in (1, 2):
                    size = 1 + (building + unit + floor + door + seed) % 3
                    for k in range(size):
                        n += 1
                        born = date(1930 + (n * 11) % 86, 1 + (n * 5) % 12, 1 + (n * 7) % 28)
                        out.append(
                            Person(
                                name=NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else CN[n % 10]),
                                born=born,
                                gender="M" if (n + k) % 2 else "F",
                                grid=grid,
                                building=building,
                                unit=unit,
                                room=f"{floor}0{door}",
                                member=(n % 3 == 0),
                                alone=size == 1 and born.year < 1960,
                                number=n % 50,
                                x=n % 4 == 1,
                            )
                        )
    return out


def _write(path: Path, sheets: list[tuple[str, list[list[object]], list[str], list[str]]]) -> Path:
    """Sheets as (title, rows from row 1, merged ranges, hidden columns); under a merge's first cell the
    cells are left empty, as Excel stores them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, merges, hidden in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in merges:
            ws.merge_cells(ref)
        for letter in hidden:
            ws.column_dimensions[letter].hidden = True
    book.save(path)
    return path


# --- office A: titles, a header over two rows, merged grids and buildings, every column stated -----------------

GENDERS_A = {"M": ("男", "男性", "男"), "F": ("女", "女性", "女")}
POLITICAL_A = {True: ("中共党员", "中共预备党员", "党员"), False: ("群众", "共青团员", "民主党派", "", "无党派人士")}
FOOTER_A = ["填表人：王丽", None, None, None, "审核人：刘凤霞", None, None, None, "填表日期：2026年5月20日"]


def _birth_a(p: Person, i: int) -> object:
    b = p.born
    return [
        f"{b.year}.{b.month}.{b.day}",
        f"{b.year}年{b.month}月{b.day}日",
        f"{b:%Y%m%d}",
        datetime(b.year, b.month, b.day),
        int(f"{b:%Y%m%d}"),  # typed as a number
        None,
    ][i % 6]


def _alone_a(p: Person, i: int) -> object:
    if p.alone:
        return ("是", "独居", "√")[i % 3]
    return ("否", None, "否", "")[i % 4]


def _phone_a(i: int) -> object:
    return ("0431-8567" + f"{i:04d}", f"139{i:08d}", int(f"137{i:08d}"), None)[i % 4]


def _id_a(p: Person, i: int) -> str:
    nid = p.id
    if nid.endswith("X") and i % 2:
        nid = nid[:-1] + "x"
    if i % 5 == 2:
        nid = f"{nid[:6]} {nid[6:14]} {nid[14:]}"
    return nid + ("  " if i % 7 == 3 else "")


def _sheet_a(title: str, people: list[Person], grid_text: str, start: int) -> tuple:
    width = 14
    rows: list[list[object]] = [
        ["长山花园社区居民信息台账"] + [None] * (width - 1),
        ["社区名称：长山花园社区"] + [None] * 9 + ["制表日期：2026年5月20日", None, None, None],
        ["序号", "网格", "姓名", "性别", "身份证号", "出生日期", "地址", None, None, "政治面貌", "是否独居", "联系方式",
         "民族", "备注"],
        [None] * 6 + ["楼栋", "单元", "门牌"] + [None] * 5,
    ]  # fmt: skip
    merges = ["A1:N1", "A2:J2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:I3"]
    merges += [f"{c}3:{c}4" for c in "JKLMN"]
    first = len(rows) + 1
    unit_start: dict[int, int] = {}
    for i, p in enumerate(people):
        j = start + i
        row_number = first + i
        unit_start.setdefault(p.unit, row_number)
        first_of_unit = unit_start[p.unit] == row_number
        rows.append(
            [
                i + 1,
                grid_text if i == 0 else None,
                p.name + ("　" if j % 6 == 1 else " " if j % 6 == 4 else ""),
                GENDERS_A[p.gender][j % 3] if j % 5 != 4 else None,
                _id_a(p, j),
                _birth_a(p, j),
                f"{p.building}号楼" if i == 0 else None,
                (f"{p.unit}单元" if p.unit % 2 else f"{CN[p.unit]}单元") if first_of_unit else None,
                int(p.room) if j % 3 == 0 else (f"{p.room}室" if j % 3 == 1 else p.room),
                POLITICAL_A[p.member][j % len(POLITICAL_A[p.member])],
                _alone_a(p, j),
                _phone_a(j),
                "汉族" if j % 4 else "满族",
                "低保户" if j % 9 == 0 else None,
            ]
        )
    last = first + len(people) - 1
    merges += [f"B{first}:B{last}", f"G{first}:G{last}"]
    ends = sorted(unit_start.values()) + [last + 1]
    merges += [f"H{a}:H{b - 1}" for a, b in zip(ends, ends[1:]) if b - 1 > a]
    rows += [[], [f"合计：{len(people)}人"], FOOTER_A, [], ["注：本表信息仅供社区工作使用，严禁外传。"]]
    return (title, rows, merges, ["M"])


def office_a(path: Path) -> tuple[Path, list[Person]]:
    """Office A: a sheet per building, titles, 地址 over 楼栋/单元/门牌, grids merged down a whole sheet,
    every column stated in its everyday values; an empty sheet and a sheet of totals besides."""
    people = residents([(5, 3, 2), (7, 3, 2), (11, 4, 3)], seed=0)
    by_building = {b: [p for p in people if p.building == b] for b in (5, 7, 11)}
    lines = [
        [f"{b}号楼", len({p.room for p in ps}), len(ps), sum(p.member for p in ps)] for b, ps in by_building.items()
    ]
    totals = [["长山花园社区人口统计汇总表"], ["楼栋", "户数", "人数", "党员人数"], *lines, ["合计", None, len(people)]]
    sheets = [
        _sheet_a("5号楼", by_building[5], "第三网格", 0),
        _sheet_a("7号楼", by_building[7], "网格3", 100),
        _sheet_a("11号楼", by_building[11], "四", 200),
        ("Sheet2", [], [], []),
        ("汇总", totals, ["A1:E1"], []),
    ]
    return _write(path, sheets), people


# --- office B: no titles, ids only, one address column in mixed forms, grids written every way --------------

GRIDS_B = {3: ("第三网格", "3网格", "三", "网格3", "3", "第3网格"), 4: ("第四网格", "4网格", "四", "网格4")}
POLITICAL_B = {True: ("中共党员", "中共预备党员"), False: ("群众", "", "共青团员", "群众")}


def address_b(p: Person, i: int) -> str:
    b, u, r = p.building, p.unit, p.room
    full = str.maketrans("0123456789-", "０１２３４５６７８９－")
    return [
        f"长山花园小区{b}栋{u}单元{r}室",
        f"{b}号楼{CN[u]}单元{r}",
        f"{b}-{u}-{r}".translate(full),
        f"{b}幢{u}门{r}号",
        f"{b}-{u}-{r}",
        f"{u}单元{r}",  # the building from the sheet's name
        f"{CN[b]}号楼{u}单元{r}",
        f"吉林省长春市宽城区长山花园{b}栋{u}单元{r}室 ",
    ][i % 8]


def _sheet_b(title: str, people: list[Person], start: int) -> tuple:
    rows: list[list[object]] = [
        ["序号", "所属网格", "姓名", "与户主关系", "公民身份号码", "家庭住址", "政治面貌", "手机号", "备注"]
    ]
    for i, p in enumerate(people):
        j = start + i
        nid = p.id.lower() if j % 2 else p.id
        if j % 3 == 1:
            nid = f" {nid[:6]}　{nid[6:]}"  # a space and a full-width space
        rows.append(
            [
                i + 1,
                GRIDS_B[p.grid][j % len(GRIDS_B[p.grid])],
                p.name + ("\u3000" if j % 5 == 2 else ""),
                "户主" if p.room != people[i - 1].room or i == 0 else "配偶",
                nid,
                address_b(p, j),
                POLITICAL_B[p.member][j % len(POLITICAL_B[p.member])],
                f"1380431{j:04d}",
                None,
            ]
        )
    return rows


def office_b(path: Path) -> tuple[Path, list[Person]]:
    """Office B: three building sheets with no title, one address column in eight forms, the grid written in
    each row in another way, ids in lower case with spaces, a Party members' list naming people by id."""
    people = residents([(5, 3, 2), (7, 3, 1), (9, 4, 2)], seed=7)
    listed = [p for p in people if not p.member][::7]  # members that only the Party members' list says are
    sheets = []
    for title, building, footer in (
        ("5栋", 5, [["填表人：赵丽    审核人：孙刚    填表日期：2026.5.8"]]),
        ("7栋", 7, [["以下空白"]]),
        (
            "9幢",
            9,
            [[], [f"合计：{sum(p.building == 9 for p in people)}人"], ["制表人：周敏", None, "日期：2026年5月8日"]],
        ),
    ):
        rows = _sheet_b(title, [p for p in people if p.building == building], building * 10)
        sheets.append((title, rows + footer, [], []))
    members = [["长山花园社区党员名册"], ["序号", "姓名", "身份证号", "政治面貌", "入党时间"]]
    members += [[i + 1, p.name, p.id, "中共党员", "1975年7月1日"] for i, p in enumerate(listed)]
    sheets.append(("党员名册", members, ["A1:E1"], []))
    for p in listed:
        p.member = True
    return _write(path, sheets), people


# --- office C: the mistakes of real registers -----------------------------------------------------------------


def office_c(path: Path) -> tuple[Path, list[Person], dict[int, str]]:
    """Office C: one building's sheet, 性别 and 出生日期 stated beside the id and one address column, with five
    rows at fault. Returns the people the sheet lists well, and the column at fault of each bad row."""
    people = residents([(5, 3, 2)], seed=3)
    for p in people:
        p.member = p.alone = False  # the sheet says neither
    rows: list[list[object]] = [
        ["长山花园社区5号楼居民信息台账"],
        ["序号", "网格", "姓名", "性别", "身份证号", "出生日期", "现住址", "备注"],
    ]
    faults: dict[int, str] = {}
    good: list[Person] = []
    for i, p in enumerate(people):
        number = len(rows) + 1
        born: object = f"{p.born.year}年{p.born.month}月{p.born.day}日"
        gender = "男" if p.gender == "M" else "女"
        home, nid = f"5栋{p.unit}单元{p.room}", p.id
        fault = {3: "birth_date", 8: "address", 13: "national_id", 18: "gender", 23: "national_id"}.get(i)
        if fault == "birth_date":
            born = f"{p.born.year + 1}.{p.born.month}.{p.born.day}"  # not the year the id holds
        elif fault == "address":
            home = f"长山花园5栋{p.room}室"  # no unit
        elif fault == "gender":
            gender = "女" if p.gender == "M" else "男"
        elif fault and i == 13:
            nid = float(f"{float(nid[:17] + '0'):.14e}")  # typed into a number cell: 2.20104…E+17
        elif fault:
            nid = nid[:6] + nid[8:17]  # a first-generation id: 15 digits, the year in two
        if fault:
            faults[number] = fault
        else:
            good.append(p)
        rows.append([i + 1, "第三网格" if i == 0 else None, p.name, gender, nid, born, home, None])
    rows += [[], ["填表人：王丽", None, None, "审核人：刘凤霞"]]
    last = len(people) + 2
    return _write(path, [("5号楼", rows, ["A1:H1", f"B3:B{last}"], [])]), good, faults
