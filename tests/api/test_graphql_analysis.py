"""Coverage audits and suggestions over GraphQL agree with the CLI; applying them covers the elders."""

import json

from tests.api.conftest import data

AUDIT = """query($c: String!, $d: Date, $cap: Int!) { coverageAudit(community: $c, asOf: $d, careCapacity: $cap) {
  asOf totals uncoveredElders { residentId name age livesAlone grid building unit room resident { id } }
  overloadedLeaders { residentId name careLoad capacity posts }
  buildingsWithoutLeader { grid building } unitsWithoutLeader { building unit }
  scopesWithoutBackup { role grid building unit } details
  visits { contactRate30d coveredButOverdue inProgramme { high key general } contactRate30dByTier { high key general }
           overdue { residentId name tier lastContact daysSince due caregivers resident { id } } places } } }"""
CADENCE = """query($c: String!, $cadence: CadenceInput) {
  coverageAudit(community: $c, asOf: "2026-11-27", cadence: $cadence) { visits { cadence { high key general } } } }"""
SUGGEST = """query($c: String!, $d: Date, $cap: Int!) {
  assignmentSuggestions(community: $c, asOf: $d, careCapacity: $cap) {
  assignments { elderId caregiverId proximity cost elder { name } caregiver { name } } unassigned totals } }"""
APPLY = """mutation($c: String!, $a: [AssignmentChoice!]!) {
  applyAssignmentSuggestions(community: $c, assignments: $a) {
  __typename ... on AppliedAssignments { created { kind caregiver { residentId } recipient { residentId } } }
  ... on Invalid { field reason } ... on NotFound { id } ... on Conflict { reason } } }"""


def test_audit_agrees_with_the_cli(client, gridcare, demo_community):
    got = data(client, AUDIT, c=demo_community, d="2026-11-27", cap=10)
    cli = json.loads(
        gridcare(
            "audit",
            "--community",
            demo_community,
            "--as-of",
            "2026-11-27",
            "--care-capacity",
            "10",
            "--format",
            "json",
            check=True,
        ).stdout
    )
    assert [e["residentId"] for e in got["uncoveredElders"]] == [e["resident_id"] for e in cli["uncovered_elders"]]
    assert [(o["residentId"], o["careLoad"], o["posts"]) for o in got["overloadedLeaders"]] == [
        (o["resident_id"], o["care_load"], o["posts"]) for o in cli["overloaded_leaders"]
    ]
    assert got["buildingsWithoutLeader"] == cli["buildings_without_leader"]
    assert got["totals"] == cli["totals"]
    assert got["uncoveredElders"] and all(e["resident"]["id"] for e in got["uncoveredElders"])
    visits, expected = got["visits"], cli["visits"]
    assert visits["overdue"] and all(o.pop("resident")["id"] for o in visits["overdue"])
    assert [
        (o["residentId"], o["name"], o["tier"].lower(), o["lastContact"], o["daysSince"], o["due"], o["caregivers"])
        for o in visits["overdue"]
    ] == [tuple(o.values()) for o in expected["overdue"]]
    assert (visits["contactRate30d"], visits["coveredButOverdue"], visits["places"]) == (
        expected["contact_rate_30d"],
        expected["covered_but_overdue"],
        expected["places"],
    )
    assert visits["inProgramme"] == {t: expected["in_programme"][t] for t in ("high", "key", "general")}
    assert visits["contactRate30dByTier"] == expected["contact_rate_30d_by_tier"]
    assert "visits" not in got["details"]


def test_audit_takes_a_cadence_and_refuses_a_bad_one(client, demo_community):
    got = data(client, CADENCE, c=demo_community, cadence={"key": 14})
    assert got["visits"]["cadence"] == {"high": 7, "key": 14, "general": 90}
    body = client.post(
        "/graphql", json={"query": CADENCE, "variables": {"c": demo_community, "cadence": {"high": 0}}}
    ).json()
    assert body["data"] is None and "cadence" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_suggestions_agree_with_the_cli(client, gridcare, demo_community):
    got = data(client, SUGGEST, c=demo_community, d="2026-11-27", cap=12)
    cli = json.loads(
        gridcare(
            "suggest",
            "--community",
            demo_community,
            "--as-of",
            "2026-11-27",
            "--care-capacity",
            "12",
            "--format",
            "json",
            check=True,
        ).stdout
    )
    assert [(a["elderId"], a["caregiverId"], a["cost"]) for a in got["assignments"]] == [
        (a["elder_id"], a["caregiver_id"], a["cost"]) for a in cli["assignments"]
    ]
    assert got["totals"] == cli["totals"] and got["assignments"][0]["elder"]["name"]


def test_applying_suggestions_covers_the_elders(client, seeded):
    suggested = data(client, SUGGEST, c=seeded, d=None, cap=10)
    assert suggested["assignments"], suggested
    choice = [{"elderId": a["elderId"], "caregiverId": a["caregiverId"]} for a in suggested["assignments"]]
    applied = data(client, APPLY, c=seeded, a=choice)
    assert applied["__typename"] == "AppliedAssignments"
    assert [(c["caregiver"]["residentId"], c["recipient"]["residentId"]) for c in applied["created"]] == [
        (x["caregiverId"], x["elderId"]) for x in choice
    ]
    after = data(client, AUDIT, c=seeded, d=None, cap=10)
    assert not {x["elderId"] for x in choice} & {e["residentId"] for e in after["uncoveredElders"]}
    again = data(client, APPLY, c=seeded, a=choice)
    assert again["__typename"] == "Conflict"


def test_bad_analysis_arguments(client, seeded):
    answer = client.post("/graphql", json={"query": AUDIT, "variables": {"c": "没有这个社区", "cap": 10}}).json()
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    answer = client.post("/graphql", json={"query": AUDIT, "variables": {"c": seeded, "cap": -1}}).json()
    assert "careCapacity must be between" in answer["errors"][0]["message"]
    selfcare = data(client, APPLY, c=seeded, a=[{"elderId": "A1", "caregiverId": "A1"}])
    assert selfcare["__typename"] == "Invalid"
    assert data(client, APPLY, c=seeded, a=[])["__typename"] == "Invalid"
