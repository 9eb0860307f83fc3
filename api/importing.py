"""The import use case shared by `gridcare import`, `gridcare serve --demo` and the console's upload
(`api.ledger_upload`).

`gridcare import` writes one transaction per community and says so on stderr as
each commits. When the write fails or is interrupted, `failure_message` tells
which communities were committed, which one was rolled back (or may have been
committed, if the failure came during its commit) and how to resume.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import neo4j.exceptions
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from analysis.services import DEFAULT_SETTINGS, PointsRules
from api.secrets import national_id_hasher
from api.settings import Settings, get_settings
from api.store import open_store
from graph.errors import GraphError
from graph.imports.write import NotKept
from graph.store import Store, is_outage
from loaders.columns import Mapping
from loaders.errors import LoaderError
from loaders.ledger import read_ledger
from loaders.model import Ledger
from loaders.writer import COMMITTING, WRITING, ImportSummary, Plan, WriteProgress, plan_import, total_rows, write_plan

PROGRESS_FROM_ROWS = 5000  # smaller ledgers import without a progress bar
#: Free space under which the managed Neo4j's disk earns a warning after an import: Neo4j commits into its
#: transaction log, whose files are preallocated (256 MB each), and later needs room to write the store files
#: and start the next log file; on a full disk it hangs at shutdown and cannot start again.
LOW_DISK = 512 * 1024 * 1024


def read_checked(
    path: Path,
    community: str | None,
    settings: Settings | None = None,
    *,
    mapping: Mapping | None = None,
    preview: int = 0,
) -> Ledger:
    """Read and validate a ledger; a ledger without a single valid resident is an error.

    National ids are hashed under the service's key (``settings``, else the
    process's), from which the keys of residents without a 居民编号 are derived.
    """
    hasher = national_id_hasher(settings or get_settings())
    ledger = read_ledger(path, community, hash_national_id=hasher, mapping=mapping, preview=preview)
    if not ledger.residents and not ledger.errors:
        raise LoaderError(f"{path}: the residents sheet has no rows")
    for name in ledger.communities:
        if "/" in name:  # ids are paths under the community's name (graph/ids.py)
            raise LoaderError(f"community name {name!r} contains '/': choose a name without it")
    return ledger


def import_ledger_file(
    ledger: Ledger,
    settings: Settings,
    *,
    say: Callable[[str], None],
    progress: bool,
    state: WriteProgress | None = None,
    earn_points: bool = False,
) -> ImportSummary:
    """Open the store, write the ledger (saying ``committed <community> (n of N)`` as each commits), close it.

    ``state`` follows the write, for `failure_message` if it raises; ``earn_points``: the services sheet's
    providers earn the community's points for what they did.
    """
    with driver_retries_told(say):
        store = open_store(settings, say=say)
        try:
            summary = write_ledger(
                store, ledger, settings, progress=progress, say=say, state=state, earn_points=earn_points
            )
        finally:
            store.close()
    if settings.managed:
        _warn_if_disk_low(settings.home / "neo4j", say)
    return summary


def plan_ledger(ledger: Ledger, settings: Settings, points: dict[str, PointsRules] | None = None) -> Plan:
    """The write steps of a validated ledger, national ids hashed under the service's key; ``points``: the
    communities' earning rules when the services sheet's providers earn points."""
    return plan_import(ledger, hash_national_id=national_id_hasher(settings), points=points)


def write_ledger(
    store: Store,
    ledger: Ledger,
    settings: Settings,
    *,
    progress: bool,
    say: Callable[[str], None] | None = None,
    state: WriteProgress | None = None,
    earn_points: bool = False,
) -> ImportSummary:
    """Write a validated ledger, with a progress bar on big ones; ``say`` hears of each commit. ``earn_points``:
    the services sheet's providers earn points by each community's rules (a new community: the defaults)."""
    points = {c: _rules(store, c) for c in ledger.communities} if earn_points else None
    plan = plan_ledger(ledger, settings, points)
    total = total_rows(plan)

    def committed(community: str, number: int, count: int) -> None:
        if say:
            say(f"committed {community} ({number} of {count})")

    if not progress or total < PROGRESS_FROM_ROWS:
        return write_plan(store, plan, on_commit=committed, progress=state)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("import", total=total)
        return write_plan(store, plan, on_rows=lambda n: bar.advance(task, n), on_commit=committed, progress=state)


def _rules(store: Store, community: str) -> PointsRules:
    """A community's earning rules; the defaults for one not in the store yet."""
    from graph.errors import NotFound
    from graph.service_settings import read_settings

    try:
        return read_settings(store, community).points
    except NotFound:
        return DEFAULT_SETTINGS.points


def load_demo(store: Store, settings: Settings) -> ImportSummary:
    """Generate the Changshan Garden ledger, read it back as files and import it; then generate its year of home
    services, matters, points and wills (what a ledger does not carry, `loaders.demo.services`)."""
    from loaders.demo import generate_ledger
    from loaders.demo import write_ledger as write_files

    with tempfile.TemporaryDirectory(prefix="gridcare-demo-") as tmp:
        folder = write_files(generate_ledger(), Path(tmp) / "ledger")
        ledger = read_ledger(folder, hash_national_id=national_id_hasher(settings))
    if ledger.errors:
        raise LoaderError("the generated demo ledger does not validate: " + str(ledger.errors[0]))
    summary = write_ledger(store, ledger, settings, progress=False)
    from loaders.demo.services import seed_services

    for community in summary.communities:
        seed_services(store, community)
    return summary


def _warn_if_disk_low(folder: Path, say: Callable[[str], None]) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < LOW_DISK:
        say(
            f"warning: only {free // 2**20:,} MB free on the disk of the managed Neo4j ({folder}). The import is "
            "committed (in Neo4j's transaction log), but Neo4j needs room to write it into its store files and "
            "to start its next log file: on a full disk it cannot stop cleanly nor start again. Free some space."
        )


# --- interruptions ------------------------------------------------------------


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, like KeyboardInterrupt: no ``except Exception``
    (the driver's included) takes it for an error to retry or wrap."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


#: Seconds an interrupted import may take to unwind (the driver rolling back and closing its connections)
#: before it is ended at once: a Neo4j that hangs never answers the rollback.
GRACE = 5.0


@contextmanager
def interruptible(stopped: Callable[[Interrupted], None], *, grace: float = GRACE) -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Interrupted` while the block runs.

    If the unwinding takes more than ``grace`` seconds, or a second signal
    comes, ``stopped(error)`` is called (it must say what stopped, once) and
    the process ends at once with the signal's exit status. Neo4j rolls back
    the transaction of a connection that closes.
    """
    received: list[int] = []

    def end_now(signum: int) -> None:
        stopped(Interrupted(signum))
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[?25h")  # a progress bar hides the cursor while it runs
            sys.stdout.flush()
        os._exit(128 + signum)

    def handler(signum: int, frame: FrameType | None) -> None:
        if received:
            end_now(signum)
        received.append(signum)
        watchdog = threading.Timer(grace, end_now, (signum,))
        watchdog.daemon = True
        watchdog.start()
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def exit_status(error: BaseException) -> int:
    """130 for SIGINT (also a bare KeyboardInterrupt), 143 for SIGTERM, else 1."""
    if isinstance(error, Interrupted):
        return error.exit_status
    return 128 + signal.SIGINT if isinstance(error, KeyboardInterrupt) else 1


def failure_message(state: WriteProgress, error: BaseException, settings: Settings) -> str:
    """What a failed or interrupted import tells its user: no traceback, the communities committed,
    the one that failed and how it stands, and how to resume."""
    why = _cause(error, settings)
    if state.current is None and not state.committed:
        return f"gridcare: the import stopped before writing anything: {why}. Nothing was written."
    total = len(state.communities)
    lines: list[str] = []
    if state.current is not None:
        number = state.communities.index(state.current) + 1
        lines.append(f"gridcare: the import stopped at {state.current} ({number} of {total}): {why}.")
        if state.stage == WRITING:
            lines.append(f"  {state.current}: rolled back whole, nothing of it was written.")
        elif state.stage == COMMITTING:
            lines.append(f"  {state.current}: stopped while being committed; it may or may not be in the database.")
        elif isinstance(error, NotKept):
            lines.append(f"  {state.current}: committed, but not all there when read back.")
        else:
            lines.append(f"  {state.current}: committed; stopped while reading it back to check it.")
    else:
        lines.append(f"gridcare: the import stopped after its last community: {why}.")
    committed = [c for c in state.committed if c != state.current]
    before = " before it" if state.current is not None else ""
    if committed:
        lines.append(f"  committed{before} ({len(committed)} of {total}): {', '.join(committed)}.")
    else:
        lines.append(f"  nothing was committed{before}.")
    if state.not_started:
        lines.append(f"  not written: {', '.join(state.not_started)}.")
    if isinstance(error, NotKept):
        lines.append(
            "Neo4j accepted the commit but does not hold what was written: check the server (its logs, its disk) "
            "before importing again. Re-running the same import is safe: it changes nothing that is already there."
        )
    else:
        lines.append(
            "To finish, run the same import again"
            + (" once Neo4j is back" if _outage(error) else "")
            + ". That is safe: the import is idempotent, so the communities already committed stay as they are."
        )
    return "\n".join(lines)


def _cause(error: BaseException, settings: Settings) -> str:
    """A short, data-free account of ``error``: never its trace, and the message only of our own errors,
    outages and files (a Neo4j error's message may quote the values of the statement)."""
    if isinstance(error, Interrupted):
        return f"interrupted by {error}"
    if isinstance(error, KeyboardInterrupt):
        return "interrupted by SIGINT"
    if isinstance(error, neo4j.exceptions.IncompleteCommit):
        return "the connection to Neo4j broke during the commit"
    if isinstance(error, GraphError | LoaderError):
        return str(error)
    if _outage(error):
        return f"Neo4j became unavailable ({type(error).__name__}: {_first_line(error)})"
    if isinstance(error, neo4j.exceptions.Neo4jError):
        code = error.code or type(error).__name__
        hint = ": see Neo4j's logs (a full disk is a common cause)" if code.startswith("Neo.DatabaseError") else ""
        return f"Neo4j answered with an error ({code}){hint}"
    if isinstance(error, OSError):
        return f"{error.strerror or type(error).__name__}" + (f" ({error.filename})" if error.filename else "")
    return f"an unexpected error ({type(error).__name__}){_trace_note(error, settings)}"


def _outage(error: BaseException) -> bool:
    """The store is away (`graph.store.is_outage`), as the driver or the store says: not a local OSError."""
    return is_outage(error) and isinstance(error, neo4j.exceptions.DriverError | neo4j.exceptions.Neo4jError)


def _first_line(error: BaseException) -> str:
    """The driver's message on one line, its middle cut if long (it ends with the reason)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else f"{text[:80]} … {text[-70:]}"


@contextmanager
def driver_retries_told(say: Callable[[str], None]) -> Iterator[None]:
    """While the block runs, the Neo4j driver's warnings (a connection lost, a transaction retried) are not
    printed as log records: the first retry is told in one line, the rest are dropped. What finally fails is
    told by `failure_message`."""

    class Retries(logging.Handler):
        told = False

        def emit(self, record: logging.LogRecord) -> None:
            if not self.told and record.getMessage().startswith("Transaction failed and will be retried"):
                self.told = True
                say("Neo4j does not answer: retrying …")

    logger, handler = logging.getLogger("neo4j"), Retries(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _trace_note(error: BaseException, settings: Settings) -> str:
    """Append the trace of an unexpected error to ``$GRIDCARE_HOME/logs/import-errors.log`` (owner only)."""
    path = settings.home / "logs" / "import-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as log:
            log.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} gridcare import\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        return ""
    return f"; its trace is in {path}"
