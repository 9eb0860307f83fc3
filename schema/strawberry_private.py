"""The only places where gridcare reaches into strawberry's private API.

strawberry offers no public hook for either, so both are kept here, together,
and ``tests/api/test_strawberry_private.py`` fails loudly when an upgrade of
strawberry-graphql (pinned to a tested range in ``pyproject.toml``) changes them:

1. `AnswerWrongTransport` overrides ``Schema._prepare_operation_async`` so that an
   operation sent over the wrong transport (a subscription as plain JSON, a query
   as a stream) answers a clear ``BAD_USER_INPUT`` error instead of an unexpected one.
2. `graphql_schema` reads ``Schema._schema``, the graphql-core schema, which the
   cost rule validates against (`schema.limits.CostLimiter`).
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

STREAMING = "send subscriptions with the header `Accept: multipart/mixed;subscriptionSpec=1.0`: they stream"
NOT_STREAMING = "only subscriptions stream: send queries and mutations as plain JSON (`Accept: application/json`)"


class AnswerWrongTransport(strawberry.Schema):
    """A schema whose operations sent over the wrong transport answer a clear error."""

    async def _prepare_operation_async(self, context: Any, extensions_runner: Any) -> PreExecutionError | None:
        try:
            return await super()._prepare_operation_async(context, extensions_runner)
        except InvalidOperationTypeError as e:
            subscription = e.operation_type is OperationType.SUBSCRIPTION
            error = GraphQLError(STREAMING if subscription else NOT_STREAMING, extensions={"code": "BAD_USER_INPUT"})
            context.pre_execution_errors = [error]
            return PreExecutionError(data=None, errors=[error])


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema behind a strawberry schema."""
    found = schema._schema
    if not isinstance(found, GraphQLSchema):  # pragma: no cover - an upgrade moved it
        raise TypeError("strawberry.Schema._schema is no longer the graphql-core schema")
    return found
