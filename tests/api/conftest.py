"""Fixtures of the HTTP tests: an app on the session's store, an admin client, and `gql`.

`app` is the default-settings app of a test module (a module needing other settings
defines its own `app`); `client` is an admin client of it on loopback; `gql`
posts an operation and returns its JSON answer. The seeded community comes
from `tests/conftest.py` (`seeded`).
"""

from __future__ import annotations

from typing import Any

import pytest

from api.app import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def app(store, tmp_path_factory):
    return create_app(Settings(home=tmp_path_factory.mktemp("home")), store=store)


@pytest.fixture(scope="module")
def client(app, authorized_client):
    """An admin's client of the module's app."""
    with authorized_client(app) as client:
        yield client


def gql(client, query: str, **variables: Any) -> dict[str, Any]:
    """Post an operation; the whole JSON answer (data and errors), after checking the HTTP status is 200."""
    answer = client.post("/graphql", json={"query": query, "variables": variables})
    assert answer.status_code == 200, answer.text
    return answer.json()


def data(client, query: str, **variables: Any) -> Any:
    """Post an operation that must succeed; the value of its single root field."""
    body = gql(client, query, **variables)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))
