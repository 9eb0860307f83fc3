"""The reports a community secretary asks for: a month of home services and matters, and the "eight zeros" year.

Both are pure functions over plain facts read from the store (`RequestFact`,
`MatterFact`). Times are aware datetimes; a month is the community's calendar
month (`analysis.domain.zone`). A request counts as *requested* in the month it
was asked, *done* in the month it was completed (imported history, asked and done
on its day, included), *expired* in the month its wanted window ended with nobody
accepting it. Medians are in hours, over the requests accepted (completed) in the
month, imported ones left out (they carry no times). A matter is *reported* in the
month it was raised and *closed* in the month it was closed; an escalation counts in
the month it happened (`analysis.services.escalation_moments`).

>>> from datetime import UTC, timedelta
>>> t = datetime(2026, 11, 3, 9, tzinfo=UTC)
>>> asked = [RequestFact("q1", "bathing", "r/1", "王秀英", "1", "done", t, t + timedelta(hours=2),
...                      t + timedelta(hours=26), None, "api"),
...          RequestFact("q2", "meals", "r/1", "王秀英", "1", "expired", t, None, None, t + timedelta(days=3), "api")]
>>> r = services_report(asked, [], 2026, 11, community="长山花园社区")
>>> r.requested_by_kind, r.done_by_kind, r.expired, r.median_hours_to_accept, r.median_hours_to_complete
({'bathing': 1, 'meals': 1}, {'bathing': 1}, 1, 2.0, 26.0)
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analysis.domain import SERVICE_KINDS, EightZero, Escalation, MatterKind, ServiceKind, place_key, zone
from analysis.services import DEFAULT_SETTINGS, ServiceSettings, escalation_moments

__all__ = [
    "EightZerosYear",
    "MatterFact",
    "RequestFact",
    "ServicesReport",
    "eight_zeros",
    "format_eight_zeros",
    "format_services_report",
    "month_bounds",
    "services_report",
]

Row = dict[str, Any]
TOP_ASKERS = 10


@dataclass(frozen=True)
class RequestFact:
    """A request as the report sees it; ``status`` is the effective one (expired computed)."""

    id: str
    kind: str
    resident_id: str  # the elder's ledger id
    resident_name: str
    grid: str | None
    status: str
    requested_at: datetime
    accepted_at: datetime | None
    done_at: datetime | None
    expires_at: datetime | None
    source: str = "api"


@dataclass(frozen=True)
class MatterFact:
    """A matter as the reports see it."""

    id: str
    kind: str
    category: str | None  # one of the eight zeros, if marked
    grid: str | None
    status: str
    reported_at: datetime
    handled_at: datetime | None
    closed_at: datetime | None
    satisfaction: str | None


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first moment of a month of the community and of the next one.

    >>> [t.isoformat() for t in month_bounds(2026, 12)]
    ['2026-12-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00']
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not between 1 and 12")
    start = datetime(year, month, 1, tzinfo=zone())
    after = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone())
    return start, after


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _by_kind(kinds: Iterable[str], order: Iterable[str]) -> dict[str, int]:
    counts = Counter(kinds)
    return {k: counts[k] for k in order if counts[k]}


@dataclass
class ServicesReport:
    """A month of home services and matters; `to_dict` gives the JSON of ``gridcare report services``."""

    community: str | None
    month: str
    requested_by_kind: dict[str, int]
    done_by_kind: dict[str, int]
    by_status: dict[str, int]
    expired: int
    median_hours_to_accept: float | None
    median_hours_to_complete: float | None
    top_askers: list[Row]
    by_grid: dict[str, Row]
    matters: Row = field(default_factory=dict)

    def to_dict(self) -> Row:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def services_report(
    requests: Iterable[RequestFact],
    matters: Iterable[MatterFact],
    year: int,
    month: int,
    *,
    community: str | None = None,
    settings: ServiceSettings = DEFAULT_SETTINGS,
) -> ServicesReport:
    """The report of one month (see the module's docstring for what counts where)."""
    start, after = month_bounds(year, month)

    def within(t: datetime | None) -> bool:
        return t is not None and start <= t < after

    facts = list(requests)
    asked = [r for r in facts if within(r.requested_at)]
    done = [r for r in facts if within(r.done_at)]
    expired = [r for r in facts if r.status == "expired" and within(r.expires_at)]
    accepted = [r for r in facts if r.source != "ledger" and r.accepted_at and within(r.accepted_at)]
    askers = Counter((r.resident_id, r.resident_name) for r in asked)
    grids: defaultdict[str, list[list[RequestFact]]] = defaultdict(lambda: [[], [], []])
    for i, group in enumerate((asked, done, expired)):
        for r in group:
            grids[r.grid or "?"][i].append(r)
    order = [str(k) for k in SERVICE_KINDS]
    return ServicesReport(
        community=community,
        month=f"{year:04d}-{month:02d}",
        requested_by_kind=_by_kind((r.kind for r in asked), order),
        done_by_kind=_by_kind((r.kind for r in done), order),
        by_status=dict(sorted(Counter(r.status for r in asked).items())),
        expired=len(expired),
        median_hours_to_accept=_median([_hours(r.requested_at, r.accepted_at) for r in accepted if r.accepted_at]),
        median_hours_to_complete=_median(
            [_hours(r.requested_at, r.done_at) for r in done if r.done_at and r.source != "ledger"]
        ),
        top_askers=[
            {"resident_id": rid, "name": name, "requests": n}
            for (rid, name), n in sorted(askers.items(), key=lambda kv: (-kv[1], kv[0][0]))[:TOP_ASKERS]
        ],
        by_grid={
            g: {
                "requested_by_kind": _by_kind((r.kind for r in a), order),
                "done_by_kind": _by_kind((r.kind for r in d), order),
                "expired": len(e),
            }
            for g, (a, d, e) in sorted(grids.items(), key=lambda kv: place_key(kv[0]))
        },
        matters=_matters(list(matters), start, after, settings),
    )


def _matters(facts: list[MatterFact], start: datetime, after: datetime, s: ServiceSettings) -> Row:
    def within(t: datetime | None) -> bool:
        return t is not None and start <= t < after

    reported = [m for m in facts if within(m.reported_at)]
    closed = [m for m in facts if within(m.closed_at)]
    escalations: Counter[str] = Counter()
    for m in facts:
        waited_until = m.handled_at or after
        for level, moment in escalation_moments(m.reported_at, s).items():
            if within(moment) and moment < waited_until:
                escalations[str(level)] += 1
    order = [str(k) for k in MatterKind]
    return {
        "reported_by_kind": _by_kind((m.kind for m in reported), order),
        "closed_by_kind": _by_kind((m.kind for m in closed), order),
        "median_hours_to_close": _median([_hours(m.reported_at, m.closed_at) for m in closed if m.closed_at]),
        "escalations": {str(level): escalations[str(level)] for level in (Escalation.GRID, Escalation.OFFICE)},
        "satisfaction": dict(sorted(Counter(m.satisfaction for m in closed if m.satisfaction).items())),
        "by_grid": dict(sorted(Counter(m.grid or "?" for m in reported).items(), key=lambda kv: place_key(kv[0]))),
    }


@dataclass
class EightZerosYear:
    """The "eight zeros" (八零) of a year: matters of each tracked kind; the year is "zero" when all are 0."""

    community: str | None
    year: int
    counts: dict[str, int]

    @property
    def zero(self) -> bool:
        return not any(self.counts.values())

    def to_dict(self) -> Row:
        return {"community": self.community, "year": self.year, "counts": self.counts, "zero": self.zero}


def eight_zeros(
    matters: Iterable[MatterFact], year: int, *, community: str | None = None, tracked: Iterable[str] = tuple(EightZero)
) -> EightZerosYear:
    """Count the year's matters (by when they were reported) of each kind the community tracks.

    >>> from datetime import UTC
    >>> m = MatterFact("m1", "dispute", "domestic_violence", "3", "closed", datetime(2026, 5, 1, tzinfo=UTC),
    ...                None, None, None)
    >>> y = eight_zeros([m], 2026, tracked=["domestic_violence", "escalated_conflict"])
    >>> y.counts, y.zero
    ({'domestic_violence': 1, 'escalated_conflict': 0}, False)
    """
    start, _ = month_bounds(year, 1)
    after, _ = month_bounds(year + 1, 1)
    counts = Counter(m.category for m in matters if m.category and start <= m.reported_at < after)
    return EightZerosYear(community, year, {str(k): counts[str(k)] for k in tracked})


def _kinds(counts: dict[str, int]) -> str:
    return "，".join(f"{ServiceKind(k).zh} {n}" for k, n in counts.items()) or "无"


def _hours_text(hours: float | None) -> str:
    return "—" if hours is None else f"{hours} 小时"


def format_services_report(r: ServicesReport) -> str:
    """The month as a secretary reads it (Chinese)."""
    lines = [
        f"{r.community or ''} {r.month} 上门服务月报",
        f"  申请：{sum(r.requested_by_kind.values())} 件（{_kinds(r.requested_by_kind)}）",
        f"  完成：{sum(r.done_by_kind.values())} 件（{_kinds(r.done_by_kind)}）",
        f"  过期无人接单：{r.expired} 件",
        f"  接单用时中位数：{_hours_text(r.median_hours_to_accept)}；"
        f"完成用时中位数：{_hours_text(r.median_hours_to_complete)}",
    ]
    if r.by_grid:
        lines.append("  按网格：")
        lines += [
            f"    第{g}网格  申请 {sum(v['requested_by_kind'].values())}  完成 {sum(v['done_by_kind'].values())}"
            f"  过期 {v['expired']}"
            for g, v in r.by_grid.items()
        ]
    if r.top_askers:
        askers = "，".join(f"{a['name']}（{a['resident_id']}）{a['requests']} 次" for a in r.top_askers)
        lines.append(f"  申请最多的老人：{askers}")
    m = r.matters
    lines += [
        f"  百姓说事：登记 {sum(m['reported_by_kind'].values())} 件，办结 {sum(m['closed_by_kind'].values())} 件，"
        f"办结用时中位数 {_hours_text(m['median_hours_to_close'])}",
        f"  升级：至网格长 {m['escalations']['grid']} 件，至社区 {m['escalations']['office']} 件",
    ]
    return "\n".join(lines)


def format_eight_zeros(y: EightZerosYear) -> str:
    """The year's eight zeros, one line each (Chinese)."""
    lines = [f"{y.community or ''} {y.year} 年“八零”：{'全部为零' if y.zero else '未全部为零'}"]
    lines += [f"  {EightZero(k).zh}：{n}" for k, n in y.counts.items()]
    return "\n".join(lines)
