"""Write ledger sheets as the import contract reads them (``docs/ledger-format.md``).

A path ending in ``.xlsx`` gets one workbook, one worksheet per sheet; any other
path is a folder of ``<sheet>.csv`` files in UTF-8 with a BOM, so that Excel on a
Chinese Windows opens them correctly. Output is byte-for-byte reproducible: the
same sheets give the same files (the workbook's timestamps are fixed).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, TypeAlias
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from loaders.model import SHEETS

Rows: TypeAlias = list[dict[str, str]]

_STAMP = datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_SHEET_TAIL = b"</sheetData></worksheet>"
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def write_ledger(sheets: Mapping[str, Rows], out: str | Path) -> Path:
    """Write ``sheets`` (sheet name -> rows of header -> cell) to ``out``; return ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(_xlsx_bytes(sheets))
    else:
        out.mkdir(exist_ok=True)
        for name in _sheet_order(sheets):
            _write_csv(out / f"{name}.csv", sheets[name])
    return out


def headers(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """Every header used by ``rows``, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _sheet_order(sheets: Mapping[str, Rows]) -> list[str]:
    return [s for s in SHEETS if s in sheets] + [s for s in sheets if s not in SHEETS]


def _write_csv(path: Path, rows: Rows) -> None:
    columns = headers(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)


def _xlsx_bytes(sheets: Mapping[str, Rows]) -> bytes:
    """openpyxl lays out the package; the (large) worksheets are streamed in here,
    as inline strings, because openpyxl's own cell writer is slow without lxml."""
    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = _STAMP
    order = _sheet_order(sheets)
    for name in order:
        book.create_sheet(name)
    skeleton = io.BytesIO()
    book.save(skeleton)
    parts = {f"xl/worksheets/sheet{i}.xml": sheets[n] for i, n in enumerate(order, 1)}
    out = io.BytesIO()
    with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            if item.filename in parts:
                with dst.open(info, "w", force_zip64=True) as part:
                    _write_sheet_xml(part, parts[item.filename])
            else:
                dst.writestr(info, _pin_dates(item.filename, src.read(item)))
    return out.getvalue()


def _pin_dates(name: str, content: bytes) -> bytes:
    if name != "docProps/core.xml":
        return content
    stamp = _STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _CORE_TIMES.sub(lambda m: m[1] + stamp + m[3], content)


def _write_sheet_xml(part: IO[bytes], rows: Rows) -> None:
    columns = headers(rows)
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    extent = f"A1:{letters[-1]}{len(rows) + 1}" if columns else "A1"
    part.write(f'{_SHEET_HEAD}<dimension ref="{extent}"/><sheetData>'.encode())
    buffer = [_row_xml(1, letters, columns)]
    for r, row in enumerate(rows, 2):
        buffer.append(_row_xml(r, letters, [_str(row.get(c)) for c in columns]))
        if len(buffer) >= 2000:
            part.write("".join(buffer).encode())
            buffer.clear()
    part.write("".join(buffer).encode() + _SHEET_TAIL)


def _row_xml(r: int, letters: list[str], values: list[str]) -> str:
    cells = "".join(
        f'<c r="{col}{r}" t="inlineStr"><is><t{_space(v)}>{_text(v)}</t></is></c>'
        for col, v in zip(letters, values)
        if v
    )
    return f'<row r="{r}">{cells}</row>'


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def _space(value: str) -> str:
    return ' xml:space="preserve"' if value != value.strip() else ""
