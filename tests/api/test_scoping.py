"""Row-level scope: staff see their own community; leaders their grid, building or unit;
volunteers themselves and the people they care for. Anything else behaves as if it
did not exist: the same answer as a made-up id, left out of lists, and refused
(as missing) by mutations.

The seeded community (`tests/cli/test_import.py`): grid 1 holds building 1 with
unit 1 (A1 in 101, A2 in 102) and unit 2 (A3 in 201); grid 2 holds building 2,
unit 1 (A4 in 301, A5 in 302). A2 cares for A1 (包保, active); A5's care of A3
ended in 2024. Only A1 has health notes (高血压).
"""

import json
import re

from graph import ids
from tests.api.conftest import gql
from tests.cli.test_import import snapshot

RESIDENT = "query($id: ID!) { resident(id: $id) { name } }"
ADD_CARE = """mutation($a: ID!, $b: ID!) { addCare(input: {caregiverId: $a, recipientId: $b}) {
  __typename ... on NotFound { message kind id } } }"""


def test_staff_reads_only_their_community(app, authorized_client, demo_community, seeded):
    other = ids.resident_id(demo_community, "R00001")
    with authorized_client(app, role="staff", community=seeded) as staff:
        names = [c["name"] for c in gql(staff, "{ communities { name } }")["data"]["communities"]]
        assert names == [seeded]
        assert gql(staff, RESIDENT, id=ids.resident_id(seeded, "A1"))["data"]["resident"]["name"] == "王秀英"
        assert gql(staff, RESIDENT, id=other) == gql(staff, RESIDENT, id=f"{seeded}/r/NOBODY")
        assert gql(staff, "query($c: String!) { community(name: $c) { name } }", c=demo_community) == {
            "data": {"community": None}
        }
        hidden = gql(staff, "query($c: String!) { residents(community: $c) { totalCount } }", c=demo_community)
        missing = gql(staff, '{ residents(community: "没有这个社区") { totalCount } }')
        assert hidden["errors"][0]["message"].replace(demo_community, "X") == missing["errors"][0]["message"].replace(
            "没有这个社区", "X"
        )
        audit = gql(staff, "query($c: String!) { coverageAudit(community: $c) { community } }", c=demo_community)
        assert audit["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_staff_cannot_change_another_community(store, app, authorized_client, demo_community, seeded):
    a = ids.resident_id(demo_community, "R00001")
    b = ids.resident_id(demo_community, "R00002")
    before = snapshot(store, demo_community)
    with authorized_client(app, role="staff", community=seeded) as staff:
        refused = gql(staff, ADD_CARE, a=a, b=b)["data"]["addCare"]
        assign = gql(
            staff,
            """mutation($c: String!) { assignPost(residentId: "x", post: {community: $c,
          role: GRID_LEADER, grid: "1"}) { __typename } }""",
            c=demo_community,
        )["data"]["assignPost"]
    assert refused == {"__typename": "NotFound", "message": f"no resident {a!r}", "kind": "resident", "id": a}
    assert assign == {"__typename": "NotFound"}
    assert snapshot(store, demo_community) == before


TREE = """query($c: String!) { community(name: $c) { name grids { number buildings { number units { number
  households { room residents { residentId } } } } } } }"""
NAMES = """query($c: String!) { residents(community: $c, first: 100) { totalCount edges { node { residentId } } } }"""
NOTES = "query($id: ID!) { resident(id: $id) { residentId healthNotes } }"
UPDATE = """mutation($id: ID!) { updateResident(input: {id: $id, livesAlone: true}) {
  __typename ... on NotFound { message kind id } ... on ResidentPayload { resident { livesAlone } } } }"""
REGISTER = """mutation($c: String!, $u: String!, $room: String!) { registerResident(input: {community: $c,
  name: "新人", birthDate: "1950-01-01",
  address: {grid: "1", building: "1", unit: $u, room: $room}}) {
  __typename ... on NotFound { message kind id } ... on ResidentPayload { resident { residentId } } } }"""
ASSIGN = """mutation($c: String!, $r: ID!) { assignPost(residentId: $r, post: {community: $c, role: GRID_LEADER,
  grid: "1", post: B}) { __typename ... on NotFound { message kind id } } }"""
LOG = "query($c: String!) { accessLog(community: $c) { residentId actorRole fields } }"


def tree(client, community):
    """{(grid, building, unit, room): [resident ids]} of what the caller sees of the community."""
    found = gql(client, TREE, c=community)["data"]["community"]
    return {
        (g["number"], b["number"], u["number"], h["room"]): [r["residentId"] for r in h["residents"]]
        for g in found["grids"]
        for b in g["buildings"]
        for u in b["units"]
        for h in u["households"]
    }


def listed(client, community):
    page = gql(client, NAMES, c=community)["data"]["residents"]
    assert page["totalCount"] == len(page["edges"])
    return sorted(e["node"]["residentId"] for e in page["edges"])


def notes(client, community, local):
    return gql(client, NOTES, id=ids.resident_id(community, local))["data"]["resident"]


def answer_for(client, query, **variables):
    """The answer with the made-up or hidden id replaced, to compare the two."""
    return json.dumps(gql(client, query, **variables), ensure_ascii=False)


def test_unit_leader_sees_only_their_unit(app, authorized_client, seeded):
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        assert tree(leader, seeded) == {("1", "1", "2", "201"): ["A3"]}
        assert listed(leader, seeded) == ["A3"]
        assert notes(leader, seeded, "A3") == {"residentId": "A3", "healthNotes": None}  # none recorded
        hidden = answer_for(leader, RESIDENT, id=ids.resident_id(seeded, "A1"))
        missing = answer_for(leader, RESIDENT, id=ids.resident_id(seeded, "NOBODY"))
        assert hidden == missing == json.dumps({"data": {"resident": None}})
        teams = gql(
            leader,
            "query($c: String!) { community(name: $c) { volunteerTeams { name memberCount members { residentId } } } }",
            c=seeded,
        )["data"]["community"]["volunteerTeams"]
        assert {t["name"]: (t["memberCount"], t["members"]) for t in teams} == {
            "巡逻队": (0, []),
            "法律援助队": (0, []),
        }


def test_grid_leader_reads_their_elders_health_notes_and_it_is_logged(app, authorized_client, seeded):
    with authorized_client(
        app, role="grid_leader", community=seeded, scope="grid:1", resident=ids.resident_id(seeded, "A2")
    ) as leader:
        assert tree(leader, seeded) == {
            ("1", "1", "1", "101"): ["A1"],
            ("1", "1", "1", "102"): ["A2"],
            ("1", "1", "2", "201"): ["A3"],
        }
        assert listed(leader, seeded) == ["A1", "A2", "A3"]
        assert notes(leader, seeded, "A1") == {"residentId": "A1", "healthNotes": "高血压"}
        assert notes(leader, seeded, "A4") is None
        assert gql(leader, LOG, c=seeded)["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # the log: staff only
        audit = gql(leader, "query($c: String!) { coverageAudit(community: $c) { community } }", c=seeded)
        assert audit["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # audits name everyone: staff only
    with authorized_client(app, role="staff", community=seeded) as staff:
        log = gql(staff, LOG, c=seeded)["data"]["accessLog"]
    assert log == [{"residentId": ids.resident_id(seeded, "A1"), "actorRole": "grid_leader", "fields": ["healthNotes"]}]


def test_volunteer_sees_those_they_care_for_and_themselves(app, authorized_client, seeded):
    with authorized_client(app, role="volunteer", community=seeded, resident=ids.resident_id(seeded, "A2")) as a2:
        assert notes(a2, seeded, "A1") == {"residentId": "A1", "healthNotes": "高血压"}
        assert notes(a2, seeded, "A2") == {"residentId": "A2", "healthNotes": None}
        assert notes(a2, seeded, "A3") is None
        assert listed(a2, seeded) == ["A1", "A2"]
        assert tree(a2, seeded) == {("1", "1", "1", "101"): ["A1"], ("1", "1", "1", "102"): ["A2"]}
        cared = gql(
            a2,
            "query($id: ID!) { resident(id: $id) { careRecipients { residentId } } }",
            id=ids.resident_id(seeded, "A2"),
        )["data"]["resident"]["careRecipients"]
        assert cared == [{"residentId": "A1"}]
    with authorized_client(app, role="volunteer", community=seeded, resident=ids.resident_id(seeded, "A5")) as a5:
        assert notes(a5, seeded, "A1") is None
        assert notes(a5, seeded, "A3") is None  # A5's care of A3 ended in 2024
        assert listed(a5, seeded) == ["A5"]
    with authorized_client(app, role="staff", community=seeded) as staff:
        log = gql(staff, LOG, c=seeded)["data"]["accessLog"]
    assert sorted((e["residentId"], e["actorRole"]) for e in log) == [  # their own record's read is logged too
        (ids.resident_id(seeded, "A1"), "volunteer"),
        (ids.resident_id(seeded, "A2"), "volunteer"),
    ]


def test_leader_changes_only_within_their_scope(store, app, authorized_client, seeded):
    a1, a3 = ids.resident_id(seeded, "A1"), ids.resident_id(seeded, "A3")
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        before = snapshot(store, seeded)  # the token is part of it
        hidden = gql(leader, UPDATE, id=a1)["data"]["updateResident"]
        missing = gql(leader, UPDATE, id=ids.resident_id(seeded, "NOBODY"))["data"]["updateResident"]
        elsewhere = gql(leader, REGISTER, c=seeded, u="1", room="103")["data"]["registerResident"]
        post = gql(leader, ASSIGN, c=seeded, r=a3)["data"]["assignPost"]
        assert snapshot(store, seeded) == before
        assert hidden == {**missing, "message": f"no resident {a1!r}", "id": a1}
        assert hidden["__typename"] == "NotFound"
        unit_1 = ids.unit_id(seeded, "1", "1")
        assert elsewhere == {"__typename": "NotFound", "message": f"no unit {unit_1!r}", "kind": "unit", "id": unit_1}
        grid_1 = ids.grid_id(seeded, "1")
        assert post == {"__typename": "NotFound", "message": f"no grid {grid_1!r}", "kind": "grid", "id": grid_1}

        assert gql(leader, UPDATE, id=a3)["data"]["updateResident"] == {
            "__typename": "ResidentPayload",
            "resident": {"livesAlone": True},
        }
        made = gql(leader, REGISTER, c=seeded, u="2", room="202")["data"]["registerResident"]
        assert made["__typename"] == "ResidentPayload" and re.fullmatch(
            r"N[0-9A-F]{10}", made["resident"]["residentId"]
        )
        assert listed(leader, seeded) == ["A3", made["resident"]["residentId"]]


def test_volunteers_change_nothing(store, app, authorized_client, seeded):
    with authorized_client(app, role="volunteer", community=seeded, resident=ids.resident_id(seeded, "A2")) as a2:
        before = snapshot(store, seeded)
        refused = gql(a2, UPDATE, id=ids.resident_id(seeded, "A1"))
        assert snapshot(store, seeded) == before
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


STAFF_ASSIGN = """mutation($c: String!, $r: ID!) { assignPost(residentId: $r, post: {community: $c, role: UNIT_LEADER,
  building: "1", unit: "2", post: B}) { __typename } }"""
VACATE = """mutation($c: String!) { vacatePost(post: {community: $c, role: UNIT_LEADER, building: "1", unit: "2",
  post: B}) { __typename ... on VacancyPayload { post { post } vacatedBy { residentId } } } }"""
UNIT_LEADERS = """query($c: String!) { community(name: $c) { grid(number: "1") { buildings { units { number
  leaders { post resident { residentId } } } } } } }"""


def test_what_lies_out_of_reach_stays_out_of_payloads_and_lists(app, authorized_client, seeded):
    """A5 (building 2) holds post B of unit 1-2: that unit's leader sees neither A5 in the unit's posts
    nor as whom the vacancy removed; the relationships of A3 with A5 stay out of A3's lists."""
    a3, a5 = ids.resident_id(seeded, "A3"), ids.resident_id(seeded, "A5")
    with authorized_client(app, role="staff", community=seeded) as staff:
        assert gql(staff, STAFF_ASSIGN, c=seeded, r=a5)["data"]["assignPost"] == {"__typename": "AssignmentPayload"}
        whole = gql(staff, "query($id: ID!) { resident(id: $id) { careReceived { kind } } }", id=a3)
        assert whole["data"]["resident"]["careReceived"] == [{"kind": "NEIGHBOUR"}]  # A5's, ended in 2024
        assert gql(staff, "query($c: String!) { community(name: $c) { stats { residents } } }", c=seeded)["data"][
            "community"
        ]["stats"] == {"residents": 5}
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2") as leader:
        units = gql(leader, UNIT_LEADERS, c=seeded)["data"]["community"]["grid"]["buildings"][0]["units"]
        assert units == [{"number": "2", "leaders": []}]
        scoped = gql(leader, "query($id: ID!) { resident(id: $id) { careReceived { kind } } }", id=a3)
        assert scoped["data"]["resident"]["careReceived"] == []
        assert (
            gql(leader, "query($c: String!) { community(name: $c) { stats { residents } } }", c=seeded)["data"][
                "community"
            ]["stats"]
            is None
        )  # counts on chosen days would tell too much
        vacated = gql(leader, VACATE, c=seeded)["data"]["vacatePost"]
    assert vacated == {"__typename": "VacancyPayload", "post": {"post": "B"}, "vacatedBy": None}


def test_leaders_change_only_those_living_where_they_answer(store, app, authorized_client, seeded):
    a1, a2 = ids.resident_id(seeded, "A1"), ids.resident_id(seeded, "A2")
    remove = """mutation($id: ID!) { removeResident(id: $id, reason: MOVED_OUT, on: "2026-01-02") {
      __typename ... on Conflict { reason } } }"""
    # A unit leader of 1-2 who lives in unit 1-1 sees their own record but may not change it
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-2", resident=a1) as leader:
        before = snapshot(store, seeded)
        assert gql(leader, RESIDENT, id=a1)["data"]["resident"] == {"name": "王秀英"}
        own = gql(leader, UPDATE, id=a1)["data"]["updateResident"]
        assert own["__typename"] == "Conflict"
        issued = gql(
            leader,
            "mutation($id: ID!) { issueQrCode(residentId: $id) { __typename } }",
            id=ids.resident_id(seeded, "A3"),
        )
        assert issued["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # a new code kills the printed card
        assert snapshot(store, seeded) == before
    # the leader of unit 1-1 may not remove A2, who leads grid 1: that post lies outside their scope
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-1") as leader:
        before = snapshot(store, seeded)
        refused = gql(leader, remove, id=a2)["data"]["removeResident"]
        assert refused["__typename"] == "Conflict" and "outside the caller's scope" in refused["reason"]
        assert snapshot(store, seeded) == before
        assert gql(leader, remove, id=a1)["data"]["removeResident"] == {"__typename": "RemovalPayload"}
        assert gql(leader, RESIDENT, id=a1)["data"]["resident"] is None  # gone from the unit: out of reach
