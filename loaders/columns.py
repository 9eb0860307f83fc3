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
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, TypeAlias, overload

from loaders.model import Problem
from loaders.parse import DEFAULTS, PARSERS, Cell, ParseError, Parser, Spread, Value, mask_id, text

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
# gridcare extension: a resident may be named by their national id where a sheet has no 居民编号
_NATIONAL_ID = Column("national_id", "身份证号", "national_id", privacy="mask")

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    "residents": (
        _ID,
        Column("name", "姓名", required=True),
        Column("gender", "性别", "gender"),
        Column("birth_date", "出生日期", "birth_date", True),
        Column("grid", "网格", "grid", True),
        Column("building", "楼栋", "building", True),
        Column("unit", "单元", "unit", True),
        Column("room", "门牌号", "room", True),
        Column("phone", "联系电话", "phone"),
        Column("lives_alone", "独居", "alone"),  # a yes/no, or 独居 / 非独居 as registers write it
        Column("party_member", "党员", "bool"),
        Column("health_notes", "健康状况", privacy="hide"),
        Column("emergency_contact", "紧急联系人", privacy="hide"),
        Column("emergency_phone", "紧急联系电话", privacy="hide"),
        _NATIONAL_ID,
        Column("care_capacity", "照护能力", "count"),  # gridcare extension
        # gridcare extension: consents (PIPL); empty = not stated, the stored value stays
        Column("health_consent", "健康信息同意", "consent"),
        Column("qr_show_contact", "二维码显示联系人", "consent"),
        Column("qr_show_medical", "二维码显示健康", "consent"),
        Column("qr_show_address", "二维码显示住址", "consent"),
        Column("care_tier", "关爱等级", "care_tier"),  # empty: by the rule, or the tier set before
        Column("address", "住址"),  # gridcare extension: building, unit and room in one cell (loaders.address)
        COMMUNITY,
    ),
    "leaders": (
        _ID,
        Column("role", "职务", "leader_role", True),
        Column("grid", "网格", "grid"),
        Column("building", "楼栋", "building"),
        Column("unit", "单元", "unit"),
        Column("post", "岗位", "post"),
        _NATIONAL_ID,
        COMMUNITY,
    ),
    "care": (
        Column("caregiver_id", "照护人编号", required=True),
        Column("recipient_id", "被照护人编号", required=True),
        Column("kind", "类型", "care_kind"),
        Column("since", "开始日期", "date"),
        Column("until", "结束日期", "date"),
        Column("caregiver_national_id", "照护人身份证号", "national_id", privacy="mask"),
        Column("recipient_national_id", "被照护人身份证号", "national_id", privacy="mask"),
        COMMUNITY,
    ),
    "volunteers": (_ID, Column("team", "队伍", required=True), _NATIONAL_ID, COMMUNITY),
    "service_roles": (
        _ID,
        Column("grid", "网格", "grid", True),
        Column("role", "角色", "service_role", True),
        _NATIONAL_ID,
        COMMUNITY,
    ),
    "party_groups": (
        _ID,
        Column("party_group", "党小组", required=True),
        Column("building", "楼栋", "building", True),
        _NATIONAL_ID,
        COMMUNITY,
    ),
    "visits": (
        Column("visited_at", "探访时间", "moment", True),
        Column("resident_id", "被探访人编号", required=True),
        Column("visitor_id", "探访人编号"),  # empty: community staff
        Column("mode", "方式", "visit_mode"),
        Column("outcome", "情况", "visit_outcome"),
        Column("note", "备注", privacy="hide"),
        Column("national_id", "被探访人身份证号", "national_id", privacy="mask"),
        Column("visitor_national_id", "探访人身份证号", "national_id", privacy="mask"),
        COMMUNITY,
    ),
    "services": (
        Column("served_on", "服务日期", "moment", True),
        Column("resident_id", "被服务人编号", required=True),
        Column("kind", "服务类型", "service_kind", True),
        Column("provider_id", "服务人编号"),
        Column("team", "队伍"),
        Column("minutes", "时长分钟", "minutes"),
        Column("national_id", "被服务人身份证号", "national_id", privacy="mask"),
        Column("provider_national_id", "服务人身份证号", "national_id", privacy="mask"),
        COMMUNITY,
    ),
}

#: Columns a sheet may leave out (or leave empty in a row) because others give their value: the resident's
#: id and birth date come from the national id, the place from one address column (or the sheet's name).
STAND_INS: dict[str, dict[str, tuple[str, ...]]] = {
    "residents": {
        "resident_id": ("national_id",),
        "birth_date": ("national_id",),
        "building": ("address",),
        "unit": ("address",),
        "room": ("address",),
    },
    "leaders": {"resident_id": ("national_id",)},
    "care": {"caregiver_id": ("caregiver_national_id",), "recipient_id": ("recipient_national_id",)},
    "volunteers": {"resident_id": ("national_id",)},
    "service_roles": {"resident_id": ("national_id",)},
    "party_groups": {"resident_id": ("national_id",)},
    "visits": {"resident_id": ("national_id",)},
    "services": {"resident_id": ("national_id",)},
}

#: A resident named by a national id instead of a ledger id, per sheet: (the id column, the national id column).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "leaders": (("resident_id", "national_id"),),
    "care": (("caregiver_id", "caregiver_national_id"), ("recipient_id", "recipient_national_id")),
    "volunteers": (("resident_id", "national_id"),),
    "service_roles": (("resident_id", "national_id"),),
    "party_groups": (("resident_id", "national_id"),),
    "visits": (("resident_id", "national_id"), ("visitor_id", "visitor_national_id")),
    "services": (("resident_id", "national_id"), ("provider_id", "provider_national_id")),
}

#: Headers registers use for a column, besides its own Chinese and English names (gridcare extension; see
#: docs/ledger-format.md). A header may come with the kind of its values when they differ from the
#: column's: 政治面貌 says 中共党员 or 群众 where 党员 says 是 or 否. Any sheet with the column reads them.
SYNONYMS: dict[str, tuple[str | tuple[str, str], ...]] = {
    "name": ("居民姓名", "名字"),
    "gender": ("性别(男/女)",),
    "birth_date": ("出生年月日", "生日", "出生时间", ("出生年月", "birth_month")),
    "grid": ("所属网格", "网格名称", "网格编号", "网格号"),
    "building": ("楼号", "楼栋号", "栋号", "楼座", "楼"),
    "unit": ("单元号",),
    "room": ("房号", "室号", "房间号", "门牌", "户号"),
    "address": ("家庭住址", "现住址", "居住地址", "现居住地址", "家庭地址", "详细地址", "地址", "现居住地", "住房地址"),
    "phone": ("联系方式", "手机号", "手机号码", "手机", "电话", "电话号码", "联系电话号码", "本人电话"),
    "lives_alone": ("是否独居", "独居老人", "是否独居老人", ("居住情况", "living"), ("居住状况", "living")),
    "party_member": ("是否党员", "中共党员", ("政治面貌", "political")),
    "health_notes": ("身体状况", "健康情况", "病史", "既往病史", "疾病情况", "疾病史"),
    "emergency_contact": ("紧急联系人姓名", "监护人", "家属联系人"),
    "emergency_phone": ("紧急联系人电话", "监护人电话", "家属电话", "家属联系电话"),
    "national_id": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "身份号码"),
    "community": ("所属社区", "社区名称"),
}
#: Headers read as nothing, without a warning: the row numbers of the form.
IGNORED = ("序号",)

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
    "services": "服务记录",
}


def _fold(label: str) -> str:
    """Normalise a header or sheet name: ``" Resident ID "`` -> ``"resident_id"``."""
    folded = unicodedata.normalize("NFKC", label).strip().lower()
    return re.sub(r"[\s\-]+", "_", folded)


_SHEETS = {_fold(name): name for name in SHEET_NAMES_ZH} | {_fold(zh): name for name, zh in SHEET_NAMES_ZH.items()}


def fold_header(header: str) -> str:
    """A header as it is looked up: width, case, spaces and dashes folded, brackets kept
    (``" Resident ID "`` and ``"resident-id"`` are ``"residentid"``)."""
    return _fold(header).replace("_", "")


_HEADERS: dict[str, dict[str, tuple[Column, str, str]]] = {}  # sheet -> folded header -> (column, kind, how)
for _sheet, _cols in SHEET_COLUMNS.items():
    _found = _HEADERS.setdefault(_sheet, {})
    _by_name = {c.name: c for c in _cols}
    for _name, _headers in SYNONYMS.items():
        if _name in _by_name:
            for _header in _headers:
                _label, _kind = (_header, _by_name[_name].kind) if isinstance(_header, str) else _header
                _found[fold_header(_label)] = (_by_name[_name], _kind, "synonym")
    for _col in _cols:  # a column's own names win over another's synonym
        _found[fold_header(_col.name)] = _found[fold_header(_col.zh)] = (_col, _col.kind, "contract")
_IGNORED = frozenset(map(fold_header, IGNORED))

#: How a header was understood (`HeaderReading.how`).
CONTRACT, SYNONYM, MAPPING, IGNORED_HOW, UNKNOWN = "contract", "synonym", "mapping", "ignored", "unknown"
#: A --map target that means: read nothing from this column, silently.
IGNORE_TARGETS = ("-", "ignore", "忽略")


@dataclass(frozen=True)
class HeaderReading:
    """How one header is read: the column it feeds (``None``: ignored or unknown), the kind of its
    values, and ``how`` (contract name, synonym, the user's mapping, ignored, unknown)."""

    column: Column | None
    kind: str | None
    how: str


#: The user's own header mapping (``--map 家庭住址=address``): folded header -> column name, or ``None`` to ignore.
Mapping: TypeAlias = dict[str, str | None]


def parse_mapping(items: Iterable[str]) -> Mapping:
    """Read ``HEADER=COLUMN`` items; COLUMN is a column's English or Chinese name (in any sheet), or ``-``
    (ignore the header).

    Raises
    ------
    ValueError
        For an item without ``=``, or a COLUMN no sheet has; the message says which.

    >>> parse_mapping(["家庭住址=address", "备注 = -", "手机=联系电话"])
    {'家庭住址': 'address', '备注': None, '手机': 'phone'}
    """
    names = {fold_header(c.name): c.name for cols in SHEET_COLUMNS.values() for c in cols}
    names |= {fold_header(c.zh): c.name for cols in SHEET_COLUMNS.values() for c in cols}
    mapping: Mapping = {}
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise ValueError(f"{item!r}: write HEADER=COLUMN, e.g. 家庭住址=address")
        if target.strip().lower() in IGNORE_TARGETS:
            mapping[fold_header(header)] = None
            continue
        name = names.get(fold_header(target))
        if name is None:
            raise ValueError(f"{item!r}: no column named {target.strip()!r} (see docs/ledger-format.md)")
        mapping[fold_header(header)] = name
    return mapping


def sheet_for(label: str) -> str | None:
    """Return the sheet a sheet title or CSV file stem names, or ``None``."""
    return _SHEETS.get(_fold(label))


def read_header(sheet: str, header: str, mapping: Mapping | None = None) -> HeaderReading:
    """How ``header`` is read in ``sheet``: by the user's mapping first, then as a column's own name, a
    synonym, or 序号 (ignored); else unknown."""
    key = fold_header(header)
    if mapping and key in mapping:
        target = mapping[key]
        if target is None:
            return HeaderReading(None, None, IGNORED_HOW)
        column = next((c for c in SHEET_COLUMNS[sheet] if c.name == target), None)
        if column is not None:
            return HeaderReading(column, column.kind, MAPPING)
    found = _HEADERS[sheet].get(key)
    if found is not None:
        return HeaderReading(*found)
    return HeaderReading(None, None, IGNORED_HOW if key in _IGNORED else UNKNOWN)


def column_for(sheet: str, header: str, mapping: Mapping | None = None) -> Column | None:
    """Return the column a header (Chinese or English, or a synonym) names in ``sheet``, or ``None``."""
    return read_header(sheet, header, mapping).column


def _known_headers(sheet: str, cells: Sequence[Cell], mapping: Mapping | None) -> set[str]:
    """The columns of ``sheet`` that the cells of a row name."""
    return {
        reading.column.name
        for c in cells
        if isinstance(c, str) and c and (reading := read_header(sheet, c, mapping)).column is not None
    }


def looks_like_residents(rows: Sequence[tuple[int, list[Cell]]], mapping: Mapping | None = None) -> bool:
    """Whether one of ``rows`` is a header of residents: it names at least three of their columns, among
    them the name and the resident id or the national id (a register sheet named after its building)."""
    for _, cells in rows:
        known = _known_headers("residents", cells, mapping)
        if len(known) >= 3 and "name" in known and known & {"resident_id", "national_id"}:
            return True
    return False


@dataclass
class Plan:
    """How to read a sheet's rows: ``steps`` for the columns present, as
    (name, cell index, parser or ``None`` for plain text, default when empty,
    column, whether an empty cell is an error), and the ``absent`` columns' default values."""

    steps: list[tuple[str, int, Parser | None, Value, Column, bool]]
    absent: dict[str, Value]
    ignored: list[int] = field(default_factory=list)  # indexes of the columns read as nothing
    present: set[str] = field(default_factory=set)  # names of the columns present


@dataclass
class Header:
    """A sheet's header: the ``headers`` as written (two header rows read as one), the rows above it
    (titles: number and text), and the data rows after it."""

    headers: list[str]
    row: int
    titles: list[tuple[int, str]]
    rows: Iterator[tuple[int, list[Cell]]]


def find_header(
    sheet: str, rows: Iterable[tuple[int, list[Cell]]], scan: int = 8, mapping: Mapping | None = None
) -> Header | None:
    """Split a sheet's rows into its header and the rows after it.

    The header is the one of the first ``scan`` rows that names the most
    columns of ``sheet`` (the earliest on a tie; rows above it are titles). A
    row right under it that names columns only where the header names none
    (the second row of a header whose cells are merged over two rows, e.g.
    住址 over 楼栋, 单元, 门牌号) is read with it; so is the row above it when
    the header's cells are merged down from it (the header starts there).

    Returns
    -------
    Header or None
        ``None`` for an empty sheet.
    """
    rows = iter(rows)
    head = list(islice(rows, scan))
    if not head:
        return None
    counts = [len(_known_headers(sheet, cells, mapping)) for _, cells in head]
    at = counts.index(max(counts))
    headers = [text(cell) for cell in head[at][1]]
    after = at + 1
    if after < len(head) and _continues(sheet, headers, head[after][1], mapping):
        below = [text(cell) for cell in head[after][1]]
        width = max(len(headers), len(below))
        headers = [
            b if b and read_header(sheet, b, mapping).column is not None else h
            for h, b in zip(headers + [""] * (width - len(headers)), below + [""] * (width - len(below)))
        ]
        after += 1
    top = at - 1 if at and _lower_half(head[at - 1][1], head[at][1]) else at
    titles = [(number, " ".join(text(c) for c in cells if c != "")) for number, cells in head[:top]]
    return Header(headers, head[top][0], titles, chain(head[after:], rows))


def _lower_half(above: Sequence[Cell], cells: Sequence[Cell]) -> bool:
    """Whether ``cells`` is the lower row of a header over two rows whose upper row is ``above``: the cells
    merged down both rows are read on it too (as `Spread`), so it names the most columns and is taken for
    the header; the row above is then no title but the header's upper half."""
    spread = [(i, c) for i, c in enumerate(cells) if isinstance(c, Spread)]
    return bool(spread) and all(i < len(above) and above[i] == c for i, c in spread)


def _continues(sheet: str, headers: list[str], below: Sequence[Cell], mapping: Mapping | None) -> bool:
    """Whether ``below`` is the second row of the header ``headers``: every cell of it is empty, the header's
    own text (a cell merged down both rows) or names a column where the header's reading names none."""
    named = 0
    for index, cell in enumerate(below):
        if cell == "":
            continue
        above = headers[index] if index < len(headers) else ""
        if not isinstance(cell, str) or read_header(sheet, cell, mapping).column is None:
            if cell != above:
                return False
            continue
        if cell == above:
            continue
        if above and read_header(sheet, above, mapping).column is not None:
            return False
        named += 1
    return named > 0


def map_headers(
    sheet: str, headers: Sequence[str], mapping: Mapping | None = None, given: Iterable[str] = ()
) -> tuple[Plan, list[Problem], list[HeaderReading]]:
    """Match a header row against ``sheet``'s columns.

    ``given`` are columns the sheet gives otherwise (the building of a sheet
    named after it). Returns the reading plan, the problems (a warning per
    unknown column; an error per column given twice or required column
    missing: any error means the sheet's rows cannot be read) and how each
    header was read.
    """
    problems: list[Problem] = []
    found: dict[str, int] = {}
    kinds: dict[str, str] = {}
    readings: list[HeaderReading] = []
    ignored: list[int] = []
    for index, header in enumerate(headers):
        reading = read_header(sheet, header, mapping) if header else HeaderReading(None, None, IGNORED_HOW)
        readings.append(reading)
        column = reading.column
        if not header or reading.how == IGNORED_HOW:
            ignored.append(index)
        elif column is None:
            problems.append(Problem(sheet, None, header, None, "unknown column, ignored", "warning"))
        elif column.name in found:
            reason = f"column {column.zh} | {column.name} given twice; the sheet's rows are all rejected"
            problems.append(Problem(sheet, None, column.name, header, reason))
        else:
            found[column.name] = index
            kinds[column.name] = reading.kind or column.kind
    stand_ins = STAND_INS.get(sheet, {})
    given = set(given)
    plan = Plan([], {}, ignored, set(found))
    for column in SHEET_COLUMNS[sheet]:
        at, kind = found.get(column.name), kinds.get(column.name, column.kind)
        default = DEFAULTS.get(kind)
        covered = column.name in given or any(s in found for s in stand_ins.get(column.name, ()))
        if at is not None:
            plan.steps.append((column.name, at, _PARSERS[kind], default, column, column.required and not covered))
            continue
        plan.absent[column.name] = default
        if column.required and not covered:
            reason = f"required column {column.zh} | {column.name} is missing; the sheet's rows are all rejected"
            problems.append(Problem(sheet, None, column.name, None, reason))
    return plan, problems, readings


def parse_row(plan: Plan, cells: Sequence[Cell]) -> tuple[Values, list[tuple[str, str | None, str]]]:
    """Parse one row's cells by ``plan``.

    Returns the values by column name (absent columns get their default) and the
    errors as ``(column, value as it may be shown, reason)``.
    """
    values: Values = dict(plan.absent)
    errors: list[tuple[str, str | None, str]] = []
    width = len(cells)
    for name, index, parser, default, column, required in plan.steps:
        cell = cells[index] if index < width else ""
        if cell.__class__ is Spread:
            cell = str(cell)
        if cell == "":
            if required:
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
