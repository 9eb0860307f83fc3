"""Writing ledger sheets to a CSV folder or an xlsx workbook, and reading them back."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest

from loaders.demo import generate_ledger
from loaders.ledger_files import write_ledger
from loaders.model import SHEETS

TODAY = date(2026, 11, 27)
AWKWARD = {  # cells a spreadsheet writer can get wrong
    "residents": [
        {
            "居民编号": "R00001",
            "姓名": "王淑珍",
            "门牌号": "0301",
            "联系电话": "0431-85551234",
            "健康状况": "高血压；糖尿病 <轻度> & 失眠",
        },
        {"居民编号": "R00002", "姓名": " 李 建国 ", "门牌号": "=1+1", "联系电话": ""},
        {"居民编号": "R00003", "姓名": "张伟", "备注": '新列, "引号"\n换行'},
    ],
    "care": [],
    "extra": [{"a": "1"}],
}


@pytest.fixture(scope="module")
def sheets():
    return generate_ledger(seed=7, today=TODAY)


def read_csv_folder(folder):
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            out[path.stem] = [dict(row) for row in csv.DictReader(f)]
    return out


def read_workbook(path):
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in book.worksheets:
        ws.reset_dimensions()
        rows = [["" if c is None else c for c in row] for row in ws.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        out[ws.title] = [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in rows[1:]]
    book.close()
    return out, [ws.title for ws in book.worksheets]


def padded(rows):
    """Rows as a reader sees them: every row has every header ('' when absent)."""
    header = list(dict.fromkeys(h for row in rows for h in row))
    return [{h: row.get(h, "") for h in header} for row in rows]


def test_csv_round_trip(sheets, tmp_path):
    folder = write_ledger(sheets, tmp_path / "new" / "dir" / "ledger")
    assert folder == tmp_path / "new" / "dir" / "ledger"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.csv" for s in SHEETS)
    assert (folder / "residents.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert read_csv_folder(folder) == sheets


def test_xlsx_round_trip(sheets, tmp_path):
    path = write_ledger(sheets, str(tmp_path / "out" / "demo.xlsx"))
    assert path == tmp_path / "out" / "demo.xlsx"
    back, names = read_workbook(path)
    assert names == list(SHEETS)
    assert back == sheets


def test_awkward_cells_round_trip(tmp_path):
    expected = {name: padded(rows) for name, rows in AWKWARD.items()}
    expected["care"] = []
    assert read_csv_folder(write_ledger(AWKWARD, tmp_path / "csv")) == expected
    back, names = read_workbook(write_ledger(AWKWARD, tmp_path / "book.xlsx"))
    assert names == ["residents", "care", "extra"]
    assert back == expected
    cell = openpyxl.load_workbook(tmp_path / "book.xlsx")["residents"]["C3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # text, not a formula


@pytest.mark.parametrize("name", ["ledger", "ledger.xlsx"])
def test_output_is_byte_identical(sheets, tmp_path, name):
    first = write_ledger(sheets, tmp_path / "a" / name)
    second = write_ledger(generate_ledger(seed=7, today=TODAY), tmp_path / "b" / name)
    files = sorted(p.name for p in first.iterdir()) if first.is_dir() else [None]
    for f in files:
        a, b = (first / f, second / f) if f else (first, second)
        assert a.read_bytes() == b.read_bytes()


def test_the_importer_accepts_the_generated_ledger(sheets, tmp_path):
    # the workbook reads back cell for cell (above), so the CSV folder stands for both
    ledger_mod = pytest.importorskip("loaders.ledger")
    ledger = ledger_mod.read_ledger(write_ledger(sheets, tmp_path / "ledger"))
    assert [str(p) for p in ledger.problems] == []
    assert len(ledger.residents) == len(sheets["residents"])
    assert len(ledger.care) == len(sheets["care"])
    assert ledger.communities == ["长山花园社区"]
