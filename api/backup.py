"""Backup and restore of the managed Neo4j together with the keys under ``$GRIDCARE_HOME/secrets``.

A Neo4j dump holds the graph, but API tokens, QR codes and national ids are
stored as keyed hashes whose keys live in ``$GRIDCARE_HOME/secrets``; a dump
restored without them leaves every token and printed QR card invalid. So a
backup is one archive (a gzip'd tar) of::

    manifest.json      {"format", "gridcare", "neo4j", "created_at", "schema_version", "database", "secrets"}
    secrets/<name>     each file of $GRIDCARE_HOME/secrets, with its mode (0600)
    neo4j.dump         `neo4j-admin database dump` of the gridcare database

The manifest holds versions, a date and file names: no personal data. The dump
and the secrets are personal data and keys: the archive is written with mode
0600 and must be kept as carefully as the database.

Neo4j Community dumps and loads only a stopped database, so both operations
stop the managed server, work, and start it again if it was running; they say
how long it was down. Only the managed Neo4j is supported: with NEO4J_URI set,
both refuse and explain what to do instead.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

from api.operations import record_operation
from api.settings import Settings
from api.store import local_server
from graph.errors import GraphError
from graph.store import Connection, connect
from graph.store.managed import LocalNeo4j
from graph.store.migrations import LATEST, current_version
from graph.store.runtime import NEO4J_VERSION

FORMAT = "gridcare-backup/1"
MANIFEST = "manifest.json"
DUMP = "neo4j.dump"  # the dump's name in the archive, whatever the database is called
SECRETS = "secrets"
_SECRET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_MAX_SECRET = 64 * 1024  # bytes; a key file is a line
ONLINE_WAIT = 120.0  # seconds to wait for the database to answer after a restart

OWN_NEO4J = (
    "NEO4J_URI is set: gridcare backs up and restores only the Neo4j it manages. For your own server, "
    "use its tools — `neo4j-admin database dump` / `load` on the stopped database (or an online backup on "
    "Enterprise), or Aura's snapshots — and keep GRIDCARE_TOKEN_KEY and GRIDCARE_ID_HASH_KEY (or, if they "
    "are not set, the folder {secrets}) with every backup: without them, restored API tokens, QR codes and "
    "national-id hashes no longer match."
)


class BackupError(GraphError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What an archive says of itself (no personal data)."""

    format: str
    gridcare: str
    neo4j: str
    created_at: str  # UTC, ISO 8601
    schema_version: int | None  # None: the server was stopped, the version could not be read
    database: str
    secrets: tuple[str, ...]

    def to_json(self) -> bytes:
        return json.dumps({**asdict(self), "secrets": list(self.secrets)}, indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"its manifest is not of format {FORMAT}")
        version = data.get("schema_version")
        if version is not None and not isinstance(version, int):
            raise ValueError("its manifest's schema_version is not a number")
        return cls(
            format=FORMAT,
            gridcare=str(data.get("gridcare", "?")),
            neo4j=str(data.get("neo4j", "?")),
            created_at=str(data.get("created_at", "?")),
            schema_version=version,
            database=str(data.get("database", "neo4j")),
            secrets=tuple(str(s) for s in data.get("secrets", ())),
        )


@dataclass(frozen=True)
class Done:
    """A finished backup or restore: the archive, its manifest, and how long Neo4j was down."""

    archive: Path
    manifest: Manifest
    downtime: float | None  # seconds from stop to the database answering again; None: it was not running


def backup(settings: Settings, out: Path, *, force: bool = False, say: Callable[[str], None] = print) -> Done:
    """Write an archive of the managed database and the secrets to ``out``."""
    refuse_own_neo4j(settings)
    out = out.expanduser().absolute()
    if out.is_dir():
        raise BackupError(f"{out} is a folder: give the path of the archive file to write")
    if out.exists() and not force:
        raise BackupError(f"{out} exists: pass --force to overwrite it")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    server = local_server(settings, say)
    database = settings.neo4j_database
    running = server.status().running
    schema_version = _schema_version(server, database, say) if running else None
    if not running:
        say("Neo4j is not running: the dump is taken as the data are; the schema version is not recorded.")
    secrets = _read_secrets(settings.home / SECRETS, say)
    for variable, what in (("GRIDCARE_TOKEN_KEY", settings.token_key), ("GRIDCARE_ID_HASH_KEY", settings.id_hash_key)):
        if what is not None:
            say(f"{variable} is set in the environment, so it is not in the archive: keep it with the archive.")
    manifest = Manifest(
        format=FORMAT,
        gridcare=_gridcare_version(),
        neo4j=NEO4J_VERSION,
        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        schema_version=schema_version,
        database=database,
        secrets=tuple(sorted(secrets)),
    )
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".gridcare-backup-") as work:
        with _down(server, running, database, "dump", say) as downtime:
            say(f"Dumping database {database!r} …")
            dump = server.dump(database, Path(work))
        partial = Path(work) / "archive.partial"
        _write_archive(partial, manifest, secrets, dump)
        os.replace(partial, out)
    say(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB)." + _downtime_text(downtime))
    record_operation(
        settings,
        "backup",
        archive=str(out),
        database=database,
        schema_version=schema_version,
        downtime_seconds=_rounded(downtime.seconds),
    )
    return Done(out, manifest, downtime.seconds)


def restore(settings: Settings, archive: Path, *, say: Callable[[str], None] = print) -> Done:
    """Replace the managed database and the secrets by those of ``archive``."""
    refuse_own_neo4j(settings)
    archive = archive.expanduser().absolute()
    server = local_server(settings, say)
    database = settings.neo4j_database
    settings.home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.home, prefix=".gridcare-restore-") as work:
        manifest, secrets = _unpack(archive, Path(work) / f"{database}.dump")
        if manifest.schema_version is not None and manifest.schema_version > LATEST:
            raise BackupError(
                f"{archive} was made by a newer gridcare ({manifest.gridcare}, schema version "
                f"{manifest.schema_version}; this one knows up to {LATEST}): upgrade gridcare first"
            )
        try:
            server.check_dump(database, Path(work))
        except GraphError as e:
            raise BackupError(f"{archive} holds no dump Neo4j can load: {e}") from e
        say(f"Restoring the backup of {manifest.created_at} (gridcare {manifest.gridcare}, Neo4j {manifest.neo4j}) …")
        running = server.status().running
        with _down(server, running, database, "load", say) as downtime:
            say(f"Loading database {database!r} (replacing it) …")
            server.load(database, Path(work))
            _replace_secrets(settings.home / SECRETS, secrets)
            say(f"Restored {settings.home / SECRETS} ({', '.join(sorted(secrets)) or 'no files'}).")
    if running:
        say("Done." + _downtime_text(downtime) + " Restart `gridcare serve`: it cannot recover by itself.")
    else:
        say("Done. Neo4j was not running and is left stopped; the next gridcare command starts it.")
    record_operation(
        settings,
        "restore",
        archive=str(archive),
        created_at=manifest.created_at,
        database=database,
        schema_version=manifest.schema_version,
        downtime_seconds=_rounded(downtime.seconds),
    )
    return Done(archive, manifest, downtime.seconds)


def refuse_own_neo4j(settings: Settings) -> None:
    if settings.neo4j_uri:
        raise BackupError(OWN_NEO4J.format(secrets=settings.home.absolute() / SECRETS))


# -- the server's downtime ------------------------------------------------------


@dataclass
class _Downtime:
    seconds: float | None = None  # None while the server is down, or when it was not running
    phases: str = ""  # how the downtime was spent, e.g. "stop 8.1 s, dump 6.0 s, start 16.2 s"


@contextmanager
def _down(
    server: LocalNeo4j, running: bool, database: str, what: str, say: Callable[[str], None]
) -> Iterator[_Downtime]:
    """Stop the server if ``running``; afterwards start it again and wait until the database answers.

    The server is restarted even when the work failed, so a failed backup or
    restore does not leave the service down. The downtime is measured from the
    stop to the database's first answer.
    """
    downtime = _Downtime()
    if not running:
        yield downtime
        return
    say("Stopping Neo4j (the service is down until it is started again) …")
    since = time.monotonic()
    server.stop()
    stopped = time.monotonic()
    try:
        yield downtime
    finally:
        worked = time.monotonic()
        say("Starting Neo4j again …")
        server.start()
        problem = server.wait_online(database, ONLINE_WAIT)
        if problem:
            raise BackupError(f"Neo4j was started again but its database is not online: {problem}")
        done = time.monotonic()
        downtime.seconds = done - since
        downtime.phases = f"stop {stopped - since:.1f} s, {what} {worked - stopped:.1f} s, start {done - worked:.1f} s"


def _downtime_text(downtime: _Downtime) -> str:
    if downtime.seconds is None:
        return ""
    return f" Neo4j was down for {downtime.seconds:.1f} s ({downtime.phases})."


def _rounded(seconds: float | None) -> float | None:
    return round(seconds, 1) if seconds is not None else None


# -- archive --------------------------------------------------------------------


def _schema_version(server: LocalNeo4j, database: str, say: Callable[[str], None]) -> int | None:
    status = server.status()
    try:
        store = connect(Connection(status.uri or "", "neo4j", server.password(), database), wait=10.0)
    except GraphError as e:
        say(f"Could not read the schema version ({e}); it is not recorded.")
        return None
    try:
        return current_version(store)
    finally:
        store.close()


def _gridcare_version() -> str:
    try:
        return version("gridcare")
    except PackageNotFoundError:
        return "unknown"


def _read_secrets(folder: Path, say: Callable[[str], None]) -> dict[str, tuple[int, bytes]]:
    """The files of the secrets folder: name → (mode, content)."""
    found: dict[str, tuple[int, bytes]] = {}
    if not folder.is_dir():
        say(f"There is no {folder}: the archive holds no keys.")
        return found
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.is_symlink() or not _SECRET_NAME.fullmatch(path.name):
            say(f"Left out of the archive: {path} (not a plain key file).")
            continue
        found[path.name] = (path.stat().st_mode & 0o777, path.read_bytes())
    return found


def _write_archive(path: Path, manifest: Manifest, secrets: dict[str, tuple[int, bytes]], dump: Path) -> None:
    now = time.time()

    def entry(name: str, mode: int, size: int = 0, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.mode, info.size, info.type, info.mtime = mode, size, kind, now
        return info

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # keys and personal data: owner only
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
        body = manifest.to_json()
        tar.addfile(entry(MANIFEST, 0o644, len(body)), _bytes(body))
        tar.addfile(entry(SECRETS, 0o700, kind=tarfile.DIRTYPE))
        for name, (mode, content) in sorted(secrets.items()):
            tar.addfile(entry(f"{SECRETS}/{name}", mode, len(content)), _bytes(content))
        with open(dump, "rb") as f:
            tar.addfile(entry(DUMP, 0o600, dump.stat().st_size), f)


def _bytes(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)


def _unpack(archive: Path, dump_to: Path) -> tuple[Manifest, dict[str, tuple[int, bytes]]]:
    """Check that ``archive`` is a gridcare backup, copy its dump to ``dump_to``; its manifest and secrets.

    Nothing outside ``dump_to`` is written, whatever the archive holds: member
    names are matched against the three expected kinds, never used as paths.
    """
    not_ours = f"{archive} is not a gridcare backup archive (made by `gridcare db backup`)"
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    if not tarfile.is_tarfile(archive):
        raise BackupError(f"{not_ours}: it is not a tar archive, plain or compressed")
    manifest: Manifest | None = None
    secrets: dict[str, tuple[int, bytes]] = {}
    dumped = False
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                name = member.name.removeprefix("./").rstrip("/")
                if name == MANIFEST and member.isfile() and member.size < _MAX_SECRET:
                    manifest = Manifest.from_json(_read(tar, member))
                elif name == SECRETS and member.isdir():
                    continue
                elif name.startswith(f"{SECRETS}/") and member.isfile() and member.size <= _MAX_SECRET:
                    secret = name.removeprefix(f"{SECRETS}/")
                    if not _SECRET_NAME.fullmatch(secret):
                        raise ValueError(f"it holds an unexpected file {member.name!r}")
                    secrets[secret] = (member.mode & 0o777, _read(tar, member))
                elif name == DUMP and member.isfile():
                    source = tar.extractfile(member)
                    if source is None:
                        raise ValueError("its dump cannot be read")
                    with source:
                        _copy(source, dump_to)
                    dumped = True
                else:
                    raise ValueError(f"it holds an unexpected entry {member.name!r}")
    # a truncated or corrupt archive, bad JSON (a ValueError, as are Unicode errors)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as e:
        raise BackupError(f"{not_ours}: {e}") from e
    if manifest is None:
        raise BackupError(f"{not_ours}: it has no {MANIFEST}")
    if not dumped:
        raise BackupError(f"{not_ours}: it has no {DUMP}")
    missing = set(manifest.secrets) - set(secrets)
    if missing:
        raise BackupError(f"{not_ours}: its manifest lists secrets it does not hold ({', '.join(sorted(missing))})")
    return manifest, secrets


def _copy(source: IO[bytes], target: Path) -> None:
    """Copy the archive's dump out; an error reading is the archive's, one writing is the disk's."""
    try:
        out = open(target, "wb")  # noqa: SIM115 (closed below; an error opening it is the disk's)
    except OSError as e:
        raise BackupError(f"could not unpack the dump into {target.parent}: {e}") from e
    with out:
        while chunk := source.read(1 << 20):
            try:
                out.write(chunk)
            except OSError as e:
                raise BackupError(f"could not unpack the dump into {target.parent}: {e}") from e


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    source = tar.extractfile(member)
    if source is None:
        raise ValueError(f"{member.name!r} cannot be read")
    with source:
        return source.read()


def _replace_secrets(folder: Path, secrets: dict[str, tuple[int, bytes]]) -> None:
    """Make ``folder`` hold exactly ``secrets`` (owner-only modes), swapping it in whole."""
    staging, replaced = folder.with_name(".secrets-restoring"), folder.with_name(".secrets-replaced")
    for leftover in (staging, replaced):
        shutil.rmtree(leftover, ignore_errors=True)
    staging.mkdir(mode=0o700, parents=True)
    for name, (mode, content) in secrets.items():
        path = staging / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(path, (mode & 0o700) or 0o600)  # the mode it had, never open to others
    os.chmod(staging, 0o700)
    if folder.exists():
        os.replace(folder, replaced)
    os.replace(staging, folder)
    shutil.rmtree(replaced, ignore_errors=True)
