"""Everyday registers for the tests: valid national ids and workbooks in the shape offices keep them.

`national_id` makes ids with the GB 11643 checksum for a birth date and a gender (never a real person's:
the sequence numbers are chosen by the tests). `write_register` writes an ``.xlsx`` whose sheets carry
title rows, merged cells and footers as laid out by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import openpyxl

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def national_id(born: date, gender: str, sequence: int = 1, region: str = "220103") -> str:
    """An 18-character id with a valid checksum: ``region`` (Kuancheng district, Changchun, by default), the
    birth date, a sequence of two digits and the gender digit (odd for ``"M"``), then the check character."""
    if not 0 <= sequence <= 99:
        raise ValueError("sequence is two digits")
    digit = (1 if gender == "M" else 0) + 2 * (sequence % 5)
    body = f"{region}{born:%Y%m%d}{sequence:02d}{digit}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


@dataclass
class Sheet:
    """One worksheet: ``rows`` as written from row 1 (titles, header, data, footer; ``[]`` is a blank
    row), and the ranges to merge (``"A3:A9"``), the merged cells keeping the first row's value only."""

    title: str
    rows: list[Sequence[object]]
    merges: list[str] = field(default_factory=list)


def write_register(path, sheets: Sequence[Sheet]):
    """Write the sheets as one workbook; cells under the first of a merged range are emptied, as Excel
    stores them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(spec.title)
        for row in spec.rows:
            ws.append(list(row))
        for ref in spec.merges:
            ws.merge_cells(ref)
    book.save(path)
    return path


def merge_down(rows: list[list[object]], column: int, first_row: int) -> list[str]:
    """The ranges that merge ``column`` (0-based) over each run of equal values, the data starting at
    sheet row ``first_row``; the cells under each run's first are emptied."""
    letter = openpyxl.utils.get_column_letter(column + 1)
    ranges, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][column] != rows[start][column]:
            if i - start > 1:
                ranges.append(f"{letter}{first_row + start}:{letter}{first_row + i - 1}")
                for j in range(start + 1, i):
                    rows[j][column] = None
            start = i
    return ranges
