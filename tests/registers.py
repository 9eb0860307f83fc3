"""Everyday registers for the tests: valid national ids and workbooks in the shape offices keep them.

`national_id` makes ids with the GB 11643 checksum for a birth date and a gender (never a real person's:
the sequence numbers are chosen by the tests). `write_register` writes an ``.xlsx`` whose sheets carry
title rows, merged cells and footers as laid out by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import openpyxl

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def national_id(born: date, gender: str, sequence: int = 1, region: str = "220103") -> str:
    """An 18-character id with a valid checksum: ``region`` (Kuancheng district, Changchun, by default), the
    birth date, a sequence of two digits and the gender digit (odd for ``"M"``), then the check character."""
    if not 0 <= sequence <= 99:
        raise ValueError("sequence is two digits")
    digit = (1 if gender == "M" else 0) + 2 * (sequence % 5)
    body = f"{region}{born:%Y%m%d}{sequence:02d}{digit}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


@dataclass
class Sheet:
    """One worksheet: ``rows`` as written from row 1 (titles, header, data, footer; ``[]`` is a blank
    row), and the ranges to merge (``"A3:A9"``), the merged cells keeping the first row's value only."""

    title: str
    rows: list[Sequence[object]]
    merges: list[str] = field(default_factory=list)


def write_register(path, sheets: Sequence[Sheet]):
    """Write the sheets as one workbook; cells under the first of a merged range are emptied, as Excel
    stores them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(spec.title)
        for row in spec.rows:
            ws.append(list(row))
        for ref in spec.merges:
            ws.merge_cells(ref)
    book.save(path)
    return path


# --- an everyday register of three buildings ------------------------------------------------------------

CN_DIGITS = "〇一二三四五六七八九"
CN_SMALL = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一"}
FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")


@dataclass
class Person:
    name: str
    born: date
    gender: str  # "M" | "F"
    grid: int
    building: int
    unit: int
    room: str
    political: str = ""  # 政治面貌 as written: 中共党员, 群众, … or empty
    alone: bool = False
    phone: str = ""
    sequence: int = 1
    listed_as_member: bool = False  # also on the Party members' sheet (党员)

    @property
    def id(self) -> str:
        return national_id(self.born, self.gender, self.sequence)

    @property
    def party_member(self) -> bool:
        return self.political in ("中共党员", "中共预备党员") or self.listed_as_member


def address(p: Person, form: int) -> str:
    """The address of ``p`` in one of the forms registers use (six forms, by ``form`` modulo 6)."""
    b, u, r = p.building, p.unit, p.room
    return [
        f"长山花园{b}栋{u}单元{r}室",
        f"{b}号楼{CN_SMALL[u]}单元{r}",
        f"{b}-{u}-{r}".translate(FULL),
        f"{u}单元{r}",  # the building from the sheet's name
        f"长山花园小区{b}幢{u}门{r}号",
        f"{CN_SMALL[b]}栋{CN_SMALL[u]}单元{''.join(CN_DIGITS[int(d)] for d in r)}室",
    ][form % 6]


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "建国", "凤霞", "志强", "淑珍", "玉兰", "国庆", "海燕", "德才", "丽娟", "永明"]
POLITICAL = ["中共党员", "群众", "", "共青团员", "群众", "中共预备党员", "群众", ""]


def people() -> list[Person]:
    """The residents of the register: buildings 5 (grid 3, two units), 7 and 9 (grid 4, two units each),
    one to three people a flat, born from 1931 to 2012. Deterministic."""
    out: list[Person] = []
    n = 0
    for building, grid in ((5, 3), (7, 4), (9, 4)):
        for unit in (1, 2):
            for floor in (1, 2, 3):
                for door in (1, 2):
                    size = 1 + (building + unit + floor + door) % 3
                    for k in range(size):
                        n += 1
                        born = date(1931 + (n * 7) % 82, 1 + n % 12, 1 + (n * 3) % 28)
                        out.append(
                            Person(
                                name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 3) % len(GIVEN)],
                                born=born,
                                gender="F" if (n + k) % 2 else "M",
                                grid=grid,
                                building=building,
                                unit=unit,
                                room=f"{floor}0{door}",
                                political=POLITICAL[n % len(POLITICAL)],
                                alone=size == 1 and born.year < 1960,
                                phone=f"139{n:08d}",
                                sequence=n % 100,
                            )
                        )
    # three members the building sheets leave without 政治面貌, listed on the Party members' sheet
    blank = [p for p in out if not p.political]
    for p in blank[:3]:
        p.listed_as_member = True
    return out


@dataclass
class Register:
    """A register written by `everyday_register`, and what it holds, counted from its people."""

    path: object
    people: list[Person]

    def counts(self, as_of: date) -> dict[str, int]:
        homes = {(p.building, p.unit, p.room) for p in self.people}
        elder_born = date(as_of.year - 60, as_of.month, as_of.day)
        return {
            "residents": len(self.people),
            "households": len(homes),
            "buildings": len({p.building for p in self.people}),
            "units": len({(p.building, p.unit) for p in self.people}),
            "grids": len({p.grid for p in self.people}),
            "party_member_households": len({(p.building, p.unit, p.room) for p in self.people if p.party_member}),
            "elders": sum(1 for p in self.people if p.born <= elder_born),
        }


def everyday_register(path, *, faults: dict[str, str] | None = None) -> Register:
    """Write the register as an office keeps it: one sheet per building (5号楼, 7栋, 9幢) with title rows,
    everyday headers that differ from sheet to sheet, the grid merged down each unit (第三网格), addresses in
    six forms, ids only (no 居民编号, no birth date but a 出生年月 in one sheet), blank rows of the form and a
    signed footer; a sheet of Party members listing people of the building sheets again; an instructions sheet.

    ``faults`` breaks rows on purpose, by the name of their person: ``"address"`` writes an address that says
    no unit, ``"birth"`` a 出生年月 that contradicts the id (building 7 only).
    """
    faults = faults or {}
    everyone = people()
    sheets = [
        _building_5([p for p in everyone if p.building == 5], faults),
        _building_7([p for p in everyone if p.building == 7], faults),
        _building_9([p for p in everyone if p.building == 9], faults),
        _members([p for p in everyone if p.listed_as_member]),
        Sheet("填表说明", [["填表说明"], ["1. 每栋楼一张表"], ["2. 身份证号必填"]]),
    ]
    write_register(path, sheets)
    return Register(path, everyone)


FOOTER = ["填表人：王丽", "", "", "", "审核人：刘凤霞", "", "", "填表日期：2024年3月5日"]


def _faulty(p: Person, form: int, faults: dict[str, str]) -> str:
    if faults.get(p.name) == "address":
        return f"长山花园{p.building}栋{p.room}室"  # no unit
    return address(p, form)


def _building_5(residents: list[Person], faults: dict[str, str]) -> Sheet:
    header = [
        "序号",
        "网格",
        "姓名",
        "性别",
        "身份证号",
        "家庭住址",
        "联系方式",
        "政治面貌",
        "是否独居",
        "民族",
        "备注",
    ]
    rows: list[list[object]] = []
    for i, p in enumerate(residents):
        gender = ("男" if p.gender == "M" else "女") if i % 3 else ""  # often left empty
        alone = "是" if p.alone else ("否" if i % 2 else "")
        rows.append(
            [i + 1, "第三网格", p.name, gender, p.id, _faulty(p, i, faults), p.phone, p.political, alone, "汉族", ""]
        )
    merges = _merge_units(rows, residents, column=1, first_row=4)
    return Sheet(
        "5号楼",
        [
            ["长山花园社区5号楼居民信息台账"],
            ["社区：长山花园社区", "", "", "", "", "", "", "填表日期：2024年3月1日"],
            header,
            *rows,
            [len(rows) + 1],  # rows of the form left blank but numbered
            [len(rows) + 2],
            [],
            FOOTER,
        ],
        ["A1:K1", *merges],
    )


def _building_7(residents: list[Person], faults: dict[str, str]) -> Sheet:
    header = ["序号", "所属网格", "姓名", "公民身份号码", "出生年月", "现住址", "手机号", "是否党员", "独居", "备注"]
    rows: list[list[object]] = []
    for i, p in enumerate(residents):
        born = p.born
        if faults.get(p.name) == "birth":
            born = date(born.year + 1, born.month, 1)
        month = f"{born.year}.{born.month:02d}" if i % 4 else ""
        rows.append(
            [
                i + 1,
                "第四网格",
                p.name,
                p.id if i % 5 else p.id.lower().translate(FULL),  # now and then written in full width
                month,
                _faulty(p, i + 2, faults),
                p.phone,
                "√" if p.political in ("中共党员", "中共预备党员") else "",
                "√" if p.alone else "",
                "",
            ]
        )
    merges = _merge_units(rows, residents, column=1, first_row=3)
    return Sheet("7栋", [["长山花园社区7栋居民信息登记表"], header, *rows, [], FOOTER], merges)


def _building_9(residents: list[Person], faults: dict[str, str]) -> Sheet:
    header = ["网格", "姓名", "身份证号码", "住址", "电话", "政治面貌", "居住情况"]
    rows = [
        [
            "第四网格" if i % 2 else "4网格",
            p.name,
            p.id,
            _faulty(p, i + 4, faults),
            p.phone,
            p.political,
            "独居" if p.alone else "与家人同住",
        ]
        for i, p in enumerate(residents)
    ]
    return Sheet("9幢", [header, *rows, [], ["合计：" + str(len(rows)) + "人"], FOOTER])


def _members(members: list[Person]) -> Sheet:
    header = ["序号", "姓名", "身份证号", "政治面貌", "入党时间"]
    rows = [[i + 1, p.name, p.id, "中共党员", "1990年7月"] for i, p in enumerate(members)]
    return Sheet("党员名册", [["长山花园社区党员名册"], header, *rows])


def _merge_units(rows: list[list[object]], residents: list[Person], *, column: int, first_row: int) -> list[str]:
    """Merge the grid column down each unit's rows, as offices do."""
    letter = openpyxl.utils.get_column_letter(column + 1)
    ranges, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or residents[i].unit != residents[start].unit:
            if i - start > 1:
                ranges.append(f"{letter}{first_row + start}:{letter}{first_row + i - 1}")
                for j in range(start + 1, i):
                    rows[j][column] = None
            start = i
    return ranges
