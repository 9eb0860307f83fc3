"""The project-managed Neo4j: one server process under ``$GRIDCARE_HOME/neo4j``.

Layout of the home folder::

    neo4j/conf/neo4j.conf   generated at every start from the options
    neo4j/data/             the databases
    neo4j/logs/             neo4j.log, debug.log, console.log
    neo4j/password          the generated password of user neo4j (mode 0600)
    neo4j/instance.json     pid and Bolt port of the running server

Bolt listens on loopback only, authentication is on, heap and page cache are
explicit. ``start`` returns once Bolt answers, and kills what it spawned when
that does not happen; ``stop`` asks the server to shut down cleanly (SIGTERM)
and waits for it. ``database_problem`` tells a server whose database answers
from one that merely listens; ``wait_online`` waits for the former. ``dump`` and ``load`` run Neo4j's admin tool on
the stopped server (Community cannot dump a database in use).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from graph.errors import LocalServerError
from graph.store.runtime import ADMIN_TOOL, ENTRY_POINT, ensure_runtime, find_java

_JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


@dataclass(frozen=True)
class LocalOptions:
    home: Path  # $GRIDCARE_HOME
    cache: Path  # where the jars are kept
    port: int | None = None  # Bolt port; None = keep the last one, or pick a free one
    heap: str = "2g"
    pagecache: str = "512m"
    java_home: str | None = None
    start_timeout: float = 120.0


@dataclass(frozen=True)
class LocalStatus:
    running: bool
    pid: int | None
    uri: str | None
    home: Path


class LocalNeo4j:
    """Start, stop and describe the managed server; pass it where one is needed."""

    def __init__(self, options: LocalOptions, say: Callable[[str], None] = print):
        self.opts = options
        self.dir = options.home / "neo4j"
        self.say = say

    # -- public -------------------------------------------------------------
    def status(self) -> LocalStatus:
        state = self._state()
        pid, port = state.get("pid"), state.get("port")
        running = bool(pid and _alive(pid) and port and _bolt_open(port))
        return LocalStatus(
            running, pid if running else None, f"bolt://127.0.0.1:{port}" if running else None, self.opts.home
        )

    def password(self) -> str:
        path = self.dir / "password"
        if not path.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(24))  # hex: never begins with '-', which the admin tool reads as an option
        return path.read_text().strip()

    def start(self) -> LocalStatus:
        """Start the server unless it runs; return once Bolt answers."""
        current = self.status()
        if current.running:
            return current
        lib = ensure_runtime(self.opts.cache, say=self.say)
        java = find_java(self.opts.java_home)
        port = self._choose_port()
        self._write_conf(port)
        self._set_initial_password(java, lib)
        pid = self._spawn(java, lib)
        self._save_state(pid=pid, port=port)
        try:
            self._wait_for_bolt(pid, port)
        except BaseException:  # a timeout, a JVM that died, Ctrl-C: leave no server behind, nor a pid that lies
            self._abandon(pid, port)
            raise
        return self.status()

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly; False if it was not running."""
        pid = self._state().get("pid")
        if not pid or not _alive(pid):
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            self.say(f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s and was killed.")
        self._save_state(pid=None, port=self._state().get("port"))
        return True

    def database_problem(self, database: str = "neo4j", timeout: float = 5.0) -> str | None:
        """None when the running server's ``database`` answers ``RETURN 1``; else why it does not.

        One attempt, no retries: a server whose Bolt port is open may still be opening its
        databases, have failed to (a damaged store), or hang; the answer comes within about
        three times ``timeout`` seconds whatever the server does.
        """
        return self._check_database(database, timeout).problem

    def wait_online(self, database: str = "neo4j", timeout: float | None = None) -> str | None:
        """Wait until ``database`` answers (at most ``timeout``, default the start timeout); None then, else why
        not. Returns at once when Neo4j reports that the database failed to start: waiting would not help."""
        deadline = time.monotonic() + (self.opts.start_timeout if timeout is None else timeout)
        while True:
            check = self._check_database(database, 5.0)
            if check.problem is None or check.settled or time.monotonic() >= deadline:
                return check.problem
            time.sleep(0.5)

    def _check_database(self, database: str, timeout: float) -> _Check:
        status = self.status()
        if not status.running or status.uri is None:
            return _Check("Neo4j is not running", settled=True)
        uri, password, password_file = status.uri, self.password(), self.dir / "password"
        answer: list[_Check] = []
        probe = threading.Thread(
            target=lambda: answer.append(_check_database(uri, password, password_file, database, timeout)), daemon=True
        )
        probe.start()
        probe.join(3 * timeout)
        return answer[0] if answer else _Check(f"database {database!r} did not answer within {3 * timeout:.0f} s")

    def dump(self, database: str, to_dir: Path) -> Path:
        """Dump ``database`` of the stopped server into ``to_dir``; returns the dump file."""
        to_dir.mkdir(parents=True, exist_ok=True)
        self._admin("dump the database", "database", "dump", database, f"--to-path={to_dir}")
        dump = to_dir / f"{database}.dump"
        if not dump.is_file():
            raise LocalServerError(f"neo4j-admin reported no error but wrote no {dump.name}")
        return dump

    def check_dump(self, database: str, from_dir: Path) -> str:
        """What Neo4j's admin tool says of the dump ``from_dir/<database>.dump`` (its format, files, bytes);
        `LocalServerError` if it is not a dump it can load."""
        return self._admin(
            "read the dump", "database", "load", database, f"--from-path={from_dir}", "--info", needs_stop=False
        )

    def load(self, database: str, from_dir: Path) -> None:
        """Replace ``database`` of the stopped server by the dump ``from_dir/<database>.dump``."""
        self._admin("load the dump", "database", "load", database, f"--from-path={from_dir}", "--overwrite-destination")

    # -- steps --------------------------------------------------------------
    def _admin(self, what: str, *args: str, needs_stop: bool = True) -> str:
        """Run ``neo4j-admin`` on the server's conf and folders; its output, or `LocalServerError`."""
        if needs_stop and self.status().running:
            raise LocalServerError(f"Neo4j must be stopped to {what} (Neo4j Community cannot while it runs)")
        lib = ensure_runtime(self.opts.cache, say=self.say)
        java = find_java(self.opts.java_home)
        if not (self.dir / "conf" / "neo4j.conf").exists():  # a home that never ran a server
            self._write_conf(self._choose_port())
        done = subprocess.run(
            [str(java), "-cp", f"{lib}/*", ADMIN_TOOL, *args], env=self._env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            lines = [line for line in (done.stdout + done.stderr).splitlines() if not line.startswith("Files: ")]
            tail = "\n".join(lines[-12:]).strip()
            raise LocalServerError(f"neo4j-admin could not {what}: {tail or f'exit status {done.returncode}'}")
        return done.stdout

    def _choose_port(self) -> int:
        if self.opts.port:
            if not _port_free(self.opts.port):
                raise LocalServerError(f"Bolt port {self.opts.port} is in use by another program")
            return self.opts.port
        last = self._state().get("port")
        return last if last and _port_free(last) else _free_port()

    def _write_conf(self, port: int) -> None:
        conf = self.dir / "conf"
        for sub in ("conf", "data", "logs", "plugins", "import", "run"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.bolt.advertised_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "server.memory.heap.initial_size": self.opts.heap,
            "server.memory.heap.max_size": self.opts.heap,
            "server.memory.pagecache.size": self.opts.pagecache,
            "db.tx_log.rotation.retention_policy": "2 files",
            "server.directories.data": str(self.dir / "data"),
            "server.directories.logs": str(self.dir / "logs"),
            "server.directories.plugins": str(self.dir / "plugins"),
            "server.directories.import": str(self.dir / "import"),
            "server.directories.run": str(self.dir / "run"),
        }
        text = "# Written by gridcare at every start; edit the options, not this file.\n"
        (conf / "neo4j.conf").write_text(text + "".join(f"{k}={v}\n" for k, v in lines.items()))

    def _set_initial_password(self, java: Path, lib: Path) -> None:
        if (self.dir / "data" / "dbms").exists():
            return  # the password was set before the first start
        done = subprocess.run(
            [str(java), "-cp", f"{lib}/*", ADMIN_TOOL, "dbms", "set-initial-password", "--", self.password()],
            env=self._env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise LocalServerError(f"could not set the Neo4j password: {done.stderr.strip()[-500:]}")

    def _spawn(self, java: Path, lib: Path) -> int:
        self.say(f"Starting Neo4j in {self.dir} …")
        heap = [f"-Xms{self.opts.heap}", f"-Xmx{self.opts.heap}"]
        cmd = [
            str(java),
            *heap,
            *_JVM_FLAGS,
            "-cp",
            f"{lib}/*",
            ENTRY_POINT,
            f"--home-dir={self.dir}",
            f"--config-dir={self.dir / 'conf'}",
        ]
        with open(self.dir / "logs" / "console.log", "ab") as out:
            proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env(),
                start_new_session=True,
                cwd=self.dir,
            )
        return proc.pid

    def _abandon(self, pid: int, port: int) -> None:
        """Kill a server whose start failed (its whole session: it was started in one) and forget its pid."""
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
            deadline = time.monotonic() + grace
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if not _alive(pid):
                break
        self._save_state(pid=None, port=port)
        if _alive(pid):
            self.say(f"The Neo4j that failed to start (pid {pid}) could not be killed; kill it by hand.")
        else:
            self.say(f"Stopped the Neo4j that failed to start (pid {pid}).")

    def _wait_for_bolt(self, pid: int, port: int) -> None:
        deadline = time.monotonic() + self.opts.start_timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                raise LocalServerError(
                    f"Neo4j exited during start-up; see {self.dir / 'logs' / 'console.log'} and neo4j.log"
                )
            if _bolt_open(port):
                return
            time.sleep(0.3)
        raise LocalServerError(f"Neo4j did not open Bolt port {port} within {self.opts.start_timeout:.0f} s")

    # -- state --------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.dir), "NEO4J_CONF": str(self.dir / "conf")}

    def _state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self.dir / "instance.json").read_text())
        except (OSError, ValueError):
            return {}
        return state

    def _save_state(self, **state: int | None) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "instance.json").write_text(json.dumps(state))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process counts as gone
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


SHOW_DATABASE = "SHOW DATABASE $name YIELD currentStatus, statusMessage"


@dataclass(frozen=True)
class _Check:
    problem: str | None  # None: the database answered
    settled: bool = False  # Neo4j says the database failed to start: waiting will not change the answer


def _check_database(uri: str, password: str, password_file: Path, database: str, timeout: float) -> _Check:
    """Run ``RETURN 1`` once in ``database``; if it fails, ask the system database why."""
    try:
        with neo4j.GraphDatabase.driver(
            uri,
            auth=("neo4j", password),
            connection_timeout=timeout,
            connection_acquisition_timeout=timeout,
            notifications_min_severity="OFF",
        ) as driver:
            try:
                with driver.session(database=database) as session:
                    session.run(neo4j.Query("RETURN 1", timeout=timeout)).consume()
                return _Check(None)
            except AuthError:
                return _Check(f"Neo4j refused the password in {password_file}", settled=True)
            except Neo4jError as e:
                state, failed = _database_state(driver, database, timeout)
                return _Check(f"database {database!r} does not answer: {state or e.message}", settled=failed)
    except (DriverError, OSError) as e:
        return _Check(f"database {database!r} does not answer: {' '.join(str(e).split())}")


def _database_state(driver: neo4j.Driver, database: str, timeout: float) -> tuple[str | None, bool]:
    """What the system database says of ``database`` (``offline (Unable to start …)``), if it says, and
    whether that is a failed start (offline with an error) rather than a database still opening."""
    try:
        with driver.session(database="system") as session:
            record = session.run(neo4j.Query(SHOW_DATABASE, timeout=timeout), name=database).single()
    except (Neo4jError, DriverError, OSError):
        return None, False
    if record is None:
        return "no such database", True
    current, message = str(record["currentStatus"]), str(record["statusMessage"] or "").strip()
    return current + (f" ({message})" if message else ""), current == "offline" and bool(message)


def _bolt_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
