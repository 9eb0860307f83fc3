"""The SDL front-ends build on: committed, described, and free of drift."""

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLUnionType

from schema import build_schema
from schema.strawberry_private import graphql_schema

SDL = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code():
    assert SDL.read_text() == build_schema().as_str() + "\n", (
        "schema/schema.graphql is out of date: run `python -m schema > schema/schema.graphql` "
        "and review the change with the front-end developers"
    )


def test_every_type_field_argument_and_value_is_described():
    missing = []
    for name, t in graphql_schema(build_schema()).type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        if not t.description:
            missing.append(name)
        if isinstance(t, (GraphQLObjectType, GraphQLInputObjectType)):
            for fname, field in t.fields.items():
                if not field.description:
                    missing.append(f"{name}.{fname}")
                for aname, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{fname}({aname})")
        if isinstance(t, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in t.values.items() if not value.description]
        assert not isinstance(t, GraphQLUnionType) or t.types
    assert missing == []


def test_every_list_has_a_price_in_the_cost_rule():
    """A list without a `first` argument is priced in `schema.budget.LIST_PRICES` (else it would cost as one item
    of a page): a new list field must say how long it gets."""
    from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

    from schema.budget import LIST_PRICES

    def is_list(kind):
        while isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        return isinstance(kind, GraphQLList)

    unpriced = [
        f"{name}.{field}"
        for name, kind in graphql_schema(build_schema()).type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field, definition in kind.fields.items()
        if is_list(definition.type)
        and isinstance(get_named_type(definition.type), GraphQLObjectType)
        and "first" not in definition.args
        and (name, field) not in LIST_PRICES
    ]
    assert not unpriced, f"lists without a price in schema/budget.py LIST_PRICES: {unpriced}"
