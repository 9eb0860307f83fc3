"""Print the GraphQL SDL: ``python -m schema > schema/schema.graphql``."""

from schema import build_schema

print(build_schema().as_str())  # noqa: T201
