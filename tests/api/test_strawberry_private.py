"""The private parts of strawberry that gridcare relies on (`schema.strawberry_private`).

strawberry-graphql is pinned to a tested range; these tests fail loudly, naming
what moved, when an upgrade changes either of the two things used.
"""

import inspect

import strawberry
from graphql import GraphQLSchema

from schema import build_schema
from schema.strawberry_private import AnswerWrongTransport, graphql_schema
from tests.api.conftest import gql


def test_the_operation_preparation_hook_is_still_there_with_its_parameters():
    hook = getattr(strawberry.Schema, "_prepare_operation_async", None)
    assert hook is not None, "strawberry.Schema._prepare_operation_async is gone: see schema/strawberry_private.py"
    assert list(inspect.signature(hook).parameters) == ["self", "context", "extensions_runner"], (
        "strawberry.Schema._prepare_operation_async changed its parameters: see schema/strawberry_private.py"
    )
    assert "_prepare_operation_async" in vars(AnswerWrongTransport)  # ours still overrides it


def test_the_graphql_core_schema_is_still_at_its_place():
    assert isinstance(graphql_schema(build_schema()), GraphQLSchema)


def test_the_override_answers_an_operation_over_the_wrong_transport(client):
    """A subscription sent as a plain JSON request: the override's clear answer, not an internal error."""
    body = gql(client, 'subscription { qrScanned(community: "x") { id } }')
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "multipart/mixed" in error["message"], body
