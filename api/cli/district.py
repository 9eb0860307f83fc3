"""``gridcare audit --all``: every community's audit in parallel, one summary row a community.

The work is `api.district`'s; this module lists the communities, shows the
progress on stderr as communities finish, and prints the rows (text or JSON) in
the order of the communities' names. Exit status 1 when any community failed.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from typing import Any

import click

from api.cli.common import err, store
from api.district import SUMMARY, AuditOptions, CommunityAudit, SchedulerUnreachable, audit_all

#: The text table's columns: (heading, the summary's key), after the community's name.
COLUMNS = (
    ("居民 residents", "residents"),
    ("老人 elders", "elders"),
    ("未覆盖 uncovered", "uncovered_elders"),
    ("独居未覆盖 solitary", "solitary_uncovered"),
    ("逾期探访 overdue", "overdue_visits"),
    ("空缺岗位 vacant", "vacant_posts"),
    ("无AB岗 no backup", "scopes_without_backup"),
    ("超负荷 overloaded", "overloaded_leaders"),
)


def default_workers() -> int:
    """As many worker processes as cores (Neo4j answers the exports meanwhile)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def audit_district(options: AuditOptions, *, fmt: str, workers: int | None, scheduler: str | None) -> None:
    """Audit every community of the database and print the rows; exit 1 if any failed."""
    from graph.reads.stats import list_communities

    with store() as s:
        names = sorted(str(c["name"]) for c in list_communities(s))
    if not names:
        err("gridcare: the database holds no community yet: import a ledger first (gridcare import)")
        sys.exit(1)
    try:
        answers = _run(names, options, workers or default_workers(), scheduler)
    except SchedulerUnreachable as e:
        err(f"gridcare: {e}")
        sys.exit(1)
    ordered = [answers[name] for name in names]
    for answer in ordered:
        if answer.trace:
            err(f"gridcare: the audit of {answer.community} failed:\n{answer.trace}")
    if fmt == "json":
        click.echo(json.dumps(district_json(options, ordered), ensure_ascii=False, indent=2))
    else:
        click.echo(district_text(options, ordered))
    if any(a.error for a in ordered):
        sys.exit(1)


def _run(names: list[str], options: AuditOptions, workers: int, scheduler: str | None) -> dict[str, CommunityAudit]:
    where = f"the Dask cluster at {scheduler}" if scheduler else f"{workers} worker processes"
    err(f"auditing {len(names)} communities on {where} …")
    answers: dict[str, CommunityAudit] = {}
    with click.progressbar(length=len(names), label="社区 communities", file=sys.stderr, show_pos=True) as bar:
        for answer in audit_all(names, options, workers=workers, scheduler=scheduler):
            answers[answer.community] = answer
            bar.update(1)
    return answers


def district_json(options: AuditOptions, answers: list[CommunityAudit]) -> dict[str, Any]:
    """The JSON of ``--format json``: the day, the rows (each with ``audit`` under ``--full``) and the sums."""
    rows = []
    for a in answers:
        row: dict[str, Any] = {"community": a.community, "error": a.error, "summary": a.summary}
        if options.full:
            row["audit"] = a.audit
        rows.append(row)
    return {
        "as_of": options.as_of.isoformat(),
        "communities": rows,
        "failed": sum(1 for a in answers if a.error),
        "totals": _totals(answers),
    }


def _totals(answers: list[CommunityAudit]) -> dict[str, int | None]:
    """The summary's counts added over the communities audited (None where no community has the count)."""
    done = [a.summary for a in answers if a.summary]
    sums: dict[str, int | None] = {}
    for key in (*SUMMARY, "vacant_posts"):
        values = [row[key] for row in done if row[key] is not None]
        sums[key] = sum(values) if values else None
    return sums


def district_text(options: AuditOptions, answers: list[CommunityAudit]) -> str:
    """A table a subdistrict office reads: one row a community, the sums last, then the full reports if asked."""
    heading = f"街道审计 district audit, {len(answers)} communities, as of {options.as_of.isoformat()}"
    width = max(_width("社区 community"), *(_width(a.community) for a in answers))
    lines = [heading, "", "  ".join([_pad("社区 community", width), *(h for h, _ in COLUMNS)])]
    for a in answers:
        if a.summary is None:
            lines.append(f"{_pad(a.community, width)}  失败 failed: {a.error}")
        else:
            lines.append(_row(_pad(a.community, width), a.summary))
    lines.append(_row(_pad("合计 total", width), _totals(answers)))
    failed = sum(1 for a in answers if a.error)
    if failed:
        lines += ["", f"{failed} of {len(answers)} communities failed: see their rows."]
    for a in answers:
        if a.report:
            lines += ["", "=" * 60, a.report]
    return "\n".join(lines)


def _row(first: str, summary: dict[str, Any]) -> str:
    cells = [first]
    for heading, key in COLUMNS:
        value = summary[key]
        cells.append(("-" if value is None else str(value)).rjust(_width(heading)))
    return "  ".join(cells)


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
