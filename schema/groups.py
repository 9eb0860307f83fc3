"""Groups of people: volunteer teams, grid service roles and the Party network."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from analysis.domain import place_key
from graph.models import place_from_props, resident_from_props, to_date
from graph.reads.groups import Related
from graph.service_settings import kinds_of
from schema.context import Context
from schema.enums import ServiceKind, ServiceRole
from schema.people import Resident, resident_of
from schema.places import Building, Grid, Household


def _members(found: list[Related]) -> list[Resident]:
    people = [Resident.from_record(resident_from_props(r.node)) for r in found]
    return sorted(people, key=lambda r: (r.name, r.id))


@strawberry.type(description="A volunteer team: a red-vest team (红马甲志愿服务队) or a patrol.")
class VolunteerTeam:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    name: str = strawberry.field(description="The team's name, e.g. 法律援助队.")

    @classmethod
    def from_node(cls, node: dict) -> VolunteerTeam:
        return cls(id=strawberry.ID(node["id"]), name=node["name"])

    @strawberry.field(description="Members living in the community, by name.")
    async def members(self, info: Info[Context, None]) -> list[Resident]:
        return _members(await info.context.loaders.related("members_of_teams").load(str(self.id)))

    @strawberry.field(
        description="The kinds of home service it does (六送 and others), as declared (`setTeamServiceKinds`), else "
        "by the words of its name (理发 → HAIRCUT, 助老 → the six deliveries …); dispatch ranks its members by them."
    )
    async def service_kinds(self, info: Info[Context, None]) -> list[ServiceKind]:
        found = await info.context.loaders.related("teams_by_id").load(str(self.id))
        declared = found[0].node.get("serviceKinds") if found else None
        return [ServiceKind(k.value) for k in kinds_of(self.name, declared)]

    @strawberry.field(
        description="How many members live in the community (for a leader or volunteer: how many of those they reach)."
    )
    async def member_count(self, info: Info[Context, None]) -> int:
        return len(await info.context.loaders.related("members_of_teams").load(str(self.id)))


@strawberry.type(description="A resident's membership of a volunteer team.")
class TeamMembership:
    since: date | None = strawberry.field(description="Member since.")
    team_id: strawberry.Private[str]
    team_name: strawberry.Private[str]

    @classmethod
    def of_resident(cls, resident_id: str, found: Related) -> TeamMembership:
        return cls(since=found.since, team_id=found.node["id"], team_name=found.node["name"])

    @strawberry.field(description="The team.")
    def team(self) -> VolunteerTeam:
        return VolunteerTeam(id=strawberry.ID(self.team_id), name=self.team_name)


@strawberry.type(description="A grid service role (网格服务员) filled by a resident.")
class ServiceRoleAssignment:
    role: ServiceRole = strawberry.field(description="Which of the 8 roles.")
    since: date | None = strawberry.field(description="Filled since.")
    resident_id: strawberry.Private[str]
    grid_id: strawberry.Private[str]

    @classmethod
    def of_grid(cls, grid_id: str, found: Related) -> ServiceRoleAssignment:
        return cls(
            role=ServiceRole(found.rel["role"]),
            since=to_date(found.rel.get("since")),
            resident_id=found.node["id"],
            grid_id=grid_id,
        )

    @classmethod
    def of_resident(cls, resident_id: str, found: Related) -> ServiceRoleAssignment:
        return cls(
            role=ServiceRole(found.rel["role"]),
            since=to_date(found.rel.get("since")),
            resident_id=resident_id,
            grid_id=found.node["id"],
        )

    @strawberry.field(description="The resident filling the role.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.resident_id)

    @strawberry.field(description="The grid served.")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        found = await info.context.loaders.place("grid").load(self.grid_id)
        return Grid.from_record(found) if found else None


@strawberry.type(description="The community Party committee (社区党委), top of the four-level network.")
class PartyCommittee:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    community_id: strawberry.Private[str]

    @strawberry.field(description="The grid Party branches (网格党支部), by grid number.")
    async def branches(self, info: Info[Context, None]) -> list[PartyBranch]:
        found = await info.context.loaders.related("branches_of_committees").load(str(self.id))
        return sorted((PartyBranch.from_node(b.node) for b in found), key=lambda b: place_key(b.grid_number))


@strawberry.type(description="A grid Party branch (网格党支部), one per grid.")
class PartyBranch:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    grid_number: str = strawberry.field(description="The number of the grid it leads.")

    @classmethod
    def from_node(cls, node: dict) -> PartyBranch:
        return cls(id=strawberry.ID(node["id"]), grid_number=str(node.get("grid", "")))

    @strawberry.field(description="The grid of this branch.")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        found = await info.context.loaders.related("grid_of_branches").load(str(self.id))
        return Grid.from_record(place_from_props("grid", found[0].node)) if found else None

    @strawberry.field(description="The building Party groups (楼栋党小组) of the branch, by name.")
    async def groups(self, info: Info[Context, None]) -> list[PartyGroup]:
        found = await info.context.loaders.related("groups_of_branches").load(str(self.id))
        return sorted((PartyGroup.from_node(g.node) for g in found), key=lambda g: g.name)


@strawberry.type(description="A building Party group (楼栋党小组).")
class PartyGroup:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    name: str = strawberry.field(description="The group's name, unique in the community.")

    @classmethod
    def from_node(cls, node: dict) -> PartyGroup:
        return cls(id=strawberry.ID(node["id"]), name=node["name"])

    @strawberry.field(description="The building the group belongs to.")
    async def building(self, info: Info[Context, None]) -> Building | None:
        found = await info.context.loaders.related("building_of_groups").load(str(self.id))
        place = await info.context.loaders.place("building").load(found[0].node["id"]) if found else None
        return Building.from_record(place) if place else None

    @strawberry.field(description="The Party members of the group, by name.")
    async def members(self, info: Info[Context, None]) -> list[Resident]:
        return _members(await info.context.loaders.related("members_of_groups").load(str(self.id)))

    @strawberry.field(description="The Party-member households (党员家庭户) of its members, by id.")
    async def households(self, info: Info[Context, None]) -> list[Household]:
        found = await info.context.loaders.related("households_of_groups").load(str(self.id))
        places = await info.context.loaders.place("household").load_many(sorted(h.node["id"] for h in found))
        return [Household.from_record(p) for p in places if p]
