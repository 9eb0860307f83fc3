"""The GraphQL schema (strawberry)."""

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.limits import extensions, log_unexpected
from schema.mutations import Mutation
from schema.query import Query


class GridcareSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Log unexpected errors with the request id (not strawberry's every-error log)."""
        context = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", "") or "-")


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its limits; ``production`` also turns introspection and suggestions off."""
    return GridcareSchema(query=Query, mutation=Mutation, extensions=extensions(production),
                          config=StrawberryConfig(disable_field_suggestions=production))
