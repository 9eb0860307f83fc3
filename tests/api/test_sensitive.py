"""Sensitive fields: served to staff and admins only, and every read leaves an access-log entry."""

from graph import ids

READ = "query($id: ID!) { resident(id: $id) { name healthNotes emergencyContact { name phone } } }"
LOG = """query($c: String!, $r: ID) { accessLog(community: $c, residentId: $r) {
  residentId fields actor actorRole requestId tokenId } }"""


def test_staff_read_is_served_and_logged(app, authorized_client, seeded):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=seeded, label="社区工作人员") as staff:
        answer = staff.post("/graphql", json={"query": READ, "variables": {"id": a1}})
        log = staff.post("/graphql", json={"query": LOG, "variables": {"c": seeded, "r": a1}}).json()
    resident = answer.json()["data"]["resident"]
    assert resident["healthNotes"] == "高血压" and resident["emergencyContact"] is None
    entries = log["data"]["accessLog"]
    assert len(entries) == 1
    assert entries[0]["fields"] == ["emergencyContact", "healthNotes"]
    assert (entries[0]["actor"], entries[0]["actorRole"]) == ("社区工作人员", "staff")
    assert entries[0]["requestId"] == answer.headers["X-Request-ID"] and entries[0]["tokenId"]


def test_no_sensitive_field_no_log_entry(app, authorized_client, seeded):
    with authorized_client(app, role="staff", community=seeded) as staff:
        staff.post(
            "/graphql",
            json={
                "query": "query($c: String!) { residents(community: $c, first: 100) { edges { node { name age } } } }",
                "variables": {"c": seeded},
            },
        )
        log = staff.post("/graphql", json={"query": LOG, "variables": {"c": seeded}}).json()
    assert log["data"]["accessLog"] == []


def test_other_communities_read_nothing_and_log_nothing(app, authorized_client, seeded, demo_community):
    a1 = ids.resident_id(seeded, "A1")
    with authorized_client(app, role="staff", community=demo_community) as stranger:
        assert stranger.post("/graphql", json={"query": READ, "variables": {"id": a1}}).json() == {
            "data": {"resident": None}
        }
        refused = stranger.post("/graphql", json={"query": LOG, "variables": {"c": seeded}}).json()
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    with authorized_client(app, role="staff", community=seeded) as staff:
        assert staff.post("/graphql", json={"query": LOG, "variables": {"c": seeded}}).json()["data"]["accessLog"] == []


def test_many_reads_one_round_trip_each_logged(app, authorized_client, seeded):
    query = """query($c: String!) { residents(community: $c, first: 100) { edges { node { id healthNotes } } } }"""
    with authorized_client(app) as admin:
        nodes = [
            e["node"]
            for e in admin.post("/graphql", json={"query": query, "variables": {"c": seeded}}).json()["data"][
                "residents"
            ]["edges"]
        ]
        log = admin.post("/graphql", json={"query": LOG, "variables": {"c": seeded}}).json()["data"]["accessLog"]
    assert len(nodes) == 5
    assert sorted(e["residentId"] for e in log) == sorted(n["id"] for n in nodes)
    assert {e["actorRole"] for e in log} == {"admin"} and all(e["fields"] == ["healthNotes"] for e in log)
