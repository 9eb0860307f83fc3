"""Changing the network: each mutation is one transaction and answers a typed result."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import today
from graph import ids
from graph import mutations as m
from graph.visits import set_care_tier
from schema.changes import run_change
from schema.consent import ConsentMutation
from schema.context import Context
from schema.enums import CareKind, CareTier, RemovalReason, code
from schema.groups import VolunteerTeam
from schema.inputs import AddCareInput, AddressInput, PostInput, RegisterResidentInput, UpdateResidentInput
from schema.matters import MatterMutation
from schema.people import CareRelationship, LeaderPost, Resident, resident_of
from schema.points import PointsMutation
from schema.policy import CARE_TIERS, may_choose_ids, only
from schema.qr import QrMutation
from schema.requests import RequestMutation
from schema.results import Conflict, Invalid, NotFound
from schema.services_admin import ServicesAdminMutation
from schema.visits import VisitMutation, recorder
from schema.wills import WillMutation

Arg = strawberry.argument


@strawberry.type(description="The resident after the change.")
class ResidentPayload:
    resident: Resident = strawberry.field(description="The resident as stored now.")


@strawberry.type(description="A resident removed from the living register, and what went with them.")
class RemovalPayload:
    resident: Resident = strawberry.field(description="The resident, now moved out or deceased.")
    vacated_posts: list[LeaderPost] = strawberry.field(description="The leader posts they held, now vacant.")
    ended: strawberry.Private[list]

    @strawberry.field(
        description="Their care relationships ended on that day (those with people in the caller's reach)."
    )
    async def ended_care(self, info: Info[Context, None]) -> list[CareRelationship]:
        kept = await info.context.access.keep_care(self.ended)
        return [CareRelationship.from_record(c) for c in kept]


@strawberry.type(description="The care relationship after the change.")
class CarePayload:
    care: CareRelationship = strawberry.field(description="The relationship as stored now.")


@strawberry.type(description="A post given to a resident.")
class AssignmentPayload:
    post: LeaderPost = strawberry.field(description="The post as held now.")
    replaced_id: strawberry.Private[str | None]

    @strawberry.field(
        description="Who held the post before, if anyone (null too when they are out of the caller's reach)."
    )
    async def replaced(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.replaced_id)


@strawberry.type(description="A post left vacant.")
class VacancyPayload:
    post: LeaderPost = strawberry.field(description="The post as it was held.")
    vacated_by_id: strawberry.Private[str]

    @strawberry.field(description="Who held it (null when they are out of the caller's reach).")
    async def vacated_by(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.vacated_by_id)


@strawberry.type(description="A resident's team membership after the change.")
class MembershipPayload:
    team: VolunteerTeam = strawberry.field(description="The team.")
    since: date | None = strawberry.field(description="Member since.")
    resident_id: strawberry.Private[str]

    @strawberry.field(description="The member.")
    async def resident(self, info: Info[Context, None]) -> Resident | None:
        return await resident_of(info, self.resident_id)


ResidentResult = Annotated[
    ResidentPayload | NotFound | Invalid | Conflict,
    strawberry.union("ResidentResult", description="ResidentPayload, or why nothing was changed."),
]
RemovalResult = Annotated[
    RemovalPayload | NotFound | Invalid | Conflict,
    strawberry.union("RemovalResult", description="RemovalPayload, or why nothing was changed."),
]
CareResult = Annotated[
    CarePayload | NotFound | Invalid | Conflict,
    strawberry.union("CareResult", description="CarePayload, or why nothing was changed."),
]
AssignmentResult = Annotated[
    AssignmentPayload | NotFound | Invalid | Conflict,
    strawberry.union("AssignmentResult", description="AssignmentPayload, or why nothing was changed."),
]
VacancyResult = Annotated[
    VacancyPayload | NotFound | Invalid | Conflict,
    strawberry.union("VacancyResult", description="VacancyPayload, or why nothing was changed."),
]
MembershipResult = Annotated[
    MembershipPayload | NotFound | Invalid | Conflict,
    strawberry.union("MembershipResult", description="MembershipPayload, or why nothing was changed."),
]


def _resident(record) -> ResidentPayload:
    return ResidentPayload(resident=Resident.from_record(record))


def _membership(x: m.Membership) -> MembershipPayload:
    return MembershipPayload(
        team=VolunteerTeam(id=strawberry.ID(x.team_id), name=x.team), since=x.since, resident_id=x.resident_id
    )


def _removal(x: m.Removal) -> RemovalPayload:
    return RemovalPayload(
        resident=Resident.from_record(x.resident),
        ended=list(x.ended_care),
        vacated_posts=[LeaderPost.from_record(p) for p in x.vacated_posts],
    )


def _assignment(x: m.Assignment) -> AssignmentPayload:
    return AssignmentPayload(post=LeaderPost.from_record(x.post), replaced_id=x.replaced.id if x.replaced else None)


def _vacancy(x: m.Vacancy) -> VacancyPayload:
    return VacancyPayload(post=LeaderPost.from_record(x.post), vacated_by_id=x.vacated_by.id)


def _care(x) -> CarePayload:
    return CarePayload(care=CareRelationship.from_record(x))


@strawberry.input(description="A chosen suggestion: the elder and the caregiver, by ledger id.")
class AssignmentChoice:
    elder_id: str = strawberry.field(description="Ledger id of the elder (as `assignmentSuggestions` gives it).")
    caregiver_id: str = strawberry.field(description="Ledger id of the caregiver.")


@strawberry.type(description="The responsibility relationships created from chosen suggestions.")
class AppliedAssignments:
    created: list[CareRelationship] = strawberry.field(description="One per chosen suggestion.")


AppliedResult = Annotated[
    AppliedAssignments | NotFound | Invalid | Conflict,
    strawberry.union("AppliedResult", description="AppliedAssignments, or why nothing was changed."),
]


def _applied(records) -> AppliedAssignments:
    return AppliedAssignments(created=[CareRelationship.from_record(c) for c in records])


ID = Annotated[strawberry.ID, Arg(description="The resident's stable id.")]
On = Annotated[date, Arg(description="The day it happened; not in the future.")]
Team = Annotated[str, Arg(description="The team's name, e.g. 巡逻队.")]


@strawberry.type(description="Changing the network. Each mutation is one transaction: all of it or nothing.")
class Mutation(
    QrMutation,
    ConsentMutation,
    VisitMutation,
    RequestMutation,
    MatterMutation,
    PointsMutation,
    WillMutation,
    ServicesAdminMutation,
):
    @strawberry.mutation(description="Register a new resident in an existing household or a new room.")
    async def register_resident(
        self, info: Info[Context, None], input: Annotated[RegisterResidentInput, Arg(description="The new resident.")]
    ) -> ResidentResult:
        if input.resident_id is not None and not may_choose_ids(info.context.principal):
            why = "ids of new residents are chosen by community staff: leave residentId out and one is generated"
            return Invalid(message=f"invalid residentId: {why}", field="residentId", reason=why)
        return await run_change(
            info,
            _resident,
            m.register_resident,
            input.community,
            input.to_graph(),
            community=input.community,
            moving_to=input.address.to_graph(),
        )

    @strawberry.mutation(description="Change a resident's details.")
    async def update_resident(
        self, info: Info[Context, None], input: Annotated[UpdateResidentInput, Arg(description="The changes.")]
    ) -> ResidentResult:
        return await run_change(
            info, _resident, m.update_resident, str(input.id), input.to_graph(), residents=(input.id,)
        )

    @strawberry.mutation(description="Move a resident to another household of the community.")
    async def move_resident(
        self,
        info: Info[Context, None],
        id: ID,
        to: Annotated[AddressInput, Arg(description="The new address.")],
        on: Annotated[date | None, Arg(description="Moving day; default today.")] = None,
    ) -> ResidentResult:
        return await run_change(
            info, _resident, m.move_resident, str(id), to.to_graph(), on=on, residents=(id,), moving_to=to.to_graph()
        )

    @strawberry.mutation(
        description="Take a resident off the living register (moved out or died); "
        "their care ends and their posts fall vacant; their history stays."
    )
    async def remove_resident(
        self,
        info: Info[Context, None],
        id: ID,
        reason: Annotated[RemovalReason, Arg(description="Moved out or deceased.")],
        on: On,
    ) -> RemovalResult:
        return await run_change(info, _removal, m.remove_resident, str(id), reason=code(reason), on=on, residents=(id,))

    @strawberry.mutation(description="Add a care relationship (包保 and others).")
    async def add_care(
        self, info: Info[Context, None], input: Annotated[AddCareInput, Arg(description="Who cares for whom.")]
    ) -> CareResult:
        return await run_change(
            info,
            _care,
            m.add_care,
            str(input.caregiver_id),
            str(input.recipient_id),
            kind=code(input.kind),
            since=input.since,
            until=input.until,
            residents=(input.caregiver_id, input.recipient_id),
        )

    @strawberry.mutation(description="End an active care relationship on a day.")
    async def end_care(
        self,
        info: Info[Context, None],
        caregiver_id: Annotated[strawberry.ID, Arg(description="Stable id of the caregiver.")],
        recipient_id: Annotated[strawberry.ID, Arg(description="Stable id of the person cared for.")],
        kind: Annotated[CareKind, Arg(description="Which relationship of the pair.")],
        on: On,
    ) -> CareResult:
        return await run_change(
            info,
            _care,
            m.end_care,
            str(caregiver_id),
            str(recipient_id),
            kind=code(kind),
            on=on,
            residents=(caregiver_id, recipient_id),
        )

    @strawberry.mutation(description="Give a leader post to a resident; the result names who held it before.")
    async def assign_post(
        self,
        info: Info[Context, None],
        resident_id: ID,
        post: Annotated[PostInput, Arg(description="The post.")],
        since: Annotated[date | None, Arg(description="Held from; default today.")] = None,
    ) -> AssignmentResult:
        return await run_change(
            info,
            _assignment,
            m.assign_post,
            str(resident_id),
            post.scope(),
            post=code(post.post),
            since=since,
            community=post.community,
            residents=(resident_id,),
            place=m.place_of_post(post.scope()),
        )

    @strawberry.mutation(description="Leave a leader post vacant.")
    async def vacate_post(
        self, info: Info[Context, None], post: Annotated[PostInput, Arg(description="The post.")]
    ) -> VacancyResult:
        return await run_change(
            info,
            _vacancy,
            m.vacate_post,
            post.scope(),
            post=code(post.post),
            community=post.community,
            place=m.place_of_post(post.scope()),
        )

    @strawberry.mutation(description="Add a resident to a volunteer team (created if new).")
    async def join_team(
        self,
        info: Info[Context, None],
        resident_id: ID,
        team: Team,
        since: Annotated[date | None, Arg(description="Member from; default today.")] = None,
    ) -> MembershipResult:
        return await run_change(
            info, _membership, m.join_team, str(resident_id), team, since=since, residents=(resident_id,)
        )

    @strawberry.mutation(
        description="Apply chosen assignment suggestions: create their responsibility (包保) "
        "relationships, all in one transaction or none."
    )
    async def apply_assignment_suggestions(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        assignments: Annotated[list[AssignmentChoice], Arg(description="The suggestions chosen.")],
        since: Annotated[date | None, Arg(description="Start of the responsibility; default today.")] = None,
    ) -> AppliedResult:
        pairs = [
            (ids.resident_id(community, a.caregiver_id), ids.resident_id(community, a.elder_id)) for a in assignments
        ]
        return await run_change(
            info,
            _applied,
            m.add_care_many,
            pairs,
            kind=code(CareKind.RESPONSIBILITY),
            since=since or today(),
            community=community,
            residents=tuple(dict.fromkeys(r for pair in pairs for r in pair)),
        )

    @strawberry.mutation(description="Take a resident off a volunteer team.")
    async def leave_team(self, info: Info[Context, None], resident_id: ID, team: Team) -> MembershipResult:
        return await run_change(info, _membership, m.leave_team, str(resident_id), team, residents=(resident_id,))

    @strawberry.mutation(
        extensions=only(CARE_TIERS),
        description="Set a resident's tier of the visiting programme (关爱等级) explicitly — for conditions the ledger "
        "does not record: disability, dementia, severe illness, a special family —; NONE takes them out of it; null "
        "hands them back to the default rule. Who set it, and when, is kept. Staff and admins.",
    )
    async def set_care_tier(
        self,
        info: Info[Context, None],
        resident_id: ID,
        tier: Annotated[CareTier | None, Arg(description="The tier, or null: by the rule again.")],
    ) -> ResidentResult:
        return await run_change(
            info,
            _resident,
            set_care_tier,
            str(resident_id),
            code(tier) if tier else None,
            recorder(info),
            residents=(resident_id,),
        )
