"""Limits on what one GraphQL operation may ask for, and masking of unexpected errors.

Depth, aliases and tokens use strawberry's limiters. The cost is an estimate of
how many field values an operation resolves: every field counts once per parent
object; a field with a ``first`` argument (a page) multiplies what is below it
by that page size (a variable's value, else the argument's default, else
`connection.MAX_PAGE`); lists without ``first`` count once per parent, since the
community's structure bounds them and the depth limit bounds their nesting. The
`Tree` query of the front-end costs about 20, `Elders` with ``first: 100`` about
1,400.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    validate,
)
from graphql.language import IntValueNode
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.base_extension import SchemaExtension

from schema.connection import MAX_PAGE
from schema.outages import AnswerOutages
from schema.strawberry_private import graphql_schema

log = logging.getLogger("gridcare.graphql")

MAX_DEPTH = 12  # the front-end's Tree is 6 deep as strawberry counts (7 nested fields)
MAX_ALIASES = 30
MAX_TOKENS = 2000  # Tree is about 50, Elders 70
MAX_COST = 5000


class _TooCostly(Exception):
    pass


class _Estimate:
    """Walk an operation's selections, stopping as soon as the budget is spent."""

    def __init__(self, context, variables: dict, limit: int):
        self.context, self.variables, self.limit, self.spent = context, variables, limit, 0

    def selections(self, parent, selection_set: SelectionSetNode, times: int, seen: frozenset) -> None:
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                self.field(parent, node, times, seen)
            elif isinstance(node, InlineFragmentNode):
                kind = node.type_condition and self.context.schema.get_type(node.type_condition.name.value)
                self.selections(kind or parent, node.selection_set, times, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.context.get_fragment(node.name.value)
                if fragment:
                    kind = self.context.schema.get_type(fragment.type_condition.name.value)
                    self.selections(kind, fragment.selection_set, times, seen | {node.name.value})

    def field(self, parent, node: FieldNode, times: int, seen: frozenset) -> None:
        self.spent += times
        if self.spent > self.limit:
            raise _TooCostly
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is not None and node.selection_set is not None:
            page = self.page(node, definition)
            self.selections(get_named_type(definition.type), node.selection_set, times * page, seen)

    def page(self, node: FieldNode, definition) -> int:
        if "first" not in definition.args:
            return 1
        default = definition.args["first"].default_value
        fallback = default if isinstance(default, int) else MAX_PAGE
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        if isinstance(given, IntValueNode):
            return max(int(given.value), 1)
        if isinstance(given, VariableNode):
            value = self.variables.get(given.name.value)
            return max(value if isinstance(value, int) else fallback, 1)
        return max(fallback, 1)


def cost_rule(variables: dict | None, limit: int = MAX_COST) -> type[ValidationRule]:
    """A validation rule refusing operations whose estimated cost exceeds ``limit``."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            root = self.context.schema.get_root_type(node.operation)
            try:
                _Estimate(self.context, variables or {}, limit).selections(root, node.selection_set, 1, frozenset())
            except _TooCostly:
                name = node.name.value if node.name else "anonymous"
                self.report_error(
                    GraphQLError(
                        f"'{name}' is too expensive: its estimated cost exceeds {limit}. Ask for smaller pages "
                        "(`first`), fewer fields or fewer aliases.",
                        node,
                    )
                )

    return CostLimit


class CostLimiter(SchemaExtension):
    """Refuse operations over the cost limit, checked apart from the cached validation.

    The cost depends on the request's variables (`first: $first`), so it cannot
    be one of the rules whose result `ValidationCache` keeps per document text.
    Placed after `ValidationCache`, it sees the cached errors and adds its own.
    """

    def on_validate(self):
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            errors = validate(graphql_schema(context.schema), context.graphql_document, [cost_rule(context.variables)])
            if errors:
                context.pre_execution_errors = errors
        yield


def is_unexpected(error: GraphQLError) -> bool:
    """An exception other than a GraphQLError escaped a resolver: a bug, or the store failing."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


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


def extensions(production: bool) -> list[Callable[[], SchemaExtension]]:
    """The limits and masking every schema gets; no introspection in production.

    Parsing and validating a document (limits included) is cached by its text:
    front-ends send the same few documents with different variables.
    """
    # The limiters' rule classes are made once per schema, so that every request validates with
    # the same rules and `ValidationCache` (a module-level LRU) can hit; the cost is checked apart.
    limiters = [QueryDepthLimiter(max_depth=MAX_DEPTH), MaxAliasesLimiter(max_alias_count=MAX_ALIASES)]
    limiters += [DisableIntrospection()] if production else []
    rules = [rule for limiter in limiters for rule in limiter.validation_rules]
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=256),
        CostLimiter,
        AnswerOutages,  # before the masking: an outage is expected (schema/outages.py)
        MaskUnexpected,
    ]
