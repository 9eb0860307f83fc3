"""Retention commands: ``access-log show | prune`` and ``qr-scans prune``.

The access log (`(:AccessLog)`, one entry per resident whose health notes or
emergency contact were read) and the QR scan records (`(:QrScan)`) grow with
every read and every scan. The law (China's PIPL) asks that such records be
kept at least six months, so a prune never takes a cut-off under 183 days.
These are operators' tools: they work on the database directly, for one
community or, without --community, for all of them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import click

from api.cli.common import COMMUNITY, err, friendly_errors, known_community, resolve_community, store, when
from api.settings import get_settings

MIN_RETENTION_DAYS = 183  # six months: what the law asks access records to be kept, at least
WHY = f"access records must be kept at least six months ({MIN_RETENTION_DAYS} days, PIPL)"


class Days(click.ParamType):
    """A number of days: ``400d`` or ``400``."""

    name = "DAYS"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*d?\s*", str(value))
        if not match:
            self.fail(f"{value!r} is not a number of days such as 400d", param, ctx)
        days = int(match[1])
        if days < MIN_RETENTION_DAYS:
            self.fail(f"{days} days is too short: {WHY}; nothing was deleted", param, ctx)
        return days


def _retention_days(older_than: int | None) -> int:
    if older_than is not None:
        return older_than
    days = get_settings().log_retention_days
    if days < MIN_RETENTION_DAYS:
        raise click.ClickException(f"GRIDCARE_LOG_RETENTION_DAYS={days} is too short: {WHY}; nothing was deleted")
    return days


def _prune_options(fn):
    fn = click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")(fn)
    fn = click.option(
        "--older-than",
        type=Days(),
        metavar="DAYS",
        help=f"Delete what is older than this, e.g. 400d; {MIN_RETENTION_DAYS}d at least "
        "[default: GRIDCARE_LOG_RETENTION_DAYS, else 400d]",
    )(fn)
    return click.option("--community", help="Only this community's records  [default: every community]")(fn)


def _prune(what: str, kind: str, community: str | None, older_than: int | None, dry_run: bool) -> None:
    """Count, then delete in batches with a progress bar; say how many went (or would go)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from graph import retention

    days = _retention_days(older_than)
    before = datetime.now(UTC) - timedelta(days=days)
    with store() as s:
        if community:
            known_community(s, community)
        where = f"in {community}" if community else "in every community"
        due = retention.prune(s, kind, before, community=community, dry_run=True)
        if dry_run:
            click.echo(
                f"Would delete {due} {what} older than {days} days (before {when(before)}) {where}; "
                "nothing was deleted (--dry-run)."
            )
            return
        if due <= retention.PRUNE_BATCH:
            deleted = retention.prune(s, kind, before, community=community)
        else:
            columns = (TextColumn(f"deleting {what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("prune", total=due)
                deleted = retention.prune(s, kind, before, community=community, on_batch=lambda n: bar.advance(task, n))
    click.echo(f"Deleted {deleted} {what} older than {days} days (before {when(before)}) {where}.")


@click.group("access-log")
def access_log_group() -> None:
    """Read and prune the access log of sensitive reads.

    Every read of a resident's health notes or emergency contact leaves an
    entry: who (token label, role, token id), whose, which fields, when, and
    the request id. Nothing else removes entries: prune them when they are
    older than the retention period (at least six months).
    """


@access_log_group.command("show")
@COMMUNITY
@click.option("--resident", metavar="ID", help="Only the reads of this resident (the ledger's id, e.g. A1).")
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=100,
    show_default=True,
    metavar="N",
    help="The N newest entries.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Tab-separated columns with a header, or a JSON list.",
)
@friendly_errors
def show_cmd(community: str | None, resident: str | None, limit: int, fmt: str) -> None:
    """Show a community's access log, newest first: when, whose, which fields, who, request id."""
    from graph.ids import resident_id
    from graph.sensitive import access_log

    with store() as s:
        name = known_community(s, community) if community else resolve_community(s, None)
        wanted = None if resident is None else resident if "/" in resident else resident_id(name, resident)
        entries = access_log(s, name, resident=wanted, limit=limit)
    prefix = resident_id(name, "")
    rows = [
        {
            "at": when(e.at),
            "resident": e.resident.removeprefix(prefix),
            "fields": list(e.fields),
            "actor": e.actor,
            "role": e.actor_role,
            "token": e.token_id,
            "request": e.request_id,
        }
        for e in entries
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo("\t".join(("at", "resident", "fields", "actor", "role", "token", "request")))
    for row in rows:
        click.echo("\t".join(",".join(v) if isinstance(v, list) else (v or "-") for v in row.values()))
    if not rows:
        err(f"no access-log entries in {name}" + (f" for resident {resident}" if resident else ""))


@access_log_group.command("prune")
@_prune_options
@friendly_errors
def prune_access_log_cmd(community: str | None, older_than: int | None, dry_run: bool) -> None:
    """Delete access-log entries older than the retention period, in batches.

    Refuses a cut-off under 183 days: access records must be kept at least six
    months. Without --community every community's log is pruned.
    """
    _prune("access-log entries", "access_log", community, older_than, dry_run)


@click.group("qr-scans")
def qr_scans_group() -> None:
    """Prune the records of anti-wandering QR code scans.

    Every scan of a card leaves a record (when, whose code, a keyed hash of the
    finder's address); staff list them with the qrScans query. Nothing else
    removes them: prune them when they are older than the retention period.
    """


@qr_scans_group.command("prune")
@_prune_options
@friendly_errors
def prune_qr_scans_cmd(community: str | None, older_than: int | None, dry_run: bool) -> None:
    """Delete QR scan records older than the retention period, in batches.

    Refuses a cut-off under 183 days, as for the access log. Without
    --community every community's records are pruned.
    """
    _prune("QR scan records", "qr_scans", community, older_than, dry_run)
