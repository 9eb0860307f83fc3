"""The graph layer's exception family.

Messages carry the id or the place that failed; the edge (CLI, HTTP, GraphQL)
turns them into exit codes or typed answers.
"""


class GraphError(Exception):
    """Base of every error raised by `graph`."""


class StoreUnavailable(GraphError):
    """Neo4j cannot be reached, or refused our credentials."""


class LocalServerError(GraphError):
    """The project-managed Neo4j could not be installed, started or stopped."""


class NotFound(GraphError):
    """A named object does not exist (in the caller's community)."""


class SchemaNotMigrated(GraphError):
    """The database has not been migrated to the schema this code expects."""
