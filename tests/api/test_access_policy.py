"""The access policy as a table: every role × every operation → allowed, hidden or refused.

One row per operation of the API, over HTTP with a real token of each role, on a
fresh copy of the small seeded community (`tests/conftest.py`: A1…A3 live in grid
1, building 1 — A1 and A2 in unit 1, A3 in unit 2; A4 and A5 in grid 2; A2 leads
grid 1 and cares for A1; A4 is in the patrol team). A new query or mutation adds a
row here (`schema/policy.py` says who may do what):

- ``allowed``: the operation did what it does;
- ``hidden``: answered as for something that does not exist (null, ``NOT_FOUND``,
  a typed ``NotFound``);
- ``refused``: ``FORBIDDEN``, said as such, or a typed ``Conflict`` saying the caller may not (a person
  within reach whom only staff may change, a visit someone else recorded).

The roles: an admin; staff of the community; staff of another community; the
leader of grid 1 (A2); the leader of unit 1-2; the volunteer A2 (who cares for A1).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from graph import ids
from graph.qr import issue_qr
from tests.api.conftest import gql

A, H, R = "allowed", "hidden", "refused"
ROLES = ("admin", "staff", "other_staff", "grid_leader", "unit_leader", "volunteer")
RESULT = "__typename ... on NotFound { kind id } ... on Invalid { field reason } ... on Conflict { reason }"


@dataclass(frozen=True)
class Operation:
    query: str
    variables: Any  # (community, resident id of a local id) -> variables
    expected: tuple[str, ...]  # the outcome for each of ROLES, in order
    payload: str = ""  # a mutation's payload type (the answer when allowed)
    prepare: Any = None  # (store, community) -> variables (or None): what the operation needs first


def r(c: str, local: str) -> str:
    return ids.resident_id(c, local)


OPERATIONS = {
    # --- reads -----------------------------------------------------------------------------------------------
    "me": Operation("{ me { role community scope } }", lambda c: {}, (A, A, A, A, A, A)),
    "resident": Operation(
        "query($id: ID!) { resident(id: $id) { id } }", lambda c: {"id": r(c, "A1")}, (A, A, H, A, H, A)
    ),
    "healthNotes": Operation(
        "query($id: ID!) { resident(id: $id) { healthNotes } }", lambda c: {"id": r(c, "A1")}, (A, A, H, A, H, A)
    ),
    "residents": Operation(
        "query($c: String!) { residents(community: $c) { totalCount } }", lambda c: {"c": c}, (A, A, H, A, A, A)
    ),
    "community": Operation(
        "query($c: String!) { community(name: $c) { name } }", lambda c: {"c": c}, (A, A, H, A, A, A)
    ),
    "stats": Operation(
        "query($c: String!) { community(name: $c) { stats { residents } } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "coverageAudit": Operation(
        "query($c: String!) { coverageAudit(community: $c) { community } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "assignmentSuggestions": Operation(
        "query($c: String!) { assignmentSuggestions(community: $c) { community } }",
        lambda c: {"c": c},
        (A, A, H, H, H, H),
    ),
    "singlePointsOfFailure": Operation(
        "query($c: String!) { singlePointsOfFailure(community: $c) { community } }",
        lambda c: {"c": c},
        (A, A, H, H, H, H),
    ),
    "accessLog": Operation(
        "query($c: String!) { accessLog(community: $c) { at } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "qrScans": Operation(
        "query($c: String!) { qrScans(community: $c) { at } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    # --- changes ---------------------------------------------------------------------------------------------
    "registerResident": Operation(
        f"mutation($i: RegisterResidentInput!) {{ registerResident(input: $i) {{ {RESULT} }} }}",
        lambda c: {
            "i": {
                "community": c,
                "name": "赵丽",
                "birthDate": "1945-02-03",
                "address": {"grid": "1", "building": "1", "unit": "1", "room": "109"},
            }
        },
        (A, A, H, A, H, R),
        "ResidentPayload",
    ),
    "updateResident": Operation(
        f"mutation($i: UpdateResidentInput!) {{ updateResident(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"id": r(c, "A1"), "phone": "13800000000"}},
        (A, A, H, A, H, R),
        "ResidentPayload",
    ),
    "moveResident": Operation(
        f"mutation($id: ID!, $to: AddressInput!) {{ moveResident(id: $id, to: $to) {{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A3"), "to": {"grid": "1", "building": "1", "unit": "1", "room": "109"}},
        (A, A, H, A, H, R),
        "ResidentPayload",
    ),
    "removeResident": Operation(
        f'mutation($id: ID!) {{ removeResident(id: $id, reason: MOVED_OUT, on: "2025-01-01") {{ {RESULT} }} }}',
        lambda c: {"id": r(c, "A1")},
        (A, A, H, A, H, R),
        "RemovalPayload",
    ),
    "addCare": Operation(
        f"mutation($i: AddCareInput!) {{ addCare(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"caregiverId": r(c, "A3"), "recipientId": r(c, "A1"), "kind": "NEIGHBOUR"}},
        (A, A, H, A, H, R),
        "CarePayload",
    ),
    "endCare": Operation(
        f"mutation($a: ID!, $b: ID!) {{ endCare(caregiverId: $a, recipientId: $b, kind: RESPONSIBILITY, "
        f'on: "2025-01-01") {{ {RESULT} }} }}',
        lambda c: {"a": r(c, "A2"), "b": r(c, "A1")},
        (A, A, H, A, H, R),
        "CarePayload",
    ),
    "assignPost": Operation(
        f"mutation($id: ID!, $p: PostInput!) {{ assignPost(residentId: $id, post: $p) {{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A3"), "p": {"community": c, "role": "GRID_LEADER", "grid": "1", "post": "B"}},
        (A, A, H, A, H, R),
        "AssignmentPayload",
    ),
    "vacatePost": Operation(
        f"mutation($p: PostInput!) {{ vacatePost(post: $p) {{ {RESULT} }} }}",
        lambda c: {"p": {"community": c, "role": "GRID_LEADER", "grid": "1", "post": "A"}},
        (A, A, H, A, H, R),
        "VacancyPayload",
    ),
    "joinTeam": Operation(
        f'mutation($id: ID!) {{ joinTeam(residentId: $id, team: "巡逻队") {{ {RESULT} }} }}',
        lambda c: {"id": r(c, "A1")},
        (A, A, H, A, H, R),
        "MembershipPayload",
    ),
    "leaveTeam": Operation(
        f'mutation($id: ID!) {{ leaveTeam(residentId: $id, team: "巡逻队") {{ {RESULT} }} }}',
        lambda c: {"id": r(c, "A4")},
        (A, A, H, H, H, R),
        "MembershipPayload",
    ),
    "applyAssignmentSuggestions": Operation(
        f"mutation($c: String!, $a: [AssignmentChoice!]!) {{ applyAssignmentSuggestions(community: $c, "
        f"assignments: $a) {{ {RESULT} }} }}",
        lambda c: {"c": c, "a": [{"elderId": "A3", "caregiverId": "A2"}]},
        (A, A, H, A, H, R),
        "AppliedAssignments",
    ),
    "setConsent": Operation(
        f"mutation($i: SetConsentInput!) {{ setConsent(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"residentId": r(c, "A1"), "qrShowAddress": True}},
        (A, A, H, R, R, R),
        "ConsentPayload",
    ),
    "issueQrCode": Operation(
        f"mutation($id: ID!) {{ issueQrCode(residentId: $id) {{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A1")},
        (A, A, H, R, R, R),
        "QrCodePayload",
    ),
    "visits": Operation(
        "query($c: String!) { visits(community: $c) { totalCount } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "myVisitsDue": Operation("{ myVisitsDue { dueDay: due } }", lambda c: {}, (R, R, R, A, A, A)),
    "recordVisit": Operation(
        f"mutation($i: RecordVisitInput!) {{ recordVisit(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"residentId": r(c, "A1"), "at": "2025-01-01T09:00:00"}},
        (A, A, H, A, H, A),
        "VisitPayload",
    ),
    "withdrawVisit": Operation(
        f'mutation($id: ID!) {{ withdrawVisit(id: $id, reason: "记错了") {{ {RESULT} }} }}',
        lambda c: {},
        (A, A, H, R, H, R),
        "VisitPayload",
        prepare=lambda store, c: {"id": _a_visit(store, c)},
    ),
    "setCareTier": Operation(
        f"mutation($id: ID!) {{ setCareTier(residentId: $id, tier: KEY) {{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A1")},
        (A, A, H, R, R, R),
        "ResidentPayload",
    ),
    "revokeQrCode": Operation(
        f"mutation($id: ID!) {{ revokeQrCode(residentId: $id) {{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A1")},
        (A, A, H, R, R, R),
        "QrRevoked",
        prepare=lambda store, c: issue_qr(store, r(c, "A1"), uuid.uuid4().hex) and None,  # a code to revoke
    ),
    # --- home services, matters, points, wills ---------------------------------------------------------------
    "serviceRequests": Operation(
        "query($c: String!) { serviceRequests(community: $c) { totalCount } }", lambda c: {"c": c}, (A, A, H, A, A, A)
    ),
    "serviceRequest": Operation(
        "query($id: ID!) { serviceRequest(id: $id) { id } }",
        lambda c: {},
        (A, A, H, A, H, A),
        prepare=lambda store, c: {"id": _a_request(store, c, "A1")},
    ),
    "dispatchSuggestions": Operation(
        "query($id: ID!) { dispatchSuggestions(requestId: $id) { rank } }",
        lambda c: {},
        (A, A, H, A, H, R),
        prepare=lambda store, c: {"id": _a_request(store, c, "A1")},
    ),
    "requestService": Operation(
        f"mutation($i: RequestServiceInput!) {{ requestService(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"residentId": r(c, "A1"), "kind": "MEALS"}},
        (A, A, H, A, H, A),
        "RequestPayload",
    ),
    "acceptRequest": Operation(
        f"mutation($id: ID!, $p: ID) {{ acceptRequest(id: $id, providerId: $p) {{ {RESULT} }} }}",
        lambda c: {"p": r(c, "A2")},
        (A, A, H, A, A, A),  # the volunteer A2: an open request of their own grid, for themselves
        "RequestPayload",
        prepare=lambda store, c: {"id": _a_request(store, c, "A3")},
    ),
    "completeRequest": Operation(
        f"mutation($id: ID!) {{ completeRequest(id: $id, minutes: 30) {{ {RESULT} }} }}",
        lambda c: {},
        (A, A, H, A, A, A),  # the volunteer A2 accepted it
        "RequestPayload",
        prepare=lambda store, c: {"id": _a_request(store, c, "A3", provider="A2")},
    ),
    "cancelRequest": Operation(
        f'mutation($id: ID!) {{ cancelRequest(id: $id, reason: "家属来了") {{ {RESULT} }} }}',
        lambda c: {},
        (A, A, H, A, H, R),  # the volunteer A2 sees A1's request, but did not ask for it
        "RequestPayload",
        prepare=lambda store, c: {"id": _a_request(store, c, "A1")},
    ),
    "matters": Operation(
        "query($c: String!) { matters(community: $c) { totalCount } }", lambda c: {"c": c}, (A, A, H, A, A, A)
    ),
    "matter": Operation(
        "query($id: ID!) { matter(id: $id) { id } }",
        lambda c: {},
        (A, A, H, A, H, A),
        prepare=lambda store, c: {"id": _a_matter(store, c, "A1")},
    ),
    "reportMatter": Operation(
        f"mutation($i: ReportMatterInput!) {{ reportMatter(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"community": c, "kind": "REPAIR", "summary": "楼道灯坏了", "grid": "1"}},
        (A, A, H, A, H, R),
        "MatterPayload",
    ),
    "assignMatter": Operation(
        f"mutation($id: ID!, $to: ID) {{ assignMatter(id: $id, assigneeId: $to) {{ {RESULT} }} }}",
        lambda c: {"to": r(c, "A5")},
        (A, A, H, A, A, H),
        "MatterPayload",
        prepare=lambda store, c: {"id": _a_matter(store, c, "A3")},
    ),
    "handleMatter": Operation(
        f'mutation($id: ID!) {{ handleMatter(id: $id, note: "已调解") {{ {RESULT} }} }}',
        lambda c: {},
        (A, A, H, A, H, A),  # assigned to the volunteer A2
        "MatterPayload",
        prepare=lambda store, c: {"id": _a_matter(store, c, "A1", assignee="A2")},
    ),
    "closeMatter": Operation(
        f"mutation($id: ID!) {{ closeMatter(id: $id, satisfaction: SATISFIED) {{ {RESULT} }} }}",
        lambda c: {},
        (A, A, H, A, H, R),
        "MatterPayload",
        prepare=lambda store, c: {"id": _a_matter(store, c, "A1", assignee="A2", handled=True)},
    ),
    "pointsStatement": Operation(
        "query($id: ID!) { pointsStatement(residentId: $id) { balance } }",
        lambda c: {"id": r(c, "A1")},
        (A, A, H, A, H, A),
    ),
    "pointsRanking": Operation(
        "query($c: String!) { pointsRanking(community: $c) { rank } }", lambda c: {"c": c}, (A, A, H, A, A, A)
    ),
    "gifts": Operation("query($c: String!) { gifts(community: $c) { name } }", lambda c: {"c": c}, (A, A, H, A, A, A)),
    "recordPatrolShift": Operation(
        f'mutation($id: ID!) {{ recordPatrolShift(residentId: $id, on: "2025-01-01", hours: 3, '
        f'idempotencyKey: "p-1") {{ {RESULT} }} }}',
        lambda c: {"id": r(c, "A3")},
        (A, A, H, A, A, R),
        "MovementPayload",
    ),
    "awardGoodDeed": Operation(
        f'mutation($id: ID!) {{ awardGoodDeed(residentId: $id, points: 5, reason: "扫雪", idempotencyKey: "d-1") '
        f"{{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A1")},
        (A, A, H, R, R, R),
        "MovementPayload",
    ),
    "redeemGift": Operation(
        f'mutation($id: ID!, $g: ID!) {{ redeemGift(residentId: $id, giftId: $g, idempotencyKey: "g-1") '
        f"{{ {RESULT} }} }}",
        lambda c: {"id": r(c, "A2")},
        (A, A, H, A, H, A),  # A2 redeems for themselves (the grid leader's token and the volunteer's name A2)
        "MovementPayload",
        prepare=lambda store, c: {"g": _a_gift(store, c, earner="A2")},
    ),
    "reverseMovement": Operation(
        f'mutation($id: ID!) {{ reverseMovement(id: $id, reason: "记错了") {{ {RESULT} }} }}',
        lambda c: {},
        (A, A, H, R, R, R),
        "MovementPayload",
        prepare=lambda store, c: {"id": _a_movement(store, c)},
    ),
    "addGift": Operation(
        f'mutation($c: String!) {{ addGift(community: $c, name: "毛巾", points: 10, stock: 5) {{ {RESULT} }} }}',
        lambda c: {"c": c},
        (A, A, H, R, R, R),
        "GiftPayload",
    ),
    "restockGift": Operation(
        f"mutation($g: ID!) {{ restockGift(giftId: $g, count: 3) {{ {RESULT} }} }}",
        lambda c: {},
        (A, A, H, R, R, R),
        "GiftPayload",
        prepare=lambda store, c: {"g": _a_gift(store, c)},
    ),
    "serviceSettings": Operation(
        "query($c: String!) { serviceSettings(community: $c) { windowHours } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "setServiceSettings": Operation(
        f"mutation($c: String!) {{ setServiceSettings(community: $c, input: {{visitPoints: 3}}) {{ {RESULT} }} }}",
        lambda c: {"c": c},
        (A, A, H, R, R, R),
        "ServiceSettingsPayload",
    ),
    "setTeamServiceKinds": Operation(
        f'mutation($c: String!) {{ setTeamServiceKinds(community: $c, team: "巡逻队", kinds: [ERRANDS]) '
        f"{{ {RESULT} }} }}",
        lambda c: {"c": c},
        (A, A, H, R, R, R),
        "TeamKindsPayload",
    ),
    "servicesReport": Operation(
        'query($c: String!) { servicesReport(community: $c, month: "2026-06") { month } }',
        lambda c: {"c": c},
        (A, A, H, H, H, H),
    ),
    "eightZeros": Operation(
        "query($c: String!) { eightZeros(community: $c, year: 2026) { zero } }", lambda c: {"c": c}, (A, A, H, H, H, H)
    ),
    "wills": Operation("query($c: String!) { wills(community: $c) { id } }", lambda c: {"c": c}, (A, A, H, H, H, H)),
    "willOffers": Operation(
        "query($c: String!) { willOffers(community: $c) { id } }",
        lambda c: {"c": c},
        (A, A, H, H, H, H),
        prepare=lambda store, c: _offers_on(store, c),
    ),
    "registerWill": Operation(
        f"mutation($i: RegisterWillInput!) {{ registerWill(input: $i) {{ {RESULT} }} }}",
        lambda c: {"i": {"residentId": r(c, "A1"), "registeredOn": "2025-03-01", "custodian": "社区档案室"}},
        (A, A, H, R, R, R),
        "WillPayload",
    ),
    "revokeWill": Operation(
        f'mutation($id: ID!) {{ revokeWill(id: $id, on: "2025-06-01") {{ {RESULT} }} }}',
        lambda c: {},
        (A, A, H, R, R, R),
        "WillPayload",
        prepare=lambda store, c: {"id": _a_will(store, c)},
    ),
}


def _office():
    from graph.cases import Actor

    return Actor("office", "staff")


def _a_request(store, community: str, elder: str, provider: str | None = None) -> str:
    """A request of an elder asked by the office (accepted by ``provider`` if given)."""
    from graph.requests import NewRequest, accept_request, ask_request

    asked = ask_request(store, NewRequest(r(community, elder), "meals", asker="office"), _office())
    if provider:
        accept_request(store, asked.id, _office(), provider_id=r(community, provider))
    return asked.id


def _a_matter(store, community: str, about: str, assignee: str | None = None, handled: bool = False) -> str:
    from graph.matters import NewMatter, assign_matter, handle_matter, report_matter

    found = report_matter(
        store, NewMatter(community, "dispute", "邻里纠纷", resident_id=r(community, about)), _office()
    )
    if assignee:
        assign_matter(store, found.id, _office(), assignee_id=r(community, assignee))
    if handled:
        handle_matter(store, found.id, "已调解", _office())
    return found.id


def _a_gift(store, community: str, earner: str | None = None) -> str:
    from graph.gifts import add_gift
    from graph.points import award_good_deed

    if earner:
        award_good_deed(store, r(community, earner), 40, "扫雪", key="seed", actor=_office())
    return add_gift(store, community, "大米", 30, 3, _office()).id


def _a_movement(store, community: str) -> str:
    from graph.points import award_good_deed

    return award_good_deed(store, r(community, "A1"), 5, "扫雪", key="seed", actor=_office()).id


def _a_will(store, community: str) -> str:
    from datetime import date

    from graph.wills import register_will

    return register_will(store, r(community, "A1"), date(2024, 1, 1), "社区档案室", [], _office()).id


def _offers_on(store, community: str) -> dict:
    from dataclasses import replace

    from analysis.services import DEFAULT_SETTINGS
    from graph.service_settings import save_settings

    save_settings(store, community, replace(DEFAULT_SETTINGS, will_offers=True))
    return {}


def _a_visit(store, community: str) -> str:
    """A visit of A1 recorded by staff: only staff, or whoever recorded it, withdraw it."""
    from datetime import datetime

    from graph.visits import NewVisit, Recorder, record_visit

    at = datetime.fromisoformat("2025-01-01T09:00:00+08:00")
    return record_visit(store, NewVisit(r(community, "A1"), None, at), Recorder("office", "staff")).id


def outcome(body: dict, payload: str) -> str:
    """What an answer says: allowed, hidden or refused (anything else fails the test with the answer)."""
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
    if "FORBIDDEN" in codes:
        return R
    if "NOT_FOUND" in codes:
        return H
    assert not codes, body
    value = next(iter(body["data"].values()))
    if value is None:
        return H
    if payload:
        typename = value["__typename"]
        if typename == "NotFound":
            return H
        if typename == "Conflict":  # the policy's "not you" on something within reach (see schema/policy.py)
            return R
        assert typename == payload, body
        return A
    while isinstance(value, dict) and len(value) == 1:  # the one field asked for, e.g. community.stats
        value = next(iter(value.values()))
    return H if value is None else A


@pytest.fixture(scope="module")
def other_community(store):
    """Another community, for the token of its staff."""
    name = f"测试社区-{uuid.uuid4().hex[:8]}"
    store.write("other_community", "CREATE (:Community {id: $c, name: $c})", c=name)
    yield name
    store.write("drop_other_community", "MATCH (n {community: $c}) DETACH DELETE n", c=name)
    store.write("drop_other_community", "MATCH (n:Community {id: $c}) DETACH DELETE n", c=name)


def token_of(role: str, community: str, other: str) -> dict:
    return {
        "admin": {"role": "admin"},
        "staff": {"role": "staff", "community": community},
        "other_staff": {"role": "staff", "community": other},
        "grid_leader": {"role": "grid_leader", "community": community, "scope": "grid:1", "resident": "A2"},
        "unit_leader": {"role": "unit_leader", "community": community, "scope": "unit:1-2"},
        "volunteer": {"role": "volunteer", "community": community, "resident": "A2"},
    }[role]


def test_every_role_and_operation_is_in_the_table():
    from schema import build_schema
    from schema.strawberry_private import graphql_schema

    api = graphql_schema(build_schema())
    fields = set(api.query_type.fields) | set(api.mutation_type.fields)
    covered = set(OPERATIONS) | {"communities"}  # communities: tested below, a list of what one reads
    assert not fields - covered, f"operations without a row in the policy table: {sorted(fields - covered)}"
    assert all(len(op.expected) == len(ROLES) for op in OPERATIONS.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", OPERATIONS)
def test_the_policy(app, authorized_client, store, seeded, other_community, name, role):
    op = OPERATIONS[name]
    prepared = (op.prepare(store, seeded) if op.prepare else None) or {}
    with authorized_client(app, **token_of(role, seeded, other_community)) as client:
        got = outcome(gql(client, op.query, **op.variables(seeded), **prepared), op.payload)
    assert got == op.expected[ROLES.index(role)], f"{role} × {name}: {got}"


@pytest.mark.parametrize("role", ROLES)
def test_communities_lists_only_those_one_reads(app, authorized_client, seeded, other_community, role):
    with authorized_client(app, **token_of(role, seeded, other_community)) as client:
        names = {c["name"] for c in gql(client, "{ communities { name } }")["data"]["communities"]}
    assert (seeded in names) == (role != "other_staff")
    assert (other_community in names) == (role in ("admin", "other_staff"))


def test_a_principal_made_without_arguments_reaches_nothing(store, seeded):
    from schema.policy import Principal, reach_of, reads_community, reads_whole_community

    nobody = Principal()
    assert nobody.role is None
    assert not reads_community(nobody, seeded) and not reads_community(nobody, None)
    assert not reads_whole_community(nobody, seeded)
    reach = reach_of(store, nobody)
    assert not reach.residents and not reach.places and not reach.answers_for and not reach.changes
