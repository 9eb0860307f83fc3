"""Read and validate a community ledger (the import contract: ``docs/ledger-format.md``).

:func:`read_ledger` never raises for bad data: the :class:`~loaders.model.Ledger`
it returns holds the valid rows, every problem found, and the rejected raw rows.
Checks across rows use dict look-ups only, so reading is linear in the rows.

Besides the contract's sheets it reads registers as community offices keep
them (居民信息台账): residents in sheets named after their building (``5号楼``),
identified by their national id, their home in one address column, everyday
headers, cells merged down the rows of a unit and a signed footer under the
data (see docs/ledger-format.md, "Everyday registers").

>>> national_id_is_valid("11010519491231002X")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeAlias

from analysis.domain import Role, now, zone
from graph.visits import MAX_NOTE, SKEW
from loaders.address import parse_address, place_hints
from loaders.columns import (
    REFERENCES,
    SHEET_COLUMNS,
    STAND_INS,
    Header,
    HeaderReading,
    Mapping,
    Plan,
    Values,
    find_header,
    map_headers,
    parse_row,
    read_header,
)
from loaders.errors import LoaderError
from loaders.identity import Hasher, born_on, derived_key, gender_of
from loaders.model import (
    SHEETS,
    Care,
    ColumnReading,
    LeaderPost,
    Ledger,
    PartyGroupMembership,
    Problem,
    Resident,
    ServiceDone,
    ServiceRole,
    SheetReading,
    Stopped,
    Visit,
    VolunteerMembership,
)
from loaders.parse import Cell, Month, MonthOnly, ParseError, Spread, mask_id, national_id_is_valid, text
from loaders.sources import RawSheet, SourceError, Sources, open_source, write_report

__all__ = ["MAX_ERRORS", "LedgerError", "national_id_is_valid", "read_ledger", "write_rejected"]

MAX_LABEL = 40  # characters of a team's name (as the API takes it)


class LedgerError(LoaderError):
    """The ledger's path cannot be read at all (the message names the path)."""


#: Reading stops once this many errors have been found, or this many rows rejected: the
#: ledger needs fixing whatever the rest holds, and memory stays flat however big it is.
MAX_ERRORS = 1000
#: Warnings kept beyond this many are only counted (`Ledger.warnings_not_kept`).
MAX_WARNINGS = 1000


def read_ledger(
    path: str | Path,
    community: str | None = None,
    *,
    max_errors: int = MAX_ERRORS,
    hash_national_id: Hasher | None = None,
    mapping: Mapping | None = None,
    preview: int = 0,
) -> Ledger:
    """Read and validate a workbook (``.xlsx``) or a folder of CSV files.

    Rows are streamed: the ledger keeps the valid records, the problems and
    the rejected rows, never the whole file. Reading stops before the next row
    once ``max_errors`` errors have been found or ``max_errors`` rows rejected;
    `Ledger.stopped` then says where.

    Parameters
    ----------
    path
        The workbook, or the folder holding ``residents.csv`` (or ``居民.csv``) etc.
    community
        The community of every row; if ``None``, each row's ``社区 | community``
        column says it.
    max_errors
        The error cap (`MAX_ERRORS`).
    hash_national_id
        The keyed hash of national ids (``api.secrets.national_id_hasher``),
        from which the key of a resident without a 居民编号 is derived
        (`loaders.identity.derived_key`); without it such a resident is an error.
    mapping
        The user's header mapping (``--map``, `loaders.columns.parse_mapping`).
    preview
        How many rows of each sheet to keep, masked, as they would be stored
        (`SheetReading.preview`).

    Raises
    ------
    LedgerError
        Only if the path cannot be read (missing, not a workbook or folder,
        damaged, not clean text, or without a residents sheet).
    """
    path = Path(path)
    ledger = Ledger()
    state = _State(ledger, community.strip() if community else None, max_errors, hash_national_id, mapping, preview)
    try:
        with open_source(path, mapping) as sources:
            if "residents" not in sources.sheets and not sources.parts:
                raise LedgerError(
                    f"{path}: no residents sheet (residents or 居民, or sheets of residents such as 5号楼 whose "
                    "header names 姓名 and 身份证号 or 居民编号)"
                )
            state.add(sources.problems)
            _read_residents(state, sources)
            for name in SHEETS[1:]:
                if name in sources.sheets:
                    _read_sheet(state, sources.sheets[name])
    except SourceError as exc:
        raise LedgerError(str(exc)) from exc
    except _Stop as stop:
        ledger.stopped = Stopped(stop.sheet.name, stop.sheet.label, stop.row, state.errors, state.rejected)
        ledger.rejected = {sheet: rows for sheet, rows in ledger.rejected.items() if rows}
        if not ledger.residents:
            ledger.residents = list(state.residents.values())
    state.finish(path)
    return ledger


class _Stop(Exception):
    """Raised before the first row not read once the error cap is reached."""

    def __init__(self, sheet: RawSheet, row: int) -> None:
        self.sheet, self.row = sheet, row


@dataclass
class _Pending:
    """A resident's row without a home (a sheet listing Party members by name and id): it is the same
    person as a row with their address in another sheet, or an error."""

    sheet: str
    number: int
    values: Values
    raw: dict[str, str]
    record: Resident


@dataclass
class _Context:
    """What a sheet tells its rows: its name in problems, and the places its name or title gives."""

    sheet: str
    part: bool = False
    building: str | None = None
    grid: str | None = None
    reading: SheetReading | None = None


@dataclass
class _State:
    """What the rows read so far tell the next ones (keys start with the community)."""

    ledger: Ledger
    community: str | None
    max_errors: int
    hasher: Hasher | None = None
    mapping: Mapping | None = None
    preview: int = 0
    errors: int = 0  # errors found so far
    rejected: int = 0  # rows rejected so far
    communities: set[str] = field(default_factory=set)  # seen in the residents sheet
    residents: dict[tuple[str, str], Resident] = field(default_factory=dict)
    homes: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # resident -> sheet, row
    national_ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (community, national id) -> resident
    buildings: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # -> grid, where first
    grids: set[tuple[str, str]] = field(default_factory=set)
    units: set[tuple[str, str, str]] = field(default_factory=set)
    seen: dict[tuple[Hashable, ...], int] = field(default_factory=dict)  # duplicate keys -> first row
    group_homes: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # party group -> building, row
    context: _Context = field(default_factory=lambda: _Context("residents"))
    pending: list[_Pending] = field(default_factory=list)
    previews: list[tuple[SheetReading, int, tuple[str, str]]] = field(default_factory=list)  # resident rows
    footers: list[tuple[str, list[int]]] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)  # header unknown in parts -> the parts

    def add(self, problems: list[Problem]) -> None:
        """Record problems: every error, and warnings up to `MAX_WARNINGS` (the rest are counted)."""
        ledger = self.ledger
        for problem in problems:
            if problem.severity == "error":
                self.errors += 1
            elif len(ledger.problems) - self.errors >= MAX_WARNINGS:
                ledger.warnings_not_kept += 1
                continue
            ledger.problems.append(problem)

    def check_cap(self, sheet: RawSheet, number: int) -> None:
        """Stop before row ``number`` of ``sheet`` if the error cap is reached."""
        if self.errors >= self.max_errors or self.rejected >= self.max_errors:
            raise _Stop(sheet, number)

    def reject(self, sheet: str, number: int, raw: dict[str, str]) -> None:
        self.ledger.rejected.setdefault(sheet, []).append((number, raw))
        self.rejected += 1

    def finish(self, path: Path) -> None:
        """The warnings said once for the whole ledger, and the previews of residents (as merged)."""
        problems = []
        for header, parts in self.unknown.items():
            also = f" (also in {_listed(parts[1:])})" if len(parts) > 1 else ""
            problems.append(Problem(parts[0], None, header, None, f"unknown column, ignored{also}", "warning"))
        if self.footers:
            where = "; ".join(f"{sheet} {_span(rows)}" for sheet, rows in self.footers)
            reason = f"rows after the data ignored (signatures, dates, totals): {where}"
            problems.append(Problem(self.footers[0][0], None, None, None, reason, "warning"))
        self.add(problems)
        for reading, number, key in self.previews:
            resident = self.residents.get(key)
            if resident is not None:
                reading.preview.append((number, shown_record(resident)))


def _listed(items: list[str], most: int = 5) -> str:
    return ", ".join(items[:most]) + (f" … ({len(items)} sheets)" if len(items) > most else "")


def _span(rows: list[int]) -> str:
    """``rows 131–133`` for consecutive rows, else ``rows 9, 12``."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}–{rows[-1]}"
    return "rows " + ", ".join(map(str, rows))


class _Row:
    """The problems of one row."""

    __slots__ = ("sheet", "number", "problems", "ok", "faults")

    def __init__(self, sheet: str, number: int) -> None:
        self.sheet, self.number = sheet, number
        self.problems: list[Problem] = []
        self.ok = True
        self.faults: set[str] = set()  # the columns in error

    def error(self, column: str, value: str | None, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason))
        self.ok = False
        self.faults.add(column)

    def warn(self, column: str | None, value: str | None, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason, "warning"))

    def first(self, state: _State, key: tuple[Hashable, ...]) -> int | None:
        """Record ``key``; return the row that had it first, if not this one."""
        first = state.seen.setdefault(key, self.number)
        return None if first == self.number else first


def _read_residents(state: _State, sources: Sources) -> None:
    """The residents: the contract's sheet, then the parts, then the rows without a home that name a person
    of another sheet."""
    if "residents" in sources.sheets:
        _read_sheet(state, sources.sheets["residents"])
    for part in sources.parts:
        _read_sheet(state, part)
    for pending in state.pending:
        key = (pending.values["community"], pending.record.resident_id)
        row = _Row(pending.sheet, pending.number)
        if key in state.residents:
            _merge(state, row, key, pending.record, has_home=False)
        else:
            what = "no address, and this person (the same 身份证号 or 居民编号) has none in another sheet"
            row.error("address", None, what)
        state.add(row.problems)
        if not row.ok:
            state.reject(pending.sheet, pending.number, pending.raw)
    state.ledger.residents = list(state.residents.values())


# a signature or date footer under the data, a total, or the mark of a form's end
_FOOTER = re.compile(
    r"(?:(?:填表人|填报人|制表人|审核人|审核|审批人|负责人|统计人|经办人|联系人|联系电话|填表日期|填报日期|制表日期"
    r"|日期|签字|签名|盖章|单位|社区\s*\(?盖章\)?)\s*[:：]|以下空白|以下无内容|合\s*计|总\s*计|小\s*计|[(（]?盖章)"
)
_FOOTER_STARTS = frozenset("填制审负统经联日签盖单社以合总小(（")


def _is_footer(cells: Sequence[Cell]) -> bool:
    """Whether a row is a footer: its first cell (not merged from above) is a signature, a date, a total or
    the mark of a form's end (填表人：…, 填表日期：…, 合计, 以下空白). No data row begins so."""
    for cell in cells:
        if cell == "" or cell.__class__ is Spread:
            continue
        return cell.__class__ is str and cell[0] in _FOOTER_STARTS and _FOOTER.match(cell) is not None
    return False


def _read_sheet(state: _State, raw: RawSheet) -> None:
    sheet, ledger, shown = raw.name, state.ledger, raw.shown
    reading = SheetReading(shown, sheet, raw.label)
    ledger.readings.append(reading)
    found = find_header(sheet, raw.rows, mapping=state.mapping)
    if found is None:
        if sheet == "residents" and not raw.part:
            state.add([Problem(sheet, None, None, None, "the sheet is empty")])
        return
    context = _context(raw, found, reading)
    state.context = context
    headers = found.headers
    if not raw.part:
        state.add([Problem(sheet, n, None, None, "above the header row, ignored", "warning") for n, _ in found.titles])
    given = _given(context)
    if raw.part and not given and not _names_a_place(headers, state.mapping):
        given = {"grid", "building", "unit", "room"}  # a list of people (党员名册): their homes are in other sheets
    plan, problems, readings = map_headers(sheet, headers, state.mapping, given)
    reading.columns = _column_readings(headers, readings, problems)
    reading.derived = _derived(sheet, plan, context)
    if raw.part:
        problems = _unknown_once(state, shown, problems)
    problems = [replace(p, sheet=shown) if p.sheet != shown else p for p in problems]
    default = _default_community(state, sheet, shown, plan, problems)
    state.add(problems)
    rejected = ledger.rejected.setdefault(shown, [])
    if any(p.severity == "error" for p in problems):
        for number, cells in found.rows:
            state.check_cap(raw, number)
            rejected.append((number, _raw(headers, cells)))
            state.rejected += 1
        return
    build, records = _BUILDERS[sheet], getattr(ledger, sheet)
    residents = sheet == "residents"
    read = [index for _, index, *_ in plan.steps]
    identity = [index for name, index, *_ in plan.steps if name in _IDENTITY] if residents else read
    footer: list[int] = []
    previews = 0
    for number, cells in found.rows:
        state.check_cap(raw, number)
        if _is_footer(cells) or (footer and not _looks_like_data(cells, identity, 1 if residents else 2)):
            footer.append(number)
            continue
        if not any(cells[i] != "" and cells[i].__class__ is not Spread for i in read if i < len(cells)):
            reading.blank += 1  # 序号 alone, or cells merged from above: a blank row of the form
            continue
        if _repeats_header(sheet, headers, cells, read, state.mapping):
            reading.repeated.append(number)
            continue
        reading.rows += 1
        row = _Row(shown, number)
        values, errors = parse_row(plan, cells)
        for column, value, reason in errors:
            row.error(column, value, reason)
        values["community"] = state.community or values.get("community") or default
        if residents and values["community"]:
            state.communities.add(values["community"])
        if not values["community"]:
            row.error("community", None, "required value missing")
        if not residents:
            _references(state, row, sheet, plan, values)
        record = build(state, row, values) if row.ok else None
        state.add(row.problems)
        if not row.ok:
            rejected.append((number, _raw(headers, cells)))
            state.rejected += 1
            continue
        reading.accepted += 1
        if residents:
            if previews < state.preview:
                previews += 1
                state.previews.append((reading, number, (values["community"], values["resident_id"])))
            pending = state.pending[-1] if state.pending else None
            if pending is not None and (pending.sheet, pending.number) == (shown, number):
                pending.raw = _raw(headers, cells)  # kept to be rejected if no other sheet has the home
        elif record is not None:
            records.append(record)
            if len(reading.preview) < state.preview:
                reading.preview.append((number, shown_record(record)))
    if footer:
        reading.footer = footer
        state.footers.append((shown, footer))
    if not rejected:
        del ledger.rejected[shown]


_IDENTITY = ("resident_id", "national_id")


def _repeats_header(
    sheet: str, headers: Sequence[str], cells: Sequence[Cell], read: list[int], mapping: Mapping | None
) -> bool:
    """Whether a row repeats the header, as registers printed page by page do at the top of each page: every
    cell read is empty or a header of the sheet, and at least two are the header's own (a header over two
    rows repeats its upper row too: 住址 above 楼栋, 单元, 门牌号)."""
    same = 0
    for index in read:
        cell = cells[index] if index < len(cells) else ""
        if cell == "":
            continue
        if not isinstance(cell, str):
            return False
        if index < len(headers) and cell == headers[index]:
            same += 1
        elif read_header(sheet, cell, mapping).column is None:
            return False
    return same >= 2


def _looks_like_data(cells: Sequence[Cell], columns: list[int], least: int) -> bool:
    """A row under a footer is data again if it names a resident by their id (a residents sheet), or fills at
    least two of the columns read (another sheet); a signature or a date alone is the footer's."""
    filled = sum(1 for i in columns if i < len(cells) and cells[i] != "" and cells[i].__class__ is not Spread)
    return filled >= least


def _context(raw: RawSheet, header: Header, reading: SheetReading) -> _Context:
    """The places a sheet's name and its title rows give (a part's building from ``5号楼``)."""
    grid, building = place_hints(raw.label) if raw.part else (None, None)
    for _, title in header.titles:
        title_grid, title_building = place_hints(title)
        grid, building = grid or title_grid, building or title_building
    reading.header_row, reading.title_rows = header.row, [n for n, _ in header.titles]
    if raw.name != "residents":
        grid = building = None
    reading.grid, reading.building = grid, building
    return _Context(raw.shown, raw.part, building, grid, reading)


def _names_a_place(headers: list[str], mapping: Mapping | None) -> bool:
    places = {"grid", "building", "unit", "room", "address"}
    return any(h and (c := read_header("residents", h, mapping).column) and c.name in places for h in headers)


def _given(context: _Context) -> set[str]:
    return {name for name, value in (("grid", context.grid), ("building", context.building)) if value}


def _derived(sheet: str, plan: Plan, context: _Context) -> list[str]:
    """The columns of a sheet that its rows take from elsewhere, as a dry run says."""
    derived = [
        column
        for column, sources in STAND_INS.get(sheet, {}).items()
        if any(s in plan.present for s in sources)
        and (column not in plan.present or column in ("resident_id", "birth_date"))
    ]
    if sheet == "residents" and "national_id" in plan.present and "gender" not in derived:
        derived.append("gender")
    derived += [name for name in ("grid", "building") if name in _given(context) and name not in derived]
    return derived


def _column_readings(headers: list[str], readings: list[HeaderReading], problems: list[Problem]) -> list[ColumnReading]:
    twice = {p.value for p in problems if p.value and "given twice" in p.reason}
    out = []
    for header, reading in zip(headers, readings):
        if not header:
            continue
        column = reading.column
        how = "duplicate" if header in twice else reading.how
        values = reading.kind if column is not None and reading.kind != column.kind else None
        out.append(ColumnReading(header, column.name if column else None, column.zh if column else None, how, values))
    return out


def _unknown_once(state: _State, shown: str, problems: list[Problem]) -> list[Problem]:
    """The unknown-column warnings of a part, kept to be said once for all parts (`_State.finish`)."""
    kept = []
    for problem in problems:
        if problem.severity == "warning" and problem.reason.startswith("unknown column") and problem.column:
            state.unknown.setdefault(problem.column, []).append(shown)
        else:
            kept.append(problem)
    return kept


def _default_community(state: _State, sheet: str, shown: str, plan: Plan, problems: list[Problem]) -> str | None:
    """The community of rows without one; adds an error if rows can't have any."""
    if state.community or "community" not in plan.absent:
        return None
    if sheet != "residents" and len(state.communities) == 1:
        return next(iter(state.communities))
    reason = "no community: pass --community or add a 社区 | community column"
    problems.append(Problem(shown, None, "community", None, reason))
    return None


def _raw(headers: list[str], cells: Sequence[Cell]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for index, header in enumerate(headers):
        if header:
            raw.setdefault(header, text(cells[index]) if index < len(cells) else "")
    return raw


# --- residents: identity, home, one person in several sheets -------------------------


def _resident(state: _State, row: _Row, v: Values) -> Resident | None:
    """Check a resident's row; keep the resident in `_State.residents` (returns ``None``: the ledger's list
    is made once all residents are read, one person read from two sheets being one resident)."""
    context, c = state.context, v["community"]
    address = v.pop("address", None)
    _identify(state, row, v)
    home = _home(state, row, v, address, context)
    if v["health_notes"] and v["health_consent"] is False:  # never quote the notes
        row.error(
            "health_notes",
            None,
            "health notes without consent (健康信息同意 | health_consent says 否): "
            "leave them out, or record the consent",
        )
    if not row.ok:
        return None
    key = (c, v["resident_id"])
    if not home:  # a sheet of people without their homes (a list of Party members): the home is elsewhere
        resident = Resident(**{**v, "grid": "", "building": "", "unit": "", "room": ""})
        state.pending.append(_Pending(row.sheet, row.number, v, {}, resident))
        return None
    resident = Resident(**v)
    if key in state.homes:
        _merge(state, row, key, resident, has_home=True)
        return None
    building = v["building"]
    known = state.buildings.get((c, building))
    if known is not None and known[0] != v["grid"]:
        row.error("building", building, f"building {building} is in grid {known[0]} at {known[1]}")
        return None
    state.homes[key] = (row.sheet, row.number)
    state.buildings.setdefault((c, building), (v["grid"], _where(row.sheet, row.number)))
    state.grids.add((c, v["grid"]))
    state.units.add((c, building, v["unit"]))
    state.residents[key] = resident
    if resident.national_id:
        state.national_ids.setdefault((c, resident.national_id), resident.resident_id)
    return None


def _where(sheet: str, number: int) -> str:
    """``row 5`` in the contract's residents sheet, else ``5号楼 row 5``."""
    return f"row {number}" if sheet == "residents" else f"{sheet} row {number}"


def _identify(state: _State, row: _Row, v: Values) -> None:
    """The resident's key, birth date and gender: from their columns, else from the national id (a stated
    birth date or gender that contradicts the id is an error; the id is never quoted)."""
    national_id: str | None = v["national_id"]
    stated = v["birth_date"]
    if national_id is None:
        if v["resident_id"] is None and "resident_id" not in row.faults:
            row.error("resident_id", None, "no 居民编号 and no 身份证号: a resident needs one of them")
        if stated is None and "birth_date" not in row.faults:
            row.error("birth_date", None, "required value missing (or give the 身份证号)")
        elif isinstance(stated, MonthOnly):
            row.error("birth_date", f"{stated:%Y-%m}", "a year and month without the day: add the day or the 身份证号")
        elif isinstance(stated, Month):
            v["birth_date"] = date(stated.year, stated.month, stated.day)
        return
    try:
        born, gender = born_on(national_id), gender_of(national_id)
    except ParseError as error:
        row.error("national_id", mask_id(national_id), str(error))
        return
    if stated is not None:
        month = isinstance(stated, Month)
        if (stated.year, stated.month) != (born.year, born.month) or (not month and stated.day != born.day):
            shown = f"{stated:%Y-%m}" if isinstance(stated, MonthOnly) else f"{stated:%Y-%m-%d}"
            row.error(
                "birth_date",
                shown,
                "出生日期 | birth_date contradicts the birth date in 身份证号 | national_id (the id is not shown): "
                "correct one of them",
            )
    if v["gender"] is not None and v["gender"] != gender:
        row.error(
            "gender",
            "男" if v["gender"] == "M" else "女",
            "性别 | gender contradicts the gender in 身份证号 | national_id (the id is not shown): correct one of them",
        )
    v["birth_date"], v["gender"] = born, gender
    if v["resident_id"] is None:
        if state.hasher is None:
            row.error("resident_id", None, "no 居民编号, and no key to derive one from the 身份证号")
        else:
            v["resident_id"] = derived_key(state.hasher, national_id)


_PLACES = ("building", "unit", "room")
_PLACE_ZH = {"building": "楼栋", "unit": "单元", "room": "门牌号", "grid": "网格"}


def _home(state: _State, row: _Row, v: Values, address: str | None, context: _Context) -> bool:
    """Fill building, unit and room from the address and the sheet, and the grid from the sheet or the
    building's other rows; report what is missing or contradicts. Returns ``False`` for a row of a part
    that gives no home at all (its person's home is in another sheet), else ``True``."""
    if address is not None:
        try:
            parsed = parse_address(address)
        except ParseError as error:
            if any(v[name] is None for name in _PLACES):
                row.error("address", address, str(error))
                return True
        else:
            for name, value in zip(_PLACES, (parsed.building, parsed.unit, parsed.room)):
                if value is None:
                    continue
                if v[name] is None:
                    v[name] = value
                elif v[name] != value:
                    row.error(name, v[name], f"the address ({address}) says {_PLACE_ZH[name]} {value}")
    if context.building is not None:
        if v["building"] is None:
            v["building"] = context.building
        elif v["building"] != context.building and not row.faults & {"building", "address"}:
            column = "address" if address is not None else "building"
            row.error(column, address or v["building"], f"the sheet {context.sheet} is building {context.building}")
    if context.part and context.building is None and address is None and all(v[n] is None for n in _PLACES):
        return False
    c = v["community"]
    if v["grid"] is None:
        known = state.buildings.get((c, v["building"])) if v["building"] is not None else None
        v["grid"] = context.grid or (known[0] if known else None)
    for name in ("grid", *_PLACES):
        if v[name] is None and name not in row.faults and not ({"address"} & row.faults):
            if address is not None and name != "grid":
                row.error("address", address, f"the address gives no {_PLACE_ZH[name]} ({name})")
            else:
                row.error(name, None, "required value missing")
    return True


#: Fields of a resident that two sheets may each give: the first non-empty one is kept; two different ones
#: are an error (a person's phone given twice is kept once: the first).
_ONE_OF = (
    "gender",
    "health_notes",
    "emergency_contact",
    "emergency_phone",
    "national_id",
    "care_capacity",
    "health_consent",
    "qr_show_contact",
    "qr_show_medical",
    "qr_show_address",
    "care_tier",
)


def _merge(state: _State, row: _Row, key: tuple[str, str], other: Resident, *, has_home: bool) -> None:
    """One person read from a second sheet: the rows must agree (name, birth date, home if given); yes/no
    columns are yes if either says so; fields only one gives are taken from it."""
    first = state.residents[key]
    sheet, number = state.homes[key]
    if sheet == row.sheet:
        what = "resident id" if state.hasher is None or not first.national_id else "resident (the same 身份证号)"
        row.error("resident_id", key[1], f"duplicate {what} (first at row {number})")
        return
    where = f"{sheet} row {number}"
    if _folded(other.name) != _folded(first.name):
        row.error("name", other.name, f"the same person (居民编号 or 身份证号) is {first.name} at {where}")
    if other.birth_date != first.birth_date:
        row.error("birth_date", other.birth_date.isoformat(), f"the same person was born on another day at {where}")
    if has_home and (other.grid, other.building, other.unit, other.room) != (
        first.grid,
        first.building,
        first.unit,
        first.room,
    ):
        home = f"{first.building}-{first.unit}-{first.room}"
        row.error("address", None, f"the same person lives at {home} (网格 {first.grid}) at {where}")
    changes: dict[str, Any] = {}
    for name in _ONE_OF:
        mine, theirs = getattr(first, name), getattr(other, name)
        if theirs is None or mine == theirs:
            continue
        if mine is None:
            changes[name] = theirs
        elif name not in ("health_notes", "emergency_contact", "emergency_phone"):
            column = next(c for c in SHEET_COLUMNS["residents"] if c.name == name)
            row.error(name, column.shown(str(theirs)), f"the same person has another {column.zh} at {where}")
    if not row.ok:
        return
    if other.phone and not first.phone:
        changes["phone"] = other.phone
    for flag in ("lives_alone", "party_member"):
        if getattr(other, flag) and not getattr(first, flag):
            changes[flag] = True
    if changes:
        state.residents[key] = replace(first, **changes)
    state.ledger.merged += 1


def _folded(name: str) -> str:
    return re.sub(r"\s+", "", name)


# --- a resident named by their national id in the other sheets --------------------


def _references(state: _State, row: _Row, sheet: str, plan: Plan, v: Values) -> None:
    """Resolve the national ids that stand for ledger ids (照护人身份证号 for 照护人编号 …)."""
    for id_column, id_of in REFERENCES.get(sheet, ()):
        national_id = v.pop(id_of, None)
        if national_id is None:
            if v.get(id_column) is None and id_of in plan.present and _required(sheet, id_column):
                row.error(id_column, None, "no 居民编号 and no 身份证号: name the resident by one of them")
            continue
        found = state.national_ids.get((v["community"], national_id))
        if found is None:
            row.error(id_of, mask_id(national_id), "no resident has this national id")
        elif v.get(id_column) is None:
            v[id_column] = found
        elif v[id_column] != found:
            row.error(id_column, v[id_column], f"{id_column} and {id_of} name two different residents")


def _required(sheet: str, name: str) -> bool:
    return any(c.required for c in SHEET_COLUMNS[sheet] if c.name == name)


# --- what a dry run shows of a record --------------------------------------------

_PHONE = re.compile(r"(\d{3})\d{4}(\d{4})")


def shown_record(record: object) -> dict[str, str]:
    """A record's fields as a dry run shows them: empty ones left out, national ids never shown (only that
    one was given: with the birth date beside it, its last digits would say too much), health notes and
    emergency contacts hidden, the middle of a mobile number masked."""
    shown: dict[str, str] = {}
    values = asdict(record)  # type: ignore[call-overload]
    for f in fields(record):  # type: ignore[arg-type]
        value = values[f.name]
        if value is None or value == "" or f.name == "community":
            continue
        if f.name.endswith("national_id"):
            shown[f.name] = "(given)"
        elif f.name in ("health_notes", "emergency_contact", "emergency_phone", "note"):
            shown[f.name] = "***"
        elif f.name == "phone":
            shown[f.name] = _PHONE.sub(r"\1****\2", str(value))
        elif f.name == "gender":
            shown[f.name] = {"M": "男", "F": "女"}.get(str(value), str(value))
        elif isinstance(value, bool):
            shown[f.name] = "是" if value else "否"
        elif isinstance(value, datetime):
            shown[f.name] = value.isoformat(sep=" ", timespec="minutes")
        elif isinstance(value, date):
            shown[f.name] = value.isoformat()
        else:
            shown[f.name] = str(value)
    return shown


def _known(state: _State, row: _Row, v: Values, column: str = "resident_id") -> Resident | None:
    resident = state.residents.get((v["community"], v[column]))
    if resident is None:
        row.error(column, v[column], "unknown resident id")
    return resident


def _building_grid(state: _State, row: _Row, v: Values, who: str) -> str | None:
    """Check the building a leader leads; return its grid."""
    building: str | None = v["building"]
    grid: str | None = v["grid"]
    if building is None:
        row.error("building", None, f"a {who} needs a building")
        return grid
    known = state.buildings.get((v["community"], building))
    if known is None:
        row.error("building", building, "no such building")
        return grid
    if grid is not None and grid != known[0]:
        row.error("grid", grid, f"building {building} is in grid {known[0]}")
    return known[0]


def _leader(state: _State, row: _Row, v: Values) -> LeaderPost | None:
    c, role, grid, building, unit = v["community"], v["role"], v["grid"], v["building"], v["unit"]
    _known(state, row, v)
    if role == Role.GRID_LEADER:
        building = unit = None
        if grid is None:
            row.error("grid", None, "a grid leader needs a grid")
        elif (c, grid) not in state.grids:
            row.error("grid", grid, "no such grid")
    else:
        grid = _building_grid(state, row, v, role.replace("_", " "))
        if role == Role.BUILDING_LEADER:
            unit = None
        elif unit is None:
            row.error("unit", None, "a unit leader needs a unit")
        elif (c, building) in state.buildings and (c, building, unit) not in state.units:
            row.error("unit", unit, f"no such unit in building {building}")
    scope = grid if role == Role.GRID_LEADER else (building, unit)
    if row.ok and (first := row.first(state, ("leaders", c, role, scope, v["post"]))):
        row.error("post", v["post"], f"this post already has a leader (row {first})")
    return LeaderPost(c, v["resident_id"], role, grid, building, unit, v["post"]) if row.ok else None


def _care(state: _State, row: _Row, v: Values) -> Care | None:
    _known(state, row, v, "caregiver_id")
    _known(state, row, v, "recipient_id")
    if v["caregiver_id"] == v["recipient_id"]:
        row.error("recipient_id", v["recipient_id"], "a resident cannot be their own caregiver")
    if v["since"] and v["until"] and v["until"] < v["since"]:
        row.error("until", v["until"].isoformat(), "ends before it starts")
    key = ("care", v["community"], v["caregiver_id"], v["recipient_id"], v["kind"])
    if row.ok and (first := row.first(state, key)):
        row.error("kind", v["kind"], f"duplicate care relationship (first at row {first})")
    return Care(**v) if row.ok else None


def _volunteer(state: _State, row: _Row, v: Values) -> VolunteerMembership | None:
    _known(state, row, v)
    if row.ok and (first := row.first(state, ("volunteers", v["community"], v["resident_id"], v["team"]))):
        row.warn("team", v["team"], f"duplicate of row {first}, ignored")
        return None
    return VolunteerMembership(**v) if row.ok else None


def _service_role(state: _State, row: _Row, v: Values) -> ServiceRole | None:
    _known(state, row, v)
    if (v["community"], v["grid"]) not in state.grids:
        row.error("grid", v["grid"], "no such grid")
    if row.ok and (first := row.first(state, ("service_roles", *v.values()))):
        row.warn("role", v["role"], f"duplicate of row {first}, ignored")
        return None
    return ServiceRole(**v) if row.ok else None


def _party_group(state: _State, row: _Row, v: Values) -> PartyGroupMembership | None:
    c, group, building = v["community"], v["party_group"], v["building"]
    resident = _known(state, row, v)
    if resident is not None and not resident.party_member:
        row.error("resident_id", v["resident_id"], "not a Party member")
    home = state.group_homes.get((c, group))
    if (c, building) not in state.buildings:
        row.error("building", building, "no such building")
    elif home is not None and home[0] != building:
        row.error("building", building, f"party group {group} is in building {home[0]} (row {home[1]})")
    if row.ok:
        state.group_homes.setdefault((c, group), (building, row.number))
    if row.ok and (first := row.first(state, ("party_groups", c, v["resident_id"], group))):
        row.warn("party_group", group, f"duplicate of row {first}, ignored")
        return None
    return PartyGroupMembership(**v) if row.ok else None


def _visit(state: _State, row: _Row, v: Values) -> Visit | None:
    resident = _known(state, row, v)
    if v["visitor_id"] is not None:
        _known(state, row, v, "visitor_id")
        if v["visitor_id"] == v["resident_id"]:
            row.error("visitor_id", v["visitor_id"], "a resident cannot visit themselves")
    at: date = v["visited_at"]
    shown = at.isoformat(sep=" ", timespec="minutes") if isinstance(at, datetime) else at.isoformat()
    latest = (now() + SKEW).astimezone(zone()).replace(tzinfo=None)  # the community's clock, a little skew allowed
    if at > (latest if isinstance(at, datetime) else latest.date()):
        row.error("visited_at", shown, "in the future")
    elif resident is not None and _day(at) < resident.birth_date:
        row.error("visited_at", shown, "before the resident was born")
    if v["note"] is not None and len(v["note"]) > MAX_NOTE:  # never quote the note
        row.error("note", None, f"longer than {MAX_NOTE} characters")
    key = ("visits", v["community"], v["resident_id"], at, v["visitor_id"], v["mode"], v["outcome"])
    if row.ok and (first := row.first(state, key)):
        row.warn("visited_at", shown, f"the same visit as row {first}, ignored")
        return None
    return Visit(**v) if row.ok else None


def _day(at: date) -> date:
    return at.date() if isinstance(at, datetime) else at


def _service_done(state: _State, row: _Row, v: Values) -> ServiceDone | None:
    resident = _known(state, row, v)
    if v["provider_id"] is not None:
        _known(state, row, v, "provider_id")
        if v["provider_id"] == v["resident_id"]:
            row.error("provider_id", v["provider_id"], "a resident does not serve themselves")
    if v["team"] is not None and len(unicodedata.normalize("NFKC", v["team"])) > MAX_LABEL:
        row.error("team", v["team"][:MAX_LABEL], f"a team's name is at most {MAX_LABEL} characters")
    at: date = v["served_on"]
    shown = at.isoformat(sep=" ", timespec="minutes") if isinstance(at, datetime) else at.isoformat()
    if _day(at) > now().astimezone(zone()).date():
        row.error("served_on", shown, "is in the future")
    elif resident is not None and _day(at) < resident.birth_date:
        row.error("served_on", shown, "before the resident was born")
    key = ("services", *v.values())
    if row.ok and (first := row.first(state, key)):
        row.warn("served_on", None, f"the same service as row {first}, ignored")
        return None
    return ServiceDone(**v) if row.ok else None


#: A record of any sheet.
Record: TypeAlias = (
    Resident | LeaderPost | Care | VolunteerMembership | ServiceRole | PartyGroupMembership | Visit | ServiceDone
)
#: Builds a sheet's record from a parsed row, or ``None`` if the row is rejected or ignored.
Builder: TypeAlias = Callable[[_State, _Row, Values], Record | None]

_BUILDERS: dict[str, Builder] = {
    "residents": _resident,
    "leaders": _leader,
    "care": _care,
    "volunteers": _volunteer,
    "service_roles": _service_role,
    "party_groups": _party_group,
    "visits": _visit,
    "services": _service_done,
}


def write_rejected(ledger: Ledger, source: str | Path) -> Path:
    """Write the rejected rows beside the ledger, for ``--skip-bad-rows``.

    The report is one CSV file, UTF-8 with a BOM so that Excel opens it as it
    is: ``book.xlsx`` gives ``book.rejected.csv``, a folder ``PATH`` gives
    ``PATH.rejected.csv`` next to it. One line per rejected row, in sheet
    then row order, with the columns ``表 sheet`` (e.g. ``居民 residents``),
    ``行 row``, ``列 column`` (the columns at fault), ``原因 reason`` (every
    error of that row, ``column: reason 'value'``, joined by ``;``) and
    ``原始内容 cells`` (the row as written, ``header=value`` joined by `` | ``).
    Sensitive cells are never written: national ids are masked to their last
    4 characters, health and emergency-contact cells show ``***``.

    Returns
    -------
    Path
        The file written (also when no row was rejected: then it has only
        its header line).
    """
    source = Path(source)
    if source.suffix.lower() == ".xlsx":
        target = source.with_suffix(".rejected.csv")
    else:
        target = source.parent / f"{source.name}.rejected.csv"
    return write_report(target, ledger)
