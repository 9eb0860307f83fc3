"""Data commands: ``import``, ``demo-ledger`` and ``stats``."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from analysis.domain import today
from api.cli.common import COMMUNITY, err, friendly_errors, resolve_community, store
from api.settings import Settings, get_settings
from graph.errors import GraphError
from loaders.errors import LoaderError

if TYPE_CHECKING:
    from datetime import date, datetime

    from loaders.model import Ledger
    from loaders.writer import ImportSummary, WriteProgress

MAX_SHOWN = 200


MAX_MAP = 200  # characters of one --map item


def _mapping(ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> dict[str, str | None]:
    from loaders.columns import parse_mapping

    if any(len(item) > MAX_MAP for item in items):
        raise click.BadParameter(f"at most {MAX_MAP} characters an item")
    try:
        return parse_mapping(items)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--community", help="Community name for every row (else the ledger's 社区/community column).")
@click.option(
    "--skip-bad-rows", is_flag=True, help="Import the valid rows and write the rejected ones to a file beside PATH."
)
@click.option(
    "--earn-points",
    is_flag=True,
    help="The services sheet's providers earn red-vest points for the services (by each community's rules; "
    "once, however often the ledger is imported). Off: history without points.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write nothing: print how each sheet and column is understood, the first rows as they would be stored "
    "(sensitive values masked) and what would be imported, then the problems. Exit 1 if the import would fail.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=COLUMN",
    callback=_mapping,
    help="Read a header as a column of the ledger format, e.g. --map 家庭住址=address or --map 手机=联系电话; "
    "COLUMN '-' reads it as nothing. Repeat for several headers.",
)
@click.option(
    "--preview",
    default=3,
    show_default=True,
    type=click.IntRange(0, 50),
    help="With --dry-run: how many rows of each sheet to show as they would be stored.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="With --dry-run: the day elders (60+) are counted on (YYYY-MM-DD).  [default: today]",
)
@friendly_errors
def import_cmd(
    path: Path,
    community: str | None,
    skip_bad_rows: bool,
    earn_points: bool,
    dry_run: bool,
    mapping: dict[str, str | None],
    preview: int,
    as_of: datetime | None,
) -> None:
    """Import a community ledger: an .xlsx workbook or a folder of CSV files.

    Sheets: residents (required), leaders, care, volunteers, service_roles,
    party_groups, visits, services (home services already delivered, kept as
    requests done); headers in Chinese or English (see README: The ledger
    format). Registers as offices keep them (居民信息台账) are read too: one
    sheet per building (5号楼, 7栋), people identified by their 身份证号 (birth
    date and gender taken from it), one address column (家庭住址), everyday
    headers (联系方式, 政治面貌, 是否独居 …), merged grid cells and a signed
    footer under the data. Check how it is understood with --dry-run first;
    --map reads a header the importer does not know.

    Every problem is listed with sheet, row and column; reading stops after
    1,000 errors. If any row is bad, nothing is written (exit 1) unless
    --skip-bad-rows is given. Each community is written in one transaction:
    "committed NAME (n of N)" is said on stderr as each commits. If the import
    fails or is interrupted, it says which were committed; importing the same
    ledger again is safe and changes nothing that is already there.
    """
    from api.importing import Interrupted, exit_status, failure_message, interruptible
    from loaders.writer import WriteProgress

    settings = get_settings()
    if dry_run:
        _dry_run(path, community, skip_bad_rows, settings, mapping, preview, as_of.date() if as_of else today())
        return
    state = WriteProgress()
    said = threading.Lock()  # the failure is told once: by this thread, or by the watchdog of an interruption

    def stopped(error: BaseException) -> None:
        if said.acquire(blocking=False):
            err(failure_message(state, error, settings))

    try:
        with interruptible(stopped):
            summary = _import(path, community, skip_bad_rows, settings, state, mapping, earn_points)
    except SystemExit:
        raise
    except (GraphError, LoaderError) as e:
        if not state.communities:
            raise  # nothing was being written: friendly_errors says it
        stopped(e)
        sys.exit(1)
    except (Exception, KeyboardInterrupt, Interrupted) as e:  # never a traceback
        stopped(e)
        sys.exit(exit_status(e))
    for name, s in summary.communities.items():
        click.echo(
            f"{name}: {s.rows} rows written; created {s.nodes_created} nodes and "
            f"{s.relationships_created} relationships, removed {s.relationships_deleted}"
            + (" (already up to date)" if s.structural_changes == 0 else "")
        )


def _dry_run(
    path: Path,
    community: str | None,
    skip_bad_rows: bool,
    settings: Settings,
    mapping: dict[str, str | None],
    preview: int,
    as_of: date,
) -> None:
    """Read and check the ledger as the import would, print how it is understood; write nothing."""
    from api.dry_run import describe
    from api.importing import read_checked

    ledger = read_checked(path, community, settings, mapping=mapping, preview=preview)
    click.echo("\n".join(describe(ledger, as_of)))
    _show_problems(ledger)
    if ledger.stopped:
        stopped = str(ledger.stopped)
        err(f"{stopped[0].upper()}{stopped[1:]}.")
    if ledger.stopped or (ledger.errors and not skip_bad_rows):
        err(f"{len(ledger.errors)} error(s): the import would write nothing. Nothing was written (dry run).")
        sys.exit(1)
    if ledger.errors:
        err(
            f"{len(ledger.errors)} error(s): with --skip-bad-rows the import would leave those rows out and write "
            "the rest. Nothing was written (dry run), not even the file of rejected rows."
        )
        if not ledger.residents:
            sys.exit(1)
        return
    err("No error. Nothing was written (dry run): import without --dry-run to write it.")


def _import(
    path: Path,
    community: str | None,
    skip_bad_rows: bool,
    settings: Settings,
    state: WriteProgress,
    mapping: dict[str, str | None],
    earn: bool,
) -> ImportSummary:
    from api.importing import import_ledger_file, read_checked

    ledger = read_checked(path, community, settings, mapping=mapping)
    _show_problems(ledger)
    if ledger.stopped:
        stopped = str(ledger.stopped)
        err(f"{stopped[0].upper()}{stopped[1:]}.")
        if skip_bad_rows:
            err(
                "Nothing was written: --skip-bad-rows imports a ledger with a few bad rows, not one with this many. "
                "Fix the ledger and import it again."
            )
        else:
            err("Nothing was written. Fix the rows above and import the ledger again.")
        sys.exit(1)
    if ledger.errors and not skip_bad_rows:
        err(
            f"{len(ledger.errors)} error(s): nothing was written. Fix the rows above, "
            "or use --skip-bad-rows to import the rest."
        )
        sys.exit(1)
    if ledger.errors:
        from loaders.ledger import write_rejected

        err(f"{len(ledger.errors)} error(s): rejected rows written to {write_rejected(ledger, path)}")
        if not ledger.residents:
            err("No valid resident is left: nothing was written.")
            sys.exit(1)
    return import_ledger_file(ledger, settings, say=err, progress=True, state=state, earn_points=earn)


def _show_problems(ledger: Ledger) -> None:
    """Every error kept (at most MAX_ERRORS and those of the row that reached it), then warnings up to MAX_SHOWN."""
    warnings = 0
    for problem in ledger.problems:
        if problem.severity == "warning":
            warnings += 1
            if warnings > MAX_SHOWN:
                continue
        err(str(problem))
    more = max(0, warnings - MAX_SHOWN) + ledger.warnings_not_kept
    if more:
        err(f"… and {more:,} more warnings.")


@click.command("demo-ledger")
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="An .xlsx file, or a folder to fill with CSV files."
)
@click.option("--seed", default=7, show_default=True, help="Same seed, same ledger.")
@click.option(
    "--communities",
    default=1,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="How many distinct communities (the first is 长山花园社区).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the ledger describes (YYYY-MM-DD): birth dates, tenures and records are placed around it, so "
    "the same seed and day give the same ledger.  [default: today, in the community's time zone]",
)
@click.option(
    "--visits/--no-visits",
    default=True,
    show_default=True,
    help="A year of visits (探访记录, ~90,000 rows a community); --no-visits leaves that sheet empty, for "
    "city-scale ledgers.",
)
@click.option(
    "--register",
    is_flag=True,
    help="Write it as an office keeps its register (居民信息台账, an .xlsx): one sheet per building, everyday "
    "headers, made-up national ids instead of 居民编号 and birth dates, one address column, merged grid cells, "
    "signed footers; the other sheets name people by their national id.",
)
def demo_ledger(out: Path, seed: int, communities: int, as_of: datetime | None, visits: bool, register: bool) -> None:
    """Write a generated Changshan Garden ledger in the import format.

    It reproduces the published numbers (10 grids, 11 buildings, ~7,000
    residents, 62.5 % aged 60+, …) and the gaps an audit should find.
    """
    from loaders.demo import generate_ledger, write_ledger
    from loaders.demo.register import write_register

    if register and out.suffix.lower() != ".xlsx":
        raise click.BadParameter("a register is an .xlsx workbook: end --out with .xlsx", param_hint="--out")
    sheets = generate_ledger(seed=seed, communities=communities, today=as_of.date() if as_of else None, visits=visits)
    written = write_register(sheets, out, seed=seed) if register else write_ledger(sheets, out)
    rows = ", ".join(f"{name} {len(rows)}" for name, rows in sheets.items())
    click.echo(f"Wrote {written} ({rows} rows).")


@click.command()
@COMMUNITY
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day elders (60+) are counted on (YYYY-MM-DD).  [default: today]",
)
@friendly_errors
def stats(community: str | None, fmt: str, as_of: datetime | None) -> None:
    """Count a community's grids, buildings, units, households, residents, posts …"""
    from graph.reads.stats import community_stats

    with store() as s:
        result = community_stats(s, resolve_community(s, community), today=as_of.date() if as_of else today())
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if fmt == "json" else _stats_text(result))


def _stats_text(s: dict) -> str:
    labels = [
        ("grids", "网格"),
        ("buildings", "楼栋"),
        ("units", "单元"),
        ("households", "户"),
        ("residents", "居民"),
        ("elders", "60岁以上"),
        ("party_groups", "党小组"),
        ("party_member_households", "党员家庭户"),
        ("volunteer_teams", "志愿服务队"),
        ("care_relationships", "照护关系"),
    ]
    lines = [s["community"]] + [f"  {zh} {key}: {s[key]}" for key, zh in labels]
    for role, zh in (("grid", "网格长"), ("building", "楼栋长"), ("unit", "单元长")):
        posts = s["leaders"][role]
        lines.append(f"  {zh} {role} leaders: A {posts['A']}, B {posts['B']}")
    return "\n".join(lines)
