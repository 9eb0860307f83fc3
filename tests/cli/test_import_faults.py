"""`gridcare import` against hostile files and faults: the real CLI, the real Neo4j."""

from __future__ import annotations

import csv

from tests.cli.test_import import write_csv_ledger

RESIDENTS_ZH_HANT = [  # the hand-written ledger in Traditional Chinese, as a Big5 office would keep it
    ["居民編號", "姓名", "性別", "出生日期", "網格", "樓棟", "單元", "門牌號"],
    ["A1", "王秀英", "女", "1941-05-03", "第1網格", "1號樓", "1單元", "101"],
    ["A2", "李建國", "男", "1950/3/5", "1網格", "1棟", "1單元", "102"],
    ["A3", "張桂蘭", "女", "1952年1月9日", "1", "1", "2", "201"],
]


def exists(store, community: str) -> bool:
    return bool(store.read("exists", "MATCH (c:Community {id: $c}) RETURN c", c=community))


def no_traceback(done) -> None:
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr, done.stderr


# --- encodings --------------------------------------------------------------------


def test_a_big5_csv_is_refused_naming_the_file_and_nothing_is_written(gridcare, store, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", {"residents": RESIDENTS_ZH_HANT}, encoding="big5")
    done = gridcare("import", path, "--community", community)
    assert done.returncode == 1, done.stderr
    assert str(path / "residents.csv") in done.stderr
    assert "as UTF-8, line 1: invalid bytes" in done.stderr
    assert "as GB18030/GBK, line 1: U+" in done.stderr and "a private-use character" in done.stderr
    assert "reads cleanly as Big5" in done.stderr and "nothing was written" in done.stderr
    no_traceback(done)
    assert not exists(store, community)


def test_the_demo_ledger_saved_as_gb18030_still_imports(gridcare, store, community, demo_ledger, tmp_path):
    folder = tmp_path / "gb18030"
    folder.mkdir()
    for path in demo_ledger.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_text(encoding="utf-8-sig").encode("gb18030"))
    with (demo_ledger / "residents.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    gridcare("import", folder, "--community", community, check=True)
    names = store.read(
        "names", "MATCH (r:Resident {community: $c}) RETURN r.residentId AS id, r.name AS name", c=community
    )
    assert {r["id"]: r["name"] for r in names} == {row["居民编号"]: row["姓名"] for row in rows}
