"""The generated ledger written as a community office keeps its register (居民信息台账).

The same people as :func:`loaders.demo.generate_ledger`, but in the shape of
the spreadsheets offices keep: one sheet per building (``5号楼``, ``7栋``, …)
with a title row, everyday headers (联系方式, 政治面貌, 是否独居 …), the grid
written ``第三网格`` and merged down each unit's rows, no 居民编号 and no birth
date (the national id holds it), the home in one address column written in
the forms registers mix (``长山花园5栋2单元301室``, ``5号楼二单元301``,
``５-２-３０１``, ``2单元301``), numbered blank rows and a signed footer. The
other sheets name people by their national id. The ids are made up for the
demo, with the GB 11643 checksum (region 220103: Kuancheng district).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from loaders.parse import parse_building, parse_date, parse_grid, parse_unit

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_CN = "〇一二三四五六七八九"
_CN_SMALL = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")

#: The references of the other sheets, by Chinese header: the 居民编号 column and the 身份证号 column replacing it.
_REFERENCES = {
    "leaders": (("居民编号", "身份证号"),),
    "care": (("照护人编号", "照护人身份证号"), ("被照护人编号", "被照护人身份证号")),
    "volunteers": (("居民编号", "身份证号"),),
    "service_roles": (("居民编号", "身份证号"),),
    "party_groups": (("居民编号", "身份证号"),),
    "visits": (("被探访人编号", "被探访人身份证号"), ("探访人编号", "探访人身份证号")),
    "services": (("被服务人编号", "被服务人身份证号"), ("服务人编号", "服务人身份证号")),
}
_SHEET_TITLES = {
    "leaders": "职务",
    "care": "包保",
    "volunteers": "志愿者",
    "service_roles": "网格服务员",
    "party_groups": "党小组",
    "visits": "探访记录",
    "services": "服务记录",
}
HEADER = [
    "序号",
    "网格",
    "姓名",
    "性别",
    "身份证号",
    "家庭住址",
    "联系方式",
    "政治面貌",
    "是否独居",
    "健康状况",
    "紧急联系人",
    "紧急联系电话",
    "健康信息同意",
    "民族",
]
FOOTER = ["填表人：王丽", "", "", "", "审核人：刘凤霞", "", "", "填表日期：2026年6月15日"]


def national_id(born: date, gender: str, sequence: int, region: str = "220103") -> str:
    """A made-up national id with the GB 11643 checksum: region, birth date, a sequence of three digits whose
    last is odd for a man (``sequence`` 0–499 makes it), the check character."""
    body = f"{region}{born:%Y%m%d}{(2 * sequence + (gender == 'M')) % 1000:03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def address(estate: str, building: str, unit: str, room: str, form: int) -> str:
    """An address in one of the six forms registers mix (by ``form`` modulo 6)."""
    small = int(unit) if unit.isdigit() and int(unit) < len(_CN_SMALL) else None
    chinese_unit = _CN_SMALL[small] if small else unit
    forms = [
        f"{estate}{building}栋{unit}单元{room}室",
        f"{building}号楼{chinese_unit}单元{room}",
        f"{building}-{unit}-{room}".translate(_FULL),
        f"{unit}单元{room}",  # the building from the sheet's name
        f"{estate}小区{building}幢{unit}门{room}号",
        f"{estate}{building}-{unit}-{room}",
    ]
    return forms[form % len(forms)]


def register_sheets(
    sheets: Mapping[str, list[dict[str, str]]], *, seed: int = 7
) -> list[tuple[str, list[list[object]], list[str]]]:
    """The demo's sheets as an office's register: (title, rows, merged ranges) per worksheet."""
    rng = random.Random(seed)
    ids = national_ids(sheets["residents"])
    by_building: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in sheets["residents"]:
        by_building[(row.get("社区", ""), parse_building(row["楼栋"]))].append(row)
    out: list[tuple[str, list[list[object]], list[str]]] = []
    for (community, building), rows in sorted(by_building.items(), key=lambda kv: (kv[0][0], _number(kv[0][1]))):
        out.append(_building_sheet(rng, community, building, rows, ids, len(by_building) > 11))
    for name, title in _SHEET_TITLES.items():
        rows = sheets.get(name) or []
        if rows:
            out.append((title, _referenced(name, rows, ids), []))
    return out


def write_register(sheets: Mapping[str, list[dict[str, str]]], out: str | Path, *, seed: int = 7) -> Path:
    """Write the register as one ``.xlsx`` workbook."""
    out = Path(out)
    book = Workbook()
    for sheet in list(book.worksheets):
        book.remove(sheet)
    for title, rows, merges in register_sheets(sheets, seed=seed):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref in merges:
            sheet.merge_cells(ref)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _number(label: str) -> tuple[int, str]:
    return (int(label), label) if label.isdigit() else (10**6, label)


def national_ids(residents: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """Each resident's made-up id, by (community, 居民编号)."""
    used: dict[date, int] = defaultdict(int)
    ids = {}
    for row in residents:
        born = parse_date(row["出生日期"])
        gender = "M" if row.get("性别") == "男" else "F"
        ids[(row.get("社区", ""), row["居民编号"])] = national_id(born, gender, used[born])
        used[born] += 1
    return ids


def _building_sheet(
    rng: random.Random,
    community: str,
    building: str,
    rows: list[dict[str, str]],
    ids: dict[tuple[str, str], str],
    many: bool,
) -> tuple[str, list[list[object]], list[str]]:
    estate = community.removesuffix("社区")
    rows = sorted(rows, key=lambda r: (_number(parse_unit(r["单元"])), _number(r["门牌号"])))
    title = f"{building}号楼" if rng.random() < 0.5 else f"{building}栋"
    if many:  # several communities: one sheet per building of each
        title = f"{estate}{title}"
    data: list[list[object]] = []
    for i, row in enumerate(rows):
        unit, room = parse_unit(row["单元"]), row["门牌号"]
        grid = int(parse_grid(row["网格"]))
        age_hint = parse_date(row["出生日期"]).year
        party = row.get("党员") == "是"
        political = ("中共预备党员" if rng.random() < 0.05 else "中共党员") if party else _not_member(rng, age_hint)
        data.append(
            [
                i + 1,
                f"第{_CN_SMALL[grid] if grid < len(_CN_SMALL) else grid}网格",
                row["姓名"],
                row.get("性别", "") if rng.random() < 0.7 else "",
                ids[(community, row["居民编号"])],
                address(estate, building, unit, room, rng.randrange(6)),
                row.get("联系电话", ""),
                political,
                row.get("独居", "") if row.get("独居") == "是" or rng.random() < 0.5 else "",
                row.get("健康状况", ""),
                row.get("紧急联系人", ""),
                row.get("紧急联系电话", ""),
                row.get("健康信息同意", ""),
                "汉族",
                *([community] if many else []),
            ]
        )
    merges = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or parse_unit(rows[i]["单元"]) != parse_unit(rows[start]["单元"]):
            if i - start > 1:
                merges.append(f"B{3 + start}:B{3 + i - 1}")
                for j in range(start + 1, i):
                    data[j][1] = None
            start = i
    header: list[object] = [*HEADER, *(["社区"] if many else [])]
    last = get_column_letter(len(header))
    blank: list[list[object]] = [[len(data) + 1], [len(data) + 2]]
    sheet: list[list[object]] = [[f"{community}{title}居民信息台账"], header, *data, *blank, [], list(FOOTER)]
    return title, sheet, [f"A1:{last}1", *merges]


def _not_member(rng: random.Random, born: int) -> str:
    if born >= 1998 and rng.random() < 0.5:
        return "共青团员"
    return "群众" if rng.random() < 0.9 else ""


def _referenced(name: str, rows: list[dict[str, str]], ids: dict[tuple[str, str], str]) -> list[list[object]]:
    """A sheet whose people are named by their national id instead of their 居民编号."""
    swaps = dict(_REFERENCES[name])
    headers: list[object] = [swaps.get(h, h) for h in rows[0]]
    out: list[list[object]] = [headers]
    for row in rows:
        community = row.get("社区", "")
        out.append([ids.get((community, v), "") if h in swaps and v else v for h, v in row.items()])
    return out
