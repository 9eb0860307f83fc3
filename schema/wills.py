"""The will registry (遗嘱库) over GraphQL: staff only, metadata only, every read logged.

`Resident.wills` and `Query.wills` are served to admins and the community's
staff (null, or ``NOT_FOUND``, for anyone else, and nothing logged for them);
each read writes an access-log entry in the same transaction
(`graph.wills`). `willOffers` lists solitary elders of the community's offer
age with no will in force — people to *offer* the registry to — only when the
community has turned that list on (`setServiceSettings(willOffers: true)`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from analysis.domain import today
from graph import wills as graph_wills
from schema.cases import actor, answer
from schema.context import Context
from schema.matters import settings_of
from schema.policy import WHOLE_COMMUNITY, WILLS, StaffOfCommunity, only, reads_community
from schema.results import Conflict, Invalid, NotFound, user_error
from schema.sensitive import reader

if TYPE_CHECKING:
    from schema.people import Resident

Arg = strawberry.argument
People = "schema.people"


@strawberry.type(description="A will registered in the community's will registry (遗嘱库): metadata, never the text.")
class Will:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    registered_on: date = strawberry.field(description="When it was registered.")
    custodian: str = strawberry.field(description="Where it is kept (the office's safe, a notary office).")
    witnesses: list[str] = strawberry.field(description="The witnesses' names.")
    revoked_on: date | None = strawberry.field(description="When it was revoked, if it was.")
    superseded_on: date | None = strawberry.field(description="When a later will replaced it, if one did.")
    in_force: bool = strawberry.field(description="Neither revoked nor superseded.")
    recorded_at: datetime | None = strawberry.field(description="When it was entered.")
    resident_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, w: graph_wills.Will) -> Will:
        return cls(
            id=strawberry.ID(w.id),
            registered_on=w.registered_on,
            custodian=w.custodian,
            witnesses=list(w.witnesses),
            revoked_on=w.revoked_on,
            superseded_on=w.superseded_on,
            in_force=w.in_force,
            recorded_at=w.recorded_at,
            resident_id=w.resident_id,
        )

    @strawberry.field(description="Whose will it is.")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


def _reads_wills(info: Info[Context, None], community: str) -> bool:
    p = info.context.principal
    return p.role in WHOLE_COMMUNITY and reads_community(p, community)


async def wills_of_resident(root: Any, info: Info[Context, None]) -> list[Will] | None:
    """`Resident.wills`: staff of the resident's community and admins; null for anyone else (nothing logged)."""
    if not _reads_wills(info, root.community_id):
        return None
    found = await info.context.loaders.wills(reader(info)).load(str(root.id))
    return [Will.from_record(w) for w in found]


@strawberry.input(description="A will to register (metadata only).")
class RegisterWillInput:
    resident_id: strawberry.ID = strawberry.field(description="Whose will (stable id).")
    registered_on: date = strawberry.field(description="When it was registered; not in the future.")
    custodian: str = strawberry.field(description="Where it is kept, at most 100 characters.")
    witnesses: list[str] = strawberry.field(default_factory=list, description="Witnesses' names: 5 at most.")


@strawberry.type(description="The will after the change.")
class WillPayload:
    will: Will = strawberry.field(description="The will as stored now (a will in force before is superseded).")


WillResult = Annotated[
    WillPayload | NotFound | Invalid | Conflict,
    strawberry.union("WillResult", description="WillPayload, or why nothing was changed."),
]


def _payload(w: graph_wills.Will) -> WillPayload:
    return WillPayload(will=Will.from_record(w))


@strawberry.type
class WillQuery:
    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="Wills registered in a community between two days, newest first; staff and admins; every "
        "resident read is logged.",
    )
    async def wills(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        since: Annotated[date | None, Arg(description="From this day; default five years ago.")] = None,
        until: Annotated[date | None, Arg(description="Up to this day; default today.")] = None,
    ) -> list[Will]:
        end = until or today()
        start = since or end.replace(year=end.year - 5)
        if (end - start).days > 366 * 20:
            raise user_error("ask for at most twenty years at once")
        found = await info.context.run(graph_wills.wills_in, community, start, end, reader(info))
        return [Will.from_record(w) for w in found]

    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="Solitary elders of the community's offer age (75 by default) with no will in force, oldest "
        "first: people to offer the will registry to. Only when the community has turned this list on "
        "(`setServiceSettings`); staff and admins; every one listed is logged.",
    )
    async def will_offers(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        as_of: Annotated[date | None, Arg(description="The day ages are counted on; default today.")] = None,
    ) -> list[Annotated[Resident, strawberry.lazy(People)]]:
        from schema.people import Resident

        settings = await settings_of(info, community)
        if not settings.will_offers:
            raise user_error(f"{community!r} has not turned the will registry's offer list on", "FORBIDDEN")
        ids = await info.context.run(
            graph_wills.will_offers, community, settings.will_offer_age, reader(info), as_of or today()
        )
        found = await info.context.loaders.resident().load_many(ids)
        return [Resident.from_record(r) for r in found if r is not None]


@strawberry.type
class WillMutation:
    @strawberry.mutation(
        extensions=only(WILLS),
        description="Register a will (metadata only); a will in force is superseded by it. Staff and admins.",
    )
    async def register_will(
        self, info: Info[Context, None], input: Annotated[RegisterWillInput, Arg(description="The will.")]
    ) -> WillResult:
        rid = str(input.resident_id)
        if await info.context.loaders.resident().load(rid) is None:
            return NotFound(message=f"no resident {rid!r}", kind="resident", id=rid)
        call = info.context.run(
            graph_wills.register_will, rid, input.registered_on, input.custodian, input.witnesses, actor(info)
        )
        return await answer(call, _payload)

    @strawberry.mutation(extensions=only(WILLS), description="Record that a will was revoked. Staff and admins.")
    async def revoke_will(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The will's id.")],
        on: Annotated[date, Arg(description="When it was revoked; not in the future.")],
    ) -> WillResult:
        community = await info.context.run(graph_wills.will_community, str(id))
        if community is None or not _reads_wills(info, community):
            return NotFound(message=f"no will {str(id)!r}", kind="will", id=str(id))
        return await answer(info.context.run(graph_wills.revoke_will, str(id), on, actor(info)), _payload)
