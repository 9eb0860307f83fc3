"""Community commands: ``community list`` and ``community delete NAME --yes``.

Deleting a community removes everything of it — places, residents, their
health records and contacts, care, posts, teams, the Party network, QR codes
and scans, the access log and its API tokens — in batches of 10,000 nodes, each
its own transaction (`graph.communities`). It cannot be undone but by
`gridcare db restore`, so it asks for --yes and is recorded in
$GRIDCARE_HOME/logs/operations.log (who, when, which community, how many nodes).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from api.cli.common import err, friendly_errors, store
from api.settings import get_settings


@click.group("community")
def community_group() -> None:
    """List the communities in the database, or delete one with everything in it."""


@community_group.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Tab-separated columns with a header, or a JSON list of {name, residents, tokens}.",
)
@friendly_errors
def list_cmd(fmt: str) -> None:
    """List communities: name, active residents, API tokens that still work (not revoked or expired)."""
    from graph.communities import list_community_sizes

    with store() as s:
        sizes = list_community_sizes(s)
    if fmt == "json":
        click.echo(json.dumps([asdict(c) for c in sizes], ensure_ascii=False, indent=2))
        return
    click.echo("name\tresidents\ttokens")
    for c in sizes:
        click.echo(f"{c.name}\t{c.residents}\t{c.tokens}")
    if not sizes:
        err("no communities in the database")


@community_group.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Delete for real; without it, say what would be deleted and stop.")
@friendly_errors
def delete_cmd(name: str, yes: bool) -> None:
    """Delete the community NAME and everything in it, API tokens included.

    Without --yes, nothing is deleted: the command says what would be (nodes,
    resident records, tokens) and exits with status 2. With --yes, the tokens
    go first (access ends at once), then everything else in batches of 10,000
    nodes, each its own transaction, with a progress bar on stderr for large
    communities; the community itself goes last, so an interrupted deletion is
    finished by running the command again. Every deletion, finished or not, is
    recorded in $GRIDCARE_HOME/logs/operations.log. An unknown NAME exits with
    status 1. Only a restore (`gridcare db restore`) brings a community back.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from api.operations import record_operation
    from graph.communities import DELETE_BATCH, delete_community, deletion_counts

    with store() as s:
        counts = deletion_counts(s, name)
        what = (
            f"{counts.nodes} nodes of community {name!r} "
            f"(resident records: {counts.residents}, API tokens: {counts.tokens})"
        )
        if not yes:
            err(f"Would delete {what}. Nothing was deleted: run again with --yes to delete.")
            sys.exit(2)
        done = [0]

        def advance(n: int) -> None:
            done[0] += n

        finished = False
        try:
            if counts.nodes <= DELETE_BATCH:
                deleted = delete_community(s, name, on_batch=advance)
            else:
                columns = (TextColumn(f"deleting {name}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
                with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                    task = bar.add_task("delete", total=counts.nodes)

                    def advance_bar(n: int) -> None:
                        advance(n)
                        bar.advance(task, n)

                    deleted = delete_community(s, name, on_batch=advance_bar)
            finished = True
        finally:
            record_operation(get_settings(), "community delete", community=name, nodes=done[0], completed=finished)
    click.echo(
        f"Deleted community {name!r}: {deleted} nodes (resident records: {counts.residents}, "
        f"API tokens: {counts.tokens})."
    )
