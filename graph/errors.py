"""The graph layer's exception family.

Messages carry the id or the place that failed; the edge (CLI, HTTP, GraphQL)
turns them into exit codes or typed answers.
"""

from __future__ import annotations


class GraphError(Exception):
    """Base of every error raised by `graph`."""


class StoreUnavailable(GraphError):
    """Neo4j cannot be reached, or refused our credentials."""


class LocalServerError(GraphError):
    """The project-managed Neo4j could not be installed, started or stopped."""


class NotFound(GraphError):
    """A named object does not exist (in the caller's community).

    ``kind`` (``resident``, ``building``, ``care``…) and ``id`` say what was
    looked for, when the raiser knows; ``NotFound("message")`` still works.
    """

    def __init__(self, message: str, *, kind: str | None = None, id: str | None = None):
        super().__init__(message)
        self.kind, self.id = kind, id


class Invalid(GraphError):
    """An input breaks a rule; ``field`` names it as the API spells it (``recipientId``)."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"invalid {field}: {reason}")
        self.field, self.reason = field, reason

    def __reduce__(self) -> tuple[type[Invalid], tuple[str, str]]:  # so that copies and pickles keep field and reason
        return type(self), (self.field, self.reason)


class Conflict(GraphError):
    """The change clashes with the graph as it is (a duplicate, a post already held)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
