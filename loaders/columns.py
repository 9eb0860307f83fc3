"""The ledger's sheets and columns (see ``docs/ledger-format.md``) and header mapping.

Each column has an English name (the field of the record it feeds), a Chinese
header, a kind (a key of :data:`loaders.parse.PARSERS`, or ``"consent"``: a
yes/no whose empty cell means "not stated", ``None``), whether it is
required, and its privacy: ``"clear"``, ``"mask"`` (show the last 4
characters only) or ``"hide"`` (never show the value).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, TypeAlias, overload

from loaders.model import Problem
from loaders.parse import DEFAULTS, PARSERS, Cell, ParseError, Parser, Value, mask_id, text

#: One parsed row: values by column name. Each column's type follows its kind
#: (text, a date, a yes/no, a count or ``None``); the builders of :mod:`loaders.ledger`
#: read them by name into the records of :mod:`loaders.model`.
Values: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str = "text"
    required: bool = False
    privacy: str = "clear"

    @overload
    def shown(self, value: str) -> str: ...
    @overload
    def shown(self, value: None) -> None: ...
    def shown(self, value: str | None) -> str | None:
        """Return ``value`` as it may appear in a problem or report."""
        if value in (None, "") or self.privacy == "clear":
            return value
        return mask_id(value) if self.privacy == "mask" else "***"


COMMUNITY = Column("community", "社区")
_ID = Column("resident_id", "居民编号", required=True)

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    "residents": (
        _ID,
        Column("name", "姓名", required=True),
        Column("gender", "性别", "gender"),
        Column("birth_date", "出生日期", "birth_date", True),
        Column("grid", "网格", "grid", True),
        Column("building", "楼栋", "building", True),
        Column("unit", "单元", "unit", True),
        Column("room", "门牌号", required=True),
        Column("phone", "联系电话"),
        Column("lives_alone", "独居", "bool"),
        Column("party_member", "党员", "bool"),
        Column("health_notes", "健康状况", privacy="hide"),
        Column("emergency_contact", "紧急联系人", privacy="hide"),
        Column("emergency_phone", "紧急联系电话", privacy="hide"),
        Column("national_id", "身份证号", "national_id", privacy="mask"),
        Column("care_capacity", "照护能力", "count"),  # gridcare extension
        # gridcare extension: consents (PIPL); empty = not stated, the stored value stays
        Column("health_consent", "健康信息同意", "consent"),
        Column("qr_show_contact", "二维码显示联系人", "consent"),
        Column("qr_show_medical", "二维码显示健康", "consent"),
        Column("qr_show_address", "二维码显示住址", "consent"),
        Column("care_tier", "关爱等级", "care_tier"),  # empty: by the rule, or the tier set before
        COMMUNITY,
    ),
    "leaders": (
        _ID,
        Column("role", "职务", "leader_role", True),
        Column("grid", "网格", "grid"),
        Column("building", "楼栋", "building"),
        Column("unit", "单元", "unit"),
        Column("post", "岗位", "post"),
        COMMUNITY,
    ),
    "care": (
        Column("caregiver_id", "照护人编号", required=True),
        Column("recipient_id", "被照护人编号", required=True),
        Column("kind", "类型", "care_kind"),
        Column("since", "开始日期", "date"),
        Column("until", "结束日期", "date"),
        COMMUNITY,
    ),
    "volunteers": (_ID, Column("team", "队伍", required=True), COMMUNITY),
    "service_roles": (
        _ID,
        Column("grid", "网格", "grid", True),
        Column("role", "角色", "service_role", True),
        COMMUNITY,
    ),
    "party_groups": (
        _ID,
        Column("party_group", "党小组", required=True),
        Column("building", "楼栋", "building", True),
        COMMUNITY,
    ),
    "visits": (
        Column("visited_at", "探访时间", "moment", True),
        Column("resident_id", "被探访人编号", required=True),
        Column("visitor_id", "探访人编号"),  # empty: community staff
        Column("mode", "方式", "visit_mode"),
        Column("outcome", "情况", "visit_outcome"),
        Column("note", "备注", privacy="hide"),
        COMMUNITY,
    ),
}

# a consent reads as a boolean, but an empty cell is None (not stated), not "no"
_PARSERS = {**PARSERS, "consent": PARSERS["bool"]}

SHEET_NAMES_ZH = {
    "residents": "居民",
    "leaders": "职务",
    "care": "包保",
    "volunteers": "志愿者",
    "service_roles": "网格服务员",
    "party_groups": "党小组",
    "visits": "探访记录",
}


def _fold(label: str) -> str:
    """Normalise a header or sheet name: ``" Resident ID "`` -> ``"resident_id"``."""
    folded = unicodedata.normalize("NFKC", label).strip().lower()
    return re.sub(r"[\s\-]+", "_", folded)


_SHEETS = {_fold(name): name for name in SHEET_NAMES_ZH} | {_fold(zh): name for name, zh in SHEET_NAMES_ZH.items()}
_HEADERS = {
    sheet: {_fold(c.name): c for c in cols} | {_fold(c.zh).replace("_", ""): c for c in cols}
    for sheet, cols in SHEET_COLUMNS.items()
}


def sheet_for(label: str) -> str | None:
    """Return the sheet a sheet title or CSV file stem names, or ``None``."""
    return _SHEETS.get(_fold(label))


def column_for(sheet: str, header: str) -> Column | None:
    """Return the column a header (Chinese or English) names in ``sheet``, or ``None``."""
    headers = _HEADERS[sheet]
    return headers.get(_fold(header)) or headers.get(_fold(header).replace("_", ""))


def _known_headers(sheet: str, cells: Sequence[Cell]) -> int:
    """Count the cells of a row that name a column of ``sheet``."""
    return sum(1 for c in cells if isinstance(c, str) and column_for(sheet, c))


@dataclass
class Plan:
    """How to read a sheet's rows: ``steps`` for the columns present, as
    (name, cell index, parser or ``None`` for plain text, default when empty,
    column), and the ``absent`` columns' default values."""

    steps: list[tuple[str, int, Parser | None, Value, Column]]
    absent: dict[str, Value]


def find_header(
    sheet: str, rows: Iterable[tuple[int, list[Cell]]], scan: int = 5
) -> tuple[list[str], list[int], Iterator[tuple[int, list[Cell]]]] | None:
    """Split a sheet's rows into its header and the rows after it.

    The header is the one of the first ``scan`` rows that names the most
    columns of ``sheet`` (the earliest on a tie; rows above it are titles).

    Returns
    -------
    tuple or None
        ``(headers, title row numbers, data rows)``; ``None`` for an empty sheet.
    """
    rows = iter(rows)
    head = list(islice(rows, scan))
    if not head:
        return None
    counts = [_known_headers(sheet, cells) for _, cells in head]
    at = counts.index(max(counts))
    headers = [text(cell) for cell in head[at][1]]
    return headers, [number for number, _ in head[:at]], chain(head[at + 1 :], rows)


def map_headers(sheet: str, headers: Sequence[str]) -> tuple[Plan, list[Problem]]:
    """Match a header row against ``sheet``'s columns.

    Returns the reading plan and the problems: a warning per unknown column,
    an error per column given twice or required column missing (any error
    means the sheet's rows cannot be read).
    """
    problems: list[Problem] = []
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = column_for(sheet, header)
        if column is None:
            problems.append(Problem(sheet, None, header, None, "unknown column, ignored", "warning"))
        elif column.name in found:
            reason = f"column {column.zh} | {column.name} given twice; the sheet's rows are all rejected"
            problems.append(Problem(sheet, None, column.name, header, reason))
        else:
            found[column.name] = index
    plan = Plan([], {})
    for column in SHEET_COLUMNS[sheet]:
        at, default = found.get(column.name), DEFAULTS.get(column.kind)
        if at is not None:
            plan.steps.append((column.name, at, _PARSERS[column.kind], default, column))
            continue
        plan.absent[column.name] = default
        if column.required:
            reason = f"required column {column.zh} | {column.name} is missing; the sheet's rows are all rejected"
            problems.append(Problem(sheet, None, column.name, None, reason))
    return plan, problems


def parse_row(plan: Plan, cells: Sequence[Cell]) -> tuple[Values, list[tuple[str, str | None, str]]]:
    """Parse one row's cells by ``plan``.

    Returns the values by column name (absent columns get their default) and the
    errors as ``(column, value as it may be shown, reason)``.
    """
    values: Values = dict(plan.absent)
    errors: list[tuple[str, str | None, str]] = []
    width = len(cells)
    for name, index, parser, default, column in plan.steps:
        cell = cells[index] if index < width else ""
        if cell == "":
            if column.required:
                errors.append((name, None, "required value missing"))
            values[name] = default
        elif parser is None:
            values[name] = cell if cell.__class__ is str else text(cell)
        else:
            try:
                values[name] = parser(cell)
            except ParseError as exc:
                errors.append((name, column.shown(text(cell)), str(exc)))
    return values, errors
