"""Every mutation over HTTP, with good and bad input: typed answers, never a 500, nothing half-done."""

from graph import ids
from tests.cli.test_import import snapshot

RESULT = "__typename ... on NotFound { kind id } ... on Invalid { field reason } ... on Conflict { reason }"


def rid(community, local):
    return ids.resident_id(community, local)


def call(client, query, **variables):
    answer = client.post("/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def unchanged(store, community, client, query, **variables):
    """Run a mutation that must fail; return its typed answer after checking nothing changed."""
    before = snapshot(store, community)
    result = call(client, query, **variables)
    assert snapshot(store, community) == before
    return result


REGISTER = f"""mutation($input: RegisterResidentInput!) {{ registerResident(input: $input) {{
  ... on ResidentPayload {{ resident {{ id name age household {{ room }} building {{ number }} }} }} {RESULT} }} }}"""


def new_resident(community, **over):
    data = {
        "community": community,
        "residentId": "N1",
        "name": "赵淑珍",
        "birthDate": "1945-02-03",
        "address": {"grid": "1", "building": "1", "unit": "2", "room": "202"},
        "livesAlone": True,
    }
    return {**data, **over}


def test_register_resident(store, client, seeded):
    done = call(client, REGISTER, input=new_resident(seeded))
    assert done["__typename"] == "ResidentPayload"
    assert done["resident"]["household"]["room"] == "202" and done["resident"]["building"]["number"] == "1"
    again = unchanged(store, seeded, client, REGISTER, input=new_resident(seeded))
    assert again["__typename"] == "Conflict"
    future = unchanged(
        store, seeded, client, REGISTER, input=new_resident(seeded, residentId="N2", birthDate="2099-01-01")
    )
    assert future["__typename"] == "Invalid" and future["field"] == "birthDate"
    nowhere = unchanged(
        store,
        seeded,
        client,
        REGISTER,
        input=new_resident(seeded, residentId="N3", address={"grid": "1", "building": "99", "unit": "1", "room": "1"}),
    )
    assert nowhere["__typename"] == "NotFound"


def test_update_and_clear(store, client, seeded):
    query = f"""mutation($input: UpdateResidentInput!) {{ updateResident(input: $input) {{
      ... on ResidentPayload {{ resident {{ name careCapacity livesAlone }} }} {RESULT} }} }}"""
    done = call(client, query, input={"id": rid(seeded, "A1"), "name": "王秀英", "careCapacity": 3})
    assert done["resident"] == {"name": "王秀英", "careCapacity": 3, "livesAlone": True}
    cleared = call(client, query, input={"id": rid(seeded, "A1"), "careCapacity": None})
    assert cleared["resident"]["careCapacity"] is None
    missing = unchanged(store, seeded, client, query, input={"id": rid(seeded, "ZZ"), "name": "x"})
    assert missing["__typename"] == "NotFound"


def test_move_and_remove(store, client, seeded):
    move = f"""mutation($id: ID!, $to: AddressInput!) {{ moveResident(id: $id, to: $to) {{
      ... on ResidentPayload {{ resident {{ household {{ room }} unit {{ number }} }} }} {RESULT} }} }}"""
    done = call(client, move, id=rid(seeded, "A3"), to={"grid": "1", "building": "1", "unit": "1", "room": "105"})
    assert done["resident"] == {"household": {"room": "105"}, "unit": {"number": "1"}}
    wrong_grid = unchanged(
        store, seeded, client, move, id=rid(seeded, "A3"), to={"grid": "2", "building": "1", "unit": "1", "room": "105"}
    )
    assert wrong_grid["__typename"] == "Invalid"
    remove = f"""mutation($id: ID!, $on: Date!) {{ removeResident(id: $id, reason: DECEASED, on: $on) {{
      ... on RemovalPayload {{ resident {{ status leftOn }} endedCare {{ kind }} vacatedPosts {{ role }} }}
      {RESULT} }} }}"""
    gone = call(client, remove, id=rid(seeded, "A2"), on="2026-01-02")
    assert gone["resident"] == {"status": "DECEASED", "leftOn": "2026-01-02"}
    assert [p["role"] for p in gone["vacatedPosts"]] == ["GRID_LEADER"]
    assert [c["kind"] for c in gone["endedCare"]] == ["RESPONSIBILITY"]
    twice = unchanged(store, seeded, client, remove, id=rid(seeded, "A2"), on="2026-01-02")
    assert twice["__typename"] == "Invalid"


CARE = f"""mutation($input: AddCareInput!) {{ addCare(input: $input) {{
  ... on CarePayload {{ care {{ kind active caregiver {{ name }} recipient {{ name }} }} }} {RESULT} }} }}"""


def test_add_and_end_care(store, client, seeded):
    done = call(client, CARE, input={"caregiverId": rid(seeded, "A5"), "recipientId": rid(seeded, "A1")})
    assert done["care"] == {
        "kind": "RESPONSIBILITY",
        "active": True,
        "caregiver": {"name": "刘凤霞"},
        "recipient": {"name": "王秀英"},
    }
    dup = unchanged(
        store, seeded, client, CARE, input={"caregiverId": rid(seeded, "A5"), "recipientId": rid(seeded, "A1")}
    )
    assert dup["__typename"] == "Conflict"
    selfcare = unchanged(
        store, seeded, client, CARE, input={"caregiverId": rid(seeded, "A5"), "recipientId": rid(seeded, "A5")}
    )
    assert selfcare["__typename"] == "Invalid" and selfcare["field"] == "recipientId"
    ghost = unchanged(
        store, seeded, client, CARE, input={"caregiverId": rid(seeded, "NOPE"), "recipientId": rid(seeded, "A1")}
    )
    assert ghost["__typename"] == "NotFound" and ghost["id"] == rid(seeded, "NOPE")
    end = f"""mutation($a: ID!, $b: ID!) {{ endCare(caregiverId: $a, recipientId: $b, kind: RESPONSIBILITY,
      on: "2026-01-01") {{ ... on CarePayload {{ care {{ until }} }} {RESULT} }} }}"""
    assert call(client, end, a=rid(seeded, "A5"), b=rid(seeded, "A1"))["care"]["until"] == "2026-01-01"
    assert unchanged(store, seeded, client, end, a=rid(seeded, "A5"), b=rid(seeded, "A1"))["__typename"] == "NotFound"


def test_assign_and_vacate_posts(store, client, seeded):
    assign = f"""mutation($r: ID!, $post: PostInput!) {{ assignPost(residentId: $r, post: $post) {{
      ... on AssignmentPayload {{ post {{ role post resident {{ name }} }} replaced {{ name }} }} {RESULT} }} }}"""
    building = {"community": seeded, "role": "BUILDING_LEADER", "building": "2"}
    done = call(client, assign, r=rid(seeded, "A4"), post=building)
    assert done["replaced"] == {"name": "刘凤霞"} and done["post"]["resident"]["name"].startswith("O'Brien")
    held = unchanged(store, seeded, client, assign, r=rid(seeded, "A4"), post=building)
    assert held["__typename"] == "Conflict"
    no_unit = unchanged(
        store,
        seeded,
        client,
        assign,
        r=rid(seeded, "A1"),
        post={"community": seeded, "role": "UNIT_LEADER", "building": "2"},
    )
    assert no_unit["__typename"] == "Invalid" and no_unit["field"] == "unit"
    vacate = f"""mutation($post: PostInput!) {{ vacatePost(post: $post) {{
      ... on VacancyPayload {{ vacatedBy {{ residentId }} }} {RESULT} }} }}"""
    assert call(client, vacate, post=building)["vacatedBy"] == {"residentId": "A4"}
    assert unchanged(store, seeded, client, vacate, post=building)["__typename"] == "NotFound"


def test_join_and_leave_teams(store, client, seeded):
    join = f"""mutation($r: ID!, $t: String!) {{ joinTeam(residentId: $r, team: $t) {{
      ... on MembershipPayload {{ team {{ name }} resident {{ name }} }} {RESULT} }} }}"""
    leave = f"""mutation($r: ID!, $t: String!) {{ leaveTeam(residentId: $r, team: $t) {{
      ... on MembershipPayload {{ team {{ name }} }} {RESULT} }} }}"""
    assert call(client, join, r=rid(seeded, "A1"), t="助老服务队")["team"] == {"name": "助老服务队"}
    assert unchanged(store, seeded, client, join, r=rid(seeded, "A1"), t="助老服务队")["__typename"] == "Conflict"
    assert call(client, leave, r=rid(seeded, "A1"), t="助老服务队")["team"] == {"name": "助老服务队"}
    assert unchanged(store, seeded, client, leave, r=rid(seeded, "A1"), t="助老服务队")["__typename"] == "NotFound"


def test_invalid_graphql_arguments_are_errors_not_500s(client, seeded):
    answer = client.post(
        "/graphql",
        json={"query": 'mutation { removeResident(id: "x", reason: GONE, on: "2026-01-01") { __typename } }'},
    )
    assert answer.status_code == 200 and "GONE" in answer.json()["errors"][0]["message"]
    bad_date = client.post(
        "/graphql",
        json={
            "query": CARE,
            "variables": {
                "input": {"caregiverId": rid(seeded, "A5"), "recipientId": rid(seeded, "A1"), "since": "2026-13-01"}
            },
        },
    )
    assert bad_date.status_code == 200 and bad_date.json()["errors"]
