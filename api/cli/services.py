"""Commands of home services, matters and points: ``points``, ``report`` and ``services sweep``.

``points statement | ranking | reconcile`` read the red-vest points ledger
(`graph.points_reads`); ``reconcile`` exits 1 when the ledger does not balance.
``report services`` and ``report eight-zeros`` print what a community secretary
asks for (`analysis.service_report`), as text or JSON. ``services sweep`` records
the expiries and escalations that are due (run it from cron, or let a running
server's service board do it).
"""

from __future__ import annotations

import json
import re
import sys

import click

from api.cli.common import COMMUNITY, err, friendly_errors, known_community, resolve_community, store, when

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A readable report, or every field as JSON.",
)
YEAR = click.option("--year", type=click.IntRange(1900, 2100), help="The year  [default: this year]")


def _emit(fmt: str, payload: dict, text: str) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str) if fmt == "json" else text)


@click.group()
def points() -> None:
    """Red-vest points (积分): statements, the year's ranking, and proof that the ledger balances.

    \b
    Every movement debits one account and credits another (a resident's, the
    community's pool, the gift shelf), so the balances sum to zero.
    """


@points.command("statement")
@COMMUNITY
@click.option(
    "--resident", metavar="ID", help="The resident's ledger id (居民编号)  [default: the community's accounts]"
)
@YEAR
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Movements to show.")
@FORMAT
@friendly_errors
def statement(community, resident, year, limit, fmt) -> None:
    """A resident's statement: balance, what they earned and spent, their movements (newest first).

    Without --resident: the community's pool (minus everything issued) and shelf
    (everything spent), and how many accounts and movements there are.
    """
    from graph import ids
    from graph.points_reads import community_totals, reconcile
    from graph.points_reads import statement as read

    with store() as s:
        name = known_community(s, resolve_community(s, community))
        if resident is None:
            r = reconcile(s, name)
            totals = community_totals(s, name)
            _emit(
                fmt,
                {"community": name, "accounts": r.accounts, "movements": r.movements, **totals},
                f"{name}：{r.accounts} 个账户，{r.movements} 笔积分流水；社区积分池 {totals['pool']}，"
                f"兑换货架 {totals['shelf']}",
            )
            return
        found = read(s, ids.resident_id(name, resident), year)
    rows = [
        {
            "at": when(m.at),
            "day": m.day.isoformat(),
            "kind": m.kind,
            "points": m.amount if m.credit == found.account else -m.amount,
            "why": m.why,
            "id": m.id,
            "reverses": m.reverses,
        }
        for m in found.movements
    ]
    payload = {
        "community": name,
        "resident": resident,
        "year": year,
        "balance": found.balance,
        "earned": found.earned,
        "spent": found.spent,
        "movements": rows[:limit],
    }
    lines = [f"{resident}（{name}）{year or '全部'}：余额 {found.balance}，获得 {found.earned}，兑换 {found.spent}"]
    lines += [f"  {r['day']}  {r['points']:+5d}  {r['kind']:<10} {r['why'] or ''}" for r in rows[:limit]]
    _emit(fmt, payload, "\n".join(lines))


@points.command("ranking")
@COMMUNITY
@YEAR
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Places to show.")
@FORMAT
@friendly_errors
def ranking(community, year, limit, fmt) -> None:
    """The year's ranking of points earned (earnings less their reversals): the top earner first."""
    from analysis.domain import today
    from graph.points_reads import ranking as read

    year = year or today().year
    with store() as s:
        name = known_community(s, resolve_community(s, community))
        found = read(s, name, year, limit)
    rows = [r.to_dict() | {"resident_id": r.ledger_id} for r in found]
    for row in rows:
        row.pop("ledger_id", None)
    lines = [f"{name} {year} 年积分排行"] + [
        f"  {r.rank:>3}. {r.name or '?'}（{r.ledger_id}）{r.earned} 分，{r.times} 次" for r in found
    ]
    if not found:
        lines.append("  （这一年还没有人获得积分）")
    _emit(fmt, {"community": name, "year": year, "ranking": rows}, "\n".join(lines))


@points.command("reconcile")
@COMMUNITY
@YEAR
@FORMAT
@friendly_errors
def reconcile_cmd(community, year, fmt) -> None:
    """Prove the ledger: balances sum to zero, each equals the sum of its movements, none below zero.

    \b
    Also checked: every movement moves a positive amount between two accounts
    of the community, and every reversal names a movement that is not itself a
    reversal. Exit status 0 when all holds, 1 (with what is wrong) otherwise.
    --year adds the points issued and spent in that year.
    """
    from graph.points_reads import reconcile, year_totals

    with store() as s:
        name = known_community(s, resolve_community(s, community))
        found = reconcile(s, name)
        extra = year_totals(s, name, year) if year else {}
    payload = found.to_dict() | extra
    verdict = "平衡" if found.balanced else "不平衡"
    lines = [f"{name}：{found.accounts} 个账户，{found.movements} 笔流水，余额合计 {found.total}：{verdict}"]
    if extra:
        lines.append(f"  {year} 年发放 {extra['issued']}，兑换 {extra['redeemed']}")
    for label, problems in (
        ("余额与流水不符", found.mismatched),
        ("个人余额为负", found.negative),
        ("账户不全的流水", found.unbalanced),
        ("数额不为正的流水", found.not_positive),
        ("冲正对象有误", found.bad_reversals),
    ):
        if problems:
            lines.append(f"  {label}：{len(problems)} 处，例如 {problems[0]}")
    _emit(fmt, payload, "\n".join(lines))
    if not found.balanced:
        sys.exit(1)


MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class Month(click.ParamType):
    """A month, ``2026-11``."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        match = MONTH.fullmatch(str(value).strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2100:
            self.fail(f"{value!r} is not a month such as 2026-11", param, ctx)
        return int(match[1]), int(match[2])


@click.group()
def report() -> None:
    """Reports a community secretary asks for: a month of home services, the "eight zeros" (八零) of a year."""


@report.command("services")
@COMMUNITY
@click.option("--month", type=Month(), required=True, help="The month, e.g. 2026-11 (the community's calendar).")
@FORMAT
@friendly_errors
def report_services(community, month, fmt) -> None:
    """A month of home services (六送) and matters (百姓说事).

    \b
    Requests asked and done by kind (imported history included), by status and
    by grid; expired requests; median hours from asking to accepting and to
    done; the elders who asked most; matters by kind, hours to close,
    escalations to the grid leader and to the office, satisfaction. The JSON
    has requested_by_kind and done_by_kind as {"haircut": n, "bathing": n, …}.
    """
    from analysis.service_report import format_services_report
    from graph.service_reports import month_report

    with store() as s:
        name = known_community(s, resolve_community(s, community))
        found = month_report(s, name, *month)
    _emit(fmt, found.to_dict(), format_services_report(found))


@report.command("eight-zeros")
@COMMUNITY
@YEAR
@FORMAT
@friendly_errors
def report_eight_zeros(community, year, fmt) -> None:
    """The year's "eight zeros" (八零): matters of each kind the community tracks; zero is the aim."""
    from analysis.domain import today
    from analysis.service_report import format_eight_zeros
    from graph.service_reports import eight_zeros_year

    with store() as s:
        name = known_community(s, resolve_community(s, community))
        found = eight_zeros_year(s, name, year or today().year)
    _emit(fmt, found.to_dict(), format_eight_zeros(found))


@click.group()
def services() -> None:
    """Home services (六送) and matters (百姓说事): upkeep."""


@services.command("sweep")
@click.option("--community", help="Only this community  [default: every community]")
@friendly_errors
def sweep_cmd(community) -> None:
    """Record the requests that expired and the matters that climbed (grid leader, then office).

    Every read computes them already; this writes the transitions down (who:
    gridcare), once, so the history is whole. A server with service-board
    subscribers does it every minute for their communities; run this from
    cron (e.g. hourly) for the others. Safe to run twice or in parallel.
    """
    from analysis.domain import now
    from graph.case_sweep import sweep
    from graph.reads.stats import list_communities

    with store() as s:
        names = [known_community(s, community)] if community else [c["name"] for c in list_communities(s)]
        for name in names:
            done = sweep(s, name, now())
            err(f"{name}: {done.expired} expired, {done.escalated} escalated")
