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
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias

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


#: The encodings a CSV file may be in, tried in this order: (Python codec, name in messages, whether bytes
#: valid in it are proof of it). UTF-8 first: its rules are strict, so a file valid UTF-8 from end to end is
#: UTF-8 (read as GB18030, its Chinese would be clean-looking mojibake: 长山花园 -> 闀垮北鑺卞洯); while GB18030
#: decodes almost any bytes, so only clean text in it counts.
CSV_ENCODINGS = (("utf-8-sig", "UTF-8", True), ("gb18030", "GB18030/GBK", False))
#: The longest line a CSV file may have, in characters (memory stays bounded on a file without line ends).
MAX_LINE = 1_000_000
_CHUNK = 1 << 20
_ASCII_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Characters worth a look on a line that is not plainly printable: neither printable ASCII nor
#: CJK Unified Ideographs (all assigned since Unicode 11).
_SUSPECTS = re.compile("[^\x20-\x7e\u4e00-\u9fef]")


def unclean(char: str) -> str | None:
    r"""Why ``char`` has no place in a ledger's text, or ``None`` if it has.

    Clean text holds no control character but tab, line feed and carriage
    return; no private-use character (it means nothing outside the system
    that typed it, and nobody can type or search it); no unassigned code
    point or noncharacter (of the Unicode version of this Python); and no
    U+FFFD, which marks text an earlier conversion already lost.

    >>> unclean("张"), unclean("\u3000"), unclean("\t")
    (None, None, None)
    >>> unclean("\ue4c6"), unclean("\x01"), unclean("\ufffd")
    ('a private-use character', 'a control character', 'the replacement character (text already lost)')
    """
    if char in "\t\n\r":
        return None
    if char == "\ufffd":
        return "the replacement character (text already lost)"
    return _UNCLEAN_CATEGORIES.get(unicodedata.category(char))


_UNCLEAN_CATEGORIES = {
    "Cc": "a control character",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Cs": "a surrogate",
}


def first_unclean(text: str) -> int | None:
    r"""The index of the first character of ``text`` that :func:`unclean` refuses, or ``None``.

    Fast on clean text: ``str.isprintable`` clears a whole chunk at once, and
    only the lines it does not clear (ideographic spaces, format characters
    and the characters refused) are looked at one character at a time.

    >>> first_unclean("居民编号,姓名\r\n1,王　秀英\n"), first_unclean("a,b\n1,\ue4c6")
    (None, 6)
    """
    if text.isascii():
        match = _ASCII_CONTROLS.search(text)
        return match.start() if match else None
    if "\ufffd" not in text and text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return None
    start = 0
    for line in text.split("\n"):
        if "\ufffd" in line or not line.replace("\r", "").replace("\t", "").isprintable():
            for match in _SUSPECTS.finditer(line):
                if unclean(match.group()):
                    return start + match.start()
        start += len(line) + 1
    return None


def _decoding_problem(path: Path, codec: str) -> tuple[bool, str | None]:
    """Whether ``path`` is valid ``codec`` from end to end, and why it does not decode cleanly (``None`` if it does).

    Lines are counted by their line-feed bytes, which neither UTF-8 nor GB18030 uses inside a character.
    Once a character is refused, the rest is only decoded, to tell whether the bytes are valid.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    line, problem = 1, None
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                where = line + exc.object.count(b"\n", 0, exc.start)
                return False, f"line {where}: invalid bytes ({exc.object[exc.start : exc.start + 4].hex(' ')} …)"
            at = first_unclean(text) if problem is None else None
            if at is not None:
                where = line + text.count("\n", 0, at)
                problem = f"line {where}: U+{ord(text[at]):04X}, {unclean(text[at])}"
            line += text.count("\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, f"line {line}: the file ends inside a character"
    return True, problem


def _encoding(path: Path) -> str:
    """The codec of the first of :data:`CSV_ENCODINGS` in which ``path`` decodes cleanly.

    Raises
    ------
    SourceError
        If it decodes cleanly in none, or is valid UTF-8 but not clean: naming
        the file, each encoding tried and where it failed (and whether the
        file reads cleanly as Big5).
    """
    failures = []
    for codec, name, conclusive in CSV_ENCODINGS:
        valid, problem = _decoding_problem(path, codec)
        if valid and problem is None:
            return codec
        if valid and conclusive:
            failures.append(f"as {name}, which the whole file is, {problem}")
            break
        failures.append(f"as {name}, {problem}")
    hint = ""
    if _decoding_problem(path, "big5") == (True, None):
        hint = (
            " It reads cleanly as Big5 (Traditional Chinese, as written in Taiwan and Hong Kong), which the import"
            " does not take: if that is what it is, save it as UTF-8."
        )
    raise SourceError(
        f"{path}: not clean text ({'; '.join(failures)}). Save it as UTF-8 (in Excel: 'CSV UTF-8') or GBK"
        f" without the characters named; nothing was written.{hint}"
    )


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    encoding = _encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as file:
            for number, record in enumerate(csv.reader(_lines(path, file)), 1):
                cells: list[Cell] = list(map(str.strip, record))
                if any(cells):
                    yield number, cells
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"{path}: cannot read ({exc}); save it as UTF-8 or GBK CSV") from exc


def _lines(path: Path, file: TextIO) -> Iterator[str]:
    """The lines of ``file``, refusing one longer than :data:`MAX_LINE` before it is all in memory."""
    number = 0
    while line := file.readline(MAX_LINE):
        number += 1
        if len(line) == MAX_LINE and line[-1] not in "\r\n":
            raise SourceError(f"{path}: line {number} is longer than {MAX_LINE:,} characters: not a ledger")
        yield line


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
    """Turn an openpyxl value into a cell: text, or a date for date cells (a `datetime` when the cell
    holds a time of day too: the time of a visit).

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
        return value.replace(tzinfo=None) if value.time() != time() else value.date()
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
