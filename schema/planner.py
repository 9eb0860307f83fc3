"""Planned reads: a query operation turned into ONE Cypher statement shaped like its answer.

graphql-core interprets an operation field by field: the community tree of the demo is
~27,000 resolver calls and one DataLoader round trip per level. The planner instead
compiles the operation's selection set (variables, aliases, fragments, field merging
as graphql-core does it) into one Cypher statement whose single value already has the
answer's shape: nested lists built with ``COLLECT { … }`` subqueries, the caller's reach
applied inside the statement (`graph.scope`'s reach as a ``CALL`` subquery for leaders
and volunteers). One cheap Python pass then turns the nested lists into dicts with the
response's keys in order and sorts places in their natural order (`place_key`: A9 before
A10), which Cypher cannot do.

Parsing, the token limit, the budget and validation (cached per document) run before, as
for every operation (`schema.limits`); the planner only replaces graphql-core's
*execution*, and only for what it covers (`COVERED`). It never plans a mutation, a
subscription, a sensitive field (health notes, emergency contacts: their reads are
logged by their resolvers), a field it does not know or any directive: those operations
run through graphql-core as before. Whatever the planned statement would answer
differently from graphql-core (an ``age`` asked on a day before a birth: an error) makes
it hand the operation back to graphql-core (`Fallback`), so both give the same bytes;
``tests/api/test_planner.py`` compares them for every role.

Compiled plans are kept per (document text, operation, kind of caller); a request only
coerces its variables and runs the statement. ``GRIDCARE_PLANNER=off`` turns the planner
off (benchmarks and the differential test compare both).
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from enum import Enum, auto
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from prometheus_client import Counter
from strawberry.extensions.base_extension import SchemaExtension

from analysis.domain import Role, place_key, today
from graph import scope as graph_scope
from graph.models import to_date
from graph.reads.search import conditions, ordering
from graph.store import Store, is_outage
from schema.connection import MAX_PAGE, ResidentFilter, decode_cursor, encode_cursor, resident_query
from schema.enums import LeaderRole, Post, ResidentStatus, code
from schema.policy import Principal, reads_community
from schema.strawberry_private import graphql_schema

log = logging.getLogger("gridcare.graphql")

OPERATIONS = Counter("gridcare_graphql_operations", "GraphQL operations by how they ran", ["path"])


class Unplannable(Exception):
    """The operation holds something the planner does not cover: graphql-core runs it."""


class Fallback(Exception):
    """The planned answer would differ from graphql-core's (an error to report): graphql-core runs it."""


# --- what the planner covers -----------------------------------------------------------------------------------

# scalar fields: GraphQL type → field → the Cypher expression of the node ``{v}`` serialised as graphql-core would
_STR = "toString({v}.%s)"
_BOOL = "coalesce({v}.%s = true, false)"


def _enum(member: type[Enum], expr: str) -> str:
    """A stored code as its GraphQL enum name (``grid_leader`` → ``GRID_LEADER``)."""
    cases = " ".join(f"WHEN '{m.value}' THEN '{m.name}'" for m in member)
    return f"CASE {expr} {cases} END"


_PLACE_SCALARS = {"id": _STR % "id", "number": _STR % "number"}
SCALARS: dict[str, dict[str, str]] = {
    "Community": {"id": _STR % "id", "name": _STR % "name"},
    "Grid": _PLACE_SCALARS,
    "Building": _PLACE_SCALARS,
    "Unit": _PLACE_SCALARS,
    "Household": {"id": _STR % "id", "room": _STR % "room"},
    "Resident": {
        "id": _STR % "id",
        "residentId": _STR % "residentId",
        "name": _STR % "name",
        "gender": _STR % "gender",
        "birthDate": _STR % "birthDate",
        "livesAlone": _BOOL % "livesAlone",
        "partyMember": _BOOL % "partyMember",
        "status": _enum(ResidentStatus, "coalesce({v}.status, 'active')"),
        "leftOn": _STR % "leftOn",
        "careCapacity": "{v}.careCapacity",
        "phone": _STR % "phone",
        "careTierExplicit": "{v}.careTier IS NOT NULL",
    },
    # a leader post is the LEADS relationship {v} of the holder {v}_r
    "LeaderPost": {"role": _enum(LeaderRole, "{v}.role"), "post": _enum(Post, "{v}.post"), "since": _STR % "since"},
}

# child places: type → field → (relationship, child label, the child's sort property)
CHILDREN: dict[str, dict[str, tuple[str, str, str]]] = {
    "Community": {"grids": ("HAS_GRID", "Grid", "number")},
    "Grid": {"buildings": ("HAS_BUILDING", "Building", "number")},
    "Building": {"units": ("HAS_UNIT", "Unit", "number")},
    "Unit": {"households": ("HAS_HOUSEHOLD", "Household", "room")},
}
LEADERS = frozenset({"Grid", "Building", "Unit"})  # types with `leaders: [LeaderPost!]!`
# a place's parent: type → field → the pattern from the parent {p} (whose own parent must exist, as
# `graph.reads.network.places_by_id` asks) to the place {v}
PARENTS: dict[str, dict[str, tuple[str, str]]] = {
    "Building": {"grid": ("Grid", "(:Community)-[:HAS_GRID]->({p}:Grid)-[:HAS_BUILDING]->({v})")},
    "Unit": {"building": ("Building", "(:Grid)-[:HAS_BUILDING]->({p}:Building)-[:HAS_UNIT]->({v})")},
    "Household": {"unit": ("Unit", "(:Building)-[:HAS_UNIT]->({p}:Unit)-[:HAS_HOUSEHOLD]->({v})")},
}
# where a resident lives (`graph.reads.network.LOCATIONS`: the whole chain, never filtered by reach)
LOCATION = (
    "({v})-[:LIVES_IN]->(household:Household)<-[:HAS_HOUSEHOLD]-(unit:Unit)<-[:HAS_UNIT]-(building:Building)"
    "<-[:HAS_BUILDING]-(grid:Grid)"
)
LOCATED = {"household": "Household", "unit": "Unit", "building": "Building", "grid": "Grid"}
_ACTIVE = "({c}.since IS NULL OR {c}.since <= {day}) AND ({c}.until IS NULL OR {c}.until >= {day})"

ENUMS = frozenset({"status", "role", "post"})  # non-null enum fields: an unknown stored code is an error
# every field the planner compiles, by type (`_Compiler.field`); anything else goes to graphql-core
COVERED: dict[str, frozenset[str]] = {
    "Query": frozenset({"community", "resident", "residents"}),
    "Community": frozenset({*SCALARS["Community"], "grids", "grid"}),
    "Grid": frozenset({*SCALARS["Grid"], "buildings", "leaders"}),
    "Building": frozenset({*SCALARS["Building"], "units", "leaders", "grid"}),
    "Unit": frozenset({*SCALARS["Unit"], "households", "leaders", "building"}),
    "Household": frozenset({*SCALARS["Household"], "residents", "unit"}),
    "Resident": frozenset(
        {*SCALARS["Resident"], "age", "household", "unit", "building", "grid", "caregivers", "careRecipients"}
    ),
    "LeaderPost": frozenset({*SCALARS["LeaderPost"], "resident"}),
    # `Query.residents` (`schema.connection`): the page, its cursors and the total in the same statement
    "ResidentConnection": frozenset({"totalCount", "edges", "pageInfo"}),
    "ResidentEdge": frozenset({"cursor", "node"}),
    "PageInfo": frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}),
}


# --- the kind of caller, as far as a plan depends on it ----------------------------------------------------------


class Sight(Enum):
    ALL = auto()  # admins: nothing to filter
    COMMUNITY = auto()  # staff: their community
    LEADER = auto()  # a leader with a scope: `graph.scope.LEADER_REACH`
    VOLUNTEER = auto()  # `graph.scope.VOLUNTEER_REACH`
    NOTHING = auto()  # a scoped role without its scope: the community node only


def sight_of(p: Principal) -> Sight:
    """How `schema.policy.Access` filters what this caller loads (`keeper`, `reach_of`)."""
    if p.role == Role.ADMIN:
        return Sight.ALL
    if p.role == Role.STAFF:
        return Sight.COMMUNITY
    if p.role is not None and p.role.is_leader and p.scope_kind and p.scope_value:
        return Sight.LEADER
    if p.role == Role.VOLUNTEER and p.resident_id:
        return Sight.VOLUNTEER
    return Sight.NOTHING


# --- compiled plans ----------------------------------------------------------------------------------------------


@dataclass
class Shape:
    """How one object of the answer is built from its Cypher list: keys in response order, and the
    positions holding lists of objects, objects or ages (checked: a negative age is an error)."""

    keys: tuple[str, ...]
    lists: list[tuple[int, Shape, bool]] = field(default_factory=list)  # (position, items, sorted as places)
    objects: list[tuple[int, Shape]] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)  # enums: null when the stored code is none of the enum's
    first: list[int] = field(default_factory=list)  # root fields: a list of at most one object
    custom: list[tuple[int, Callable[[Any], Any]]] = field(default_factory=list)  # connections: their own builder


@dataclass
class Argument:
    """A parameter of the statement read from a field's arguments at each request (``name`` None: all of
    them, and ``convert`` returns a `Spliced`)."""

    param: str
    definition: GraphQLField
    node: FieldNode
    name: str | None
    convert: Callable[[Any, Principal], Any]


@dataclass
class Spliced:
    """Parameters, and Cypher texts for the slots ``«name»`` of the statement (fixed fragments chosen by the
    arguments: a connection's filters and order)."""

    params: dict[str, Any]
    texts: dict[str, str]


@dataclass
class Plan:
    cypher: str
    shape: Shape
    arguments: list[Argument]
    variables: OperationDefinitionNode


class _Compiler:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, sight: Sight):
        self.schema = schema
        self.sight = sight
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.arguments: list[Argument] = []
        self.names = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    # graphql-core's CollectFields, for the selections the planner knows (no directives)
    def collect(self, type_name: str, selection_sets: list[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for s in selection_set.selections:
                if s.directives:
                    raise Unplannable("directive")
                if isinstance(s, FieldNode):
                    fields.setdefault(s.alias.value if s.alias else s.name.value, []).append(s)
                elif isinstance(s, InlineFragmentNode):
                    if self.applies(s.type_condition, type_name):
                        walk(s.selection_set)
                elif isinstance(s, FragmentSpreadNode):
                    name = s.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments.get(name)
                    if fragment is None or fragment.directives:
                        raise Unplannable("fragment")
                    if self.applies(fragment.type_condition, type_name):
                        walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return fields

    @staticmethod
    def applies(condition: Any, type_name: str) -> bool:
        if condition is None or condition.name.value == type_name:
            return True
        raise Unplannable("a fragment on another type")  # an interface or union: not covered

    def keep(self, var: str) -> str:
        """The Cypher condition keeping a loaded place or resident ``var`` within the caller's reach."""
        if self.sight is Sight.ALL:
            return "true"
        if self.sight is Sight.COMMUNITY:
            return f"{var}.community = $community"
        return f"{var}.id IN seen"

    def where(self, var: str) -> str:
        return "" if self.sight is Sight.ALL else f" WHERE {self.keep(var)}"

    def obj(self, type_name: str, var: str, nodes: list[FieldNode], sort: str | None = None) -> tuple[str, Shape]:
        """The Cypher list of the fields asked of ``var`` (of ``type_name``), and how to shape it."""
        gql_type = self.schema.get_type(type_name)
        fields = self.collect(type_name, [n.selection_set for n in nodes if n.selection_set])
        exprs = [f"toString({var}.{sort})"] if sort else []
        shape = Shape(keys=tuple(fields))
        for position, same in enumerate(fields.values()):
            name = same[0].name.value
            if name == "__typename":
                exprs.append(f"'{type_name}'")
                continue
            if name not in COVERED.get(type_name, ()):
                raise Unplannable(f"{type_name}.{name}")
            definition = gql_type.fields[name]  # type: ignore[union-attr]
            exprs.append(self.field(type_name, var, name, definition, same, shape, position))
        return "[" + ", ".join(exprs) + "]", shape

    def field(
        self,
        type_name: str,
        var: str,
        name: str,
        definition: GraphQLField,
        same: list[FieldNode],
        shape: Shape,
        position: int,
    ) -> str:
        if name in SCALARS.get(type_name, {}):
            if name in ENUMS:
                shape.codes.append(position)
            return SCALARS[type_name][name].format(v=var)
        if type_name == "Resident" and name == "age":
            shape.ages.append(position)
            day = self.argument(definition, same[0], "asOf", lambda value, _: value or today())
            b = f"{var}.birthDate"
            return (
                f"{day}.year - {b}.year - CASE WHEN {day}.month < {b}.month OR "
                f"({day}.month = {b}.month AND {day}.day < {b}.day) THEN 1 ELSE 0 END"
            )
        if name in CHILDREN.get(type_name, {}):
            relation, label, sort = CHILDREN[type_name][name]
            child = self.name("n")
            inner, sub = self.obj(label, child, same, sort=sort)
            shape.lists.append((position, sub, True))
            return f"COLLECT {{ MATCH ({var})-[:{relation}]->({child}:{label}){self.where(child)} RETURN {inner} }}"
        if name == "leaders":
            post = self.name("l")
            holder = post + "_r"  # LeaderPost.resident reads it
            inner, sub = self.obj("LeaderPost", post, same)
            shape.lists.append((position, sub, False))
            kept = "" if self.sight in (Sight.ALL, Sight.COMMUNITY) else self.where(holder)  # `Access.keep_posts`
            return (
                f"COLLECT {{ MATCH ({holder}:Resident)-[{post}:LEADS]->({var}){kept} "
                f"WITH {holder}, {post} ORDER BY {post}.post, {holder}.id RETURN {inner} }}"
            )
        if name == "residents":  # `graph.reads.network.RESIDENTS_OF_HOUSEHOLDS`, oldest first
            child = self.name("r")
            inner, sub = self.obj("Resident", child, same)
            shape.lists.append((position, sub, False))
            kept = "" if self.sight is Sight.ALL else f" AND {self.keep(child)}"
            return (
                f"COLLECT {{ MATCH ({var})<-[:LIVES_IN]-({child}:Resident) WHERE {child}.status IN ['active']{kept} "
                f"WITH {child} ORDER BY {child}.birthDate, {child}.id RETURN {inner} }}"
            )
        if type_name == "Community" and name == "grid":  # the grid of that number among the visible ones
            child = self.name("n")
            inner, sub = self.obj("Grid", child, same)
            shape.objects.append((position, sub))
            shape.first.append(position)
            number = self.argument(definition, same[0], "number", lambda value, _: value)
            kept = "" if self.sight is Sight.ALL else f" AND {self.keep(child)}"
            return (
                f"COLLECT {{ MATCH ({var})-[:HAS_GRID]->({child}:Grid) WHERE toString({child}.number) = {number}"
                f"{kept} RETURN {inner} LIMIT 1 }}"
            )
        if name in PARENTS.get(type_name, {}):  # `schema.places._parent`: the scoped place loader
            label, pattern = PARENTS[type_name][name]
            parent = self.name("p")
            inner, sub = self.obj(label, parent, same)
            shape.objects.append((position, sub))
            shape.first.append(position)
            return f"COLLECT {{ MATCH {pattern.format(p=parent, v=var)}{self.where(parent)} RETURN {inner} LIMIT 1 }}"
        if type_name == "Resident" and name in LOCATED:  # `Resident._place`: the location loader, not scoped
            n = self.name("")
            pattern = LOCATION.format(v=var)
            for kind in LOCATED:
                pattern = pattern.replace(f"({kind}:", f"({kind}{n}:")
            inner, sub = self.obj(LOCATED[name], f"{name}{n}", same)
            shape.objects.append((position, sub))
            shape.first.append(position)
            return f"COLLECT {{ MATCH {pattern} RETURN {inner} LIMIT 1 }}"
        if type_name == "Resident" and name in ("caregivers", "careRecipients"):
            # active care on the day, both ends within reach (`Access.keep_care`), the other end through the
            # scoped resident loader, by id
            other = self.name("r")
            care = self.name("k")
            day = self.argument(definition, same[0], "asOf", lambda value, _: value or today())
            inner, sub = self.obj("Resident", other, same)
            shape.lists.append((position, sub, False))
            arrow = f"({other}:Resident)-[{care}:CARES_FOR]->({var})"
            if name == "careRecipients":
                arrow = f"({var})-[{care}:CARES_FOR]->({other}:Resident)"
            kept = "" if self.sight is Sight.ALL else f" AND {self.keep(other)}"
            if self.sight not in (Sight.ALL, Sight.COMMUNITY):
                kept += f" AND {self.keep(var)}"
            return (
                f"COLLECT {{ MATCH {arrow} WHERE {_ACTIVE.format(c=care, day=day)}{kept} "
                f"WITH DISTINCT {other} ORDER BY {other}.id RETURN {inner} }}"
            )
        if type_name == "LeaderPost" and name == "resident":  # the holder, through the scoped resident loader
            holder = var + "_r"
            inner, sub = self.obj("Resident", holder, same)
            shape.objects.append((position, sub))
            return inner if self.sight is Sight.ALL else f"CASE WHEN {self.keep(holder)} THEN {inner} END"
        raise Unplannable(f"{type_name}.{name}")

    def argument(
        self, definition: GraphQLField, node: FieldNode, name: str, convert: Callable[[Any, Principal], Any]
    ) -> str:
        param = self.name("a")
        self.arguments.append(Argument(param, definition, node, name, convert))
        return f"${param}"

    def resident(self, definition: GraphQLField, same: list[FieldNode], shape: Shape, position: int) -> str:
        """`Query.resident(id)`: the scoped resident loader, then `reads_community` of the resident's community."""
        var = self.name("r")
        rid = self.argument(definition, same[0], "id", lambda value, _: value)
        inner, sub = self.obj("Resident", var, same)
        shape.first.append(position)
        shape.objects.append((position, sub))
        kept = "" if self.sight is Sight.ALL else f" WHERE {self.keep(var)}"
        if self.sight not in (Sight.ALL, Sight.COMMUNITY):
            kept += f" AND {var}.community = $community"
        return f"COLLECT {{ MATCH ({var}:Resident {{id: {rid}}}){kept} RETURN {inner} LIMIT 1 }}"

    def connection(self, definition: GraphQLField, same: list[FieldNode], shape: Shape, position: int) -> str:
        """`Query.residents` (`schema.connection.residents_connection`): whether the community exists, the total,
        one row more than the page (``[sort key, id, [node, …]]``), and what the cursors and `PageInfo` need."""
        s = self.name("s")  # the prefix of its parameters and slots
        self.arguments.append(Argument(s, definition, same[0], None, _bind(s, self.sight)))
        nodes: list[str] = []  # the Cypher lists of the nodes asked, one per `node` of each `edges`
        builders: list[Callable[[_Page], Any]] = []
        total = page = False
        fields = self.collect("ResidentConnection", [n.selection_set for n in same if n.selection_set])
        for fs in fields.values():
            name = fs[0].name.value
            if name == "__typename":
                builders.append(lambda _: "ResidentConnection")
            elif name == "totalCount":
                total = True
                builders.append(lambda pg: pg.total)
            elif name == "pageInfo":
                page = True
                builders.append(self.page_info(fs))
            elif name == "edges":
                page = True
                builders.append(self.edges(fs, nodes))
            else:
                raise Unplannable(f"ResidentConnection.{name}")
        keys = tuple(fields)

        def build(value: list) -> dict:
            pg = _Page.of(value)
            return dict(zip(keys, (b(pg) for b in builders), strict=True))

        shape.custom.append((position, build))
        matched = f"MATCH (r:Resident {{community: ${s}_community}})"
        count = f"COUNT {{ {matched} WHERE «{s}_where» }}" if total else "0"
        rows = (
            f"COLLECT {{ {matched} WHERE «{s}_page» WITH r ORDER BY «{s}_order», r.id ASC LIMIT ${s}_limit "
            f"RETURN [«{s}_key», r.id, [{', '.join(nodes)}]] }}"
            if page
            else "[]"
        )
        exists = f"EXISTS {{ MATCH (:Community {{id: ${s}_community}}) }}"
        return f"[{exists}, {count}, {rows}, ${s}_sort, ${s}_first, ${s}_after]"

    def page_info(self, same: list[FieldNode]) -> Callable[[_Page], dict]:
        fields = self.collect("PageInfo", [n.selection_set for n in same if n.selection_set])
        values: dict[str, Callable[[_Page], Any]] = {
            "__typename": lambda _: "PageInfo",
            "hasNextPage": lambda pg: pg.has_next,
            "hasPreviousPage": lambda pg: pg.has_previous,
            "startCursor": lambda pg: pg.cursors[0] if pg.cursors else None,
            "endCursor": lambda pg: pg.cursors[-1] if pg.cursors else None,
        }
        asked = [(key, values[fs[0].name.value]) for key, fs in fields.items()]
        return lambda pg: {key: value(pg) for key, value in asked}

    def edges(self, same: list[FieldNode], nodes: list[str]) -> Callable[[_Page], list]:
        fields = self.collect("ResidentEdge", [n.selection_set for n in same if n.selection_set])
        asked: list[tuple[str, Callable[[_Page, int], Any]]] = []
        for key, fs in fields.items():
            name = fs[0].name.value
            if name == "__typename":
                asked.append((key, lambda _, __: "ResidentEdge"))
            elif name == "cursor":
                asked.append((key, lambda pg, i: pg.cursors[i]))
            else:  # node: the resident, as every other one the planner reads
                inner, sub = self.obj("Resident", "r", fs)
                at, build = len(nodes), _shaper(sub)
                nodes.append(inner)
                asked.append((key, _node(at, build)))
        return lambda pg: [{key: value(pg, i) for key, value in asked} for i in range(len(pg.rows))]

    def root(self, operation: OperationDefinitionNode) -> tuple[str, Shape]:
        query_type = self.schema.query_type
        assert query_type is not None
        fields = self.collect("Query", [operation.selection_set])
        exprs: list[str] = []
        shape = Shape(keys=tuple(fields))
        for position, same in enumerate(fields.values()):
            name = same[0].name.value
            if name == "__typename":
                exprs.append("'Query'")
                continue
            if name not in COVERED["Query"]:
                raise Unplannable(f"Query.{name}")
            definition = query_type.fields[name]
            if name == "residents":
                exprs.append(self.connection(definition, same, shape, position))
                continue
            if name == "resident":
                exprs.append(self.resident(definition, same, shape, position))
                continue
            community = self.argument(definition, same[0], "name", lambda value, _: value)
            allowed = self.argument(definition, same[0], "name", lambda value, p: reads_community(p, value))
            var = self.name("c")
            inner, sub = self.obj("Community", var, same)
            shape.first.append(position)
            shape.objects.append((position, sub))
            exprs.append(f"COLLECT {{ MATCH ({var}:Community {{id: {community}}}) WHERE {allowed} RETURN {inner} }}")
        return "[" + ", ".join(exprs) + "]", shape


# the caller's reach inside the statement: `seen` lists the ids `graph.scope.Reach.sees`
_LEADER = "CALL () {\n%s}\nWITH below + above + residents + own + [$community] AS seen\n"
_VOLUNTEER = "CALL () {\n%s}\nWITH residents + reduce(all = [], h IN homes | all + h) + [$community] AS seen\n"
REACH: dict[tuple[Sight, str | None], str] = {
    **{(Sight.LEADER, kind): _LEADER % cypher for kind, cypher in graph_scope.LEADER_REACH.items()},
    (Sight.VOLUNTEER, None): _VOLUNTEER % graph_scope.VOLUNTEER_REACH,
    (Sight.NOTHING, None): "WITH [$community] AS seen\n",
}


def compile_plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, sight: Sight) -> Plan:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        raise Unplannable("not a query")
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise Unplannable("directive")
    compiler = _Compiler(schema, document, sight)
    expr, shape = compiler.root(operation)
    return Plan(f"RETURN {expr} AS data", shape, compiler.arguments, operation)


# --- the residents connection at each request ---------------------------------------------------------------

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")
_PARAM = re.compile(r"\$(\w+)")


def _bind(s: str, sight: Sight) -> Callable[[dict[str, Any], Principal], Spliced]:
    """The parameters and fixed fragments of `Query.residents` (prefixed ``s``) for its arguments; `Fallback`
    whenever `residents_connection` would answer an error (a bad page size, cursor or filter, a community out
    of reach or absent): graphql-core reports it."""

    def bind(args: dict[str, Any], p: Principal) -> Spliced:
        community, first, after = args["community"], args["first"], args.get("after")
        if not 0 <= first <= MAX_PAGE or not reads_community(p, community):
            raise Fallback("residents: first, or a community out of reach")
        order = args.get("orderBy") or {}
        by = order.get("by")
        sort, descending = (code(by) if by is not None else "NAME"), bool(order.get("descending"))
        try:
            position = decode_cursor(after, sort) if after else None
            given = args.get("filter") or {}
            query = resident_query(
                community, ResidentFilter(**{_SNAKE.sub("_", k).lower(): v for k, v in given.items()})
            )
        except (GraphQLError, TypeError, ValueError) as e:
            raise Fallback("residents: a bad cursor or filter") from e
        if sight not in (Sight.ALL, Sight.COMMUNITY):  # within the reach: `seen`, as the search's `$within`
            query = replace(query, within=frozenset())
        as_of = query.as_of or today()
        clauses, found = conditions(query, as_of)
        expr, direction, seek = ordering(sort, descending)
        where = " AND ".join(clauses)
        key, rid = position or (None, None)
        params = {
            "community": community,
            "statuses": list(query.statuses),
            "asOf": as_of,
            "limit": first + 1,
            "afterKey": key,
            "afterId": rid,
            **{k: v for k, v in found.items() if k != "within"},
        }

        def prefixed(text: str) -> str:
            return _PARAM.sub(lambda m: "seen" if m[1] == "within" else f"${s}_{m[1]}", text)

        texts = {
            f"{s}_where": prefixed(where),
            f"{s}_page": prefixed(f"{where} AND ({seek})" if position else where),
            f"{s}_order": f"{expr} {direction}",
            f"{s}_key": expr,
        }
        params |= {"sort": sort, "first": first, "after": after is not None}
        return Spliced({f"{s}_{k}": v for k, v in params.items()}, texts)

    return bind


def _node(at: int, build: Callable[[list], dict]) -> Callable[[_Page, int], dict]:
    """The resident of the ``i``-th row of a page, from its ``at``-th node list."""
    return lambda pg, i: build(pg.rows[i][2][at])


@dataclass
class _Page:
    """One page of `Query.residents` as its Cypher list gives it: rows ``[sort key, id, [node, …]]``."""

    total: int
    rows: list[list]
    cursors: list[str]
    has_next: bool
    has_previous: bool

    @classmethod
    def of(cls, value: list) -> _Page:
        exists, total, rows, sort, first, after = value
        if not exists:
            raise Fallback("residents: no such community")  # `NotFound`: graphql-core reports it
        rows = rows[:first]
        cursors = [encode_cursor(sort, to_date(k) if sort == "AGE" else k, rid) for k, rid, _ in rows]
        return cls(total, rows, cursors, len(value[2]) > first, after)


# --- running a plan ----------------------------------------------------------------------------------------------


def _shaper(shape: Shape) -> Callable[[list], dict]:
    """A function turning one Cypher list into the answer's dict (children sorted, ages checked)."""
    keys = shape.keys
    lists = [(i, _shaper(sub), places) for i, sub, places in shape.lists]
    objects = [(i, _shaper(sub), i in shape.first) for i, sub in shape.objects]
    ages, codes, custom = shape.ages, shape.codes, shape.custom

    def build(values: list) -> dict:
        for i, make in custom:
            values[i] = make(values[i])
        for i, sub, places in lists:
            items = values[i]
            if places:
                items.sort(key=_natural)
                values[i] = [sub(x[1:]) for x in items]
            else:
                values[i] = [sub(x) for x in items]
        for i, sub, first in objects:
            value = values[i]
            if first:
                value = value[0] if value else None
            values[i] = None if value is None else sub(value)
        for i in ages:
            if values[i] is not None and values[i] < 0:
                raise Fallback("an age before a birth")
        for i in codes:
            if values[i] is None:
                raise Fallback("a stored code of no enum")
        return dict(zip(keys, values, strict=True))

    return build


def _natural(row: list) -> Any:
    """`graph.reads.network.children`'s order: ``place_key(str(number))``."""
    return place_key("None" if row[0] is None else row[0])


@dataclass
class Compiled:
    plan: Plan
    build: Callable[[list], dict]


_PLANS: OrderedDict[tuple, Compiled | None] = OrderedDict()  # the last 256; None: not covered
MAX_PLANS = 256


def planned(schema: GraphQLSchema, query: str, document: DocumentNode, name: str | None, sight: Sight):
    key = (id(schema), query, name, sight)
    if key in _PLANS:
        _PLANS.move_to_end(key)
        return _PLANS[key]
    try:
        plan = compile_plan(schema, document, name, sight)
        compiled: Compiled | None = Compiled(plan, _shaper(plan.shape))
    except Unplannable as why:
        log.debug("not planned: %s", why)
        compiled = None
    if query:
        _PLANS[key] = compiled
        if len(_PLANS) > MAX_PLANS:
            _PLANS.popitem(last=False)
    return compiled


def parameters(
    schema: GraphQLSchema, compiled: Compiled, variables: dict[str, Any] | None, p: Principal
) -> tuple[dict, dict[str, str]]:
    """The statement's parameters for this request, and the texts of its slots; `Fallback` when the
    variables do not coerce (graphql-core answers that error)."""
    coerced = get_variable_values(schema, compiled.plan.variables.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        raise Fallback("variables")
    params: dict[str, Any] = {"community": p.community or ""}
    texts: dict[str, str] = {}
    for a in compiled.plan.arguments:
        try:
            values = get_argument_values(a.definition, a.node, coerced)
        except Exception as e:  # graphql-core reports it, with its path
            raise Fallback("argument") from e
        if a.name is None:
            spliced = a.convert(values, p)
            params |= spliced.params
            texts |= spliced.texts
        else:
            params[a.param] = a.convert(values.get(a.name), p)
    sight = sight_of(p)
    if sight is Sight.LEADER:
        try:
            params["place"] = graph_scope.scope_place_id(p.community or "", p.scope_kind or "", p.scope_value or "")
        except ValueError as e:
            raise Fallback("scope") from e
        params["self"] = p.resident_id
    elif sight is Sight.VOLUNTEER:
        params["self"], params["today"] = p.resident_id, today()
    return params, texts


def statement(compiled: Compiled, p: Principal, texts: dict[str, str] | None = None) -> str:
    """The plan's statement, its slots filled (``texts``), after the Cypher of the caller's reach (leaders and
    volunteers)."""
    sight = sight_of(p)
    kind = p.scope_kind if sight is Sight.LEADER else None
    cypher = compiled.plan.cypher
    for slot, text in (texts or {}).items():
        cypher = cypher.replace(f"«{slot}»", text)
    return REACH.get((sight, kind), "") + cypher


def run(store: Store, cypher: str, compiled: Compiled, params: dict) -> dict:
    """The planned statement and the one Python pass over its answer."""
    rows = store.read("planned_query", cypher, **params)
    return compiled.build(rows[0]["data"])


class PlannedReads(SchemaExtension):
    """Answer a covered query with its planned statement instead of graphql-core's execution."""

    async def on_execute(self) -> AsyncIterator[None]:  # strawberry accepts async hooks
        ec = self.execution_context
        context = ec.context
        document = ec.graphql_document
        store = getattr(context, "store", None)
        if ec.result is None and document is not None and store is not None:
            schema = graphql_schema(ec.schema)
            principal: Principal = context.principal
            compiled = planned(schema, ec.query or "", document, ec.operation_name, sight_of(principal))
            if compiled is not None:
                try:
                    params, texts = parameters(schema, compiled, ec.variables, principal)
                    data = await context.run(run, statement(compiled, principal, texts), compiled, params)
                except Fallback as why:
                    log.debug("planned query handed back to graphql-core: %s", why)
                except Exception as e:  # an outage or a bug: graphql-core answers as it always does
                    if not is_outage(e):
                        log.exception("request %s: the planned query failed", getattr(context, "request_id", "-"))
                else:
                    ec.result = GraphQLExecutionResult(data=data, errors=None)
        OPERATIONS.labels("planned" if ec.result is not None else "interpreted").inc()
        yield
