"""People: residents, the leader posts they hold, and care relationships."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import PlaceKind, age_on, kind_of_role, today
from graph.models import CareRecord, PostRecord, ResidentRecord
from schema import sensitive
from schema.context import AsOf, Context
from schema.enums import CareKind, CareTier, LeaderRole, Post, ResidentStatus, code, service_order
from schema.places import Building, Grid, Household, Unit
from schema.results import user_error

if TYPE_CHECKING:
    from schema.consent import Consent
    from schema.groups import PartyGroup, ServiceRoleAssignment, TeamMembership
    from schema.visits import VisitConnection
    from schema.wills import Will

Groups = "schema.groups"
Visits = "schema.visits"


async def resident_of(info: Info[Context, None], resident_id: str | None) -> Resident | None:
    """A resident by stable id through the request's scoped loader: null when missing or out of reach."""
    found = await info.context.loaders.resident().load(resident_id) if resident_id else None
    return Resident.from_record(found) if found else None


async def _residents(info: Info[Context, None], ids: list[str]) -> list[Resident]:
    found = await info.context.loaders.resident().load_many(ids)
    return [Resident.from_record(r) for r in found if r is not None]


async def _care(info: Info[Context, None], side: str, resident_id: str) -> list[CareRecord]:
    return await info.context.loaders.care(side).load(resident_id)


@strawberry.type(description="A person living (or who lived) in the community (居民).")
class Resident:
    id: strawberry.ID = strawberry.field(description="Stable id, unique across communities.")
    resident_id: str = strawberry.field(description="The id in the community's ledger (居民编号).")
    community_id: strawberry.Private[str]
    name: str = strawberry.field(description="Name (姓名).")
    gender: str | None = strawberry.field(description="`F` or `M` (性别), if recorded.")
    birth_date: date = strawberry.field(description="Date of birth (出生日期).")
    lives_alone: bool = strawberry.field(description="Lives alone (独居); with age 60+, a solitary elder.")
    party_member: bool = strawberry.field(description="Party member (党员).")
    status: ResidentStatus = strawberry.field(description="Living here, moved out, or deceased.")
    left_on: date | None = strawberry.field(description="When they moved out or died; null while living here.")
    care_capacity: int | None = strawberry.field(description="How many people they can care for, if set.")
    phone: str | None = strawberry.field(
        description="Phone number (联系电话), for whoever reaches the resident: a leader calls their elders."
    )
    household_id: strawberry.Private[str | None]
    care_tier_set: strawberry.Private[str | None]
    health_notes: str | None = strawberry.field(
        resolver=sensitive.health_notes,
        description="Health notes (健康状况). Sensitive: for staff of the community, admins, the resident's "
        "own leaders and active caregivers, and themselves; null for others; every read is logged.",
    )
    emergency_contact: sensitive.EmergencyContact | None = strawberry.field(
        resolver=sensitive.emergency_contact, description="Emergency contact (紧急联系人). Sensitive: as healthNotes."
    )

    @classmethod
    def from_record(cls, r: ResidentRecord) -> Resident:
        return cls(
            id=strawberry.ID(r.id),
            resident_id=r.resident_id,
            community_id=r.community,
            name=r.name,
            gender=r.gender,
            birth_date=r.birth_date,
            lives_alone=r.lives_alone,
            party_member=r.party_member,
            status=ResidentStatus(r.status),
            left_on=r.left_on,
            care_capacity=r.care_capacity,
            phone=r.phone,
            household_id=r.household_id,
            care_tier_set=r.care_tier,
        )

    @strawberry.field(description="Age in completed years on `asOf` (default today).")
    def age(self, as_of: AsOf = None) -> int:
        day = as_of or today()
        if day < self.birth_date:
            raise user_error(f"asOf {day.isoformat()} is before the resident was born: there is no age on that day")
        return age_on(self.birth_date, day)

    async def _place(self, info: Info[Context, None], kind: str, cls):
        found = await info.context.loaders.location().load(str(self.id))
        return cls.from_record(found[kind]) if found else None

    @strawberry.field(description="The household they are registered in.")
    async def household(self, info: Info[Context, None]) -> Household | None:
        return await self._place(info, "household", Household)

    @strawberry.field(description="The unit (单元) they live in.")
    async def unit(self, info: Info[Context, None]) -> Unit | None:
        return await self._place(info, "unit", Unit)

    @strawberry.field(description="The building (楼栋) they live in.")
    async def building(self, info: Info[Context, None]) -> Building | None:
        return await self._place(info, "building", Building)

    @strawberry.field(description="The grid (网格) they live in.")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        return await self._place(info, "grid", Grid)

    @strawberry.field(description="People who actively care for them on `asOf` (default today), any kind.")
    async def caregivers(self, info: Info[Context, None], as_of: AsOf = None) -> list[Resident]:
        day = as_of or today()
        ids = sorted({c.caregiver_id for c in await _care(info, "recipient", str(self.id)) if c.active_on(day)})
        return await _residents(info, ids)

    @strawberry.field(description="People they actively care for on `asOf` (default today), any kind.")
    async def care_recipients(self, info: Info[Context, None], as_of: AsOf = None) -> list[Resident]:
        day = as_of or today()
        ids = sorted({c.recipient_id for c in await _care(info, "caregiver", str(self.id)) if c.active_on(day)})
        return await _residents(info, ids)

    @strawberry.field(description="Care relationships pointing at them, ended ones included.")
    async def care_received(self, info: Info[Context, None]) -> list[CareRelationship]:
        return [CareRelationship.from_record(c) for c in await _care(info, "recipient", str(self.id))]

    @strawberry.field(description="Care relationships they give (包保 and others), ended ones included.")
    async def care_given(self, info: Info[Context, None]) -> list[CareRelationship]:
        return [CareRelationship.from_record(c) for c in await _care(info, "caregiver", str(self.id))]

    @strawberry.field(description="Leader posts they hold (三长, A or B).")
    async def posts(self, info: Info[Context, None]) -> list[LeaderPost]:
        posts = await info.context.loaders.posts_of_resident().load(str(self.id))
        return [LeaderPost.from_record(p) for p in sorted(posts, key=lambda p: (p.role, p.scope_id))]

    @strawberry.field(description="Volunteer teams they belong to (红马甲).")
    async def teams(self, info: Info[Context, None]) -> list[Annotated[TeamMembership, strawberry.lazy(Groups)]]:
        from schema.groups import TeamMembership

        found = await info.context.loaders.related("teams_of_residents").load(str(self.id))
        return sorted((TeamMembership.of_resident(str(self.id), t) for t in found), key=lambda m: m.team_id)

    @strawberry.field(description="Grid service roles (网格服务员) they fill.")
    async def service_roles(
        self, info: Info[Context, None]
    ) -> list[Annotated[ServiceRoleAssignment, strawberry.lazy(Groups)]]:
        from schema.groups import ServiceRoleAssignment

        found = await info.context.loaders.related("service_roles_of_residents").load(str(self.id))
        return sorted(
            (ServiceRoleAssignment.of_resident(str(self.id), s) for s in found), key=lambda s: service_order(s.role)
        )

    @strawberry.field(description="Their building Party group (楼栋党小组), for Party members.")
    async def party_groups(self, info: Info[Context, None]) -> list[Annotated[PartyGroup, strawberry.lazy(Groups)]]:
        from schema.groups import PartyGroup

        found = await info.context.loaders.related("groups_of_residents").load(str(self.id))
        return [PartyGroup.from_node(g.node) for g in found]

    @strawberry.field(description="Their visits (探访), newest first; withdrawn ones included, marked.")
    async def visits(
        self,
        info: Info[Context, None],
        first: Annotated[int, strawberry.argument(description="Page size, 0 to 100.")] = 20,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the visit to continue after.")] = None,
    ) -> Annotated[VisitConnection, strawberry.lazy(Visits)]:
        from schema.visits import resident_visits

        return await resident_visits(self, info, first, after)

    @strawberry.field(
        description="The day of their last contact (a visit that reached them) on or before `asOf` "
        "(default today); null: none."
    )
    async def last_contact(self, info: Info[Context, None], as_of: AsOf = None) -> date | None:
        from schema.visits import last_contact

        return await last_contact(self, info, as_of or today())

    @strawberry.field(
        description="Their tier of the visiting programme (关爱等级) on `asOf` (default today): the "
        "one set explicitly, else the default rule's (80+ living alone or with elders only: "
        "HIGH; a younger elder living so: GENERAL); NONE outside the programme."
    )
    async def care_tier(self, info: Info[Context, None], as_of: AsOf = None) -> CareTier:
        from schema.visits import tier_of

        return CareTier(await tier_of(self, info, as_of or today()))

    @strawberry.field(
        description="Whether their tier was set explicitly (by the ledger or setCareTier), not by the rule."
    )
    def care_tier_explicit(self) -> bool:
        return self.care_tier_set is not None

    @strawberry.field(
        description="The last day their next visit is on time, seen from `asOf` (default today): the "
        "last contact plus their tier's cadence (7, 30 or 90 days), `asOf` itself if never "
        "reached; null outside the programme."
    )
    async def next_visit_due(self, info: Info[Context, None], as_of: AsOf = None) -> date | None:
        from schema.visits import next_due

        return await next_due(self, info, as_of or today())

    @strawberry.field(
        description="Their wills in the will registry (遗嘱库), newest first: metadata, never the text. For staff of "
        "the community and admins only (null for anyone else); every read is logged."
    )
    async def wills(self, info: Info[Context, None]) -> list[Annotated[Will, strawberry.lazy("schema.wills")]] | None:
        from schema.wills import wills_of_resident

        return await wills_of_resident(self, info)

    @strawberry.field(description="What they (or their guardian) consented to: health notes, the QR finder page.")
    async def consent(self, info: Info[Context, None]) -> Annotated[Consent, strawberry.lazy("schema.consent")]:
        from schema.consent import consent_of

        return await consent_of(info, str(self.id))


@strawberry.type(description="A leader post (三长): who holds which post of which grid, building or unit.")
class LeaderPost:
    role: LeaderRole = strawberry.field(description="Grid, building or unit leader.")
    post: Post = strawberry.field(description="A (primary) or B (backup).")
    since: date | None = strawberry.field(description="Held since.")
    holder_id: strawberry.Private[str]
    scope_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, p: PostRecord) -> LeaderPost:
        return cls(
            role=LeaderRole(p.role), post=Post(p.post), since=p.since, holder_id=p.holder_id, scope_id=p.scope_id
        )

    @strawberry.field(description="The resident holding the post.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.holder_id)

    @strawberry.field(description="The grid, building or unit led.")
    async def scope(
        self, info: Info[Context, None]
    ) -> (
        Annotated[
            Grid | Building | Unit,
            strawberry.union("Scope", description="What a leader post leads: a grid, a building or a unit."),
        ]
        | None
    ):
        kind = kind_of_role(code(self.role))
        found = await info.context.loaders.place(kind).load(self.scope_id)
        if found is None:
            return None
        if kind == PlaceKind.GRID:
            return Grid.from_record(found)
        return Building.from_record(found) if kind == PlaceKind.BUILDING else Unit.from_record(found)


@strawberry.type(description="A care relationship: a named person answers for a named person (包保 and others).")
class CareRelationship:
    kind: CareKind = strawberry.field(description="Responsibility (包保), family, volunteer or neighbour.")
    since: date | None = strawberry.field(description="Start date, if known.")
    until: date | None = strawberry.field(
        description="End date; a relationship ended before a day is not active on it."
    )
    caregiver_id: strawberry.Private[str]
    recipient_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, c: CareRecord) -> CareRelationship:
        return cls(
            kind=CareKind(c.kind),
            since=c.since,
            until=c.until,
            caregiver_id=c.caregiver_id,
            recipient_id=c.recipient_id,
        )

    @strawberry.field(description="Whether it is active on `asOf` (default today).")
    def active(self, as_of: AsOf = None) -> bool:
        record = CareRecord(self.caregiver_id, self.recipient_id, code(self.kind), self.since, self.until)
        return record.active_on(as_of or today())

    @strawberry.field(description="The person who gives care.")
    async def caregiver(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.caregiver_id)

    @strawberry.field(description="The person cared for.")
    async def recipient(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.recipient_id)
