"""What a client gets while Neo4j is away: ``503``, ``Retry-After`` and one ``UNAVAILABLE`` error.

An outage (`graph.store.is_outage`: Neo4j refused, reset or timed out, or the
store's breaker failing fast) is expected, not a bug: it is not masked as an
internal error and not logged with a trace (the store says once that Neo4j is
away, and once that it is back). `AnswerOutages`, a schema extension:

- turns an outage met by a resolver into the GraphQL error
  ``{"message": MESSAGE, "extensions": {"code": "UNAVAILABLE"}}`` (one for the
  whole operation, however many fields met it; the data resolved before stays);
- answers the request ``503`` with ``Retry-After: RETRY_AFTER`` (a streamed
  answer has sent its status already: its last part carries the error, and the
  stream ends).

The HTTP edge (`api.auth`, `api.guard`, `api.qr`, ``/readyz``) answers outages
outside GraphQL with the same status, header and message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from inspect import isawaitable
from typing import Any

from graphql import GraphQLError
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.types import StreamExecutionResult

from graph.store import is_outage

MESSAGE = "the database is unavailable; try again shortly"
CODE = "UNAVAILABLE"
RETRY_AFTER = 2  # seconds; a hint: the server itself probes Neo4j at the first request after a failed probe
STATUS = 503


def unavailable_headers() -> dict[str, str]:
    """The headers of every answer to an outage."""
    return {"Retry-After": str(RETRY_AFTER)}


def unavailable() -> GraphQLError:
    """The one GraphQL error of an operation that met an outage."""
    return GraphQLError(MESSAGE, extensions={"code": CODE})


def is_unavailable(error: GraphQLError) -> bool:
    """An outage, already told (`unavailable`) or not yet (an exception escaped from a subscription's source)."""
    cause = error.original_error
    return (error.extensions or {}).get("code") == CODE or (cause is not None and is_outage(cause))


class AnswerOutages(SchemaExtension):
    """Outages met while resolving answer ``UNAVAILABLE`` (and ``503`` + ``Retry-After``), not an internal error.

    Placed before `schema.limits.MaskUnexpected`: its `on_stream_result` has to see an outage that
    escaped a subscription's source before the masking does.
    """

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = _next(root, info, *args, **kwargs)
        except Exception as e:
            if is_outage(e):
                raise unavailable() from e
            raise
        return _told(result) if isawaitable(result) else result

    def on_execute(self) -> Iterator[None]:
        yield
        self._answer(self.execution_context.result, set_status=True)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._answer(result, set_status=False)
        yield

    def _answer(self, result: object, *, set_status: bool) -> None:
        errors = getattr(result, "errors", None)
        if not errors or not any(map(is_unavailable, errors)):
            return
        result.errors = [unavailable(), *(e for e in errors if not is_unavailable(e))]  # type: ignore[attr-defined]
        response = getattr(self.execution_context.context, "response", None)
        if set_status and response is not None:
            response.status_code = STATUS
            response.headers.update(unavailable_headers())


async def _told(result: Awaitable[Any]) -> Any:
    try:
        return await result
    except Exception as e:
        if is_outage(e):
            raise unavailable() from e
        raise
