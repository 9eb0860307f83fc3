"""`gridcare db backup | restore` and `db status` on a managed Neo4j of their own, through the real CLI.

Backup and restore stop the server they work on, so these tests start a second
managed Neo4j in a GRIDCARE_HOME of their own (as `tests/graph/test_local_server.py`
does) and never touch the session's. To keep the number of (slow) restarts down,
the module takes one backup (`archive`) and two tests restore it: after deleting
a community and losing the secrets, and after damaging the database file so that
the server runs with its database offline.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.settings import Settings
from api.tokens import authenticate, token_key
from graph.store import Connection, connect
from graph.store.migrations import LATEST
from graph.store.runtime import NEO4J_VERSION
from tests.cli.test_import import ledger_sheets, write_csv_ledger

NAME = "备份社区"


@dataclass
class Managed:
    home: Path
    env: dict
    gridcare: object
    token: str = ""

    def run(self, *args, check=False):
        return self.gridcare(*args, env=self.env, check=check)

    def state(self) -> dict:
        """What the CLI says of the data: the community list and the community's stats."""
        return {
            "list": json.loads(self.run("community", "list", "--format", "json", check=True).stdout),
            "stats": json.loads(self.run("stats", "--community", NAME, "--format", "json", check=True).stdout),
        }

    def secrets(self) -> dict:
        return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in (self.home / "secrets").iterdir()}


@pytest.fixture(scope="module")
def managed(gridcare, tmp_path_factory):
    """A managed Neo4j of its own, holding the test ledger as `NAME` and a staff token of it."""
    home = tmp_path_factory.mktemp("backup-home")
    env = {
        "GRIDCARE_HOME": str(home),
        "GRIDCARE_NEO4J_HEAP": "512m",
        "GRIDCARE_NEO4J_PAGECACHE": "64m",
        "NEO4J_URI": "",  # the managed server even when the session uses another
    }
    server = Managed(home, env, gridcare)
    try:
        server.run("db", "start", check=True)
        ledger = write_csv_ledger(tmp_path_factory.mktemp("ledger"), ledger_sheets())
        server.run("import", ledger, "--community", NAME, check=True)
        issued = server.run("token", "issue", "--role", "staff", "--community", NAME, check=True)
        server.token = issued.stdout.strip()
        yield server
    finally:
        server.run("db", "stop")


@pytest.fixture(scope="module")
def archive(managed, tmp_path_factory):
    """One backup of the running server, with the state and the secrets it holds."""
    path = tmp_path_factory.mktemp("backups") / "gridcare.tar.gz"
    before, secrets = managed.state(), managed.secrets()
    done = managed.run("db", "backup", "--out", path, check=True)
    assert done.stdout.strip() == str(path)
    assert "Neo4j was down for" in done.stderr and "Starting Neo4j again" in done.stderr
    return path, before, secrets, done


def authenticates(managed, token):
    """The token's principal, checked as the API checks it, with the key now under the home's secrets."""
    uri = managed.run("db", "status", check=True).stdout.split(", ")[1]
    password = (managed.home / "neo4j" / "password").read_text().strip()
    store = connect(Connection(uri, "neo4j", password), wait=60)
    try:
        return authenticate(store, token_key(Settings(home=managed.home)), token)
    finally:
        store.close()


def test_backup_holds_the_dump_the_secrets_and_a_manifest(managed, archive):
    path, before, secrets, _ = archive
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert managed.run("db", "status").returncode == 0  # it was running, so it runs again
    with tarfile.open(path) as tar:
        members = {m.name: m for m in tar.getmembers()}
        manifest = json.load(tar.extractfile("manifest.json"))
    assert set(members) == {"manifest.json", "neo4j.dump", "secrets", *(f"secrets/{name}" for name in secrets)}
    assert {"token-key", "id-hash-key"} <= set(secrets)
    assert all(stat.S_IMODE(members[f"secrets/{name}"].mode) == 0o600 for name in secrets)
    assert set(manifest) == {"format", "gridcare", "neo4j", "created_at", "schema_version", "database", "secrets"}
    assert (manifest["format"], manifest["neo4j"], manifest["schema_version"]) == (
        "gridcare-backup/1",
        NEO4J_VERSION,
        LATEST,
    )
    assert NAME not in json.dumps(manifest, ensure_ascii=False)  # versions, a date, file names: nothing of the data

    again = managed.run("db", "backup", "--out", path)
    assert again.returncode == 1 and f"{path} exists: pass --force to overwrite it" in again.stderr
    assert "Stopping" not in again.stderr  # refused before the server was touched


def test_restore_after_a_deletion_and_lost_keys_gives_everything_back(managed, archive):
    path, before, secrets, _ = archive
    assert authenticates(managed, managed.token).community == NAME

    managed.run("community", "delete", NAME, "--yes", check=True)
    shutil.rmtree(managed.home / "secrets")  # a new machine: the keys are gone too
    assert NAME not in managed.run("community", "list", check=True).stdout

    done = managed.run("db", "restore", path, check=True)

    assert "Neo4j was down for" in done.stderr and "Restart `gridcare serve`" in done.stderr
    assert managed.secrets() == secrets  # the same files, contents and modes
    assert managed.state() == before
    principal = authenticates(managed, managed.token)  # a token issued before the backup still works
    assert (principal.role, principal.community) == ("staff", NAME)
    log = [json.loads(line) for line in (managed.home / "logs" / "operations.log").read_text().splitlines()]
    assert [e["operation"] for e in log][-2:] == ["community delete", "restore"]
    assert log[-1]["archive"] == str(path) and "backup" in [e["operation"] for e in log]


def test_a_damaged_database_is_reported_offline_and_a_restore_repairs_it(managed, archive):
    path, before, _, _ = archive
    managed.run("db", "stop", check=True)
    store_file = managed.home / "neo4j" / "data" / "databases" / "neo4j" / "neostore"
    store_file.write_bytes(random.Random(7).randbytes(store_file.stat().st_size))  # a damaged disk, say
    started = managed.run("db", "start")  # Bolt opens: the server runs, its database does not
    assert started.returncode == 1 and "but its database is not online" in started.stderr
    assert "It is left running" in started.stderr

    status = managed.run("db", "status")
    assert status.returncode == 4, status.stdout + status.stderr
    assert status.stdout.startswith("running but the database is not online: pid ")
    assert re.search(r"database 'neo4j' (does|did) not answer", status.stdout)  # then why, e.g. "offline (…)"

    managed.run("db", "restore", path, check=True)
    assert managed.run("db", "status").stdout.startswith("running: pid ")
    assert managed.state() == before


def test_restore_refuses_what_is_not_a_backup_and_touches_nothing(managed, tmp_path):
    running = managed.run("db", "status", check=True).stdout
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(random.Random(1).randbytes(4096))
    no_manifest = _tar(tmp_path / "dump-only.tar", {"neo4j.dump": b"not a dump"})
    escaping = _tar(tmp_path / "escaping.tar", {"manifest.json": b'{"format": "gridcare-backup/1"}', "../evil": b"x"})
    not_a_dump = _tar(
        tmp_path / "not-a-dump.tar", {"manifest.json": b'{"format": "gridcare-backup/1"}', "neo4j.dump": b"x" * 64}
    )
    for path, reason in [
        (garbage, "is not a gridcare backup archive (made by `gridcare db backup`): it is not a tar archive"),
        (no_manifest, "it has no manifest.json"),
        (escaping, "it holds an unexpected entry '../evil'"),
        (not_a_dump, "holds no dump Neo4j can load"),
    ]:
        done = managed.run("db", "restore", path)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"gridcare: {path} "), done.stderr
        assert reason in done.stderr
        assert "Stopping" not in done.stderr
    assert not (tmp_path.parent / "evil").exists()
    assert managed.run("db", "status", check=True).stdout == running  # the same process: never stopped


def test_backup_and_restore_refuse_an_own_neo4j(gridcare, tmp_path):
    own = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "GRIDCARE_HOME": str(tmp_path)}
    some_file = tmp_path / "some.tar.gz"
    some_file.write_bytes(b"x")
    for args in [("db", "backup", "--out", tmp_path / "b.tar.gz"), ("db", "restore", some_file)]:
        done = gridcare(*args, env=own)
        assert done.returncode == 1
        assert "NEO4J_URI is set" in done.stderr and "neo4j-admin database dump" in done.stderr
        assert "GRIDCARE_TOKEN_KEY and GRIDCARE_ID_HASH_KEY" in done.stderr
    assert not (tmp_path / "b.tar.gz").exists()


def _tar(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path
