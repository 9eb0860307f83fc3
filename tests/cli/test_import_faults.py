"""`gridcare import` against hostile files and faults: the real CLI, the real Neo4j.

Faults are real where they can be (a TCP relay cut in the middle of the import, a
signal) and injected where they cannot (a store that does not keep a commit): a
``sitecustomize.py`` on the subprocess's PYTHONPATH patches the store before the
command starts, so the command line itself runs unchanged.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from urllib.parse import urlparse

import pytest

from tests.api.proxy import Relay
from tests.cli.test_import import ledger_sheets, snapshot, write_csv_ledger
from tests.conftest import DELETE_COMMUNITY

RESIDENTS_ZH_HANT = [  # the hand-written ledger in Traditional Chinese, as a Big5 office would keep it
    ["居民編號", "姓名", "性別", "出生日期", "網格", "樓棟", "單元", "門牌號"],
    ["A1", "王秀英", "女", "1941-05-03", "第1網格", "1號樓", "1單元", "101"],
    ["A2", "李建國", "男", "1950/3/5", "1網格", "1棟", "1單元", "102"],
    ["A3", "張桂蘭", "女", "1952年1月9日", "1", "1", "2", "201"],
]


def exists(store, community: str) -> bool:
    return bool(store.read("exists", "MATCH (c:Community {id: $c}) RETURN c", c=community))


def escaped(name: str) -> str:
    """``name`` as `snapshot` writes it (JSON, non-ASCII escaped)."""
    return json.dumps(name)[1:-1]


def no_traceback(done) -> None:
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr, done.stderr


@pytest.fixture
def communities(driver, database):
    """Three fresh community names, in the order the import writes them (sorted), deleted afterwards."""
    base = f"测试社区-{uuid.uuid4().hex[:8]}"
    names = [f"{base}-{n}号" for n in (1, 2, 3)]
    yield names
    for name in names:
        driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


def three_community_ledger(folder, names):
    """The hand-written ledger of test_import, once per community, with a 社区 column."""
    sheets = {
        sheet: [["社区", *rows[0]]] + [[name, *row] for name in names for row in rows[1:]]
        for sheet, rows in ledger_sheets().items()
    }
    return write_csv_ledger(folder, sheets)


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
        if path.name == "visits.csv":  # 100,000 rows of ids and codes: nothing the encoding changes
            continue
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


# --- an import that fails or is interrupted ---------------------------------------


class Tripwire(Relay):
    """A relay that goes down for good as soon as the client sends ``marker`` (which is not forwarded)."""

    def __init__(self, target_port: int, marker: bytes):
        super().__init__(target_port)
        self.marker, self.tripped = marker, threading.Event()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            threading.Thread(target=self._watch, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _watch(self, src: socket.socket, dst: socket.socket) -> None:
        tail = b""
        try:
            while data := src.recv(65536):
                if self.marker in tail + data:
                    self.tripped.set()
                    self.down()
                    return
                tail = data[-len(self.marker) :]
                dst.sendall(data)
        except OSError:
            pass


def test_neo4j_lost_mid_import_names_what_was_committed_and_a_rerun_finishes(
    gridcare, store, neo4j_connection, communities, tmp_path
):
    first, second, third = communities
    path = three_community_ledger(tmp_path / "ledger", communities)
    # the relay dies when the second community's first statement is sent: the first is committed and checked
    relay = Tripwire(urlparse(neo4j_connection.uri).port, second.encode())
    relay.up()
    through_relay = {
        "NEO4J_URI": f"bolt://127.0.0.1:{relay.port}",
        "NEO4J_USER": neo4j_connection.user,
        "NEO4J_PASSWORD": neo4j_connection.password,
        "NEO4J_DATABASE": neo4j_connection.database,
    }
    done = gridcare("import", path, env=through_relay)
    assert relay.tripped.is_set()
    assert done.returncode == 1, done.stderr
    no_traceback(done)
    assert f"committed {first} (1 of 3)" in done.stderr
    assert f"the import stopped at {second} (2 of 3): Neo4j became unavailable (ServiceUnavailable" in done.stderr
    assert f"{second}: rolled back whole, nothing of it was written." in done.stderr
    assert f"committed before it (1 of 3): {first}." in done.stderr
    assert f"not written: {third}." in done.stderr
    assert "run the same import again once Neo4j is back" in done.stderr
    assert "rows written" not in done.stdout
    assert exists(store, first) and not exists(store, second) and not exists(store, third)

    before = snapshot(store, first)
    again = gridcare("import", path, check=True)
    assert [line for line in again.stderr.splitlines() if line.startswith("committed")] == [
        f"committed {name} ({n} of 3)" for n, name in enumerate(communities, 1)
    ]
    first_line, *_ = again.stdout.splitlines()
    assert first_line.startswith(f"{first}: ") and first_line.endswith("(already up to date)")
    assert snapshot(store, first) == before
    for name in (second, third):  # written whole, and like the first one: nothing missing, nothing twice
        renamed = (line.replace(escaped(name), escaped(first)) for line in snapshot(store, name))
        assert sorted(renamed) == before


SLOW_WRITE = """
    import os, sys, time
    import graph.imports.write as write

    _counted, _slow = write.counted, os.environ["SLOW_COMMUNITY"]

    def counted(tx, name, cypher, /, **params):  # the slow community's transaction stalls after its first statement
        result = _counted(tx, name, cypher, **params)
        if params.get("community") == _slow:
            result.consume()
            print("test: writing", _slow, file=sys.stderr, flush=True)
            time.sleep(120)
        return result

    write.counted = counted
"""


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_import_says_what_was_committed(cli_env, store, communities, tmp_path, sig, status):
    first, second, third = communities
    path = three_community_ledger(tmp_path / "ledger", communities)
    env = {**cli_env, **shim(tmp_path, SLOW_WRITE), "SLOW_COMMUNITY": second}
    command = [sys.executable, "-m", "api", "import", str(path)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as running:
        heard = []
        for line in running.stderr:
            heard.append(line)
            if line.startswith(f"test: writing {second}"):
                break
        running.send_signal(sig)
        started = time.monotonic()
        out, rest = running.communicate(timeout=60)
    stderr = "".join(heard) + rest
    assert running.returncode == status, stderr
    assert time.monotonic() - started < 10
    assert "Traceback" not in stderr
    assert f"committed {first} (1 of 3)" in stderr
    assert f"the import stopped at {second} (2 of 3): interrupted by {sig.name}." in stderr
    assert f"{second}: rolled back whole, nothing of it was written." in stderr
    assert f"committed before it (1 of 3): {first}." in stderr and f"not written: {third}." in stderr
    assert "run the same import again" in stderr and out == ""
    assert exists(store, first) and not exists(store, second) and not exists(store, third)


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
        f"the import stopped at {community} (1 of 1): Neo4j does not hold what was written for {community}: "
        "it has 0 of 1 community node; 0 of 5 residents in their households; 0 of 3 leader posts; "
        "0 of 2 care relationships; 0 of 2 volunteer team memberships."
    ) in done.stderr
    assert f"{community}: committed, but not all there when read back." in done.stderr
    assert "check the server (its logs, its disk)" in done.stderr
    assert not exists(store, community)


def test_a_nearly_full_disk_under_the_managed_neo4j_is_warned_of(tmp_path, monkeypatch):
    from collections import namedtuple

    from api import importing

    usage = namedtuple("usage", "total used free")
    said: list[str] = []
    monkeypatch.setattr(importing.shutil, "disk_usage", lambda path: usage(10 * 2**30, 10 * 2**30, 100 * 2**20))
    importing._warn_if_disk_low(tmp_path, said.append)
    [warning] = said
    assert warning.startswith(f"warning: only 100 MB free on the disk of the managed Neo4j ({tmp_path})")
    monkeypatch.setattr(importing.shutil, "disk_usage", lambda path: usage(10 * 2**30, 0, 2 * 2**30))
    importing._warn_if_disk_low(tmp_path, said.append)
    assert len(said) == 1
