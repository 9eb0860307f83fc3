"""What one operation may ask for, counted before anything expands it.

An operation's depth, aliases and estimated cost are computed in one walk of
its document in which every fragment is walked once and remembered, so a
document of ten fragments each spreading the next ten times is priced (10¹⁰
fields) instead of expanded — in milliseconds. It runs before graphql-core's
validation and refuses early; nothing else expands fragments before it.

The cost estimates how many field values an operation resolves: each field
counts once per object it is resolved on, and the fields below a list count
once per item of the list. A list's size is its ``first`` argument (the value
given, else its default, else `connection.MAX_PAGE`), or else its price in
`LIST_PRICES`: the size such a list has in a typical community (a unit's
households, a household's residents… — Changshan Garden's averages, rounded up), so that a whole community's tree
(``Tree`` of the front-end: about 165,000) passes and a query that goes round
the network again and again (a unit's households' residents' unit's
households…) does not. Every list field of the schema must have a price (a test
checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
)

MAX_DEPTH = 12  # nested fields below the root field (the front-end's Tree is 6)
MAX_ALIASES = 30
MAX_COST = 200_000
MAX_STRING = 1_000  # characters of any string an operation sends, literal or variable
MAX_PAGE = 100

#: The size of each list without ``first``, as in a large community (the demo's largest are smaller).
LIST_PRICES: dict[tuple[str, str], int] = {
    ("Query", "communities"): 100,
    ("Community", "grids"): 10,
    ("Community", "volunteerTeams"): 20,
    ("Grid", "buildings"): 2,
    ("Grid", "leaders"): 2,
    ("Grid", "serviceRoles"): 10,
    ("Building", "units"): 6,
    ("Building", "leaders"): 2,
    ("Building", "partyGroups"): 3,
    ("Unit", "households"): 80,
    ("Unit", "leaders"): 2,
    ("Household", "residents"): 4,
    ("Resident", "caregivers"): 5,
    ("Resident", "careRecipients"): 12,
    ("Resident", "careReceived"): 8,
    ("Resident", "careGiven"): 16,
    ("Resident", "posts"): 4,
    ("Resident", "teams"): 4,
    ("Resident", "serviceRoles"): 4,
    ("Resident", "partyGroups"): 2,
    ("VolunteerTeam", "members"): 500,  # a patrol of 400+
    ("PartyCommittee", "branches"): 20,
    ("PartyBranch", "groups"): 6,
    ("PartyGroup", "members"): 30,
    ("PartyGroup", "households"): 30,
    ("ResidentConnection", "edges"): 1,  # the page's size is priced by `first` on the connection
    ("VisitConnection", "edges"): 1,
    ("Query", "myVisitsDue"): 200,  # a grid leader's elders in the programme
    ("ServiceRequestConnection", "edges"): 1,
    ("MatterConnection", "edges"): 1,
    ("ServiceRequest", "history"): 6,  # asked, accepted, done (or cancelled, expired)
    ("Matter", "history"): 8,  # reported, assigned (again), handled, closed, escalations
    ("Query", "gifts"): 50,
    ("Query", "wills"): 300,  # 200+ in five years
    ("Query", "willOffers"): 500,
    ("Resident", "wills"): 3,
    ("ServiceSettings", "requestPoints"): 7,
    ("ServicesReport", "requestedByKind"): 7,
    ("ServicesReport", "doneByKind"): 7,
    ("ServicesReport", "byStatus"): 5,
    ("ServicesReport", "topAskers"): 10,
    ("ServicesReport", "byGrid"): 20,
    ("GridServices", "requestedByKind"): 7,
    ("GridServices", "doneByKind"): 7,
    ("MatterMonth", "reportedByKind"): 4,
    ("MatterMonth", "closedByKind"): 4,
    ("MatterMonth", "satisfaction"): 3,
    ("MatterMonth", "byGrid"): 20,
    ("EightZeros", "counts"): 8,
    ("CoverageAudit", "uncoveredElders"): 5_000,
    ("VisitsAudit", "overdue"): 5_000,
    ("OverdueVisit", "caregivers"): 5,
    ("CoverageAudit", "overloadedLeaders"): 100,
    ("CoverageAudit", "gridsWithoutLeader"): 20,
    ("CoverageAudit", "buildingsWithoutLeader"): 100,
    ("CoverageAudit", "unitsWithoutLeader"): 800,
    ("CoverageAudit", "scopesWithoutBackup"): 900,
    ("CoverageAudit", "coverage"): 1_000,  # grids, buildings and units
    ("AssignmentSuggestions", "assignments"): 5_000,
    ("SinglePointsOfFailure", "people"): 200,  # at most `limit`
    ("AppliedAssignments", "created"): 100,
    ("RemovalPayload", "vacatedPosts"): 4,
    ("RemovalPayload", "endedCare"): 20,
    # introspection (development only): the size of this schema
    ("__Schema", "types"): 100,
    ("__Schema", "directives"): 10,
    ("__Type", "fields"): 15,
    ("__Type", "inputFields"): 10,
    ("__Type", "enumValues"): 10,
    ("__Type", "interfaces"): 2,
    ("__Type", "possibleTypes"): 5,
    ("__Field", "args"): 3,
    ("__Directive", "args"): 3,
}


class OverBudget(Exception):
    """Why an operation is refused, in the caller's words."""


@dataclass
class _Totals:
    depth: int = 0
    aliases: int = 0
    cost: int = 0  # for one object of the selection's type


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    done: dict[str, _Totals] = field(default_factory=dict)
    walking: set[str] = field(default_factory=set)

    def selections(self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode) -> _Totals:
        total = _Totals()
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                part = self.field(parent, node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                part = self.selections(self._type(condition.name.value) if condition else parent, node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                part = self.fragment(node.name.value)
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            total.depth = max(total.depth, part.depth)
            total.aliases += part.aliases
            total.cost += part.cost
            if total.cost > MAX_COST * 1000:  # far over already: stop adding to huge numbers
                raise OverBudget(_too_costly())
        return total

    def fragment(self, name: str) -> _Totals:
        """A fragment's totals, walked once whatever the number of its spreads."""
        if name in self.done:
            return self.done[name]
        definition = self.fragments.get(name)
        if definition is None:
            return _Totals()  # graphql-core's validation names the unknown fragment
        if name in self.walking:
            raise OverBudget(f"fragment {name!r} spreads itself: a fragment may not include itself")
        self.walking.add(name)
        totals = self.selections(self._type(definition.type_condition.name.value), definition.selection_set)
        self.walking.discard(name)
        self.done[name] = totals
        return totals

    def field(self, parent: GraphQLNamedType | None, node: FieldNode) -> _Totals:
        aliases = 1 if node.alias else 0
        definition = parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType) else None
        if node.selection_set is None:
            return _Totals(0, aliases, 1)
        below = self.selections(get_named_type(definition.type) if definition else None, node.selection_set)
        size = self.size(parent, node, definition.type if definition else None)
        depth = 0 if node.name.value.startswith("__") else below.depth + 1  # introspection is not the data's depth
        return _Totals(depth, aliases + below.aliases, 1 + below.cost * size)

    def size(self, parent: GraphQLNamedType | None, node: FieldNode, kind: GraphQLOutputType | None) -> int:
        """How many objects a field gives: its ``first``, a list's price, else one."""
        definition = parent.fields.get(node.name.value) if isinstance(parent, GraphQLObjectType) else None
        if definition is not None and "first" in definition.args:
            return max(self._first(node, definition.args["first"].default_value), 1)
        while isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if not isinstance(kind, GraphQLList):
            return 1
        return LIST_PRICES.get((parent.name if parent else "", node.name.value), MAX_PAGE)

    def _first(self, node: FieldNode, default: Any) -> int:
        fallback = default if isinstance(default, int) else MAX_PAGE
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        if isinstance(given, IntValueNode):
            return int(given.value)
        if isinstance(given, VariableNode):
            value = self.variables.get(given.name.value)
            return value if isinstance(value, int) and not isinstance(value, bool) else fallback
        return fallback

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


def check(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> None:
    """Raise `OverBudget` if the operation to run is too deep, has too many aliases, costs too much or sends a
    string that is too long. Unknown names are left to graphql-core's validation, which runs next."""
    _check_strings(document, variables or {})
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, variables or {})
    for fragment in fragments:  # a fragment no operation uses is refused by validation, but walked here first
        walk.fragment(fragment)
    for op in operations:
        if operation_name is not None and (op.name is None or op.name.value != operation_name):
            continue
        totals = walk.selections(schema.get_root_type(op.operation), op.selection_set)
        name = op.name.value if op.name else "anonymous"
        if totals.depth > MAX_DEPTH:
            raise OverBudget(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}")
        if totals.aliases > MAX_ALIASES:
            raise OverBudget(f"{totals.aliases} aliases found. Allowed: {MAX_ALIASES}")
        if totals.cost > MAX_COST:
            raise OverBudget(_too_costly(name))


def _too_costly(name: str = "the operation") -> str:
    who = f"'{name}'" if name != "the operation" else name
    return (
        f"{who} is too expensive: its estimated cost exceeds {MAX_COST}. Ask for smaller pages (`first`), "
        "fewer fields or fewer nested lists, or fewer aliases."
    )


def _check_strings(document: DocumentNode, variables: Mapping[str, Any]) -> None:
    """Every string sent, literal or variable, at most `MAX_STRING` characters (checked without recursion)."""
    pending: list[Any] = [variables]
    while pending:
        value = pending.pop()
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise OverBudget(f"a string of {len(value)} characters was sent; at most {MAX_STRING} are accepted")
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    nodes: list[Node] = [document]
    while nodes:
        node = nodes.pop()
        if isinstance(node, StringValueNode) and len(node.value) > MAX_STRING:
            raise OverBudget(f"a string of {len(node.value)} characters was sent; at most {MAX_STRING} are accepted")
        for key in node.keys:
            child = getattr(node, key, None)
            if isinstance(child, Node):
                nodes.append(child)
            elif isinstance(child, (list, tuple)):
                nodes.extend(c for c in child if isinstance(c, Node))


def refusal(problem: OverBudget) -> GraphQLError:
    return GraphQLError(str(problem), extensions={"code": "BAD_USER_INPUT"})
