"""Limits on what one GraphQL operation may ask for, validation, and masking of unexpected errors.

Every operation goes through, in this order:

1. the token limit (`MAX_TOKENS`), while parsing (parsed documents are cached by text);
2. the budget (`schema.budget`): depth, aliases, estimated cost and string lengths, counted with every
   fragment walked once, so nothing expands a document before it is priced;
3. graphql-core's validation (cached by text; no introspection in production; no "Did you mean"
   suggestions in production);
4. execution, with a deadline (`schema.deadline`): a covered query as one planned Cypher statement
   (`schema.planner`), anything else by graphql-core;
5. masking: an unexpected error is answered ``Internal error (request id …)`` and logged with its trace.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import DocumentNode, GraphQLError, GraphQLSchema, specified_rules, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaskErrors, MaxTokensLimiter, ParserCache
from strawberry.extensions.base_extension import SchemaExtension

from graph.store import is_outage
from schema import budget
from schema.deadline import OperationKind
from schema.outages import AnswerOutages
from schema.strawberry_private import graphql_schema

log = logging.getLogger("gridcare.graphql")

MAX_TOKENS = 2000  # Tree is about 50, Elders 70
MAX_DEPTH, MAX_ALIASES, MAX_COST, MAX_STRING = budget.MAX_DEPTH, budget.MAX_ALIASES, budget.MAX_COST, budget.MAX_STRING
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


_VALIDATED: OrderedDict[tuple[int, str, bool], list[GraphQLError]] = OrderedDict()  # the last 256 documents


def _validate(schema: GraphQLSchema, query: str, document: DocumentNode, production: bool) -> list[GraphQLError]:
    """graphql-core's validation of a document, remembered by its text (front-ends send the same few)."""
    key = (id(schema), query, production)
    if key in _VALIDATED:
        _VALIDATED.move_to_end(key)
        return _VALIDATED[key]
    rules = [*specified_rules, NoSchemaIntrospectionCustomRule] if production else list(specified_rules)
    errors = validate(schema, document, rules, hide_suggestions=production)
    if query:
        _VALIDATED[key] = errors
        if len(_VALIDATED) > 256:
            _VALIDATED.popitem(last=False)
    return errors


def checks(production: bool) -> type[SchemaExtension]:
    """The extension that prices an operation (`schema.budget`), then validates it (cached by its text)."""

    class Checks(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if not context.pre_execution_errors and document is not None:
                schema = graphql_schema(context.schema)
                try:
                    budget.check(schema, document, context.operation_name, context.variables)
                except budget.OverBudget as problem:
                    context.pre_execution_errors = [budget.refusal(problem)]
                else:
                    context.pre_execution_errors = _validate(schema, context.query or "", document, production)
            yield

    return Checks


def is_bad_value(error: GraphQLError) -> bool:
    """A value the caller sent that could not be read (a variable or argument of the wrong shape)."""
    return error.path is None and isinstance(error.original_error, (ValueError, TypeError))


def is_unexpected(error: GraphQLError) -> bool:
    """An exception other than a GraphQLError escaped a resolver: a bug, or the store failing."""
    cause = error.original_error
    return (
        cause is not None and not isinstance(cause, GraphQLError) and not is_bad_value(error) and not is_outage(cause)
    )


class MaskUnexpected(MaskErrors):
    """Replace unexpected errors by a message and the request id; expected ones pass untouched."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "") or "-"
        return GraphQLError(
            f"Internal error (request id {request_id}).",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def give_codes(errors: list[GraphQLError], production: bool) -> None:
    """Every error a code a client can switch on: what the document or its values got wrong is
    ``BAD_USER_INPUT`` (a syntax error ``GRAPHQL_PARSE_FAILED``); in production no message suggests names."""
    for error in errors:
        if production:
            error.message = _SUGGESTION.sub("", error.message)
        if error.path is None and not is_unexpected(error) and not (error.extensions or {}).get("code"):
            code = "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "BAD_USER_INPUT"
            error.extensions = {**(error.extensions or {}), "code": code}


def log_unexpected(errors: list[GraphQLError], request_id: str) -> None:
    """Log the trace of each unexpected error under the request id; expected errors are the caller's."""
    for error in filter(is_unexpected, errors):
        cause = error.original_error
        trace = "".join(traceback.format_tb(cause.__traceback__ if cause else None))  # no message: it may name people
        log.error(
            "request %s: unexpected %s at %s\n%s",
            request_id,
            type(error.original_error).__name__,
            "/".join(map(str, error.path or ())) or "-",
            trace,
        )


def extensions(production: bool, *, planner: bool = True) -> list[Callable[[], SchemaExtension]]:
    """The limits, validation and masking every schema gets, in the order they apply (``planner``: with
    planned reads, `schema.planner`)."""
    from schema.planner import PlannedReads

    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        checks(production),
        OperationKind,
        *([PlannedReads] if planner else []),
        AnswerOutages,  # before the masking: an outage is expected (schema/outages.py)
        MaskUnexpected,
    ]
