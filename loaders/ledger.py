"""Read and validate a community ledger (the import contract: ``docs/ledger-format.md``).

:func:`read_ledger` never raises for bad data: the :class:`~loaders.model.Ledger`
it returns holds the valid rows, every problem found, and the rejected raw rows.
Checks across rows use dict look-ups only, so reading is linear in the rows.

>>> national_id_is_valid("11010519491231002X")
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeAlias

from analysis.domain import Role, now, zone
from graph.visits import MAX_NOTE, SKEW
from loaders.columns import Plan, Values, find_header, map_headers, parse_row
from loaders.errors import LoaderError
from loaders.model import (
    SHEETS,
    Care,
    LeaderPost,
    Ledger,
    PartyGroupMembership,
    Problem,
    Resident,
    ServiceRole,
    Stopped,
    Visit,
    VolunteerMembership,
)
from loaders.parse import Cell, national_id_is_valid, text
from loaders.sources import RawSheet, SourceError, open_source, write_report

__all__ = ["MAX_ERRORS", "LedgerError", "national_id_is_valid", "read_ledger", "write_rejected"]


class LedgerError(LoaderError):
    """The ledger's path cannot be read at all (the message names the path)."""


#: Reading stops once this many errors have been found, or this many rows rejected: the
#: ledger needs fixing whatever the rest holds, and memory stays flat however big it is.
MAX_ERRORS = 1000
#: Warnings kept beyond this many are only counted (`Ledger.warnings_not_kept`).
MAX_WARNINGS = 1000


def read_ledger(path: str | Path, community: str | None = None, *, max_errors: int = MAX_ERRORS) -> Ledger:
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

    Raises
    ------
    LedgerError
        Only if the path cannot be read (missing, not a workbook or folder,
        damaged, not clean text, or without a residents sheet).
    """
    path = Path(path)
    ledger = Ledger()
    try:
        with open_source(path) as (sheets, problems):
            if "residents" not in sheets:
                raise LedgerError(f"{path}: no residents sheet (residents or 居民)")
            state = _State(ledger, community.strip() if community else None, max_errors)
            state.add(problems)
            for name in SHEETS:
                if name in sheets:
                    _read_sheet(state, sheets[name])
    except SourceError as exc:
        raise LedgerError(str(exc)) from exc
    except _Stop as stop:
        ledger.stopped = Stopped(stop.sheet.name, stop.sheet.label, stop.row, state.errors, state.rejected)
        ledger.rejected = {sheet: rows for sheet, rows in ledger.rejected.items() if rows}
    return ledger


class _Stop(Exception):
    """Raised before the first row not read once the error cap is reached."""

    def __init__(self, sheet: RawSheet, row: int) -> None:
        self.sheet, self.row = sheet, row


@dataclass
class _State:
    """What the rows read so far tell the next ones (keys start with the community)."""

    ledger: Ledger
    community: str | None
    max_errors: int
    errors: int = 0  # errors found so far
    rejected: int = 0  # rows rejected so far
    communities: set[str] = field(default_factory=set)  # seen in the residents sheet
    residents: dict[tuple[str, str], Resident] = field(default_factory=dict)
    buildings: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # -> grid, row
    grids: set[tuple[str, str]] = field(default_factory=set)
    units: set[tuple[str, str, str]] = field(default_factory=set)
    seen: dict[tuple[Hashable, ...], int] = field(default_factory=dict)  # duplicate keys -> first row
    group_homes: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # party group -> building, row

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


class _Row:
    """The problems of one row."""

    __slots__ = ("sheet", "number", "problems", "ok")

    def __init__(self, sheet: str, number: int) -> None:
        self.sheet, self.number = sheet, number
        self.problems: list[Problem] = []
        self.ok = True

    def error(self, column: str, value: str | None, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason))
        self.ok = False

    def warn(self, column: str | None, value: str | None, reason: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, value, reason, "warning"))

    def first(self, state: _State, key: tuple[Hashable, ...]) -> int | None:
        """Record ``key``; return the row that had it first, if not this one."""
        first = state.seen.setdefault(key, self.number)
        return None if first == self.number else first


def _read_sheet(state: _State, raw: RawSheet) -> None:
    sheet, ledger = raw.name, state.ledger
    found = find_header(sheet, raw.rows)
    if found is None:
        if sheet == "residents":
            state.add([Problem(sheet, None, None, None, "the sheet is empty")])
        return
    headers, title_rows, rows = found
    state.add([Problem(sheet, number, None, None, "above the header row, ignored", "warning") for number in title_rows])
    plan, problems = map_headers(sheet, headers)
    default = _default_community(state, sheet, plan, problems)
    state.add(problems)
    rejected = ledger.rejected.setdefault(sheet, [])
    if any(p.severity == "error" for p in problems):
        for number, cells in rows:
            state.check_cap(raw, number)
            rejected.append((number, _raw(headers, cells)))
            state.rejected += 1
        return
    build, records = _BUILDERS[sheet], getattr(ledger, sheet)
    for number, cells in rows:
        state.check_cap(raw, number)
        row = _Row(sheet, number)
        values, errors = parse_row(plan, cells)
        for column, value, reason in errors:
            row.error(column, value, reason)
        values["community"] = state.community or values.get("community") or default
        if sheet == "residents" and values["community"]:
            state.communities.add(values["community"])
        if not values["community"]:
            row.error("community", None, "required value missing")
        record = build(state, row, values) if row.ok else None
        state.add(row.problems)
        if not row.ok:
            rejected.append((number, _raw(headers, cells)))
            state.rejected += 1
        elif record is not None:
            records.append(record)
    if not rejected:
        del ledger.rejected[sheet]


def _default_community(state: _State, sheet: str, plan: Plan, problems: list[Problem]) -> str | None:
    """The community of rows without one; adds an error if rows can't have any."""
    if state.community or "community" not in plan.absent:
        return None
    if sheet != "residents" and len(state.communities) == 1:
        return next(iter(state.communities))
    reason = "no community: pass --community or add a 社区 | community column"
    problems.append(Problem(sheet, None, "community", None, reason))
    return None


def _raw(headers: list[str], cells: Sequence[Cell]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for index, header in enumerate(headers):
        if header:
            raw.setdefault(header, text(cells[index]) if index < len(cells) else "")
    return raw


# --- one builder per sheet: cross-row checks, then the record (or None) -----


def _resident(state: _State, row: _Row, v: Values) -> Resident | None:
    c, building, grid = v["community"], v["building"], v["grid"]
    first = state.seen.get(("residents", c, v["resident_id"]))
    if first is not None:
        row.error("resident_id", v["resident_id"], f"duplicate resident id (first at row {first})")
    known = state.buildings.get((c, building))
    if known is not None and known[0] != grid:
        row.error("building", building, f"building {building} is in grid {known[0]} at row {known[1]}")
    if v["health_notes"] and v["health_consent"] is False:  # never quote the notes
        row.error(
            "health_notes",
            None,
            "health notes without consent (健康信息同意 | health_consent says 否): "
            "leave them out, or record the consent",
        )
    if not row.ok:
        return None
    state.seen[("residents", c, v["resident_id"])] = row.number
    state.buildings.setdefault((c, building), (grid, row.number))
    state.grids.add((c, grid))
    state.units.add((c, building, v["unit"]))
    resident = Resident(**v)
    state.residents[(c, resident.resident_id)] = resident
    return resident


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


#: A record of any sheet.
Record: TypeAlias = Resident | LeaderPost | Care | VolunteerMembership | ServiceRole | PartyGroupMembership | Visit
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
