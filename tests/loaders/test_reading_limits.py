"""What the reader refuses or stops at: text that does not decode cleanly, too many errors, endless lines."""

from __future__ import annotations

import pytest

from loaders import ledger as ledger_mod
from loaders.ledger import LedgerError, read_ledger
from loaders.sources import MAX_LINE, first_unclean, unclean

HEADER = "居民编号,姓名,出生日期,网格,楼栋,单元,门牌号"
GOOD = "1001,王秀英,1941-05-03,1,1,1,101"
C = "测试社区"


def residents(tmp_path, text: str | bytes, encoding: str = "utf-8"):
    folder = tmp_path / "ledger"
    folder.mkdir(exist_ok=True)
    (folder / "residents.csv").write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return folder


# --- clean text -----------------------------------------------------------------


def test_big5_is_refused_naming_the_file_the_encodings_tried_and_big5(tmp_path):
    text = "居民編號,姓名,出生日期,網格,樓棟,單元,門牌號\n1001,長山花園,1941-05-03,1,1,1,101\n"
    folder = residents(tmp_path, text.encode("big5"))
    with pytest.raises(LedgerError) as refused:
        read_ledger(folder, C)
    message = str(refused.value)
    assert str(folder / "residents.csv") in message
    assert "as UTF-8, line 1: invalid bytes" in message
    assert "as GB18030/GBK, line 1: U+" in message and "a private-use character" in message
    assert "reads cleanly as Big5" in message


@pytest.mark.parametrize(
    ("cell", "line", "why"),
    [
        ("\ue000", 2, "U+E000, a private-use character"),
        ("王\x07英", 2, "U+0007, a control character"),
        ("王\x85英", 2, "U+0085, a control character"),
        ("王\ufffd英", 2, "U+FFFD, the replacement character"),
        ("\U000e0080", 2, "U+E0080, an unassigned code point"),
    ],
)
def test_unclean_utf8_is_refused_naming_line_and_character(tmp_path, cell, line, why):
    folder = residents(tmp_path, f"{HEADER}\n1001,{cell},1941-05-03,1,1,1,101\n")
    with pytest.raises(LedgerError, match="residents.csv") as refused:
        read_ledger(folder, C)
    assert f"as UTF-8, which the whole file is, line {line}: {why}" in str(refused.value)
    assert "GB18030" not in str(refused.value).split(". Save")[0]  # valid UTF-8 is UTF-8: no other guess
    assert "reads cleanly as Big5" not in str(refused.value)


def test_valid_utf8_with_a_bad_character_is_not_read_as_clean_looking_gb18030(tmp_path):
    # read as GB18030 these bytes are clean: 1001,闀垮北鑺卞洯聟,… — they must not be imported so
    text = "resident_id,name,birth_date,grid,building,unit,room\n1001,长山花园\x85,1941-05-03,1,1,1,101\n"
    with pytest.raises(LedgerError, match="which the whole file is, line 2: U[+]0085, a control character"):
        read_ledger(residents(tmp_path, text), C)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_clean_text_reads_with_ideographic_spaces_tabs_and_crlf(tmp_path, encoding):
    text = f"{HEADER}\r\n1001,王　秀英\t,1941-05-03,1,1,1,101\r\n1002,\u00a0李建国,1950-03-05,1,1,1,102\r\n"
    ledger = read_ledger(residents(tmp_path, text, encoding), C)
    assert ledger.errors == [] and [r.name for r in ledger.residents] == ["王　秀英", "李建国"]


def test_a_line_is_found_past_the_first_chunk(tmp_path):
    rows = [f"{1000 + i},王秀英,1941-05-03,1,1,1,{100 + i}" for i in range(60_000)]  # ~2 MB: two chunks
    rows[50_000] = rows[50_000].replace("王秀英", "王\ue4c6英")
    with pytest.raises(LedgerError, match="as UTF-8, which the whole file is, line 50002: U[+]E4C6"):
        read_ledger(residents(tmp_path, "\n".join([HEADER, *rows]) + "\n"), C)


def test_a_line_without_end_is_refused_before_it_fills_memory(tmp_path):
    folder = residents(tmp_path, f"{HEADER}\n{GOOD}\n" + "x," * MAX_LINE)
    with pytest.raises(LedgerError, match=r"line 3 is longer than 1,000,000 characters"):
        read_ledger(folder, C)


def test_unclean_and_first_unclean():
    assert unclean("张") is None and unclean("\u200b") is None  # a format character is let through
    assert first_unclean("abc") is None and first_unclean("a\x1bc") == 1
    assert first_unclean("王\u3000英\n李\U000f0000") == 5


# --- the error cap ------------------------------------------------------------------


def bad_rows(count: int) -> str:
    return "\n".join([HEADER, *(f"{i},王秀英,not-a-date,1,1,1,{i}" for i in range(count))]) + "\n"


def test_reading_stops_at_the_error_cap_and_says_where(tmp_path):
    ledger = read_ledger(residents(tmp_path, bad_rows(50)), C, max_errors=10)
    assert len(ledger.errors) == 10 and ledger.residents == []
    assert ledger.stopped is not None
    assert (ledger.stopped.sheet, ledger.stopped.label, ledger.stopped.row) == ("residents", "residents.csv", 12)
    assert str(ledger.stopped) == (
        "reading stopped at residents.csv, row 12, after 10 errors in 10 rows: the rest of the ledger was not read"
    )
    assert [n for n, _ in ledger.rejected["residents"]] == list(range(2, 12))


def test_a_ledger_that_ends_at_the_cap_is_read_to_its_end(tmp_path):
    ledger = read_ledger(residents(tmp_path, bad_rows(10)), C, max_errors=10)
    assert len(ledger.errors) == 10 and ledger.stopped is None


def test_a_sheet_rejected_by_its_header_stops_at_the_cap_of_rejected_rows(tmp_path):
    text = "\n".join(["居民编号,姓名", *(f"{i},王秀英" for i in range(50))]) + "\n"  # required columns missing
    ledger = read_ledger(residents(tmp_path, text), C, max_errors=10)
    assert ledger.stopped is not None and ledger.stopped.row == 12 and ledger.stopped.rejected == 10
    assert len(ledger.rejected["residents"]) == 10


def test_warnings_beyond_the_cap_are_counted_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger_mod, "MAX_WARNINGS", 3)
    folder = residents(tmp_path, f"{HEADER}\n{GOOD}\n")
    rows = ["居民编号,队伍", *(["1001,巡逻队"] * 8)]  # 7 duplicates: a warning each
    (folder / "volunteers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ledger = read_ledger(folder, C)
    assert len(ledger.warnings) == 3 and ledger.warnings_not_kept == 4 and ledger.stopped is None
    assert len(ledger.volunteers) == 1
