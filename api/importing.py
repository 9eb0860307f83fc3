"""The import use case shared by `gridcare import`, `gridcare serve --demo` and the console's upload
(`api.ledger_upload`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.secrets import national_id_hasher
from api.settings import Settings
from api.store import open_store
from graph.store import Store
from loaders.errors import LoaderError
from loaders.ledger import read_ledger
from loaders.model import Ledger
from loaders.writer import ImportSummary, Plan, plan_import, total_rows, write_plan

PROGRESS_FROM_ROWS = 5000  # smaller ledgers import without a progress bar


def read_checked(path: Path, community: str | None) -> Ledger:
    """Read and validate a ledger; a ledger without a single valid resident is an error."""
    ledger = read_ledger(path, community)
    if not ledger.residents and not ledger.errors:
        raise LoaderError(f"{path}: the residents sheet has no rows")
    for name in ledger.communities:
        if "/" in name:  # ids are paths under the community's name (graph/ids.py)
            raise LoaderError(f"community name {name!r} contains '/': choose a name without it")
    return ledger


def import_ledger_file(
    ledger: Ledger, settings: Settings, *, say: Callable[[str], None], progress: bool
) -> ImportSummary:
    store = open_store(settings, say=say)
    try:
        return write_ledger(store, ledger, settings, progress=progress)
    finally:
        store.close()


def plan_ledger(ledger: Ledger, settings: Settings) -> Plan:
    """The write steps of a validated ledger, national ids hashed under the service's key."""
    return plan_import(ledger, hash_national_id=national_id_hasher(settings))


def write_ledger(store: Store, ledger: Ledger, settings: Settings, *, progress: bool) -> ImportSummary:
    """Write a validated ledger, with a progress bar on big ones."""
    plan = plan_ledger(ledger, settings)
    total = total_rows(plan)
    if not progress or total < PROGRESS_FROM_ROWS:
        return write_plan(store, plan)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("import", total=total)
        return write_plan(store, plan, on_rows=lambda n: bar.advance(task, n))


def load_demo(store: Store, settings: Settings) -> ImportSummary:
    """Generate the Changshan Garden ledger, read it back as files and import it."""
    from loaders.demo import generate_ledger
    from loaders.demo import write_ledger as write_files

    with tempfile.TemporaryDirectory(prefix="gridcare-demo-") as tmp:
        folder = write_files(generate_ledger(), Path(tmp) / "ledger")
        ledger = read_ledger(folder)
    if ledger.errors:
        raise LoaderError("the generated demo ledger does not validate: " + str(ledger.errors[0]))
    return write_ledger(store, ledger, settings, progress=False)
