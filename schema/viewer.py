"""Who is asking (`Query.me`): the caller's role, community and scope, so a front-end offers what they may do.

It tells the caller only what their own token already says about them: nothing
about anyone else, and nothing a token of another role would reach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from schema.context import Context
from schema.enums import Role

if TYPE_CHECKING:
    from schema.people import Resident

People = "schema.people"


@strawberry.type(description="The caller, as their API token says: role, community, the place they answer for.")
class Viewer:
    role: Role = strawberry.field(description="The token's role.")
    label: str = strawberry.field(description="The token's label (or `token <id>`), to greet the caller by.")
    community: str | None = strawberry.field(description="Their community; null for admins (every community).")
    scope: str | None = strawberry.field(
        description="Where a leader answers, as issued: `grid:3`, `building:5` or `unit:5-2`; null for others."
    )
    token_id: str | None = strawberry.field(description="The token's id (as `gridcare token list` shows it).")
    resident_id: strawberry.Private[str | None]

    @strawberry.field(description="The caller as a resident, when their token names one (leaders, volunteers).")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who is calling: the principal of the request's token; null without one.")
    def me(self, info: Info[Context, None]) -> Viewer | None:
        p = info.context.principal
        if p.role is None:
            return None
        scope = f"{p.scope_kind}:{p.scope_value}" if p.scope_kind and p.scope_value else None
        return Viewer(
            role=Role(p.role.value),
            label=p.name,
            community=p.community,
            scope=scope,
            token_id=p.token_id,
            resident_id=p.resident_id,
        )
