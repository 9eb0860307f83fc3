"""The readable reports: urgent first, Chinese labels, from results or JSON."""

import json

from analysis.assignment import suggest_assignments
from analysis.coverage import audit
from analysis.example import EXAMPLE_AS_OF, example_graph
from analysis.leaders import suggest_leaders
from analysis.report import format_audit
from analysis.report_plans import format_assignments, format_leader_suggestions, format_spof
from analysis.spof import single_points_of_failure


def test_audit_report_sections_and_urgency():
    text = format_audit(audit(example_graph(), as_of=EXAMPLE_AS_OF))
    for label in (
        "未被包保的独居老人",
        "超负荷的负责人",
        "无楼栋长的楼栋",
        "无单元长的单元",
        "无B岗备份的岗位",
        "无网格长的网格",
    ):
        assert label in text
    lines = text.splitlines()
    first = lines.index("未被包保的其他老人 (other uncovered elders)：3")
    assert [line.split()[0] for line in lines[first + 1 : first + 4]] == ["R08", "R06", "R01"]
    assert "楼栋长 5号楼 A岗" in text


def test_reports_render_from_json_too():
    G = example_graph()
    for fmt, result in (
        (format_audit, audit(G, as_of=EXAMPLE_AS_OF)),
        (format_spof, single_points_of_failure(G, as_of=EXAMPLE_AS_OF)),
        (format_leader_suggestions, suggest_leaders(G, as_of=EXAMPLE_AS_OF)),
        (format_assignments, suggest_assignments(G, as_of=EXAMPLE_AS_OF)),
    ):
        from_json = fmt(json.loads(json.dumps(result.to_dict())))
        assert from_json.splitlines()[0] == fmt(result).splitlines()[0]


def test_limit_says_how_many_more():
    text = format_audit(audit(example_graph(), as_of=EXAMPLE_AS_OF), limit=1)
    assert "……另有 2 项 (more)" in text
