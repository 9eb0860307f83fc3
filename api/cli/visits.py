"""Visit commands: ``visits due``, a leader's list for the day.

It exports the community from the store (`graph.export`) and asks
`analysis.visits.visits_due`, the same function GraphQL serves, who is due.
"""

from __future__ import annotations

import sys

import click

from analysis.domain import today
from api.cli.analysis import emit, load_graph, options
from api.cli.common import err, friendly_errors


@click.group()
def visits() -> None:
    """Visits (探访) of the elders of the visiting programme (关爱探访)."""


def _scope(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from analysis.visits import parse_scope

    try:
        parse_scope(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e
    return value


@visits.command("due")
@options("community", "as_of")
@click.option(
    "--visitor", metavar="ID", help="List the elders this resident (ledger id) actively cares for on --as-of."
)
@click.option(
    "--scope",
    metavar="KIND:PLACE",
    callback=_scope,
    help="List the elders living in grid:3, building:5 or unit:5-2 (building 5, unit 2).",
)
@click.option(
    "--within",
    type=click.IntRange(0, 366),
    default=3,
    show_default=True,
    metavar="N",
    help="Also list the elders whose visit falls due within N days after --as-of.",
)
@options("elder_age", "cadence", "format", "limit")
@friendly_errors
def due(community, as_of, visitor, scope, within, elder_age, cadence, fmt, limit) -> None:
    """List the elders due or overdue for a visit, nearest first: a leader's day.

    \b
    The elders are those of the visiting programme (see `gridcare audit
    --help` for tiers and cadences) whom --visitor actively cares for, or who
    live in --scope; with neither, the whole community. An elder is listed
    when never contacted (visit at once), or when their last contact on or
    before --as-of plus their tier's cadence (the due day) is on or before
    --as-of + --within days. Nearest first: never contacted, then by due day
    (the most overdue first), then high, key, general, then id. Each line
    says the tier, the last contact, the due day, the days overdue (or left),
    where the elder lives and who cares for them.
    """
    from analysis import format_visits_due, visits_due
    from analysis.visits import UnknownInCommunity

    if visitor is not None and scope is not None:
        raise click.UsageError("give --visitor or --scope, not both")
    day = as_of.date() if as_of else today()
    G = load_graph(community, day)
    try:
        result = visits_due(
            G, as_of=day, visitor=visitor, scope=scope, within=within, elder_age=elder_age, cadence=cadence
        )
    except UnknownInCommunity as e:
        err(f"gridcare: {e}")
        sys.exit(1)
    emit(result, fmt, lambda r: format_visits_due(r, limit=limit))
