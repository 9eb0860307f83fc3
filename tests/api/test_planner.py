"""Planned reads answer byte for byte what graphql-core answers (`schema.planner`).

Two apps share the session's store and token key: one plans the queries it covers, the
other (``planner=False``) interprets every operation with graphql-core. The same token
asks both the same operations — every operation of the test suite the planner covers,
and thousands generated over the committed SDL's covered fields — for each role:
admin, staff (of this and of another community), grid, building and unit leaders, and
a volunteer. The answers' bytes must be equal, and the operations must really have been
planned (the `gridcare_graphql_operations_total` counter).
"""

from __future__ import annotations

import ast
import functools
import json
import uuid
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
from fastapi.testclient import TestClient
from graphql import GraphQLSyntaxError, build_schema, parse, validate
from graphql import OperationType as GqlOperationType
from hypothesis import HealthCheck, given, settings
from prometheus_client import REGISTRY

from api.app import create_app
from api.settings import Settings
from api.tokens import TokenRequest, issue, token_key
from graph import ids
from schema.connection import MAX_PAGE, encode_cursor
from schema.planner import COVERED, Sight, Unplannable, compile_plan
from schema.strawberry_private import graphql_schema

ROOT = Path(__file__).resolve().parents[2]
ROLES = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff"},
    "other_staff": {"role": "staff", "community": "other"},
    "grid_leader": {"role": "grid_leader", "scope": "grid:1", "resident": "A2"},
    "building_leader": {"role": "building_leader", "scope": "building:2", "resident": "A5"},
    "unit_leader": {"role": "unit_leader", "scope": "unit:1-2"},
    "unit_leader_b": {"role": "unit_leader", "scope": "unit:2-1", "resident": "A4"},
    "volunteer": {"role": "volunteer", "resident": "A2"},
}


@pytest.fixture(scope="module")
def apps(store, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")  # one home: one token key for both
    return create_app(Settings(home=home), store=store), create_app(Settings(home=home, planner=False), store=store)


@pytest.fixture(scope="module")
def place_order(store, seeded_module):
    """Places numbered so that only the natural order (9 before 10, A9 before A10) sorts them right, a post held
    since a day, and a resident who moved out."""
    c = seeded_module
    for number in ("10", "9", "A10", "A9", "东", "2a"):
        g = ids.grid_id(c, number)
        store.write(
            "planner_places",
            "MATCH (c:Community {id: $c}) CREATE (c)-[:HAS_GRID]->(g:Grid {id: $g, community: $c, number: $n}) "
            "CREATE (g)-[:HAS_BUILDING]->(:Building {id: $b1, community: $c, number: 'A10'}) "
            "CREATE (g)-[:HAS_BUILDING]->(:Building {id: $b2, community: $c, number: 'A9'})",
            c=c,
            g=g,
            n=number,
            b1=ids.building_id(c, number + "x10"),
            b2=ids.building_id(c, number + "x9"),
        )
    store.write(
        "planner_since",
        "MATCH (:Resident {community: $c, residentId: 'A2'})-[l:LEADS]->() SET l.since = date('2023-04-01')",
        c=c,
    )
    store.write(  # a second post of grid 1 and a second caregiver of A1: orders to keep
        "planner_more",
        "MATCH (a3:Resident {community: $c, residentId: 'A3'}), (a5:Resident {community: $c, residentId: 'A5'}), "
        "(a1:Resident {community: $c, residentId: 'A1'}), (g:Grid {id: $g}) "
        "CREATE (a3)-[:LEADS {role: 'grid_leader', post: 'B'}]->(g) "
        "CREATE (a5)-[:CARES_FOR {kind: 'volunteer', since: date('2023-01-01')}]->(a1)",
        c=c,
        g=ids.grid_id(c, "1"),
    )
    store.write(  # a namesake of A1 born on A2's birthday, in A1's home: ties of both orders broken by id
        "planner_namesake",
        "MATCH (a1:Resident {community: $c, residentId: 'A1'})-[:LIVES_IN]->(h:Household) "
        "CREATE (:Resident {id: $r, community: $c, residentId: 'A6', name: a1.name, birthDate: date('1950-03-05'), "
        "status: 'active', livesAlone: false, partyMember: false})-[:LIVES_IN]->(h)",
        c=c,
        r=ids.resident_id(c, "A6"),
    )
    store.write(
        "planner_moved",
        "MATCH (r:Resident {community: $c, residentId: 'A3'}) "
        "SET r.status = 'moved_out', r.leftOn = date('2024-02-02')",
        c=c,
    )
    return c


@pytest.fixture(scope="module")
def other(store, driver, database):
    """Another community with one grid and one resident, for the token of its staff, and names and ids out of
    reach."""
    name = f"另一社区-{uuid.uuid4().hex[:8]}"
    store.write(
        "planner_other",
        "CREATE (c:Community {id: $c, name: $c})-[:HAS_GRID]->(:Grid {id: $g, community: $c, number: '1'}) "
        "CREATE (:Resident {id: $r, community: $c, residentId: 'B1', name: '外人', birthDate: date('1945-01-01'), "
        "status: 'active'})",
        c=name,
        g=ids.grid_id(name, "1"),
        r=ids.resident_id(name, "B1"),
    )
    yield name
    driver.execute_query("MATCH (n {community: $c}) DETACH DELETE n", c=name, database_=database)
    driver.execute_query("MATCH (n:Community {id: $c}) DETACH DELETE n", c=name, database_=database)


@pytest.fixture(scope="module")
def seeded_module(store, driver, database, tmp_path_factory):
    """The seeded community of `tests/conftest.py`, once for this module."""
    from loaders.ledger import read_ledger
    from loaders.writer import plan_import, write_plan
    from tests.cli.test_import import ledger_sheets, write_csv_ledger

    name = f"测试社区-{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("planner-ledger")
    write_plan(
        store, plan_import(read_ledger(write_csv_ledger(folder, ledger_sheets()), name), hash_national_id=lambda s: "h")
    )
    yield name
    from tests.conftest import DELETE_COMMUNITY

    driver.execute_query(DELETE_COMMUNITY, community=name, database_=database)


@pytest.fixture(scope="module")
def clients(apps, store, place_order, other, driver, database):
    """A pair of clients (planned, interpreted) per role, with one token each."""
    planned_app, interpreted_app = apps
    key = token_key(planned_app.state.settings)
    expires = datetime.now(UTC) + timedelta(hours=2)
    made, tokens = {}, []
    with ExitStack() as stack:
        for role, request in ROLES.items():
            community = None if role == "admin" else place_order
            if request.get("community") == "other":
                community = other
            fields = {**request, "community": community}
            token, record = issue(store, key, TokenRequest(label="planner tests", expires_at=expires, **fields))
            tokens.append(record.id)
            headers = {"Authorization": f"Bearer {token}"}
            made[role] = tuple(
                stack.enter_context(TestClient(app, headers=headers, client=("127.0.0.1", 50000)))
                for app in (planned_app, interpreted_app)
            )
        yield made
    driver.execute_query("MATCH (t:ApiToken) WHERE t.id IN $ids DETACH DELETE t", ids=tokens, database_=database)


def planned_count() -> float:
    return REGISTRY.get_sample_value("gridcare_graphql_operations_total", {"path": "planned"}) or 0.0


def same_answer(pair, query: str, variables: dict) -> bytes:
    """Both answers' bytes, checked equal; the planned one returned."""
    body = {"query": query, "variables": variables}
    planned, interpreted = (c.post("/graphql", json=body) for c in pair)
    assert planned.status_code == interpreted.status_code
    assert planned.content == interpreted.content, (query, variables)
    return planned.content


# --- every operation of the test suite that the planner covers -------------------------------------------------


@functools.cache
def suite_operations() -> list[str]:
    """The GraphQL documents written in the tests (string constants that parse as one) that the planner plans."""
    schema = graphql_schema(_schema())
    found: dict[str, None] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == Path(__file__).name:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value):
                continue
            try:
                document = parse(node.value)
                if validate(schema, document):
                    continue
                compile_plan(schema, document, None, Sight.ALL)
            except (GraphQLSyntaxError, Unplannable):
                continue
            found[node.value] = None
    return list(found)


def _schema():
    from schema import build_schema as gridcare_schema

    return gridcare_schema()


def variables_for(query: str, community: str) -> dict:
    """Values for an operation's variables: the community's name, a day, small numbers, a resident's id."""
    out: dict = {}
    for definition in parse(query).definitions:
        if getattr(definition, "operation", None) != GqlOperationType.QUERY:
            continue
        for v in definition.variable_definitions or ():
            t = v.type.type.name.value if hasattr(v.type, "type") else v.type.name.value
            values = {"String": community, "Date": "2024-06-01", "Int": 5, "Boolean": True}
            out[v.variable.name.value] = values.get(t, ids.resident_id(community, "A1") if t == "ID" else None)
    return out


def test_the_suite_has_covered_operations():
    operations = suite_operations()
    assert any("grids" in q and "residents" in q for q in operations), operations  # the Tree at least


@pytest.mark.parametrize("role", ROLES)
def test_every_covered_operation_of_the_suite_answers_the_same(clients, place_order, demo_day, role):
    before = planned_count()
    operations = suite_operations()
    answered = sum(b'"errors"' not in same_answer(clients[role], q, variables_for(q, place_order)) for q in operations)
    # each was planned, unless graphql-core reports an error (a filter the tests of the connection refuse, the
    # residents of a community out of reach)
    assert planned_count() - before == answered > 0


TOURS = (  # every covered field at least once, in operations within the budget (`schema.budget`)
    """query Places($name: String!) {
  community(name: $name) {
    __typename id name
    grids {
      id number leaders { role post since resident { id } }
      buildings {
        id number grid { number } leaders { role post since resident { id } }
        units {
          id number building { number } leaders { post resident { id } }
          households { id room unit { number } }
        }
      }
    }
  }
}""",
    """query People($name: String!, $grid: String!) {
  community(name: $name) {
    grid(number: $grid) {
      id number
      leaders { resident { ...R } }
      buildings { units { households { residents { ...R } } } }
    }
  }
}
fragment R on Resident {
  id residentId name gender birthDate livesAlone partyMember status leftOn careCapacity phone careTierExplicit
  age agedThen: age(asOf: "2024-06-01") household { room } unit { number } building { number } grid { number }
}""",
    """query Care($name: String!, $grid: String!) {
  community(name: $name) {
    grid(number: $grid) {
      leaders { resident { ...C } }
      buildings { units { households { residents { ...C } } } }
    }
  }
}
fragment C on Resident {
  caregivers { id name } caregiversThen: caregivers(asOf: "2023-06-01") { id }
}""",
    """query Cared($name: String!, $grid: String!) {
  community(name: $name) {
    grid(number: $grid) {
      leaders { resident { ...C } }
      buildings { units { households { residents { ...C } } } }
    }
  }
}
fragment C on Resident {
  careRecipients { id } careRecipientsThen: careRecipients(asOf: "2023-06-01") { id building { number } }
}""",
    """query Page($name: String!, $id: ID!) {
  residents(community: $name, first: 3, filter: {status: [ACTIVE, MOVED_OUT]}) {
    __typename totalCount
    edges { __typename cursor node { id name age caregivers { name } building { number } } }
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
  }
  resident(id: $id) { id name status leftOn careRecipients { id } grid { number } }
}""",
)


@pytest.mark.parametrize("role", ROLES)
def test_every_covered_field_answers_the_same(clients, place_order, demo_day, role):
    """Operations asking for every covered field (`COVERED`) at least once, planned for every role."""
    assert all(f in " ".join(TOURS) for fields in COVERED.values() for f in fields)
    before, answered = planned_count(), 0
    for tour in TOURS:
        for grid in ("1", "2"):
            variables = {"name": place_order}
            if "$grid" in tour:
                variables["grid"] = grid
            if "$id" in tour:
                variables["id"] = ids.resident_id(place_order, "A" + grid)
            answered += b'"errors"' not in same_answer(clients[role], tour, variables)
    assert planned_count() - before == answered  # staff of another community: refused their residents' page
    assert answered == 2 * len(TOURS) - (2 if role == "other_staff" else 0)


# --- generated operations over the committed SDL ---------------------------------------------------------------

SDL = build_schema((ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"))


def covered_fields(type_name: str) -> list[str]:
    """The covered fields the committed SDL gives ``type_name``, sensitive ones never among them."""
    return [f for f in SDL.type_map[type_name].fields if f in COVERED.get(type_name, ())]  # type: ignore[attr-defined]


def target(type_name: str, field: str) -> str:
    t = SDL.type_map[type_name].fields[field].type  # type: ignore[attr-defined]
    while hasattr(t, "of_type"):
        t = t.of_type
    return t.name


_ON_DAYS = ["", "(asOf: $day)", *[f'(asOf: "{d}")' for d in ("2023-06-01", "2024-06-01", "1941-05-02")]]
ARGUMENTS = {  # the arguments of covered fields, as the generator writes them
    ("Resident", "age"): _ON_DAYS,
    ("Resident", "caregivers"): _ON_DAYS,
    ("Resident", "careRecipients"): _ON_DAYS,
    ("Community", "grid"): ['(number: "1")', '(number: "2")', '(number: "A9")', '(number: "99")'],
}
FILTERS = [  # every filter of `Query.residents`, and some the connection refuses
    "",
    'filter: {grid: "1"}',
    'filter: {building: "2", unit: "1"}',
    'filter: {building: "1"}',
    'filter: {unit: "1"}',
    "filter: {minAge: 70, maxAge: 90}",
    'filter: {minAge: 80, asOf: "2024-06-01"}',
    "filter: {maxAge: 40}",
    "filter: {minAge: 90, maxAge: 80}",
    "filter: {minAge: 151}",
    "filter: {livesAlone: true}",
    "filter: {livesAlone: false, partyMember: true}",
    "filter: {hasCaregiver: true}",
    'filter: {hasCaregiver: false, asOf: "2023-06-01"}',
    "filter: {holdsPost: true}",
    "filter: {holdsPost: false}",
    'filter: {team: "巡逻队"}',
    'filter: {nameContains: "王"}',
    "filter: {status: [MOVED_OUT, ACTIVE]}",
    "filter: {status: []}",
    "filter: {livesAlone: $alone}",
]
ORDERS = [
    "",
    "orderBy: {by: NAME}",
    "orderBy: {by: NAME, descending: true}",
    "orderBy: {by: AGE}",
    "orderBy: {by: AGE, descending: true}",
    "orderBy: {descending: true}",
]
PAGES = ["", "first: 0", "first: 1", "first: 2", f"first: {MAX_PAGE}", f"first: {MAX_PAGE + 1}", "first: -1"]
AFTERS = [  # cursors as the connection writes them (of residents that may or may not exist), and bad ones
    "",
    "after: $after",
    f'after: "{encode_cursor("NAME", "王秀英", "x")}"',
    f'after: "{encode_cursor("AGE", date(1950, 3, 5), "x")}"',
    'after: ""',
    'after: "not a cursor"',
]
DAYS = st.sampled_from(["1950-03-05", "1990-07-01", "2023-06-01", "2024-06-01", "1941-05-02", "2100-12-31"])


@st.composite
def selection(draw, type_name: str, depth: int, fragments: list[str], counter: list[int]) -> str:
    """A selection set of ``type_name``: covered fields, aliases, repeated fields, inline and named fragments."""
    objects = [n for n in covered_fields(type_name) if target(type_name, n) in COVERED]
    names = covered_fields(type_name) + ["__typename"] + objects * 3  # deep operations more often than not
    if depth <= 0:
        names = [n for n in names if n == "__typename" or target(type_name, n) in ("String", "ID", "Int", "Boolean")]
        names += [n for n in covered_fields(type_name) if target(type_name, n) in ("Date", "ResidentStatus")]
    parts = []
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=4)):
        alias = draw(st.sampled_from(["", "", "", f"{name}X: ", "same: "]))
        if alias == "same: ":
            alias = f"{name}Same: "
        text = name + draw(st.sampled_from(ARGUMENTS.get((type_name, name), [""])))
        if name != "__typename" and target(type_name, name) in COVERED:
            text += " { " + draw(selection(target(type_name, name), depth - 1, fragments, counter)) + " }"
        wrap = draw(st.sampled_from(["", "", "inline", "bare", "named"]))
        field = alias + text
        if wrap == "inline":
            field = f"... on {type_name} {{ {field} }}"
        elif wrap == "bare":
            field = f"... {{ {field} }}"
        elif wrap == "named":
            counter[0] += 1
            fragments.append(f"fragment F{counter[0]} on {type_name} {{ {field} }}")
            field = f"...F{counter[0]}"
        parts.append(field)
    return " ".join(parts)


VARIABLES = (
    ("$name", "$name: String!"),
    ("$other", "$other: String!"),
    ("$day", "$day: Date"),
    ("$rid", "$rid: ID!"),
    ("$after", "$after: String"),
    ("$alone", "$alone: Boolean"),
)


@st.composite
def operations(draw) -> tuple[str, dict]:
    fragments: list[str] = []
    roots = []
    for i in range(draw(st.integers(1, 2))):
        root = draw(st.sampled_from(["community", "community", "residents", "resident"]))
        name = draw(st.sampled_from(["$name", "$name", "$other", '"无此社区"']))
        if root == "community":
            inner = draw(selection("Community", draw(st.integers(1, 6)), fragments, [100 * i]))
            roots.append(f"c{i}: community(name: {name}) {{ {inner} }}")
        elif root == "residents":
            inner = draw(selection("ResidentConnection", draw(st.integers(1, 5)), fragments, [100 * i]))
            arguments = [f"community: {name}", *(draw(st.sampled_from(x)) for x in (FILTERS, ORDERS, PAGES, AFTERS))]
            roots.append(f"c{i}: residents({', '.join(a for a in arguments if a)}) {{ {inner} }}")
        else:
            inner = draw(selection("Resident", draw(st.integers(1, 4)), fragments, [100 * i]))
            rid = draw(st.sampled_from(["$rid", "$rid", '"无此人"']))
            roots.append(f"c{i}: resident(id: {rid}) {{ {inner} }}")
    if draw(st.booleans()):
        roots.append("__typename")
    used = " ".join(roots + fragments)  # every variable declared is used (else: invalid)
    declared = [d for v, d in VARIABLES if v in used]
    header = "query Generated" + (f"({', '.join(declared)})" if declared else "")
    query = header + " { " + " ".join(roots) + " } " + " ".join(fragments)
    variables: dict = {}
    if "$day" in used:
        variables["day"] = draw(st.one_of(st.none(), DAYS))
    if "$rid" in used:  # a resident of the community (one moved out among them) or of another
        variables["rid"] = draw(st.sampled_from([f"A{n}" for n in range(1, 7)] + ["other"]))
    if "$after" in used:
        variables["after"] = draw(st.sampled_from([None, "A1", "A2", "A6"]))  # the cursor of that resident
    if "$alone" in used:
        variables["alone"] = draw(st.sampled_from([None, True, False]))
    return query, variables


def concrete(variables: dict, community: str, other: str, order: str = "NAME") -> dict:
    """Generated variables made real: a resident's id for ``$rid``, a cursor after a resident for ``$after``."""
    born = {"A1": date(1941, 5, 3), "A2": date(1950, 3, 5), "A6": date(1950, 3, 5)}
    out = dict(variables)
    if "rid" in out:
        out["rid"] = ids.resident_id(other, "B1") if out["rid"] == "other" else ids.resident_id(community, out["rid"])
    if out.get("after"):
        local = out["after"]
        name = "李建国" if local == "A2" else "王秀英"
        key = born[local] if order == "AGE" else name
        out["after"] = encode_cursor(order, key, ids.resident_id(community, local))
    return out


EXAMPLES = 250  # per role: 2,000 operations in all


@pytest.mark.parametrize("role", ROLES)
def test_generated_operations_answer_the_same(clients, place_order, other, demo_day, role):
    ran = {"planned": 0, "errors": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(operation=operations())
    def compare(operation):
        query, variables = operation
        before = planned_count()
        variables = concrete(variables, place_order, other, "AGE" if "by: AGE" in query else "NAME")
        answer = same_answer(clients[role], query, {**variables, "name": place_order, "other": other})
        planned = planned_count() - before == 1
        assert planned or b'"errors"' in answer  # planned, unless graphql-core reports an error
        ran["planned" if planned else "errors"] += 1

    compare()
    # most within the budget, and planned (staff of another community: refused this one's residents)
    assert ran["planned"] >= (EXAMPLES / 4 if role == "other_staff" else ran["errors"]), ran


def test_what_is_not_covered_goes_to_graphql_core(clients, place_order, demo_day):
    """Sensitive fields, other root fields, directives and mutations are interpreted, with the same answer."""
    before = planned_count()
    for query in (
        "query($name: String!) { community(name: $name) { grids { buildings { units { households "
        "{ residents { name healthNotes } } } } } } }",
        "query($name: String!) { community(name: $name) { name stats { grids } } }",
        "query($name: String!) { community(name: $name) { name @include(if: true) } }",
        "query($name: String!) { residents(community: $name) { totalCount edges { node { healthNotes } } } }",
        "query($name: String!) { communities { name } residents(community: $name) { totalCount } }",
        "query($name: String!) { community(name: $name) { grids { buildings { units { households { residents "
        '{ age(asOf: "1900-01-01") } } } } } } }',  # an error per resident: graphql-core reports them
    ):
        same_answer(clients["admin"], query, {"name": place_order})
    assert planned_count() == before


def test_the_tree_of_the_demo_community_is_the_same_for_each_role(clients, demo_community, demo_day, store):
    """The whole demo tree (≈7,000 residents) for an admin, and for its grid 1 leader through a token of theirs."""
    from tests.api.test_graphql_read import TREE

    same_answer(clients["admin"], TREE, {"name": demo_community})
    holder = store.read(
        "planner_demo_leader",
        "MATCH (r:Resident {community: $c})-[:LEADS]->(g:Grid {number: '1'}) RETURN r.residentId AS id LIMIT 1",
        c=demo_community,
    )[0]["id"]
    planned_app = clients["admin"][0].app
    interpreted_app = clients["admin"][1].app
    token, _ = issue(
        store,
        token_key(planned_app.state.settings),
        TokenRequest(
            role="grid_leader",
            community=demo_community,
            scope="grid:1",
            resident=holder,
            label="planner tests",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        ),
    )
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(planned_app, headers=headers) as a, TestClient(interpreted_app, headers=headers) as b:
        answer = same_answer((a, b), TREE, {"name": demo_community})
    assert b'"grids"' in answer  # a leader sees the way down to their grid


def cypher_statements() -> float:
    return sum(
        s.value
        for metric in REGISTRY.collect()
        if metric.name == "gridcare_cypher_queries"
        for s in metric.samples
        if s.name == "gridcare_cypher_queries_total"
    )


@pytest.mark.parametrize("role", ["admin", "staff", "grid_leader", "volunteer"])
@pytest.mark.parametrize("operation", ["Tree", "Elders", "resident"])
def test_a_planned_operation_costs_two_round_trips(clients, place_order, demo_day, role, operation):
    """The bearer token's look-up and the planned statement, the caller's reach inside it."""
    from tests.api.test_graphql_read import ELDERS, TREE

    query = {"Tree": TREE, "Elders": ELDERS, "resident": RESIDENT}[operation]
    variables = {"name": place_order, "first": 2, "id": ids.resident_id(place_order, "A1")}
    variables = {k: v for k, v in variables.items() if f"${k}" in query}
    before = cypher_statements()
    answer = clients[role][0].post("/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200 and b'"errors"' not in answer.content
    assert cypher_statements() - before == 2


# --- the residents connection and one resident -----------------------------------------------------------------

PAGE = """query Page($name: String!, $filter: ResidentFilter, $order: ResidentOrder, $first: Int!, $after: String) {
  residents(community: $name, filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name age livesAlone status building { number } caregivers { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
RESIDENT = """query One($id: ID!) {
  resident(id: $id) {
    id residentId name gender birthDate livesAlone partyMember status leftOn careCapacity phone careTierExplicit
    age household { room } unit { number } building { number } grid { number }
    caregivers { id name } careRecipients(asOf: "2023-06-01") { id }
  }
}"""
EVERY_FILTER = [
    None,
    {"grid": "1"},
    {"building": "2"},
    {"building": "2", "unit": "1"},
    {"minAge": 70},
    {"maxAge": 74},
    {"minAge": 60, "maxAge": 80, "asOf": "2024-06-01"},
    {"livesAlone": True},
    {"livesAlone": False},
    {"partyMember": True},
    {"hasCaregiver": True},
    {"hasCaregiver": False, "asOf": "2023-06-01"},
    {"holdsPost": True},
    {"holdsPost": False},
    {"team": "巡逻队"},
    {"nameContains": "王"},
    {"status": ["MOVED_OUT"]},
    {"status": ["ACTIVE", "MOVED_OUT", "DECEASED"]},
]
EVERY_ORDER = [
    None,
    {"by": "NAME"},
    {"by": "NAME", "descending": True},
    {"by": "AGE"},
    {"by": "AGE", "descending": True},
]


@pytest.mark.parametrize("role", ROLES)
def test_residents_page_through_to_the_end_the_same(clients, place_order, demo_day, role):
    """Every filter under every order, two residents a page, along the cursors to the last page: all planned
    (staff of another community: refused by graphql-core, the same way)."""
    before, asked, refused = planned_count(), 0, 0
    for chosen in EVERY_FILTER:
        for order in EVERY_ORDER:
            after = None
            while True:
                variables = {"name": place_order, "filter": chosen, "order": order, "first": 2, "after": after}
                answer = json.loads(same_answer(clients[role], PAGE, variables))
                asked += 1
                if "errors" in answer:
                    refused += 1
                    break
                info = answer["data"]["residents"]["pageInfo"]
                if not info["hasNextPage"]:
                    break
                after = info["endCursor"]
    assert planned_count() - before == asked - refused
    assert refused == (len(EVERY_FILTER) * len(EVERY_ORDER) if role == "other_staff" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_residents_edges_answer_the_same(clients, place_order, other, demo_day, role):
    """Page sizes at and past their bounds, cursors bad or of another order, communities out of reach or
    absent, filters the connection refuses: planned when graphql-core answers without an error."""
    cursor = encode_cursor("NAME", "王秀英", ids.resident_id(place_order, "A1"))
    cases = [
        {"first": 0},
        {"first": MAX_PAGE},
        {"first": MAX_PAGE + 1},
        {"first": -1},
        {"first": 2, "after": cursor},
        {"first": 2, "after": cursor, "order": {"by": "AGE"}},
        {"first": 2, "after": "not a cursor"},
        {"first": 2, "after": ""},
        {"first": 2, "name": other},
        {"first": 2, "name": "无此社区"},
        {"first": 2, "filter": {"unit": "1"}},
        {"first": 2, "filter": {"minAge": 90, "maxAge": 80}},
        {"first": 2, "filter": {"minAge": -1}},
        {"first": 2, "filter": {"nameContains": "王" * 1000}},
        {"first": 2, "filter": {"grid": "99"}},
    ]
    before, answered = planned_count(), 0
    for case in cases:
        variables = {"name": place_order, "filter": None, "order": None, "after": None} | case
        answered += b'"errors"' not in same_answer(clients[role], PAGE, variables)
    assert planned_count() - before == answered


@pytest.mark.parametrize("role", ROLES)
def test_one_resident_answers_the_same(clients, place_order, other, demo_day, role):
    """`resident(id)` for each resident (one moved out), an unknown id and a resident of another community:
    null out of reach, as graphql-core answers, and always planned."""
    before = planned_count()
    rids = [ids.resident_id(place_order, f"A{n}") for n in range(1, 7)]
    rids += [ids.resident_id(place_order, "A99"), ids.resident_id(other, "B1")]
    for rid in rids:
        same_answer(clients[role], RESIDENT, {"id": rid})
    assert planned_count() - before == len(rids)
