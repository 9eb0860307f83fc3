"""Pure analyses of a community graph (``docs/analysis-graph.md``).

Everything here takes a `networkx.MultiDiGraph` exported from the store (or
built by hand with `analysis.model`) and returns plain results whose
``to_dict()`` is the JSON the CLI and GraphQL serve. Nothing here does I/O or
imports another package of the project.

- `audit` (`analysis.coverage`, `analysis.places`, `analysis.workload`):
  uncovered elders, overloaded leaders, vacant and unbacked posts, coverage
  per place, missing service roles, elder-only households, leader spans;
- `single_points_of_failure` (`analysis.spof`);
- `suggest_assignments` (`analysis.assignment`, `analysis.tiered`);
- `suggest_leaders` (`analysis.leaders`);
- `visit_audit` (the audit's ``visits``), `visits_due` (a leader's day) and
  `care_tiers` (`analysis.visits`): the visiting programme, by contact;
- ``format_*`` (`analysis.report`, `analysis.report_plans`): readable text.
"""

from analysis.assignment import AssignmentResult, suggest_assignments
from analysis.coverage import AuditResult, audit, uncovered_elders, vacant_posts
from analysis.leaders import LeaderSuggestions, suggest_leaders
from analysis.places import elder_only_households, grids_missing_roles, leader_spans, place_coverage
from analysis.report import format_audit, format_visits_due
from analysis.report_plans import format_assignments, format_leader_suggestions, format_spof
from analysis.spof import SpofResult, responsibility_graph, single_points_of_failure
from analysis.visits import VisitAudit, VisitsDue, care_tiers, parse_cadence, visit_audit, visits_due
from analysis.workload import care_loads, leader_posts, overloaded_leaders

__all__ = [
    "AssignmentResult",
    "AuditResult",
    "LeaderSuggestions",
    "SpofResult",
    "VisitAudit",
    "VisitsDue",
    "audit",
    "care_loads",
    "care_tiers",
    "elder_only_households",
    "format_assignments",
    "format_audit",
    "format_leader_suggestions",
    "format_spof",
    "format_visits_due",
    "grids_missing_roles",
    "leader_posts",
    "leader_spans",
    "overloaded_leaders",
    "parse_cadence",
    "place_coverage",
    "responsibility_graph",
    "single_points_of_failure",
    "suggest_assignments",
    "suggest_leaders",
    "uncovered_elders",
    "vacant_posts",
    "visit_audit",
    "visits_due",
]
