"""Root query fields."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from graph.errors import NotFound
from graph.stats import community_stats, list_communities
from schema.context import Context
from schema.types import CommunitySummary, CommunityStats


async def _summary(info: Info[Context, None], name: str) -> CommunitySummary:
    stats = await info.context.run(community_stats, name, today=date.today())
    return CommunitySummary(id=strawberry.ID(name), name=name, stats=CommunityStats.from_dict(stats))


@strawberry.type
class Query:
    @strawberry.field(description="Every community in the database, by name.")
    async def communities(self, info: Info[Context, None]) -> list[CommunitySummary]:
        rows = await info.context.run(list_communities)
        return [await _summary(info, row["name"]) for row in rows]

    @strawberry.field(description="One community by its name; null if there is none.")
    async def community(self, info: Info[Context, None], name: str) -> CommunitySummary | None:
        try:
            return await _summary(info, name)
        except NotFound:
            return None
