"""The domain's codes are defined once (`analysis.domain`), and every layer speaks them."""

import ast
from pathlib import Path

import pytest

from analysis import domain

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graph", "api", "schema", "loaders", "analysis")
CODES = {r.value for r in domain.Role} | {s.value for s in domain.ServiceRole}
# the same word as a role, meaning something else: the "volunteer" part of a leader suggestion's score
OTHER_MEANINGS = {("analysis/leaders.py", "volunteer"), ("analysis/report_plans.py", "volunteer")}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr)
    }


def test_each_role_and_service_role_code_is_written_once():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstrings(tree)
            found += [
                (name, node.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value in CODES and id(node) not in docs
            ]
    elsewhere = [f for f in found if f[0] != "analysis/domain.py" and f not in OTHER_MEANINGS]
    assert not elsewhere, f"codes written outside analysis/domain.py: {elsewhere}"
    assert sorted(v for n, v in found if n == "analysis/domain.py" and v != "volunteer") == sorted(
        CODES - {"volunteer"}
    )


@pytest.mark.parametrize(
    "graphql, codes",
    [
        ("Role", tuple(domain.Role)),
        ("LeaderRole", domain.LEADER_ROLES),
        ("Post", tuple(domain.Post)),
        ("CareKind", domain.CARE_KINDS),
        ("ServiceRole", domain.SERVICE_ROLES),
        ("ResidentStatus", tuple(domain.ResidentStatus)),
        ("RemovalReason", domain.REMOVAL_REASONS),
        ("VisitMode", tuple(domain.VisitMode)),
        ("VisitOutcome", tuple(domain.VisitOutcome)),
        ("CareTier", tuple(domain.CareTier)),
        ("ServiceKind", domain.SERVICE_KINDS),
        ("RequestStatus", tuple(domain.RequestStatus)),
        ("Asker", tuple(domain.Asker)),
        ("MatterKind", tuple(domain.MatterKind)),
        ("MatterStatus", tuple(domain.MatterStatus)),
        ("MatterChannel", tuple(domain.MatterChannel)),
        ("Satisfaction", tuple(domain.Satisfaction)),
        ("Escalation", tuple(domain.Escalation)),
        ("EightZero", tuple(domain.EightZero)),
        ("MovementKind", tuple(domain.MovementKind)),
    ],
)
def test_graphql_enums_are_the_domain_codes(graphql, codes):
    from schema import enums

    members = getattr(enums, graphql)
    assert [m.name for m in members] == [c.name for c in codes]
    assert [enums.code(m) for m in members] == [c.value for c in codes]


def test_the_service_roles_keep_the_domain_order():
    from schema.enums import ServiceRole, service_order

    assert sorted(ServiceRole, key=service_order) == list(ServiceRole)
