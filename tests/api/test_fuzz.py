"""Generated operations of the committed SDL, for every role: never a 5xx, never a masked internal error.

hypothesis-graphql writes valid queries and mutations of any shape the schema
allows, with any strings and numbers; some get the real names of the seeded
community and its residents, so that they reach the resolvers and not only the
"no such community" answer. The number of examples is bounded and the seed fixed
(``derandomize``), so a run is the same every time.
"""

from __future__ import annotations

import os
from pathlib import Path

import graphql
import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import mutations, queries

from graph import ids

SDL = (Path(__file__).resolve().parents[2] / "schema" / "schema.graphql").read_text()
SCALARS = {
    "Date": st.dates().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: graphql.StringValueNode(value=d.isoformat())),
    "JSON": st.just(graphql.StringValueNode(value="{}")),
}
REAL = ("community", "name", "id", "residentId", "caregiverId", "recipientId")
ROLES = {
    "admin": {"role": "admin"},
    "staff": lambda c: {"role": "staff", "community": c},
    "grid_leader": lambda c: {"role": "grid_leader", "community": c, "scope": "grid:1", "resident": "A2"},
    "volunteer": lambda c: {"role": "volunteer", "community": c, "resident": "A2"},
}
EXAMPLES = int(os.environ.get("GRIDCARE_FUZZ_EXAMPLES", "40"))


def with_real_names(document: str, community: str, swap: list[bool]) -> str:
    """Give the arguments that name a community or a resident real values where ``swap`` says so."""
    tree = graphql.parse(document)
    people = [ids.resident_id(community, local) for local in ("A1", "A2", "A3", "A4")]
    turn = iter(swap * 50)

    class Real(graphql.Visitor):
        def enter_argument(self, node, *_):
            if node.name.value in REAL and isinstance(node.value, graphql.StringValueNode) and next(turn, False):
                value = community if node.name.value in ("community", "name") else people[len(node.value.value) % 4]
                return graphql.ArgumentNode(name=node.name, value=graphql.StringValueNode(value=value))
            return None

    return graphql.print_ast(graphql.visit(tree, Real()))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["query", "mutation"])
def test_generated_operations_never_fail_inside(app, authorized_client, seeded, role, kind):
    token = ROLES[role] if isinstance(ROLES[role], dict) else ROLES[role](seeded)
    strategy = (queries if kind == "query" else mutations)(SDL, custom_scalars=SCALARS)
    seen: list[str] = []

    with authorized_client(app, **token) as client:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(document=strategy, swap=st.lists(st.booleans(), min_size=1, max_size=6))
        def run(document, swap):
            document = with_real_names(document, seeded, swap)
            answer = client.post("/graphql", json={"query": document})
            seen.append(document)
            assert answer.status_code < 500, (document, answer.text)
            body = answer.json()
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or ()]
            assert "INTERNAL_SERVER_ERROR" not in codes, (document, body)

        run()
    assert len(seen) >= EXAMPLES // 2  # it did run the examples
