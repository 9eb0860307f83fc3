"""The GraphQL schema (strawberry)."""

from collections.abc import Iterable
from contextlib import aclosing
from datetime import date, datetime
from typing import Any

from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from schema.dates import DATE, DATETIME
from schema.deadline import bounded
from schema.limits import extensions, give_codes, log_unexpected
from schema.mutations import Mutation
from schema.query import Query
from schema.strawberry_private import AnswerWrongTransport
from schema.subscription import Subscription


class GridcareSchema(AnswerWrongTransport):
    production: bool = False
    deadline: float = 10.0  # seconds a query may run (`schema.deadline`)

    def process_errors(self, errors, execution_context=None) -> None:
        """Give every error its code and log unexpected ones with the request id (not strawberry's every-error
        log); in production no message suggests names."""
        give_codes(errors, self.production)
        context = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", "") or "-")

    async def execute(  # type: ignore[override]  # same parameters, fewer operation types
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        **kwargs: Any,
    ) -> ExecutionResult:
        """As strawberry's, but off the server's loop, a query within the deadline (`schema.deadline`), and a
        subscription refused with a clear error: it needs a streaming answer."""
        allowed = set(allowed_operation_types or OperationType) - {OperationType.SUBSCRIPTION}
        work = super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed_operation_types=allowed, **kwargs
        )
        return await bounded(work, context_value, self.deadline)

    async def stream(self, *args, **kwargs):
        """As strawberry's, but a document refused while parsing (a syntax error, too many tokens) is
        answered with the error, as `execute` answers it, instead of breaking the stream off."""
        return _parse_errors_answered(await super().stream(*args, **kwargs))


async def _parse_errors_answered(results):
    started = False
    async with aclosing(results):
        try:
            async for result in results:
                started = True
                yield result
        except GraphQLError as error:  # raised by the parsing extensions, before any result
            if started:
                raise
            yield PreExecutionError(data=None, errors=[error])


def build_schema(*, production: bool = False, deadline: float = 10.0, planner: bool = True) -> GridcareSchema:
    """The schema with its limits; ``production`` also turns introspection and suggestions off; a query runs at
    most ``deadline`` seconds; ``planner``: covered queries run as one planned Cypher statement
    (`schema.planner`), else every operation runs through graphql-core."""
    schema = GridcareSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions(production, planner=planner),
        config=StrawberryConfig(disable_field_suggestions=production),
        scalar_overrides={date: DATE, datetime: DATETIME},
    )
    schema.production, schema.deadline = production, deadline
    return schema
