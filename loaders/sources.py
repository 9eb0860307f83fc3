"""Reading a ledger's sheets as raw rows, and writing the report of its rejected rows.

A ledger is an ``.xlsx`` workbook or a folder of ``.csv`` files; either way
it becomes :class:`RawSheet` objects whose rows are ``(row number, cells)``,
numbered as a spreadsheet shows them (first row is 1), entirely empty rows
left out. A cell is stripped text, or a :class:`datetime.date` for a real
Excel date cell; numbers become text (``301.0`` -> ``"301"``).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from openpyxl import load_workbook

from loaders.columns import SHEET_NAMES_ZH, column_for, sheet_for
from loaders.errors import LoaderError
from loaders.model import SHEETS, Ledger, Problem
from loaders.parse import Cell

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

Rows: TypeAlias = Iterable[tuple[int, list[Cell]]]


class SourceError(LoaderError):
    """The ledger's path, file or workbook cannot be read."""


@dataclass
class RawSheet:
    name: str  # the canonical sheet name, e.g. "residents"
    label: str  # as found: the sheet title or the file name
    rows: Rows


@contextmanager
def open_source(path: Path) -> Iterator[tuple[dict[str, RawSheet], list[Problem]]]:
    """Open a workbook or a CSV folder; yield its sheets and the problems found.

    Raises
    ------
    SourceError
        If the path is missing, neither a folder nor an ``.xlsx`` file, or
        not a readable workbook.
    """
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        yield _collect((p.stem, p.name, _csv_rows(p)) for p in files)
        return
    if path.suffix.lower() != ".xlsx":
        raise SourceError(f"{path}: not an .xlsx workbook or a folder of .csv files")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise SourceError(f"{path}: cannot read the workbook ({exc})") from exc
    try:
        sheets = ((ws.title, ws.title, _xlsx_rows(path, ws)) for ws in book.worksheets)
        yield _collect(sheets)
    finally:
        book.close()


def _collect(found: Iterable[tuple[str, str, Rows]]) -> tuple[dict[str, RawSheet], list[Problem]]:
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for title, label, rows in found:
        name = sheet_for(title)
        if name is None:
            problems.append(Problem(label, None, None, None, "unknown sheet, ignored", "warning"))
        elif name in sheets:
            reason = f"sheet given twice ({sheets[name].label} and {label}); the second is ignored"
            problems.append(Problem(name, None, None, label, reason))
        else:
            sheets[name] = RawSheet(name, label, rows)
    return sheets, problems


def _encoding(path: Path) -> str:
    """Return ``"utf-8-sig"`` if the whole file is valid UTF-8, else ``"gb18030"``."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    try:
        with path.open(encoding=_encoding(path), newline="") as file:
            for number, record in enumerate(csv.reader(file), 1):
                cells: list[Cell] = list(map(str.strip, record))
                if any(cells):
                    yield number, cells
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"{path}: cannot read ({exc}); save it as UTF-8 or GBK CSV") from exc


def _xlsx_rows(path: Path, sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[Cell]]]:
    sheet.reset_dimensions()  # saved dimensions are often wrong; read every cell
    try:
        # types-openpyxl gives ReadOnlyWorksheet the iter_rows of Worksheet, self type included
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):  # type: ignore[misc]
            cells = [cell_value(value) for value in values]
            if any(cells):
                yield number, cells
    except Exception as exc:  # a damaged sheet fails while streaming
        raise SourceError(f"{path}: cannot read sheet {sheet.title} ({exc})") from exc


def cell_value(value: object) -> Cell:
    """Turn an openpyxl value into a cell: text, or a date for date cells.

    >>> cell_value(301.0), cell_value(1001), cell_value(" 张三 "), cell_value(None)
    ('301', '1001', '张三', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_report(path: Path, ledger: Ledger) -> Path:
    """Write the rejected rows of ``ledger`` as an Excel-friendly CSV (UTF-8 with BOM).

    One line per rejected row: sheet, row, the columns at fault, the reasons
    and the cells as written (sensitive ones masked); see
    :func:`loaders.ledger.write_rejected`.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["表 sheet", "行 row", "列 column", "原因 reason", "原始内容 cells"])
        writer.writerows(_report_lines(ledger))
    return path


def _report_lines(ledger: Ledger) -> Iterator[list[str | int]]:
    errors: dict[tuple[str, int | None], list[Problem]] = {}
    for problem in ledger.errors:
        errors.setdefault((problem.sheet, problem.row), []).append(problem)
    for sheet in SHEETS:
        for number, raw in sorted(ledger.rejected.get(sheet, ()), key=lambda r: r[0]):
            found = errors.get((sheet, number)) or errors.get((sheet, None), [])
            columns = dict.fromkeys(p.column for p in found if p.column)
            reasons = "; ".join(_reason(p) for p in found)
            cells = " | ".join(f"{h}={_shown(sheet, h, v)}" for h, v in raw.items())
            yield [f"{SHEET_NAMES_ZH[sheet]} {sheet}", number, ", ".join(columns), reasons, cells]


def _reason(problem: Problem) -> str:
    quoted = f" {problem.value!r}" if problem.value not in (None, "") else ""
    return f"{problem.column}: {problem.reason}{quoted}" if problem.column else problem.reason + quoted


def _shown(sheet: str, header: str, value: str) -> str:
    column = column_for(sheet, header)
    return column.shown(value) if column else value
