"""Bearer tokens over HTTP: missing, unknown, tampered, expired or revoked → 401; valid → the caller."""

import re
import secrets
import stat
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.tokens import TokenRequest, Unauthorized, authenticate, hash_token, issue, token_key
from graph.tokens import TokenRecord, create_token, revoke_token
from tests.api.test_graphql_read import ELDERS, TREE

COMMUNITIES = {"query": "{ communities { name } }"}


@pytest.fixture(scope="module")
def anonymous(app):
    """A client without a token, on loopback."""
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        yield client


def new_token(store, app, community, **request):
    later = datetime.now(UTC) + timedelta(hours=1)
    request = {"role": "staff", "expires_at": later, **request}
    return issue(store, token_key(app.state.settings), TokenRequest(community=community, **request))


def post(client, token, body=COMMUNITIES):
    return client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"} if token else {})


def assert_refused(answer, error):
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    body = answer.json()
    assert error in body["error"] and body["request_id"] == answer.headers["X-Request-ID"]


def test_missing_malformed_and_unknown_tokens_get_401(anonymous):
    assert_refused(post(anonymous, None), "missing bearer token")
    assert_refused(
        anonymous.post("/graphql", json=COMMUNITIES, headers={"Authorization": "Basic YTpi"}),
        "must be `Bearer <token>`",
    )
    assert_refused(post(anonymous, "gc_" + "A" * 43), "invalid token")
    assert_refused(post(anonymous, "not-even-ours"), "invalid token")


def test_a_valid_token_passes_and_one_changed_character_does_not(store, app, anonymous, seeded):
    token, _ = new_token(store, app, seeded)
    assert post(anonymous, token).status_code == 200
    last = token[-1]
    assert_refused(post(anonymous, token[:-1] + ("B" if last != "B" else "C")), "invalid token")
    assert_refused(post(anonymous, token[:10] + token[11:]), "invalid token")


def test_expired_tokens_get_401(store, app, anonymous, seeded):
    token = "gc_expired-" + secrets.token_urlsafe(16)
    record = TokenRecord(
        id=secrets.token_hex(8), role="staff", community=seeded, expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    create_token(store, record, hash_token(token_key(app.state.settings), token))
    assert_refused(post(anonymous, token), "token expired")


def test_revoked_tokens_get_401_at_once(store, app, anonymous, seeded):
    token, record = new_token(store, app, seeded)
    assert post(anonymous, token).status_code == 200
    revoke_token(store, record.id)
    assert_refused(post(anonymous, token), "token revoked")


def test_tokens_of_another_key_are_unknown(store, app, anonymous, seeded, tmp_path):
    other = Settings(home=tmp_path)  # another home: another generated key
    token, _ = issue(store, token_key(other), TokenRequest(role="staff", community=seeded))
    assert_refused(post(anonymous, token), "invalid token")


def test_the_principal_comes_from_the_token(store, app, seeded):
    key = token_key(app.state.settings)
    token, record = new_token(
        store, app, seeded, role="unit_leader", scope="unit:1-2", resident="A3", label="张桂兰的单元"
    )
    p = authenticate(store, key, token)
    assert (p.role, p.community, p.scope_kind, p.scope_value) == ("unit_leader", seeded, "unit", "1-2")
    assert (p.token_id, p.resident_id, p.name) == (record.id, f"{seeded}/r/A3", "张桂兰的单元")


def test_public_routes_need_no_token(app, anonymous):
    assert anonymous.get("/livez").json() == {"status": "ok"}
    assert anonymous.get("/readyz").status_code == 200
    assert anonymous.get("/metrics").status_code == 200  # loopback
    with TestClient(app, client=("192.0.2.7", 50000)) as remote:
        assert_refused(remote.get("/metrics"), "missing bearer token")
        assert remote.get("/livez").status_code == 200


def test_graphiql_page_is_open_in_development_but_its_queries_are_not(anonymous):
    page = anonymous.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert_refused(post(anonymous, None), "missing bearer token")


def test_staff_runs_the_front_end_queries(app, demo_community, authorized_client):
    with authorized_client(app, role="staff", community=demo_community) as client:
        tree = client.post("/graphql", json={"query": TREE, "variables": {"name": demo_community}})
        elders = client.post("/graphql", json={"query": ELDERS, "variables": {"name": demo_community, "first": 100}})
    assert tree.status_code == 200 and "errors" not in tree.json(), tree.text
    assert len(tree.json()["data"]["community"]["grids"]) == 10
    assert elders.status_code == 200 and "errors" not in elders.json(), elders.text
    assert elders.json()["data"]["residents"]["totalCount"] > 0


def test_auth_off_is_for_development_only(store, tmp_path):
    app = create_app(Settings(home=tmp_path, auth="off"), store=store)
    with TestClient(app) as client:
        assert post(client, None).status_code == 200


def test_serve_demo_prints_an_admin_token_revoked_at_shutdown(
    store, driver, database, demo_community, tmp_path, capsys
):
    app = create_app(Settings(home=tmp_path), demo=True, store=store)  # not empty: no import
    with TestClient(app) as client:
        printed = capsys.readouterr().err
        token, token_id = re.search(r'"Bearer (gc_[\w-]+)"', printed)[1], re.search(r"\(id (\w+),", printed)[1]
        assert post(client, token).status_code == 200
        left = tmp_path / "demo-token"
        assert left.read_text().strip() == token and stat.S_IMODE(left.stat().st_mode) == 0o600
    assert not left.exists()
    try:
        with pytest.raises(Unauthorized, match="token revoked"):
            authenticate(store, token_key(app.state.settings), token)
    finally:
        driver.execute_query("MATCH (t:ApiToken {id: $id}) DELETE t", id=token_id, database_=database)
