"""Analysis commands: ``audit``, ``spof``, ``suggest`` and ``suggest-leaders``.

Each exports one community from the store (`graph.export`), runs a pure
analysis (`analysis`) and prints a report a community secretary can read, or
with ``--format json`` the result's ``to_dict()``.
"""

from __future__ import annotations

import json
from datetime import date

import click

from analysis.domain import today
from api.cli.common import COMMUNITY, friendly_errors, resolve_community, store

_OPTIONS = {
    "community": COMMUNITY,
    "as_of": click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        metavar="YYYY-MM-DD",
        help="The day ages and care are counted on  [default: today]",
    ),
    "elder_age": click.option(
        "--elder-age",
        type=click.IntRange(1, 150),
        default=60,
        show_default=True,
        help="The age from which a resident counts as an elder.",
    ),
    "care_capacity": click.option(
        "--care-capacity",
        type=click.IntRange(min=0),
        default=10,
        show_default=True,
        help="How many people one person can care for, unless the ledger's 照护能力 column says otherwise.",
    ),
    "format": click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="A readable report (most urgent first), or every field as JSON.",
    ),
    "cadence": click.option(
        "--cadence",
        metavar="TIER=DAYS,…",
        callback=lambda ctx, param, value: _cadence(value),
        help="Days between two visits (探访) per tier of the visiting programme, any of "
        "high=7,key=30,general=90 (the defaults).",
    ),
    "limit": click.option(
        "--limit",
        type=click.IntRange(min=1),
        metavar="N",
        help="Show at most N lines of each list in the text report  [default: all]",
    ),
}


def _cadence(value: str | None):
    """The ``--cadence`` option as every tier's days (a usage error, exit 2, saying what is wrong)."""
    if value is None:
        return None
    from analysis.visits import parse_cadence

    try:
        return parse_cadence(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


def options(*names: str):
    """Apply the shared options ``names``, in that order in ``--help``."""

    def decorate(fn):
        for name in reversed(names):
            fn = _OPTIONS[name](fn)
        return fn

    return decorate


def load_graph(community: str | None, as_of: date, *, visitors: bool = False):
    """Export a community (the only one if ``community`` is None) from the store, as it is on ``as_of``."""
    from graph.export import community_graph

    with store() as s:
        return community_graph(s, resolve_community(s, community), as_of=as_of, visitors=visitors)


def emit(result, fmt: str, text) -> None:
    """Print ``result`` as JSON, or as the text ``text(result)`` returns."""
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(text(result))


def _day(as_of) -> date:
    """The ``--as-of`` day, else today: read once, so that the export and the analysis agree."""
    return as_of.date() if as_of else today()


@click.command()
@options("community", "as_of", "elder_age", "care_capacity", "cadence", "format", "limit")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Audit every community of the database in parallel and print one summary row each (not with --community).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    metavar="N",
    help="With --all: worker processes auditing communities side by side  [default: the cores]",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --all: run the audits on the Dask distributed cluster at ADDRESS (e.g. tcp://10.0.0.5:8786) "
    "instead of local processes; its workers need gridcare and the same NEO4J_* settings.",
)
@click.option("--full", is_flag=True, help="With --all: also each community's whole audit (the report, or its JSON).")
@friendly_errors
def audit(community, as_of, elder_age, care_capacity, cadence, fmt, limit, every, workers, scheduler, full) -> None:
    """Audit who is cared for and seen, and which leader posts are vacant or unbacked.

    \b
    An elder is aged --elder-age or more on --as-of. An elder is uncovered
    when no active care relationship of any kind (包保, 家属, 志愿者, 邻居)
    points at them; care is active unless its 结束日期 is before --as-of
    (one starting after --as-of is not active yet). A leader (网格长, 楼栋长,
    单元长; A or B post) is overloaded when caring for more people than
    their capacity: the ledger's 照护能力, else --care-capacity. A grid,
    building or unit is without leader when nobody holds its post, and
    without backup when it has an A post but no B post.

    \b
    Visits (探访): an elder's tier of the visiting programme is the one set
    explicitly (关爱等级, or the API), else: high = 80+ and living alone or
    with elders only, general = a younger elder living so; the others are
    outside the programme (never overdue, not in the rates). An elder in the
    programme is overdue when never contacted on or before --as-of, or last
    contacted more than the tier's --cadence days before it (exactly one
    cadence ago is on time). A visit 不在家 (not_home) is an attempt, not a
    contact; visits after --as-of do not count. The contact rate is the
    share of the programme's elders contacted in the 30 days ending on
    --as-of, both ends included. The report lists overdue elders first,
    high-risk first.

    \b
    With --all, every community of the database is audited, each in one task
    of a pool of --workers processes (or of the Dask cluster at --scheduler),
    each task exporting its community in one round trip. Progress goes to
    stderr; stdout gets one row a community: residents, elders, uncovered,
    solitary uncovered, overdue visits, vacant posts (grids, buildings and
    units without leader), scopes without backup, overloaded leaders — the
    same counts as that community's own audit — and the sums; with
    --format json each row's "summary" (and its whole "audit" with --full).
    A community whose audit fails says why in its row, the others go on,
    and the exit status is 1.
    """
    _check_district(community, every, workers, scheduler, full)
    if every:
        from api.cli.district import audit_district
        from api.district import AuditOptions

        day = _day(as_of)
        chosen = AuditOptions(day, elder_age, care_capacity, cadence, full=full, text=fmt == "text", limit=limit)
        audit_district(chosen, fmt=fmt, workers=workers, scheduler=scheduler)
        return
    from analysis import audit as run
    from analysis import format_audit

    result = run(
        load_graph(community, day := _day(as_of)),
        as_of=day,
        elder_age=elder_age,
        care_capacity=care_capacity,
        cadence=cadence,
    )
    emit(result, fmt, lambda r: format_audit(r, limit=limit))


def _check_district(community, every: bool, workers, scheduler, full: bool) -> None:
    """--all excludes --community; --workers, --scheduler and --full go with --all (usage errors, exit 2)."""
    if every and community:
        raise click.UsageError("--all audits every community: leave --community out")
    if not every:
        given = [
            name for name, value in (("--workers", workers), ("--scheduler", scheduler), ("--full", full)) if value
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)} go with --all")
    if workers and scheduler:
        raise click.UsageError("--workers is for local processes: the Dask cluster at --scheduler has its own workers")


@click.command()
@options("community", "as_of", "elder_age", "format", "limit")
@friendly_errors
def spof(community, as_of, elder_age, fmt, limit) -> None:
    """Rank the single points of failure: people whose absence leaves elders with nobody.

    \b
    An elder is reached while an active caregiver, or an unbroken chain of
    post holders from the grid down to their unit, answers for them. A person
    is a single point of failure for an elder who would no longer be reached
    without them: the sole holder of a post above an elder nobody cares for,
    or the elder's only caregiver. The report says how many of each person's
    elders an AB backup of their posts would keep, and lists the elders
    nobody reaches even now (a post must be filled).
    """
    from analysis import format_spof, single_points_of_failure

    day = _day(as_of)
    result = single_points_of_failure(load_graph(community, day), as_of=day, elder_age=elder_age)
    emit(result, fmt, lambda r: format_spof(r, limit=limit))


NEXT_STEPS = (
    "下一步 (next): 请先与建议的照料人和老人确认；确认后在台账的包保表 (care) 中登记，"
    "再用 gridcare import 导入，然后重新运行 gridcare audit 核对。"
)
NO_ONE_LEFT = (
    "未能安排的老人：社区内已没有尚有余力的负责人或志愿者。可招募志愿者，用 gridcare suggest-leaders "
    "补齐负责人，或在台账中调整个人的照护能力。"
)


@click.command()
@options("community", "as_of", "elder_age", "care_capacity", "format", "limit")
@friendly_errors
def suggest(community, as_of, elder_age, care_capacity, fmt, limit) -> None:
    """Suggest a caregiver for each uncovered elder, as close to home as possible.

    \b
    Candidates are residents holding a leader post or belonging to a volunteer
    team, with capacity left (their 照护能力, else --care-capacity, minus the
    people they already care for); nobody is suggested to care for themselves.
    A pairing costs 1 in the same unit, 2 in the same building, 3 in the same
    grid, 4 elsewhere. The suggestion is optimal: most solitary elders covered,
    then most elders, then the least total cost. Among equally good
    suggestions, a candidate who already visits the elder (a recorded 探访)
    is preferred where that costs nothing. Nothing is written.
    """
    from analysis import format_assignments, suggest_assignments

    result = suggest_assignments(
        load_graph(community, day := _day(as_of), visitors=True),
        as_of=day,
        elder_age=elder_age,
        care_capacity=care_capacity,
    )
    emit(result, fmt, lambda r: _with_next_steps(format_assignments(r, limit=limit), r))


def _with_next_steps(text: str, result) -> str:
    notes = ([NEXT_STEPS] if result.assignments else []) + ([NO_ONE_LEFT] if result.unassigned else [])
    return "\n\n".join([text, *notes])


@click.command("suggest-leaders")
@options("community", "as_of", "care_capacity", "format")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    metavar="N",
    help="How many people to suggest for each scope.",
)
@friendly_errors
def suggest_leaders(community, as_of, care_capacity, fmt, limit) -> None:
    """Rank residents for the posts of scopes without a leader or without a B backup.

    \b
    For each grid, building or unit with no post holder, or with an A post
    and no B post, residents aged 18+ who live there and hold none of its
    posts are ranked by an explained score: lives there, Party member,
    volunteer or grid service role, age (40-70 best), minus posts already
    held, minus care load over capacity (照护能力, else --care-capacity).
    """
    from analysis import format_leader_suggestions
    from analysis import suggest_leaders as run

    day = _day(as_of)
    result = run(load_graph(community, day), as_of=day, limit=limit, care_capacity=care_capacity)
    emit(result, fmt, lambda r: format_leader_suggestions(r, limit=limit))
