"""Reading the network over GraphQL/HTTP, checked against hand-written Cypher."""

import re

import pytest

from analysis.domain import age_on
from graph.models import to_date
from tests.api.conftest import gql

TREE = """query Tree($name: String!) {
  community(name: $name) {
    name
    grids {
      number
      leaders { post resident { name } }
      buildings {
        number
        units { number households { room residents { name age livesAlone } } }
      }
    }
  }
}"""
ELDERS = """query Elders($name: String!, $first: Int, $after: String) {
  residents(community: $name, filter: {minAge: 80, livesAlone: true}, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name age building { number } caregivers { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def cypher_count(client) -> float:
    text = client.get("/metrics").text
    return sum(float(v) for v in re.findall(r"^gridcare_cypher_queries_total\{[^}]*\} (\S+)$", text, re.M))


def test_tree_matches_the_graph_and_costs_at_most_its_depth(client, driver, database, demo_community, demo_day):
    before = cypher_count(client)
    tree = gql(client, TREE, name=demo_community)["data"]["community"]
    # community, grids, leaders, holders, buildings, units, households, residents; and the bearer-token look-up
    assert cypher_count(client) - before <= 8 + 1
    got = {
        (g["number"], b["number"], u["number"], h["room"], r["name"], r["age"], r["livesAlone"])
        for g in tree["grids"]
        for b in g["buildings"]
        for u in b["units"]
        for h in u["households"]
        for r in h["residents"]
    }
    records, _, _ = driver.execute_query(
        "MATCH (:Community {id: $c})-[:HAS_GRID]->(g)-[:HAS_BUILDING]->(b)-[:HAS_UNIT]->(u)"
        "-[:HAS_HOUSEHOLD]->(h)<-[:LIVES_IN]-(r:Resident {status: 'active'}) "
        "RETURN g.number AS g, b.number AS b, u.number AS u, h.room AS h, r.name AS name, "
        "r.birthDate AS born, r.livesAlone AS alone",
        c=demo_community,
        database_=database,
    )
    expected = {
        (x["g"], x["b"], x["u"], x["h"], x["name"], age_on(to_date(x["born"]), demo_day), x["alone"]) for x in records
    }
    assert got == expected and len(records) > 6900
    assert [g["number"] for g in tree["grids"]] == [str(n) for n in range(1, 11)]
    assert all(len(g["leaders"]) >= 1 and g["leaders"][0]["resident"]["name"] for g in tree["grids"])


def test_elders_paginate_to_the_last_page(client, driver, database, demo_community, demo_day):
    seen, after, pages = [], None, 0
    while True:
        page = gql(client, ELDERS, name=demo_community, first=7, after=after)["data"]["residents"]
        seen += [e["node"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    records, _, _ = driver.execute_query(
        "MATCH (r:Resident {community: $c, status: 'active', livesAlone: true}) RETURN r.id AS id, r.birthDate AS b",
        c=demo_community,
        database_=database,
    )
    expected = {r["id"] for r in records if age_on(to_date(r["b"]), demo_day) >= 80}
    assert [n["id"] for n in seen] == sorted(
        (n["id"] for n in seen), key=lambda i: (next(x["name"] for x in seen if x["id"] == i), i)
    )  # ordered by name, then id
    assert len(seen) == len({n["id"] for n in seen}) == len(expected) == page["totalCount"]
    assert {n["id"] for n in seen} == expected
    assert pages == -(-len(expected) // 7)
    assert all(n["age"] >= 80 and n["building"]["number"] for n in seen)


def test_building_five_elders_are_cared_for_by_its_leader(client, demo_community):
    query = """query($c: String!) { residents(community: $c, filter: {building: "5", livesAlone: true, minAge: 60},
                 first: 50) { totalCount edges { node { caregivers { name posts { role post } } } } } }"""
    page = gql(client, query, c=demo_community)["data"]["residents"]
    assert page["totalCount"] == 7
    for edge in page["edges"]:
        leaders = [c for c in edge["node"]["caregivers"] if {"role": "BUILDING_LEADER", "post": "A"} in c["posts"]]
        assert [c["name"] for c in leaders] == ["刘凤霞"]


def test_sort_by_age_descending_and_filters(client, demo_community):
    query = """query($c: String!) { residents(community: $c, filter: {grid: "3", holdsPost: true},
                 orderBy: {by: AGE, descending: true}, first: 100) {
                 edges { node { age grid { number } posts { role } } } } }"""
    nodes = [e["node"] for e in gql(client, query, c=demo_community)["data"]["residents"]["edges"]]
    ages = [n["age"] for n in nodes]
    assert nodes and ages == sorted(ages, reverse=True)
    assert all(n["grid"]["number"] == "3" and n["posts"] for n in nodes)


def test_links_walk_both_ways(client, demo_community):
    query = """query($c: String!) { residents(community: $c, filter: {building: "5", unit: "1"}, first: 1) {
      edges { node { id household { room unit { number building { number grid { number } } } } } } } }"""
    node = gql(client, query, c=demo_community)["data"]["residents"]["edges"][0]["node"]
    assert node["household"]["unit"]["number"] == "1"
    assert node["household"]["unit"]["building"]["number"] == "5"
    back = gql(
        client, """query($id: ID!) { resident(id: $id) { unit { households { residents { id } } } } }""", id=node["id"]
    )["data"]["resident"]
    assert node["id"] in {r["id"] for h in back["unit"]["households"] for r in h["residents"]}


def test_party_network_and_teams(client, demo_community):
    query = """query($c: String!) { community(name: $c) {
      partyCommittee { branches { gridNumber groups { name building { number } members { partyMember } } } }
      volunteerTeams { name memberCount } } }"""
    c = gql(client, query, c=demo_community)["data"]["community"]
    groups = [g for b in c["partyCommittee"]["branches"] for g in b["groups"]]
    assert len(c["partyCommittee"]["branches"]) == 10 and len(groups) == 24
    assert all(m["partyMember"] for g in groups for m in g["members"])
    patrol = [t for t in c["volunteerTeams"] if t["name"] == "巡逻队"]
    assert len(c["volunteerTeams"]) == 13 and patrol[0]["memberCount"] >= 400


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("first: 101", "first must be between 0 and 100"),
        ('filter: {unit: "1"}', "filter.unit needs filter.building"),
        ("filter: {minAge: 90, maxAge: 80}", "greater than filter.maxAge"),
        ('after: "bm90LWEtY3Vyc29y"', "invalid cursor"),
    ],
)
def test_bad_arguments_get_clear_errors(client, demo_community, arguments, message):
    answer = gql(
        client, f"query($c: String!) {{ residents(community: $c, {arguments}) {{ totalCount }} }}", c=demo_community
    )
    assert answer["data"] is None and message in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_unknown_ids_and_names(client):
    answer = gql(client, '{ residents(community: "没有这个社区") { totalCount } }')
    assert "no community named" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert gql(client, '{ resident(id: "没有/r/X") { name } }') == {"data": {"resident": None}}
    assert gql(client, '{ community(name: "没有这个社区") { name } }') == {"data": {"community": None}}
