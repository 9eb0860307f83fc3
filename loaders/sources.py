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
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from loaders.columns import SHEET_COLUMNS, SHEET_NAMES_ZH, Column, Mapping, looks_like_residents, sheet_for
from loaders.errors import LoaderError
from loaders.model import SHEETS, Ledger, Problem
from loaders.parse import Cell, Spread, mask_id

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
    part: bool = False  # a sheet of residents under a name of its own (a register's 5号楼), one of many

    @property
    def shown(self) -> str:
        """The sheet as problems name it: its canonical name, or the title of a part (``5号楼``)."""
        return self.label if self.part else self.name


@dataclass
class Sources:
    """A ledger's sheets: the contract's by name, and the sheets of residents named otherwise (``parts``,
    e.g. one per building: ``5号楼``, ``7栋``), in the order of the workbook or of the file names."""

    sheets: dict[str, RawSheet]
    parts: list[RawSheet]
    problems: list[Problem]


#: How many rows of a sheet with an unknown name are read to tell whether it holds residents.
PEEK = 8


@contextmanager
def open_source(path: Path, mapping: Mapping | None = None) -> Iterator[Sources]:
    """Open a workbook or a CSV folder; yield its sheets and the problems found.

    A sheet whose name is none of the contract's but whose header (in its
    first `PEEK` rows) names residents' columns is a part of the residents.

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
        yield _collect(((p.stem, p.name, _csv_rows(p)) for p in files), mapping)
        return
    if path.suffix.lower() != ".xlsx":
        raise SourceError(f"{path}: not an .xlsx workbook or a folder of .csv files")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        merges = merged_ranges(path)
    except SourceError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise SourceError(f"{path}: cannot read the workbook ({exc})") from exc
    try:
        sheets = ((ws.title, ws.title, _xlsx_rows(path, ws, merges.get(ws.title, []))) for ws in book.worksheets)
        yield _collect(sheets, mapping)
    finally:
        book.close()


def _collect(found: Iterable[tuple[str, str, Rows]], mapping: Mapping | None) -> Sources:
    sheets: dict[str, RawSheet] = {}
    parts: list[RawSheet] = []
    problems: list[Problem] = []
    for title, label, rows in found:
        name = sheet_for(title)
        if name is None:
            head = list(islice(rows, PEEK))
            if looks_like_residents(head, mapping):
                parts.append(RawSheet("residents", label, chain(head, rows), part=True))
            else:
                problems.append(Problem(label, None, None, None, "unknown sheet, ignored", "warning"))
        elif name in sheets:
            reason = f"sheet given twice ({sheets[name].label} and {label}); the second is ignored"
            problems.append(Problem(name, None, None, label, reason))
        else:
            sheets[name] = RawSheet(name, label, rows)
    return Sources(sheets, parts, problems)


#: At most this many merged ranges are read in a sheet (a ledger has a few per unit).
MAX_MERGES = 100_000
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """The merged cells of each sheet of a workbook, by title: (first column, first row, last column, last
    row), 1-based. openpyxl's read-only mode, which streams the rows, does not read them: they are found in
    each sheet's XML, after its rows, by streaming it again."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return found
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        }
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            target = targets.get(sheet.get(_REL), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if part in names:
                found[sheet.get("name", "")] = _merges_of(archive, part)
    return found


def _merges_of(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    ranges: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(_CHUNK):
            text = tail + chunk
            end = 0
            for match in _MERGE.finditer(text):
                ref = match.group(1).decode()
                low_col, low_row, high_col, high_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                ranges.append((low_col, low_row, high_col, high_row))  # type: ignore[arg-type]
                end = match.end()
            if len(ranges) > MAX_MERGES:
                raise SourceError(f"{part}: more than {MAX_MERGES:,} merged cells: not a ledger")
            tail = text[max(end, len(text) - 256) :]
    return ranges


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


def _xlsx_rows(
    path: Path, sheet: ReadOnlyWorksheet, merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of a sheet; a cell merged down several rows is read on each of them (`Spread` below the first),
    in the merge's first column."""
    sheet.reset_dimensions()  # saved dimensions are often wrong; read every cell
    starts: dict[int, list[tuple[int, int]]] = {}
    for low_col, low_row, _, high_row in merges:
        if high_row > low_row:
            starts.setdefault(low_row, []).append((low_col - 1, high_row))
    spreading: list[tuple[int, int, str]] = []  # (column index, last row, text)
    try:
        # types-openpyxl gives ReadOnlyWorksheet the iter_rows of Worksheet, self type included
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):  # type: ignore[misc]
            cells = [cell_value(value) for value in values]
            if spreading:
                spreading = [s for s in spreading if s[1] >= number]
                for index, _, value in spreading:
                    if index >= len(cells):
                        cells.extend([""] * (index + 1 - len(cells)))
                    if cells[index] == "":
                        cells[index] = Spread(value)
            for index, last in starts.get(number, ()):
                if index < len(cells) and isinstance(cells[index], str) and cells[index]:
                    spreading.append((index, last, str(cells[index])))
            if any(cells):
                yield number, cells
    except Exception as exc:  # a damaged sheet fails while streaming
        raise SourceError(f"{path}: cannot read sheet {sheet.title} ({exc})") from exc


#: Numbers from here on have more digits than Excel keeps (15).
EXACT_DIGITS = 1e15


def cell_value(value: object) -> Cell:
    """Turn an openpyxl value into a cell: text, or a date for date cells (a `datetime` when the cell
    holds a time of day too: the time of a visit).

    >>> cell_value(301.0), cell_value(1001), cell_value(" 张三 "), cell_value(None)
    ('301', '1001', '张三', '')

    A number of more than 15 digits (a national id typed into a cell formatted as a number) has lost its
    last digits: Excel keeps 15. It is read as Excel shows it, never as the digits it seems to have, so
    that no wrong id is ever taken for the right one:

    >>> cell_value(2.2010419480305e17)
    '2.20104194803050E+17'
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
        return str(int(value)) if abs(value) < EXACT_DIGITS else f"{value:.14E}"
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
    kinds = {r.sheet: r.kind for r in ledger.readings}
    order = {r.sheet: i for i, r in enumerate(sorted(ledger.readings, key=lambda r: SHEETS.index(r.kind)))}
    for sheet in sorted(ledger.rejected, key=lambda s: order.get(s, len(order))):
        kind = kinds.get(sheet, sheet)
        name = f"{SHEET_NAMES_ZH.get(kind, kind)} {kind}"
        columns_of = _columns_of(ledger, sheet)
        for number, raw in sorted(ledger.rejected[sheet], key=lambda r: r[0]):
            found = errors.get((sheet, number)) or errors.get((sheet, None), [])
            columns = dict.fromkeys(p.column for p in found if p.column)
            reasons = "; ".join(_reason(p) for p in found)
            cells = " | ".join(f"{h}={_shown(columns_of.get(h), v)}" for h, v in raw.items())
            yield [name if sheet == kind else f"{sheet} ({name})", number, ", ".join(columns), reasons, cells]


def _reason(problem: Problem) -> str:
    quoted = f" {problem.value!r}" if problem.value not in (None, "") else ""
    return f"{problem.column}: {problem.reason}{quoted}" if problem.column else problem.reason + quoted


def _columns_of(ledger: Ledger, sheet: str) -> dict[str, Column]:
    """The columns of a sheet's headers as the sheet was read (the user's mapping and synonyms included)."""
    for reading in ledger.readings:
        if reading.sheet == sheet:
            by_name = {c.name: c for c in SHEET_COLUMNS[reading.kind]}
            return {c.header: by_name[c.column] for c in reading.columns if c.column in by_name}
    return {}


#: A value that may be a national id (15 or 18 characters, or one stored as a number: ``2.20104194803050E+17``),
#: masked wherever it is found.
_ID_LIKE = re.compile(r"[0-9]{6}(?:[0-9]{9}|[0-9]{11}[0-9Xx])|[0-9](?:\.[0-9]+)?E\+?1[4-9]", re.I)


def _shown(column: Column | None, value: str) -> str:
    if column is not None:
        return column.shown(value)
    folded = unicodedata.normalize("NFKC", value).replace(" ", "")
    return mask_id(folded) if _ID_LIKE.fullmatch(folded) else value
