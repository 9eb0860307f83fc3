"""The GraphQL schema (strawberry)."""

import strawberry

from schema.query import Query


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query)
