"""What a hostile caller tried, answered as it should be: refused early, a 4xx or a typed answer, nothing leaked.

Each case is one found by an attacker's review of the service (queries that stall
the server, bodies and inputs that gave a 500, answers that told of people out of
reach); the expected answer is the one the service now gives.
"""

from __future__ import annotations

import threading

import pytest

from api.app import create_app
from api.settings import Settings
from graph import ids
from graph.mutations import Scope, add_care, assign_post
from tests.api.conftest import gql


def fan_out(levels: int) -> str:
    """Ten fragments each spreading the next ten times: 10^levels fields in 1 kB."""
    fragments = "".join(
        f"fragment F{i} on Resident {{ " + " ".join([f"...F{i + 1}"] * 10) + " name }" for i in range(levels)
    )
    return fragments + f' fragment F{levels} on Resident {{ id }} {{ resident(id: "x") {{ ...F0 }} }}'


def codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or ()]


# --- work bounded before it is done --------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [7, 10])
def test_fragment_fan_out_is_priced_not_expanded(client, levels):
    body = gql(client, fan_out(levels))
    assert codes(body) == ["BAD_USER_INPUT"] and "too expensive" in body["errors"][0]["message"], body
    assert client.get("/livez").status_code == 200


def test_lists_without_first_are_priced_at_their_size(client, demo_community):
    query = """query($c: String!) { residents(community: $c, first: 30) { edges { node { unit { households {
      residents { unit { households { residents { name } } } } } } } } } }"""
    body = gql(client, query, c=demo_community)
    assert codes(body) == ["BAD_USER_INPUT"] and "too expensive" in body["errors"][0]["message"], body


def test_a_fragment_that_spreads_itself_is_refused(client):
    body = gql(client, 'fragment A on Resident { ...A } { resident(id: "x") { ...A } }')
    assert codes(body) == ["BAD_USER_INPUT"] and "spreads itself" in body["errors"][0]["message"]


def test_a_query_past_its_deadline_is_stopped(store, authorized_client, demo_community, tmp_path):
    from tests.api.test_graphql_read import TREE

    app = create_app(Settings(home=tmp_path, query_deadline=0.001), store=store)
    with authorized_client(app) as client:
        body = gql(client, TREE, name=demo_community)
    assert body["data"] is None and codes(body) == ["DEADLINE_EXCEEDED"], body
    assert "took longer than" in body["errors"][0]["message"]


# --- bad bodies and inputs: 4xx or typed answers, never 500 ------------------------------------------------------


@pytest.mark.parametrize(
    "body, says",
    [
        (b'"x"', "must be a JSON object"),
        (b"123", "must be a JSON object"),
        (b"null", "must be a JSON object"),
        (b'{"query": "{ communities { name } }", "x": "\xff\xfe"}', "not valid UTF-8"),
        (b'{"query": "{ a }", "variables": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested deeper than"),
        (b'{"query": 5}', "query must be a string"),
        (b'{"query": "{ a }", "variables": [1]}', "variables must be an object"),
        (b'{"query": "{ a ', "not valid JSON"),
    ],
)
def test_bodies_that_are_not_an_operation_are_400(client, body, says):
    answer = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and says in answer.json()["error"], answer.text


@pytest.mark.parametrize(
    "query, variables",
    [
        ('query($c: String!) { community(name: $c) { stats(asOf: "0012-02-03") { elders } } }', {}),
        ('query($c: String!) { residents(community: $c, filter: {asOf: "0001-01-01", minAge: 1}) { totalCount } }', {}),
        ("query($c: String!) { residents(community: $c, filter: {minAge: -2147483648}) { totalCount } }", {}),
        ("query($c: String!) { residents(community: $c, filter: {maxAge: 2147483647}) { totalCount } }", {}),
        (
            "query($c: String!, $n: String) { residents(community: $c, filter: {nameContains: $n}) { totalCount } }",
            {"n": "名" * 3000},
        ),
        ('query($c: String!) { residents(community: $c, filter: {team: "' + "队" * 100 + '"}) { totalCount } }', {}),
        ('query($id: ID!) { resident(id: $id) { age(asOf: "1900-01-01") } }', {"id": "A1"}),
    ],
)
def test_valid_shapes_with_bad_values_are_bad_user_input(client, seeded, query, variables):
    values = {"c": seeded, **variables}
    if "id" in values:
        values["id"] = ids.resident_id(seeded, values["id"])
    body = gql(client, query, **values)
    assert codes(body) == ["BAD_USER_INPUT"], body


def test_service_roles_of_a_grid_list_in_the_domains_order(client, demo_community):
    query = 'query($c: String!) { community(name: $c) { grid(number: "4") { serviceRoles { role } } } }'
    body = gql(client, query, c=demo_community)
    roles = [r["role"] for r in body["data"]["community"]["grid"]["serviceRoles"]]
    assert len(roles) >= 2 and roles == sorted(roles, key=lambda r: EIGHT.index(r)), body


EIGHT = [
    "SECURITY_PATROLLER",
    "ENVIRONMENT_KEEPER",
    "DISPUTE_MEDIATOR",
    "NEIGHBOUR_WATCHER",
    "LIFE_ADVISER",
    "POLITICAL_PUBLICIST",
    "SCIENCE_COMMUNICATOR",
    "CULTURE_SPORTS_ORGANISER",
]

REGISTER = """mutation($i: RegisterResidentInput!) { registerResident(input: $i) {
  __typename ... on Invalid { field reason } ... on ResidentPayload { resident { residentId name } } } }"""


def new(seeded, **fields):
    address = {"grid": "1", "building": "1", "unit": "1", "room": "108"}
    return {"community": seeded, "name": "赵丽", "birthDate": "1945-02-03", "address": address, **fields}


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "名" * 51}, "name"),
        ({"residentId": "X" * 41}, "residentId"),
        ({"phone": "1" * 31}, "phone"),
        ({"address": {"grid": "1", "building": "1", "unit": "1", "room": "室" * 41}}, "address.room"),
    ],
)
def test_texts_over_their_length_are_invalid_and_change_nothing(client, seeded, fields, field):
    answer = gql(client, REGISTER, i=new(seeded, **fields))["data"]["registerResident"]
    assert answer["__typename"] == "Invalid" and answer["field"] == field and "at most" in answer["reason"]


def test_huge_texts_are_refused_before_anything_runs(client, seeded):
    body = gql(client, REGISTER, i=new(seeded, name="名" * 3000))
    assert codes(body) == ["BAD_USER_INPUT"] and "at most 1000 are accepted" in body["errors"][0]["message"]
    team = "mutation($id: ID!, $t: String!) { joinTeam(residentId: $id, team: $t) { __typename } }"
    body = gql(client, team, id=ids.resident_id(seeded, "A1"), t="队" * 2800)
    assert codes(body) == ["BAD_USER_INPUT"]


# --- production says no more than it must -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def production(store, tmp_path_factory, authorized_client):
    settings = Settings(home=tmp_path_factory.mktemp("home"), mode="production", token_key="k" * 40)
    with authorized_client(create_app(settings, store=store)) as client:
        yield client


@pytest.mark.parametrize(
    "query, variables",
    [
        ("{ communitie { name } }", {}),  # a field
        ('{ residents(community: "x", filtr: {}) { totalCount } }', {}),  # an argument
        ('{ residents(community: "x", orderBy: {by: NAM}) { totalCount } }', {}),  # an enum value
        ('{ residents(community: "x", filter: {livesAlon: true}) { totalCount } }', {}),  # an input field
        ("query($f: ResidentFiltr) { communities { name } }", {}),  # a type
        (
            'query($o: ResidentOrder) { residents(community: "x", orderBy: $o) { totalCount } }',
            {"o": {"by": "NAM"}},
        ),  # an enum value in a variable
    ],
)
def test_production_suggests_no_names(production, query, variables):
    body = gql(production, query, **variables)
    assert body["errors"], body
    assert all("Did you mean" not in e["message"] for e in body["errors"]), body


# --- nothing of what lies out of reach shows ---------------------------------------------------------------------


def test_a_leader_cannot_probe_which_ids_exist(app, authorized_client, seeded):
    with authorized_client(app, role="grid_leader", community=seeded, scope="grid:1") as leader:
        taken = gql(leader, REGISTER, i=new(seeded, residentId="A4"))["data"]["registerResident"]  # out of reach
        free = gql(leader, REGISTER, i=new(seeded, residentId="NOBODY"))["data"]["registerResident"]
    assert (
        taken
        == free
        == {
            "__typename": "Invalid",
            "field": "residentId",
            "reason": "ids of new residents are chosen by community staff: leave residentId out and one is generated",
        }
    )


FILTER = (
    "query($c: String!, $h: Boolean) { residents(community: $c, filter: {hasCaregiver: $h}) { edges { node {"
    " residentId } } } }"
)


def test_a_caregiver_out_of_reach_does_not_count_for_a_leader(store, app, authorized_client, seeded):
    add_care(store, ids.resident_id(seeded, "A4"), ids.resident_id(seeded, "A3"), kind="neighbour")  # A4: grid 2
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        cared = gql(leader, FILTER, c=seeded, h=True)["data"]["residents"]["edges"]
        uncared = gql(leader, FILTER, c=seeded, h=False)["data"]["residents"]["edges"]
    assert cared == [] and uncared == [{"node": {"residentId": "A3"}}]
    with authorized_client(app, role="staff", community=seeded) as staff:  # staff see the care: A3 is cared for
        assert {"node": {"residentId": "A3"}} in gql(staff, FILTER, c=seeded, h=True)["data"]["residents"]["edges"]


PARTY = """query($c: String!) { community(name: $c) { partyCommittee { branches { gridNumber groups { name
  building { number } } } } } }"""


def test_a_leader_sees_the_party_branches_and_groups_of_their_places_only(app, authorized_client, demo_community):
    with authorized_client(app, role="unit_leader", community=demo_community, scope="unit:5-1") as leader:
        branches = gql(leader, PARTY, c=demo_community)["data"]["community"]["partyCommittee"]["branches"]
    with authorized_client(app, role="staff", community=demo_community) as staff:
        everyone = gql(staff, PARTY, c=demo_community)["data"]["community"]["partyCommittee"]["branches"]
    assert len(everyone) == 10 and len(branches) == 1
    groups = branches[0]["groups"]
    assert groups and all(g["building"] == {"number": "5"} for g in groups)


def test_a_leader_changes_nobody_who_holds_a_post_outside_their_scope(store, app, authorized_client, seeded):
    a3 = ids.resident_id(seeded, "A3")  # lives in unit 1-2, and now leads grid 2 (B)
    assign_post(store, a3, Scope(seeded, "grid_leader", grid="2"), post="B")
    update = (
        'mutation($id: ID!) { updateResident(input: {id: $id, phone: "1"}) { __typename ... on Conflict { reason } } }'
    )
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        answer = gql(leader, update, id=a3)["data"]["updateResident"]
    assert answer["__typename"] == "Conflict" and "outside the caller's scope" in answer["reason"]
    with authorized_client(app, role="staff", community=seeded) as staff:
        assert gql(staff, update, id=a3)["data"]["updateResident"]["__typename"] == "ResidentPayload"


def test_metrics_are_for_the_host_and_admins(app, authorized_client, seeded):
    from fastapi.testclient import TestClient

    volunteer = {"role": "volunteer", "community": seeded, "resident": "A2"}
    with authorized_client(app, **volunteer) as near:
        assert near.get("/metrics").status_code == 200  # from the host itself: its monitoring
    with authorized_client(app, address="203.0.113.9", **volunteer) as far:
        refused = far.get("/metrics")
    assert refused.status_code == 403 and "admins" in refused.json()["error"]
    with authorized_client(app, address="203.0.113.9") as admin:
        assert admin.get("/metrics").status_code == 200
    with TestClient(app, client=("203.0.113.9", 40000)) as anonymous:
        assert anonymous.get("/metrics").status_code == 401


def test_operations_run_off_the_servers_loop(client, monkeypatch):
    from schema.context import Context

    threads = []
    real = Context.run

    async def spy(self, fn, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(Context, "run", spy)
    assert "errors" not in gql(client, "{ communities { name } }")
    assert threads == ["gridcare-graphql"]  # the worker's loop, not the one serving HTTP (and /livez)
