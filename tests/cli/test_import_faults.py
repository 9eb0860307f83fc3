"""`gridcare import` against hostile files and faults: the real CLI, the real Neo4j.

Faults that cannot be made real (a store that does not keep a commit) are
injected: a ``sitecustomize.py`` on the subprocess's PYTHONPATH patches the
store before the command starts, so the command line itself runs unchanged.
"""

from __future__ import annotations

import csv
import os
import textwrap

import pytest

from tests.cli.test_import import ledger_sheets, write_csv_ledger

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


def shim(tmp_path, code: str) -> dict[str, str]:
    """The environment that makes the `gridcare` subprocess run ``code`` (a sitecustomize) first."""
    folder = tmp_path / "shim"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(textwrap.dedent(code))
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


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


# --- the error cap ------------------------------------------------------------------


def garbage_ledger(folder, rows: int = 120_000):
    """A few MB of rows under a valid header, every one of them bad."""
    folder.mkdir()
    with (folder / "residents.csv").open("w", encoding="utf-8") as f:
        f.write("居民编号,姓名,出生日期,网格,楼栋,单元,门牌号\n")
        f.writelines(f"G{n},{n * 7919 % 1000003},not-a-date,x{n % 7},?,-,{n}\n" for n in range(rows))
    return folder


@pytest.mark.parametrize("skip", [False, True], ids=["plain", "skip-bad-rows"])
def test_a_garbage_csv_stops_at_1000_errors_and_writes_nothing(gridcare, store, community, tmp_path, skip):
    path = garbage_ledger(tmp_path / "garbage")
    assert (path / "residents.csv").stat().st_size > 3_000_000
    done = gridcare("import", path, "--community", community, *(["--skip-bad-rows"] if skip else []))
    assert done.returncode == 1, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1000 and errors[-1].startswith("error: residents, row 1001, column birth_date")
    assert "Reading stopped at residents.csv, row 1002, after 1,000 errors in 1,000 rows" in done.stderr
    assert "Nothing was written" in done.stderr
    if skip:
        assert "--skip-bad-rows imports a ledger with a few bad rows" in done.stderr
    assert not list(tmp_path.glob("*.rejected.csv"))
    no_traceback(done)
    assert not exists(store, community)


# --- an import the store does not keep ------------------------------------------------


LOST_COMMIT = """
    import graph.store.store as store

    def transaction(self, work):  # a store that says yes and keeps nothing
        with self.driver.session(database=self.database) as session:
            tx = session.begin_transaction()
            try:
                return work(tx)
            finally:
                tx.rollback()

    store.Store.transaction = transaction
"""


def test_an_import_the_store_does_not_keep_is_not_reported_a_success(gridcare, store, community, tmp_path):
    path = write_csv_ledger(tmp_path / "ledger", ledger_sheets())
    done = gridcare("import", path, "--community", community, env=shim(tmp_path, LOST_COMMIT))
    assert done.returncode == 1, done.stderr
    no_traceback(done)
    assert done.stdout == ""  # no "rows written"
    assert (
        f"gridcare: Neo4j does not hold what was written for {community}: "
        "it has 0 of 1 community node; 0 of 5 residents in their households; 0 of 3 leader posts; "
        "0 of 2 care relationships; 0 of 2 volunteer team memberships"
    ) in done.stderr
    assert not exists(store, community)
