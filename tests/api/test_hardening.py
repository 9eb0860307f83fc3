"""The hardened endpoint: limits with clear errors, one POSTed operation, masked errors, production mode."""

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.tokens import TokenRequest, issue, token_key
from graph.errors import Invalid
from tests.api.test_graphql_read import ELDERS, TREE

KEY = "k" * 40


@pytest.fixture(scope="module")
def production(store, tmp_path_factory, authorized_client):
    settings = Settings(home=tmp_path_factory.mktemp("home"), mode="production", token_key=KEY)
    with authorized_client(create_app(settings, store=store)) as client:
        yield client


def errors(client, query, **variables) -> list[str]:
    answer = client.post("/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200, answer.text
    return [e["message"] for e in answer.json().get("errors", [])]


def nested(depth: int) -> str:
    """resident → household → residents → household → … to ``depth`` fields."""
    fields = ["household", "residents"] * depth
    return '{ resident(id: "x") ' + "".join(f"{{ {f} " for f in fields[: depth - 1]) + "{ id }" + " }" * depth


def test_depth_20_is_refused(client):
    assert any("exceeds maximum operation depth of 12" in m for m in errors(client, nested(20)))
    assert errors(client, nested(11)) == []


def test_100_aliases_are_refused(client):
    query = "{ " + " ".join(f"a{i}: communities {{ name }}" for i in range(100)) + " }"
    assert any("100 aliases found. Allowed: 30" in m for m in errors(client, query))


def test_5000_tokens_are_refused(client):
    query = "{ communities { " + "name " * 5000 + "} }"
    assert any("more than 2000 tokens" in m for m in errors(client, query))


def test_costly_pages_are_refused_variables_included(client, demo_community):
    # caregivers, the people they care for and those people's caregivers: ~431 values a resident
    page = "edges { node { id name caregivers { name careRecipients { name caregivers { name } } } } }"
    literal = (
        "query Big($c: String!) { "
        + " ".join(f"p{i}: residents(community: $c, first: 100) {{ {page} }}" for i in range(9))
        + " }"
    )
    assert any("'Big' is too expensive" in m and "first" in m for m in errors(client, literal, c=demo_community))
    variable = (
        "query($c: String!, $n: Int!) { "
        + " ".join(f"p{i}: residents(community: $c, first: $n) {{ {page} }}" for i in range(9))
        + " }"
    )
    assert any("too expensive" in m for m in errors(client, variable, c=demo_community, n=100))
    assert errors(client, variable, c=demo_community, n=5) == []


def test_the_front_end_queries_pass_the_limits(client, demo_community):
    assert errors(client, TREE, name=demo_community) == []
    assert errors(client, ELDERS, name=demo_community, first=100) == []


def test_batches_get_and_forms_are_refused_clearly(client):
    batch = client.post("/graphql", json=[{"query": "{ communities { name } }"}] * 2)
    assert batch.status_code == 400 and "batched requests are not accepted" in batch.json()["error"]
    get = client.get("/graphql", params={"query": "{ communities { name } }"})
    assert get.status_code == 405 and "queries over GET are not accepted" in get.json()["error"]
    form = client.post("/graphql", data={"query": "{ communities { name } }"})
    assert form.status_code == 415 and "application/json" in form.json()["error"]
    assert get.json()["request_id"] == get.headers["X-Request-ID"]


def test_expected_errors_stay_visible(client):
    answer = client.post("/graphql", json={"query": '{ residents(community: "没有这个社区") { totalCount } }'})
    error = answer.json()["errors"][0]
    assert "no community named" in error["message"] and error["extensions"]["code"] == "NOT_FOUND"
    assert any("Did you mean" in m for m in errors(client, "{ communitie { name } }"))  # development


def test_unexpected_errors_are_masked_with_the_request_id(client, monkeypatch, caplog):
    def boom(*_args):
        person = "".join(("王", "秀英"))  # so that the source line in the trace does not name her
        raise RuntimeError(f"{person} broke it")

    monkeypatch.setattr("schema.query.list_communities", boom)
    with caplog.at_level(logging.ERROR, logger="gridcare.graphql"):
        answer = client.post("/graphql", json={"query": "{ communities { name } }"})
    request_id = answer.headers["X-Request-ID"]
    error = answer.json()["errors"][0]
    assert error["message"] == f"Internal error (request id {request_id})."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "王秀英" not in answer.text and "王秀英" not in caplog.text
    assert request_id in caplog.text and "RuntimeError" in caplog.text and "boom" in caplog.text


def test_unhandled_http_errors_are_masked(store, driver, database, tmp_path):
    app = create_app(Settings(home=tmp_path), store=store)

    async def broken():
        raise RuntimeError("王秀英")

    app.add_api_route("/broken", broken)
    app.router.routes.insert(0, app.router.routes.pop())  # before the console's fallback, which answers any GET
    token, record = issue(store, token_key(app.state.settings), TokenRequest(role="admin"))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.get("/broken", headers={"Authorization": f"Bearer {token}"})
    finally:
        driver.execute_query("MATCH (t:ApiToken {id: $id}) DELETE t", id=record.id, database_=database)
    assert answer.status_code == 500 and "王秀英" not in answer.text
    assert answer.json() == {
        "error": f"internal error (request id {answer.headers['X-Request-ID']})",
        "request_id": answer.headers["X-Request-ID"],
    }


def test_production_has_no_introspection_suggestions_or_graphiql(production, demo_community):
    assert any("introspection" in m.lower() for m in errors(production, "{ __schema { types { name } } }"))
    refused = errors(production, "{ communitie { name } }")
    assert refused and not any("Did you mean" in m for m in refused)
    assert production.get("/graphql", headers={"Accept": "text/html"}).status_code == 404
    assert errors(production, TREE, name=demo_community) == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "GRIDCARE_TOKEN_KEY: must be set explicitly in production mode"),
        ({"token_key": "short"}, "GRIDCARE_TOKEN_KEY: is shorter than 32"),
        ({"token_key": KEY, "auth": "off"}, "GRIDCARE_AUTH: may be `off` only in development"),
    ],
)
def test_production_refuses_to_start_with_default_secrets(tmp_path, settings, message):
    with pytest.raises(Invalid, match=message):
        create_app(Settings(home=tmp_path, mode="production", **settings))
    assert not (tmp_path / "secrets" / "token-key").exists()
