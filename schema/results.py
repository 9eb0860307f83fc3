"""Typed answers to expected failures, and the one place graph errors become them.

Mutations answer `NotFound`, `Invalid` or `Conflict` as members of their result
union instead of raising, so a front-end can switch on ``__typename``; anything
else is unexpected and becomes a (masked) GraphQL error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError

from graph import errors


def user_error(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    """An expected error of a query, shown to the caller as it is (``extensions.code``)."""
    return GraphQLError(message, extensions={"code": code})


@strawberry.type(description="What the mutation names does not exist.")
class NotFound:
    message: str = strawberry.field(description="What was looked for and not found.")
    kind: str | None = strawberry.field(description="What kind of thing: resident, building, care, post, team…")
    id: str | None = strawberry.field(description="The id or name looked for.")


@strawberry.type(description="An input breaks a rule; nothing was changed.")
class Invalid:
    message: str = strawberry.field(description="The whole explanation.")
    field: str = strawberry.field(description="The input field at fault, as the API spells it.")
    reason: str = strawberry.field(description="Why it is refused.")


@strawberry.type(description="The change clashes with the network as it is (a duplicate, a post already held).")
class Conflict:
    message: str = strawberry.field(description="The whole explanation.")
    reason: str = strawberry.field(description="What it clashes with.")


def failure(e: errors.GraphError) -> NotFound | Invalid | Conflict:
    if isinstance(e, errors.Invalid):
        return Invalid(message=str(e), field=e.field, reason=e.reason)
    if isinstance(e, errors.Conflict):
        return Conflict(message=str(e), reason=e.reason)
    return NotFound(message=str(e), kind=getattr(e, "kind", None), id=getattr(e, "id", None))


async def answer(call: Awaitable[Any], payload: Callable[[Any], Any]) -> Any:
    """Await a repository call; its result through ``payload``, expected failures typed."""
    try:
        return payload(await call)
    except (errors.NotFound, errors.Invalid, errors.Conflict) as e:
        return failure(e)
