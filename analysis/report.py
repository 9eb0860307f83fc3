"""Readable reports of the audit, for a community secretary to read.

The formatters take a result object or its ``to_dict()`` form (so a saved
JSON report can be printed again) and return text with Chinese labels and
English hints. Lists keep the results' order: most urgent first (solitary
elders, then the oldest). `limit` cuts each list, saying how many are left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeAlias

from analysis.domain import PROGRAMME, CareTier, Role, ServiceRole

if TYPE_CHECKING:  # for annotations only: the formatters read plain dicts
    from analysis.coverage import AuditResult
    from analysis.view import Row
    from analysis.visits import VisitsDue

__all__ = ["Reportable", "format_audit", "format_visits_due", "place_text", "post_text", "scope_text"]


class Result(Protocol):
    """A result of an analysis: ``to_dict()`` gives its JSON form."""

    def to_dict(self) -> Row: ...


#: What a formatter takes: a result object, or its ``to_dict()`` form (a saved JSON report).
Reportable: TypeAlias = "Result | Row"


def place_text(
    grid: str | None = None, building: str | None = None, unit: str | None = None, room: str | None = None
) -> str:
    """A place in words.

    >>> place_text("3", "5", "2", "301")
    '第3网格 5号楼 2单元 301室'
    """
    parts = [
        f"第{grid}网格" if grid else "",
        f"{building}号楼" if building else "",
        f"{unit}单元" if unit else "",
        f"{room}室" if room else "",
    ]
    return " ".join(p for p in parts if p)


def scope_text(role: str, grid: str | None = None, building: str | None = None, unit: str | None = None) -> str:
    """A leader's scope in words: ``楼栋长 第2网格 6号楼``.

    >>> scope_text("unit_leader", "1", "5", "2")
    '单元长 5号楼 2单元'
    """
    if role == Role.UNIT_LEADER:
        grid = None
    return f"{_role_zh(role)} {place_text(grid, building, unit)}"


def post_text(post: str) -> str:
    """A post label such as ``"unit_leader:5-2:B"`` in words.

    >>> post_text("unit_leader:5-2:B"), post_text("grid_leader:3:A")
    ('单元长 5号楼 2单元 B岗', '网格长 第3网格 A岗')
    """
    role, scope, ab = post.rsplit(":", 2)
    return f"{_role_zh(role)} {label_place(role, scope)} {ab}岗"


def label_place(role: str, label: str) -> str:
    """The place of a scope label (``"3"``, ``"5"``, ``"5-2"``) of a leader role.

    >>> label_place("unit_leader", "5-2")
    '5号楼 2单元'
    """
    if role == Role.GRID_LEADER:
        return place_text(grid=label)
    if role == Role.UNIT_LEADER and "-" in label:
        return place_text(None, *label.rsplit("-", 1))
    return place_text(building=label)


def _role_zh(role: str) -> str:
    """The Chinese name of a role code (an unknown code as it is)."""
    return Role(role).zh if role in Role.__members__.values() else role


def _service_zh(role: str) -> str:
    """The Chinese name of a service role code (an unknown code as it is)."""
    return ServiceRole(role).zh if role in ServiceRole.__members__.values() else role


def as_dict(result: Reportable) -> Row:
    """The ``to_dict()`` form of a result (a dict is returned as it is)."""
    return result if isinstance(result, dict) else result.to_dict()


def section(title: str, lines: list[str], limit: int | None = None) -> list[str]:
    """A titled list with its count; at most `limit` lines are shown."""
    out = [f"{title}：{len(lines)}"]
    shown = lines if limit is None else lines[:limit]
    out += [f"  {line}" for line in shown]
    if len(shown) < len(lines):
        out.append(f"  ……另有 {len(lines) - len(shown)} 项 (more)")
    return out


def format_audit(result: AuditResult | Row, *, limit: int | None = None) -> str:
    """Render an `analysis.coverage.AuditResult` as a readable report.

    The visiting programme comes first, overdue high-risk elders at its head; then
    the uncovered elders and the posts.

    Examples
    --------
    >>> from analysis.coverage import audit
    >>> from analysis.example import example_graph
    >>> from analysis.model import add_visit
    >>> G = example_graph()
    >>> add_visit(G, "R04", "2024-05-20", "R01")
    >>> text = format_audit(audit(G, as_of="2024-06-01"), limit=1)
    >>> print("\\n".join(text.splitlines()[:9]))
    示例社区 包保覆盖审计 (coverage audit)，截至 2024-06-01，60岁及以上为老人，默认包保能力 10 人
    老人 6 人（独居 3），已包保 2，未包保 4（其中独居 1）
    关爱探访 (visits)：关爱对象 6 人（高风险 3，重点 0，一般 3），逾期未探访 6 人（其中已包保 2）
    近30天探访率 (contact rate, 30 days)：16.7%（高风险 33.3%，重点 —，一般 0.0%）
    逾期未探访的高风险老人 (overdue high-risk elders)：3
      R03 赵淑兰 从未探访，应立即探访；照料人：R01
      ……另有 2 项 (more)
    逾期未探访的重点老人 (overdue key elders)：0
    逾期未探访的一般老人 (overdue general elders)：3
    """
    d, t = as_dict(result), as_dict(result)["totals"]
    lines = [
        f"{d['community']} 包保覆盖审计 (coverage audit)，截至 {d['as_of']}，"
        f"{d['elder_age']}岁及以上为老人，默认包保能力 {d['care_capacity']} 人",
        f"老人 {t['elders']} 人（独居 {t['solitary_elders']}），已包保 {t['covered_elders']}，"
        f"未包保 {t['uncovered_elders']}（其中独居 {t['solitary_uncovered']}）",
    ]
    if d.get("visits"):
        lines += _visit_sections(d["visits"], limit)
    elders = d["uncovered_elders"]
    for title, alone in (
        ("未被包保的独居老人 (uncovered solitary elders)", True),
        ("未被包保的其他老人 (other uncovered elders)", False),
    ):
        lines += section(title, [_elder(e) for e in elders if e["lives_alone"] == alone], limit)
    for title, items in _audit_sections(d):
        lines += section(title, items, limit)
    return "\n".join(lines)


_TIER_TITLES = {CareTier.HIGH: "high-risk", CareTier.KEY: "key", CareTier.GENERAL: "general"}


def rate_text(rate: float | None) -> str:
    """A contact rate in words: a percentage, or a dash where nobody is in the programme.

    >>> rate_text(0.8125), rate_text(None)
    ('81.2%', '—')
    """
    return "—" if rate is None else f"{rate:.1%}"


def _visit_sections(v: Row, limit: int | None) -> list[str]:
    """The visiting programme: a summary line, then the overdue elders by tier, high-risk first."""
    counts, by_tier = v["in_programme"], v["contact_rate_30d_by_tier"]
    tiers = "，".join(f"{CareTier(t).zh} {counts[t]}" for t in PROGRAMME)
    rates = "，".join(f"{CareTier(t).zh} {rate_text(by_tier[t])}" for t in PROGRAMME)
    lines = [
        f"关爱探访 (visits)：关爱对象 {sum(counts.values())} 人（{tiers}），"
        f"逾期未探访 {len(v['overdue'])} 人（其中已包保 {v['covered_but_overdue']}）",
        f"近30天探访率 (contact rate, 30 days)：{rate_text(v['contact_rate_30d'])}（{rates}）",
    ]
    for tier in PROGRAMME:
        title = f"逾期未探访的{tier.zh}老人 (overdue {_TIER_TITLES[tier]} elders)"
        lines += section(title, [_overdue(o) for o in v["overdue"] if o["tier"] == tier], limit)
    return lines


def _overdue(o: Row) -> str:
    """An overdue elder's line: when last seen, when it was due, who cares for them."""
    if o["last_contact"] is None:
        when = "从未探访，应立即探访"
    else:
        when = f"上次探访 {o['last_contact']}（{o['days_since']} 天前），应于 {o['due']} 前"
    givers = "、".join(o["caregivers"]) or "无"
    return f"{o['resident_id']} {o['name']} {when}；照料人：{givers}"


def _elder(e: Row) -> str:
    """An uncovered elder's line."""
    return f"{e['resident_id']} {e['name']} {e['age']}岁 " + place_text(e["grid"], e["building"], e["unit"], e["room"])


def _audit_sections(d: Row) -> list[tuple[str, list[str]]]:
    """The titled lists of an audit after its uncovered elders."""
    return [
        (
            "超负荷的负责人 (overloaded leaders)",
            [
                f"{o['resident_id']} {o['name']} 包保 {o['care_load']} 人，能力 {o['capacity']} 人；"
                f"岗位：{'、'.join(post_text(p) for p in o['posts'])}"
                for o in d["overloaded_leaders"]
            ],
        ),
        ("无网格长的网格 (grids without leader)", [place_text(g["grid"]) for g in d["grids_without_leader"]]),
        (
            "无楼栋长的楼栋 (buildings without leader)",
            [place_text(b["grid"], b["building"]) for b in d["buildings_without_leader"]],
        ),
        (
            "无单元长的单元 (units without leader)",
            [place_text(None, u["building"], u["unit"]) for u in d["units_without_leader"]],
        ),
        (
            "无B岗备份的岗位 (posts without B backup)",
            [scope_text(s["role"], s["grid"], s["building"], s["unit"]) for s in d["scopes_without_backup"]],
        ),
        (
            "服务员角色不全的网格 (grids missing service roles)",
            [
                f"{place_text(g['grid'])} 缺 " + "、".join(_service_zh(r) for r in g["missing"])
                for g in d.get("grids_missing_roles", [])
            ],
        ),
        (
            "仅老人居住且无年轻人照料的住户 (elder-only households)",
            [
                place_text(h["grid"], h["building"], h["unit"], h["room"])
                + "："
                + "、".join(f"{m['name']} {m['age']}岁" for m in h["members"])
                for h in d.get("elder_only_households", [])
            ],
        ),
        (
            "各网格包保覆盖 (coverage per grid)",
            [
                f"{place_text(g['grid'])}：老人 {g['elders']}，已包保 {g['covered']}，"
                f"未包保 {g['uncovered']}（独居 {g['solitary_uncovered']}）"
                for g in d.get("coverage", {}).get("grids", [])
            ],
        ),
        (
            "各网格近30天探访率 (contact rate per grid)",
            [
                f"{place_text(g['grid'])}：关爱对象 {g['in_programme']}，近30天已探访 {g['contacted_30d']}，"
                f"探访率 {rate_text(g['contact_rate_30d'])}，逾期 {g['overdue']}"
                for g in (d.get("visits") or {}).get("places", {}).get("grids", [])
            ],
        ),
        (
            "管辖户数超出范围的负责人 (leader spans out of limits)",
            [
                f"{s['resident_id']} {s['name']} {_role_zh(s['role'])}"
                f"（{'、'.join(label_place(s['role'], x) for x in s['scopes'])}）："
                f"{s['households']} 户，应为 {s['min'] or ''}–{s['max'] or ''} 户"
                for s in d.get("leader_spans", [])
                if s["status"] in ("below", "above")
            ],
        ),
    ]


def format_visits_due(result: VisitsDue | Row, *, limit: int | None = None) -> str:
    """Render an `analysis.visits.VisitsDue` as a leader's list for the day, nearest first.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> from analysis.model import add_visit
    >>> from analysis.visits import visits_due
    >>> G = example_graph()
    >>> add_visit(G, "R03", "2024-05-27", "R01")
    >>> add_visit(G, "R04", "2024-05-20", "R01")
    >>> print(format_visits_due(visits_due(G, as_of="2024-06-01", scope="building:5")))
    示例社区 探访待办 (visits due)，截至 2024-06-01，含 3 天内到期；范围：5号楼
    待探访 4 人：逾期 3，即将到期 1
      R05 周德胜 高风险 从未探访，应立即探访 第1网格 5号楼 2单元 102室；照料人：无
      R01 刘凤霞 一般 从未探访，应立即探访 第1网格 5号楼 1单元 102室；照料人：无
      R04 孙桂芝 高风险 上次 2024-05-20，应于 2024-05-27，逾期 5 天 第1网格 5号楼 2单元 101室；照料人：R01 刘凤霞
      R03 赵淑兰 高风险 上次 2024-05-27，应于 2024-06-03，还有 2 天 第1网格 5号楼 1单元 301室；照料人：R01 刘凤霞
    """
    d = as_dict(result)
    if d["visitor"] is not None:
        reach = f"{d['visitor']} 照料的老人"
    elif d["scope"] is not None:
        kind, _, label = d["scope"].partition(":")
        reach = label_place(f"{kind}_leader", label)
    else:
        reach = "全社区"
    t = d["totals"]
    lines = [
        f"{d['community']} 探访待办 (visits due)，截至 {d['as_of']}，含 {d['within']} 天内到期；范围：{reach}",
        f"待探访 {t['due']} 人：逾期 {t['overdue']}，即将到期 {t['due_soon']}",
    ]
    shown = d["elders"] if limit is None else d["elders"][:limit]
    lines += [f"  {_due(e)}" for e in shown]
    if len(shown) < len(d["elders"]):
        lines.append(f"  ……另有 {len(d['elders']) - len(shown)} 项 (more)")
    return "\n".join(lines)


def _due(e: Row) -> str:
    """A due elder's line: tier, last contact, due day and days overdue, home, caregivers."""
    if e["last_contact"] is None:
        when = "从未探访，应立即探访"
    else:
        late = e["days_overdue"]
        state = f"逾期 {late} 天" if late > 0 else "今天到期" if late == 0 else f"还有 {-late} 天"
        when = f"上次 {e['last_contact']}，应于 {e['due']}，{state}"
    home = place_text(e["grid"], e["building"], e["unit"], e["room"])
    givers = "、".join(f"{c['resident_id']} {c['name']}" for c in e["caregivers"]) or "无"
    return f"{e['resident_id']} {e['name']} {CareTier(e['tier']).zh} {when} {home}；照料人：{givers}"
