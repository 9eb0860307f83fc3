"""Root query fields."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from graph.reads.groups import related
from graph.reads.stats import list_communities
from schema.analysis import AnalysisQuery
from schema.connection import MAX_PAGE, ResidentConnection, ResidentFilter, ResidentOrder, residents_connection
from schema.context import Context
from schema.matters import MatterQueryFields
from schema.people import Resident
from schema.places import Community
from schema.points import PointsQuery
from schema.policy import reads_community
from schema.qr import QrQuery
from schema.requests import RequestQueryFields
from schema.sensitive import AccessLogQuery
from schema.services_admin import ServicesAdminQuery
from schema.viewer import ViewerQuery
from schema.visits import VisitQueryFields, VisitsDueQuery
from schema.wills import WillQuery


def _community(node: dict) -> Community:
    return Community(id=strawberry.ID(node["id"]), name=node["name"])


@strawberry.type(description="Reading the community network.")
class Query(
    ViewerQuery,
    AnalysisQuery,
    AccessLogQuery,
    QrQuery,
    VisitQueryFields,
    VisitsDueQuery,
    RequestQueryFields,
    MatterQueryFields,
    PointsQuery,
    WillQuery,
    ServicesAdminQuery,
):
    @strawberry.field(description="Every community in the database, by name.")
    async def communities(self, info: Info[Context, None]) -> list[Community]:
        rows = await info.context.run(list_communities)
        return [
            Community(id=strawberry.ID(r["id"]), name=r["name"])
            for r in rows
            if reads_community(info.context.principal, r["name"])
        ]

    @strawberry.field(description="One community by its name; null if there is none.")
    async def community(
        self, info: Info[Context, None], name: Annotated[str, strawberry.argument(description="The community's name.")]
    ) -> Community | None:
        if not reads_community(info.context.principal, name):
            return None  # out of the caller's reach: the same answer as a community that does not exist
        found = await info.context.run(related, "communities_by_id", [name])
        return _community(found[name][0].node) if found.get(name) else None

    @strawberry.field(description="One resident by stable id; null if there is none.")
    async def resident(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The resident's stable id.")],
    ) -> Resident | None:
        found = await info.context.loaders.resident().load(str(id))
        return (
            Resident.from_record(found) if found and reads_community(info.context.principal, found.community) else None
        )

    @strawberry.field(description=f"Residents of a community, filtered and sorted, {MAX_PAGE} at most per page.")
    async def residents(
        self,
        info: Info[Context, None],
        community: Annotated[str, strawberry.argument(description="The community's name.")],
        filter: Annotated[ResidentFilter | None, strawberry.argument(description="Filters; all must hold.")] = None,
        order_by: Annotated[
            ResidentOrder | None, strawberry.argument(description="Sort order; default by name.")
        ] = None,
        first: Annotated[int, strawberry.argument(description=f"Page size, 0 to {MAX_PAGE}.")] = 20,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the item to continue after.")] = None,
    ) -> ResidentConnection:
        return await residents_connection(info, community, filter, order_by, first, after)
