"""Places: community, grid, building, unit, household."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import today
from graph.models import PlaceRecord
from schema.context import AsOf, Context
from schema.enums import service_order
from schema.policy import WholeCommunityOnly, only
from schema.stats import CommunityStats

if TYPE_CHECKING:
    from schema.groups import PartyBranch, PartyCommittee, PartyGroup, ServiceRoleAssignment, VolunteerTeam
    from schema.people import LeaderPost, Resident

People = "schema.people"
Groups = "schema.groups"


def _children(info: Info[Context, None], relation: str, parent_id: str, cls):
    """A future of the child places: hot paths of big trees, kept free of coroutines."""
    return info.context.loaders.children(relation, cls.from_record).load(parent_id)


async def _posts(info: Info[Context, None], kind: str, scope_id: str) -> list[LeaderPost]:
    from schema.people import LeaderPost

    return [LeaderPost.from_record(p) for p in await info.context.loaders.posts_of_scope(kind).load(scope_id)]


@strawberry.type(description="A residential community (社区): one tenant of the service.")
class Community:
    id: strawberry.ID = strawberry.field(description="Stable id: the community's name.")
    name: str = strawberry.field(description="The community's name, e.g. 长山花园社区.")

    @strawberry.field(
        extensions=only(WholeCommunityOnly(), silent=True),
        description="Counts of the community's parts, with elders counted on `asOf` (default "
        "today). Staff and admins; null for leaders and volunteers (counts of the "
        "whole community on chosen days would tell them about people out of reach).",
    )
    async def stats(self, info: Info[Context, None], as_of: AsOf = None) -> CommunityStats | None:
        s = await info.context.loaders.stats(as_of or today()).load(str(self.id))
        return CommunityStats.from_dict(s)

    @strawberry.field(description="The grids (网格), in number order.")
    def grids(self, info: Info[Context, None]) -> list[Grid]:  # returns the loader's future
        return _children(info, "grids", self.id, Grid)

    @strawberry.field(description="One grid by its number (`3` for 第3网格); null if there is none.")
    async def grid(
        self,
        info: Info[Context, None],
        number: Annotated[str, strawberry.argument(description="The grid's number, e.g. `3`.")],
    ) -> Grid | None:
        return next((g for g in await _children(info, "grids", self.id, Grid) if g.number == number), None)

    @strawberry.field(description="The volunteer teams (红马甲志愿服务队, patrols), by name.")
    async def volunteer_teams(
        self, info: Info[Context, None]
    ) -> list[Annotated[VolunteerTeam, strawberry.lazy(Groups)]]:
        from schema.groups import VolunteerTeam

        teams = await info.context.loaders.related("teams_of_communities").load(self.id)
        return sorted((VolunteerTeam.from_node(t.node) for t in teams), key=lambda t: t.name)

    @strawberry.field(description="The community Party committee (社区党委).")
    async def party_committee(
        self, info: Info[Context, None]
    ) -> Annotated[PartyCommittee, strawberry.lazy(Groups)] | None:
        from schema.groups import PartyCommittee

        found = await info.context.loaders.related("committee_of_communities").load(self.id)
        return PartyCommittee(id=strawberry.ID(found[0].node["id"]), community_id=self.id) if found else None


@strawberry.type(description="A grid (网格): a block of a few hundred households with its own leaders.")
class Grid:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    number: str = strawberry.field(description="The grid's number as the ledger writes it, normalised (`3`).")
    community_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, p: PlaceRecord) -> Grid:
        return cls(id=strawberry.ID(p.id), number=p.number, community_id=p.community)

    @strawberry.field(description="The buildings (楼栋) of this grid, in number order.")
    def buildings(self, info: Info[Context, None]) -> list[Building]:  # returns the loader's future
        return _children(info, "buildings", self.id, Building)

    @strawberry.field(description="Grid leader posts (网格长), A and B.")
    async def leaders(self, info: Info[Context, None]) -> list[Annotated[LeaderPost, strawberry.lazy(People)]]:
        return await _posts(info, "grid", self.id)

    @strawberry.field(description="Who fills the 8 grid service roles (网格服务员) here.")
    async def service_roles(
        self, info: Info[Context, None]
    ) -> list[Annotated[ServiceRoleAssignment, strawberry.lazy(Groups)]]:
        from schema.groups import ServiceRoleAssignment

        found = await info.context.loaders.related("service_roles_of_grids").load(self.id)
        return sorted(
            (ServiceRoleAssignment.of_grid(self.id, r) for r in found),
            key=lambda s: (service_order(s.role), s.resident_id),
        )

    @strawberry.field(description="The grid's Party branch (网格党支部).")
    async def party_branch(self, info: Info[Context, None]) -> Annotated[PartyBranch, strawberry.lazy(Groups)] | None:
        from schema.groups import PartyBranch

        found = await info.context.loaders.related("branch_of_grids").load(self.id)
        return PartyBranch.from_node(found[0].node) if found else None


@strawberry.type(description="A residential building (楼栋), in one grid.")
class Building:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    number: str = strawberry.field(description="The building's number, normalised (`5` for 5号楼).")
    grid_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, p: PlaceRecord) -> Building:
        return cls(id=strawberry.ID(p.id), number=p.number, grid_id=p.parent_id or "")

    @strawberry.field(description="The units (单元, one stairwell each), in number order.")
    def units(self, info: Info[Context, None]) -> list[Unit]:  # returns the loader's future
        return _children(info, "units", self.id, Unit)

    @strawberry.field(description="Building leader posts (楼栋长), A and B.")
    async def leaders(self, info: Info[Context, None]) -> list[Annotated[LeaderPost, strawberry.lazy(People)]]:
        return await _posts(info, "building", self.id)

    @strawberry.field(description="The grid this building belongs to.")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        return await _parent(info, "grid", self.grid_id, Grid)

    @strawberry.field(description="The building Party groups (楼栋党小组).")
    async def party_groups(self, info: Info[Context, None]) -> list[Annotated[PartyGroup, strawberry.lazy(Groups)]]:
        from schema.groups import PartyGroup

        found = await info.context.loaders.related("groups_of_buildings").load(self.id)
        return sorted((PartyGroup.from_node(g.node) for g in found), key=lambda g: g.name)


@strawberry.type(description="A unit (单元): one stairwell or entrance of a building, with its households.")
class Unit:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    number: str = strawberry.field(description="The unit's number within its building (`2` for 2单元).")
    building_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, p: PlaceRecord) -> Unit:
        return cls(id=strawberry.ID(p.id), number=p.number, building_id=p.parent_id or "")

    @strawberry.field(description="The households (户) of this unit, by room.")
    def households(self, info: Info[Context, None]) -> list[Household]:  # returns the loader's future
        return _children(info, "households", self.id, Household)

    @strawberry.field(description="Unit leader posts (单元长), A and B.")
    async def leaders(self, info: Info[Context, None]) -> list[Annotated[LeaderPost, strawberry.lazy(People)]]:
        return await _posts(info, "unit", self.id)

    @strawberry.field(description="The building this unit belongs to.")
    async def building(self, info: Info[Context, None]) -> Building | None:
        return await _parent(info, "building", self.building_id, Building)


@strawberry.type(description="A household (户): one dwelling and the people registered in it.")
class Household:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    room: str = strawberry.field(description="The room number (门牌号), e.g. 301.")
    unit_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, p: PlaceRecord) -> Household:
        return cls(id=strawberry.ID(p.id), room=p.number, unit_id=p.parent_id or "")

    @strawberry.field(description="The residents living here now, oldest first.")
    def residents(
        self, info: Info[Context, None]
    ) -> list[Annotated[Resident, strawberry.lazy(People)]]:  # returns the loader's future
        from schema.people import Resident

        loader = info.context.loaders.residents_of_household(Resident.from_record)
        return loader.load(self.id)  # type: ignore[return-value]  # the loader's future: strawberry awaits it

    @strawberry.field(description="The unit this household is in.")
    async def unit(self, info: Info[Context, None]) -> Unit | None:
        return await _parent(info, "unit", self.unit_id, Unit)


async def _parent(info: Info[Context, None], kind: str, place_id: str, cls):
    found = await info.context.loaders.place(kind).load(place_id) if place_id else None
    return cls.from_record(found) if found else None
