"""`Query.me` tells each caller who they are, as their own token says (and nothing about anyone else);
`Resident.phone` is read within reach like any other field of a resident."""

from __future__ import annotations

import pytest

from tests.api.conftest import gql
from tests.api.test_access_policy import ROLES, r, token_of


@pytest.mark.parametrize("role", [role for role in ROLES if role != "other_staff"])
def test_me_is_the_callers_token(app, authorized_client, seeded, role):
    token = token_of(role, seeded, "另一个社区")
    with authorized_client(app, **token) as client:
        me = gql(client, "{ me { role label community scope tokenId resident { residentId } } }")["data"]["me"]
    assert me["role"] == token["role"].upper()
    assert me["label"] == "tests" and me["tokenId"]
    assert me["community"] == token.get("community")
    assert me["scope"] == token.get("scope")
    assert (me["resident"] or {}).get("residentId") == token.get("resident")


def test_a_unit_leader_reads_the_phone_of_their_people_only(app, authorized_client, seeded):
    with authorized_client(app, role="unit_leader", community=seeded, scope="unit:1-1") as client:
        mine = gql(client, "query($id: ID!) { resident(id: $id) { phone } }", id=r(seeded, "A1"))["data"]
        theirs = gql(client, "query($id: ID!) { resident(id: $id) { phone } }", id=r(seeded, "A3"))["data"]
    assert mine["resident"] is not None and "phone" in mine["resident"]
    assert theirs["resident"] is None  # A3 lives in unit 1-2: out of reach, as if there were no such resident


def test_phone_is_the_ledgers(app, client, seeded):
    done = gql(
        client,
        'mutation($id: ID!) { updateResident(input: {id: $id, phone: "13800000000"}) { __typename } }',
        id=r(seeded, "A1"),
    )
    assert done["data"]["updateResident"]["__typename"] == "ResidentPayload"
    read = gql(client, "query($id: ID!) { resident(id: $id) { phone } }", id=r(seeded, "A1"))
    assert read["data"]["resident"]["phone"] == "13800000000"
