"""Readable reports of the suggestions and of the single points of failure.

Like `analysis.report`, each formatter takes a result or its ``to_dict()``
form and keeps the result's order (most urgent first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.report import as_dict, place_text, post_text, scope_text, section

if TYPE_CHECKING:  # for annotations only: the formatters read plain dicts
    from analysis.assignment import AssignmentResult
    from analysis.leaders import LeaderSuggestions
    from analysis.spof import SpofResult
    from analysis.view import Row

__all__ = ["format_assignments", "format_spof", "format_leader_suggestions"]

PROXIMITY_ZH = {"unit": "同单元", "building": "同楼栋", "grid": "同网格", "community": "同社区"}
COMPONENTS_ZH = {
    "lives_there": "居住",
    "party_member": "党员",
    "volunteer": "志愿",
    "age": "年龄",
    "posts_held": "已任岗位",
    "care_load": "包保负担",
}


def _who(people: dict[str, Row], rid: str) -> str:
    """A resident by id, with name, age and solitude where `people` knows them."""
    p = people.get(rid)
    if not p:
        return rid
    age = f" {p['age']}岁" if p.get("age") is not None else ""
    alone = " 独居" if p.get("lives_alone") else ""
    return f"{rid} {p['name']}{age}{alone}"


def format_assignments(result: AssignmentResult | Row, *, limit: int | None = None) -> str:
    """Render an `analysis.assignment.AssignmentResult` as readable text.

    Names come from the result's ``people``; from a plain dict, ids only.

    Examples
    --------
    >>> from analysis.assignment import suggest_assignments
    >>> from analysis.example import example_graph
    >>> print(format_assignments(suggest_assignments(example_graph(), as_of="2024-06-01")))
    示例社区 包保建议 (assignment suggestions)，截至 2024-06-01
    可新覆盖 4 位老人（独居 1），总成本 5；未能安排 0 位
    建议 (suggestions)：4
      R05 周德胜 80岁 独居 第1网格 5号楼 2单元 102室 ← R02 王建国（同楼栋，成本 2）
      R08 钱进 75岁 第2网格 6号楼 1单元 301室 ← R07 郑宏（同单元，成本 1）
      R06 吴玉珍 73岁 第2网格 6号楼 1单元 301室 ← R07 郑宏（同单元，成本 1）
      R01 刘凤霞 66岁 第1网格 5号楼 1单元 102室 ← R02 王建国（同单元，成本 1）
    未能安排的老人 (unassigned elders)：0
    """
    d = as_dict(result)
    people: dict[str, Row] = getattr(result, "people", {}) or {}
    t = d["totals"]
    lines = [
        f"{d['community']} 包保建议 (assignment suggestions)，截至 {d['as_of']}",
        f"可新覆盖 {t['covered']} 位老人（独居 {t['solitary_covered']}），总成本 {t['cost']}；"
        f"未能安排 {len(d['unassigned'])} 位",
    ]
    rows: list[str] = []
    for a in d["assignments"]:
        p = people.get(a["elder_id"], {})
        where = place_text(p.get("grid"), p.get("building"), p.get("unit"), p.get("room"))
        giver = people.get(a["caregiver_id"], {}).get("name", "")
        rows.append(
            f"{_who(people, a['elder_id'])} {where} ← {a['caregiver_id']} {giver}"
            f"（{PROXIMITY_ZH[a['proximity']]}，成本 {a['cost']}）".replace("  ", " ")
        )
    lines += section("建议 (suggestions)", rows, limit)
    lines += section("未能安排的老人 (unassigned elders)", [_who(people, rid) for rid in d["unassigned"]], limit)
    return "\n".join(lines)


def format_spof(result: SpofResult | Row, *, limit: int | None = None) -> str:
    """Render an `analysis.spof.SpofResult` as readable text.

    Examples
    --------
    >>> from analysis.spof import single_points_of_failure
    >>> from analysis.example import example_graph
    >>> print(format_spof(single_points_of_failure(example_graph(), as_of="2024-06-01")))
    示例社区 单点风险 (single points of failure)，截至 2024-06-01
    老人 6 人，其中 4 人系于一人，2 人已无人负责（无照料人且上级岗位空缺）
    单点风险人员 (people)：2
      1. R01 刘凤霞（楼栋长 5号楼 A岗）：缺席将使 3 位老人无人负责（独居 3，唯一照料人 2）；为其岗位设AB岗可保住 3 位
      2. R02 王建国（网格长 第1网格 A岗、单元长 5号楼 1单元 A岗、单元长 5号楼 2单元 B岗）：缺席将使 2
      位老人无人负责（独居 1，唯一照料人 0）；为其岗位设AB岗可保住 2 位
    已无人负责的老人 (unreached elders)：2
      R08
      R06
    """
    d = as_dict(result)
    t = d["totals"]
    lines = [
        f"{d['community']} 单点风险 (single points of failure)，截至 {d['as_of']}",
        f"老人 {t['elders']} 人，其中 {t['elders_at_risk']} 人系于一人，"
        f"{t['unreached_elders']} 人已无人负责（无照料人且上级岗位空缺）",
    ]
    rows: list[str] = []
    for i, p in enumerate(d["people"], 1):
        posts = f"（{'、'.join(post_text(x) for x in p['posts'])}）" if p["posts"] else "（照料人）"
        rows.append(
            f"{i}. {p['resident_id']} {p['name']}{posts}：缺席将使 {p['elders']} 位老人无人负责"
            f"（独居 {p['solitary']}，唯一照料人 {p['sole_caregiver_of']}）；"
            f"为其岗位设AB岗可保住 {p['fixed_by_backup']} 位"
        )
    lines += section("单点风险人员 (people)", rows, limit)
    lines += section("已无人负责的老人 (unreached elders)", list(d["unreached_elders"]), limit)
    return "\n".join(lines)


def format_leader_suggestions(result: LeaderSuggestions | Row, *, limit: int | None = None) -> str:
    """Render `analysis.leaders.LeaderSuggestions` as readable text.

    Examples
    --------
    >>> from analysis.leaders import suggest_leaders
    >>> from analysis.example import example_graph
    >>> text = format_leader_suggestions(suggest_leaders(example_graph(), as_of="2024-06-01", limit=1))
    >>> print("\\n".join(text.splitlines()[:3]))
    示例社区 负责人推荐 (leader suggestions)，截至 2024-06-01
    缺负责人 (vacant)：网格长 第2网格
      1. R07 郑宏 38岁 得分 3.0（居住 1.0，党员 0.0，志愿 1.5，年龄 0.5，已任岗位 0.0，包保负担 0.0）
    """
    d = as_dict(result)
    lines = [f"{d['community']} 负责人推荐 (leader suggestions)，截至 {d['as_of']}"]
    for s in d["scopes"]:
        need = "缺负责人 (vacant)" if s["need"] == "leader" else "缺B岗备份 (no backup)"
        lines.append(f"{need}：{scope_text(s['role'], s['grid'], s['building'], s['unit'])}")
        shown = s["candidates"] if limit is None else s["candidates"][:limit]
        for i, c in enumerate(shown, 1):
            parts = "，".join(f"{COMPONENTS_ZH.get(k, k)} {v}" for k, v in c["components"].items())
            lines.append(f"  {i}. {c['resident_id']} {c['name']} {c['age']}岁 得分 {c['score']}（{parts}）")
        if not s["candidates"]:
            lines.append("  （本范围内无合适人选 no one eligible lives there）")
    return "\n".join(lines)
