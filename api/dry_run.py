"""What a ledger would import, as ``gridcare import --dry-run`` prints it and the console's check answers it.

How each sheet was understood (the contract's sheet it is read as, the
building its name gives, each header's column and how it was recognised,
what is taken from elsewhere, the rows read and the footer ignored), the first
rows as they would be stored (sensitive values masked, national ids never
shown), and what the import would hold per community: residents, households,
buildings, units, grids, Party-member households and elders.

One source for both: `understanding` builds the JSON (the console's
``POST /ledger/check`` answers it), `describe` prints the lines of the CLI from it.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from analysis.domain import ELDER_AGE, born_by
from loaders.columns import SHEET_COLUMNS, SHEET_NAMES_ZH
from loaders.model import Ledger, SheetReading

_HOW = {
    "contract": "",
    "synonym": "synonym 同义表头",
    "mapping": "--map",
    "ignored": "ignored 忽略",
    "unknown": "unknown, ignored 未识别，忽略",
    "duplicate": "given twice 重复",
}
_VALUES = {
    "political": "政治面貌: 中共党员 / 中共预备党员 = 党员; 群众, 共青团员 … = 否",
    "living": "居住情况: 独居 = 是",
    "birth_month": "出生年月: year and month, checked against the 身份证号",
}
_FROM = {
    "resident_id": "居民编号 resident_id ← 身份证号 (a key derived from its keyed hash; the id itself is never stored)",
    "birth_date": "出生日期 birth_date ← 身份证号",
    "gender": "性别 gender ← 身份证号",
    "building": "楼栋 building ← 住址 or the sheet's name",
    "unit": "单元 unit ← 住址",
    "room": "门牌号 room ← 住址",
    "grid": "网格 grid ← the title above the header",
    "caregiver_id": "照护人编号 ← 照护人身份证号",
    "recipient_id": "被照护人编号 ← 被照护人身份证号",
}
_TOTALS = (
    ("residents", "居民"),
    ("households", "户"),
    ("buildings", "楼栋"),
    ("units", "单元"),
    ("grids", "网格"),
    ("party_member_households", "党员家庭户"),
    ("elders", "60岁以上"),
    ("lives_alone", "独居"),
)


def totals(ledger: Ledger, as_of: date) -> dict[str, dict[str, int]]:
    """What the import would hold, per community: the ledger's counts (not the database's)."""
    elder_born = born_by(as_of, ELDER_AGE)
    out: dict[str, dict[str, int]] = {}
    for community in ledger.communities:
        people = [r for r in ledger.residents if r.community == community]
        homes = {(r.building, r.unit, r.room) for r in people}
        out[community] = {
            "residents": len(people),
            "households": len(homes),
            "buildings": len({r.building for r in people}),
            "units": len({(r.building, r.unit) for r in people}),
            "grids": len({r.grid for r in people}),
            "party_member_households": len({(r.building, r.unit, r.room) for r in people if r.party_member}),
            "elders": sum(1 for r in people if r.birth_date <= elder_born),
            "lives_alone": sum(1 for r in people if r.lives_alone),
        }
    return out


def understanding(ledger: Ledger, as_of: date) -> dict[str, Any]:
    """The dry run as JSON: ``sheets`` (how each was understood, see `sheet_understood`), ``totals`` per
    community, the day elders are counted on (``as_of``) and the residents found in more than one sheet."""
    return {
        "sheets": [sheet_understood(reading) for reading in ledger.readings],
        "totals": totals(ledger, as_of),
        "as_of": as_of.isoformat(),
        "merged": ledger.merged,
    }


def sheet_understood(reading: SheetReading) -> dict[str, Any]:
    """One sheet: what it is read as, its header and rows, each column (``how``: contract, synonym, mapping,
    ignored, unknown, duplicate; ``note``: the same in words), what is taken from elsewhere and the first rows
    as they would be stored (masked as the import masks them)."""
    present = {c.column for c in reading.columns if c.column}
    zh = {c.name: c.zh for c in SHEET_COLUMNS[reading.kind]}
    return {
        "sheet": reading.sheet,
        "label": reading.label,
        "kind": reading.kind,
        "kind_zh": SHEET_NAMES_ZH[reading.kind],
        "building": reading.building,
        "grid": reading.grid,
        "header_row": reading.header_row,
        "title_rows": list(reading.title_rows),
        "rows": reading.rows,
        "accepted": reading.accepted,
        "blank": reading.blank,
        "footer": list(reading.footer),
        "repeated": list(reading.repeated),
        "columns": [
            {
                "header": c.header,
                "column": c.column,
                "zh": c.zh,
                "how": c.how,
                "values": c.values,
                "note": "; ".join(n for n in (_HOW[c.how], _VALUES.get(c.values or "")) if n),
            }
            for c in reading.columns
        ],
        "derived": [{"column": d, "text": _FROM.get(d, d), "checked": d in present} for d in reading.derived],
        "preview": [
            {"row": number, "fields": [{"column": k, "zh": zh.get(k, k), "value": v} for k, v in record.items()]}
            for number, record in reading.preview
        ],
    }


def describe(ledger: Ledger, as_of: date) -> list[str]:
    """The lines ``gridcare import --dry-run`` prints: `understanding` in words."""
    understood = understanding(ledger, as_of)
    lines = ["试导入 dry run: nothing is written 不写入任何数据.", ""]
    for sheet in understood["sheets"]:
        lines += _sheet(sheet)
    if understood["merged"]:
        lines.append(f"{understood['merged']:,} resident(s) appear in more than one sheet: each is read as one person.")
    for community, counts in understood["totals"].items():
        figures = ", ".join(f"{zh} {key.replace('_', ' ')} {counts[key]:,}" for key, zh in _TOTALS)
        lines.append(f"Would import {community}: {figures} (ages on {understood['as_of']}).")
    return lines


def _sheet(sheet: dict[str, Any]) -> list[str]:
    places = [f"楼栋 building {sheet['building']}"] if sheet["building"] else []
    places += [f"网格 grid {sheet['grid']}"] if sheet["grid"] else []
    given = f" ({', '.join(places)} from its name or title)" if places else ""
    lines = [f"表 sheet {sheet['label']} → {sheet['kind_zh']} {sheet['kind']}{given}"]
    if sheet["header_row"] is None:
        return [*lines, "  empty: nothing read", ""]
    titles = sheet["title_rows"]
    lines.append(
        f"  header: row {sheet['header_row']}"
        + (f"; titles above it: rows {', '.join(map(str, titles))}" if titles else "")
    )
    lines += [_counts(sheet), "  columns:"]
    width = max((_width(c["header"]) for c in sheet["columns"]), default=0)
    for c in sheet["columns"]:
        target = (
            c["note"]
            if c["column"] is None
            else f"→ {c['zh']} {c['column']}" + (f" ({c['note']})" if c["note"] else "")
        )
        lines.append(f"    {c['header']}{' ' * (width - _width(c['header']))}  {target}")
    for d in sheet["derived"]:
        checked = " (where empty; a value given is checked against it)" if d["checked"] else ""
        lines.append(f"  from elsewhere: {d['text']}{checked}")
    if sheet["preview"]:
        lines.append("  first rows as they would be stored:")
        for row in sheet["preview"]:
            fields = " · ".join(f"{f['zh']} {f['value']}" for f in row["fields"])
            lines.append(f"    row {row['row']}: {fields}")
    return [*lines, ""]


def _counts(sheet: dict[str, Any]) -> str:
    counts = f"  rows: {sheet['rows']:,} read, {sheet['accepted']:,} without error"
    if sheet["blank"]:
        counts += f", {sheet['blank']:,} blank (序号 or merged cells only) skipped"
    if rows := sheet["footer"]:
        span = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}–{rows[-1]}"
        counts += f"; {span} after the data ignored (signatures, dates, totals)"
    if sheet["repeated"]:
        counts += f"; the header repeated at row {', '.join(map(str, sheet['repeated']))} skipped"
    return counts


def _width(text: str) -> int:
    """Columns a text takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
