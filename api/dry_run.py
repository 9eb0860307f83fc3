"""What a ledger would import, as ``gridcare import --dry-run`` prints it and the console's check answers it.

How each sheet was understood (the contract's sheet it is read as, the
building its name gives, each header's column and how it was recognised,
what is taken from elsewhere, the rows read and the footer ignored), the first
rows as they would be stored (sensitive values masked, national ids never
shown), and what the import would hold per community: residents, households,
buildings, units, grids, Party-member households and elders.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict
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
    """The JSON of a dry run: ``sheets`` (each `loaders.model.SheetReading`), ``totals`` per community and the
    day elders are counted on."""
    return {
        "sheets": [asdict(reading) for reading in ledger.readings],
        "totals": totals(ledger, as_of),
        "as_of": as_of.isoformat(),
        "merged": ledger.merged,
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


def describe(ledger: Ledger, as_of: date) -> list[str]:
    """The lines ``gridcare import --dry-run`` prints."""
    lines = ["试导入 dry run: nothing is written 不写入任何数据.", ""]
    for reading in ledger.readings:
        lines += _sheet(reading)
    if ledger.merged:
        lines.append(f"{ledger.merged:,} resident(s) appear in more than one sheet: each is read as one person.")
    for community, counts in totals(ledger, as_of).items():
        figures = ", ".join(f"{zh} {key.replace('_', ' ')} {counts[key]:,}" for key, zh in _TOTALS)
        lines.append(f"Would import {community}: {figures} (ages on {as_of.isoformat()}).")
    return lines


def _sheet(reading: SheetReading) -> list[str]:
    kind = f"{SHEET_NAMES_ZH[reading.kind]} {reading.kind}"
    places = [f"楼栋 building {reading.building}"] if reading.building else []
    places += [f"网格 grid {reading.grid}"] if reading.grid else []
    given = f" ({', '.join(places)} from its name or title)" if places else ""
    lines = [f"表 sheet {reading.label} → {kind}{given}"]
    if reading.header_row is None:
        return [*lines, "  empty: nothing read", ""]
    titles = f"; titles above it: rows {', '.join(map(str, reading.title_rows))}" if reading.title_rows else ""
    lines.append(f"  header: row {reading.header_row}{titles}")
    counts = f"  rows: {reading.rows:,} read, {reading.accepted:,} without error"
    if reading.blank:
        counts += f", {reading.blank:,} blank (序号 or merged cells only) skipped"
    if reading.footer:
        rows = reading.footer
        span = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}–{rows[-1]}"
        counts += f"; {span} after the data ignored (signatures, dates, totals)"
    if reading.repeated:
        counts += f"; the header repeated at row {', '.join(map(str, reading.repeated))} skipped"
    lines += [counts, "  columns:"]
    width = max((_width(c.header) for c in reading.columns), default=0)
    for column in reading.columns:
        if column.column is None:
            target = _HOW[column.how]
        else:
            how = _HOW[column.how]
            values = _VALUES.get(column.values or "")
            notes = "; ".join(n for n in (how, values) if n)
            target = f"→ {column.zh} {column.column}" + (f" ({notes})" if notes else "")
        lines.append(f"    {column.header}{' ' * (width - _width(column.header))}  {target}")
    present = {c.column for c in reading.columns if c.column}
    for derived in reading.derived:
        checked = " (where empty; a value given is checked against it)" if derived in present else ""
        lines.append(f"  from elsewhere: {_FROM.get(derived, derived)}{checked}")
    if reading.preview:
        zh = {c.name: c.zh for c in SHEET_COLUMNS[reading.kind]}
        lines.append("  first rows as they would be stored:")
        for number, record in reading.preview:
            fields = " · ".join(f"{zh.get(k, k)} {v}" for k, v in record.items())
            lines.append(f"    row {number}: {fields}")
    return [*lines, ""]


def _width(text: str) -> int:
    """Columns a text takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
