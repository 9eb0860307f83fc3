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
