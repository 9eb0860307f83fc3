"""Residents' matters (百姓说事) over GraphQL: report, assign, handle, close, list.

Staff and leaders report matters raised at the talk points; by default a
matter goes to its grid's dispute mediator (矛盾调处员). Who sees and changes
which matter is `schema.policy.case_sight` and `check_case`; the store is
`graph.matters`. A matter's ``escalation`` is computed when it is read (the
community's thresholds), so a leader's list shows what waits too long at once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import now
from analysis.services import ServiceSettings
from graph import case_reads, ids
from graph import matters as graph_matters
from graph.case_reads import MatterQuery
from graph.errors import NotFound as NotFoundError
from graph.matters import NewMatter
from graph.service_settings import read_settings
from schema.cases import (
    MAX_KEY_ARG,
    CaseEvent,
    IllegalTransition,
    actor,
    answer,
    decode_cursor,
    encode_cursor,
    history_of,
    page_info,
    page_size,
)
from schema.connection import PageInfo
from schema.context import Context
from schema.enums import EightZero, Escalation, MatterChannel, MatterKind, MatterStatus, Satisfaction, code
from schema.policy import case_sight, check_case, check_new_case, sees_case
from schema.results import Conflict, Invalid, NotFound, user_error

if TYPE_CHECKING:
    from schema.people import Resident

Arg = strawberry.argument
People = "schema.people"


@strawberry.type(description="A matter a resident raised (百姓说事): a dispute, a repair, a complaint, a question.")
class Matter:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    kind: MatterKind = strawberry.field(description="What kind of matter.")
    category: EightZero | None = strawberry.field(description='Marked as one of the "eight zeros" (八零), if it is.')
    channel: MatterChannel = strawberry.field(description="Where it was raised.")
    status: MatterStatus = strawberry.field(description="Where it stands.")
    escalation: Escalation = strawberry.field(
        description="How far up it has gone while waiting (computed now: grid leader, then office)."
    )
    summary: str = strawberry.field(description="What it is about, at most 200 characters.")
    grid: str = strawberry.field(description="The grid (网格) it belongs to.")
    building: str | None = strawberry.field(description="The building, if it is about one.")
    unit: str | None = strawberry.field(description="The unit, if it is about one.")
    reported_at: datetime = strawberry.field(description="When it was raised.")
    assigned_at: datetime | None = strawberry.field(description="When it was last assigned.")
    handled_at: datetime | None = strawberry.field(description="When it was handled.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    satisfaction: Satisfaction | None = strawberry.field(description="The resident's satisfaction on closing.")
    resident_id: strawberry.Private[str | None]
    assignee_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, m: graph_matters.Matter, settings: ServiceSettings) -> Matter:
        return cls(
            id=strawberry.ID(m.id),
            kind=MatterKind(m.kind),
            category=EightZero(m.category) if m.category else None,
            channel=MatterChannel(m.channel),
            status=MatterStatus(m.status),
            escalation=Escalation(m.escalation_now(now(), settings).value),
            summary=m.summary,
            grid=m.grid,
            building=m.building,
            unit=m.unit,
            reported_at=m.reported_at,
            assigned_at=m.assigned_at,
            handled_at=m.handled_at,
            closed_at=m.closed_at,
            satisfaction=Satisfaction(m.satisfaction) if m.satisfaction else None,
            resident_id=m.resident_id,
            assignee_id=m.assignee_id,
        )

    @strawberry.field(description="The resident it is about or who raised it (null when out of reach or none).")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)

    @strawberry.field(description="Who it is assigned to (null when out of reach or none yet).")
    async def assignee(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.assignee_id)

    @strawberry.field(description="Every transition, oldest first: who, when, why (escalations included).")
    async def history(self, info: Info[Context, None]) -> list[CaseEvent]:
        return await history_of(info, str(self.id))


@strawberry.type(description="One matter in a list, with its cursor.")
class MatterEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: Matter = strawberry.field(description="The matter.")


@strawberry.type(description="A page of matters, newest first.")
class MatterConnection:
    total_count: int = strawberry.field(description="How many matters match, over all pages.")
    edges: list[MatterEdge] = strawberry.field(description="The matters of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


@strawberry.input(description="Which matters to list; all given conditions hold.")
class MatterFilter:
    status: MatterStatus | None = strawberry.field(default=None, description="In this status.")
    kind: MatterKind | None = strawberry.field(default=None, description="Of this kind.")
    category: EightZero | None = strawberry.field(default=None, description="Marked as this of the eight zeros.")
    grid: str | None = strawberry.field(default=None, description="In this grid (its number, at most 40).")
    assignee_id: strawberry.ID | None = strawberry.field(default=None, description="Assigned to this resident.")
    since: date | None = strawberry.field(default=None, description="Raised on or after this day.")
    until: date | None = strawberry.field(default=None, description="Raised on or before this day.")


@strawberry.input(description="A matter raised by or about residents.")
class ReportMatterInput:
    community: str = strawberry.field(description="The community's name.")
    kind: MatterKind = strawberry.field(description="What kind of matter.")
    summary: str = strawberry.field(description="What it is about, at most 200 characters.")
    channel: MatterChannel = strawberry.field(default=MatterChannel.TALK_POINT, description="Where it was raised.")
    category: EightZero | None = strawberry.field(default=None, description='One of the "eight zeros", if it is.')
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resident it is about (their home says where, unless `grid` is given)."
    )
    grid: str | None = strawberry.field(default=None, description="The grid, unless a resident says it.")
    building: str | None = strawberry.field(default=None, description="The building, if it is about one.")
    unit: str | None = strawberry.field(default=None, description="The unit within `building`.")
    reported_at: datetime | None = strawberry.field(default=None, description="When it was raised; default now.")
    idempotency_key: str | None = strawberry.field(default=None, description=MAX_KEY_ARG)


@strawberry.type(description="The matter after the change.")
class MatterPayload:
    matter: Matter = strawberry.field(description="The matter as stored now.")
    replayed: bool = strawberry.field(description="The same idempotency key was used before: nothing was changed.")


MatterResult = Annotated[
    MatterPayload | NotFound | Invalid | Conflict | IllegalTransition,
    strawberry.union("MatterResult", description="MatterPayload, or why nothing was changed."),
]


async def settings_of(info: Info[Context, None], community: str) -> ServiceSettings:
    """The community's service settings, read once per request."""
    key = ("service_settings", community)
    memo = info.context.access.memo
    if key not in memo:
        try:
            memo[key] = await info.context.run(read_settings, community)
        except NotFoundError:
            raise user_error(f"no community named {community!r}", "NOT_FOUND") from None
    found: ServiceSettings = memo[key]
    return found


async def _matter(info: Info[Context, None], matter_id: str) -> graph_matters.Matter | None:
    return await info.context.run(graph_matters.matter_by_id, matter_id)


async def matter_seen(info: Info[Context, None], matter_id: str) -> Matter | None:
    """A matter by id, if the caller sees it."""
    found = await _matter(info, matter_id)
    if found is None or not await sees_case(info, found):
        return None
    return Matter.from_record(found, await settings_of(info, found.community))


async def _answer(info: Info[Context, None], call) -> MatterResult:
    async def typed(m: graph_matters.Matter) -> MatterPayload:
        return MatterPayload(matter=Matter.from_record(m, await settings_of(info, m.community)), replayed=m.replayed)

    result = await answer(call, lambda m: m)
    return await typed(result) if isinstance(result, graph_matters.Matter) else result


@strawberry.type
class MatterQueryFields:
    @strawberry.field(
        description="A community's matters the caller sees, newest first: staff all; leaders those about the residents "
        "and places they reach; volunteers those assigned to them."
    )
    async def matters(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        filter: Annotated[MatterFilter | None, Arg(description="Which matters.")] = None,
        first: Annotated[int, Arg(description="Page size, 0 to 100.")] = 20,
        after: Annotated[str | None, Arg(description="Cursor of the matter to continue after.")] = None,
    ) -> MatterConnection:
        sight = await case_sight(info, community)
        f = filter or MatterFilter()
        if f.grid is not None and len(f.grid) > 40:
            raise user_error("filter.grid is at most 40 characters")
        query = MatterQuery(
            community=community,
            status=code(f.status) if f.status else None,
            kind=code(f.kind) if f.kind else None,
            category=code(f.category) if f.category else None,
            grid=f.grid,
            assignee_id=str(f.assignee_id) if f.assignee_id else None,
            since=f.since,
            until=f.until,
        )
        page = await info.context.run(
            case_reads.search_matters, query, sight, first=page_size(first), after=decode_cursor(after)
        )
        settings = await settings_of(info, community)
        edges = [
            MatterEdge(cursor=encode_cursor(m.reported_at, m.id), node=Matter.from_record(m, settings))
            for m in page.items
        ]
        return MatterConnection(
            total_count=page.total, edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next, after)
        )

    @strawberry.field(description="One matter by id; null if there is none or the caller does not see it.")
    async def matter(
        self, info: Info[Context, None], id: Annotated[strawberry.ID, Arg(description="The matter's id.")]
    ) -> Matter | None:
        return await matter_seen(info, str(id))


@strawberry.type
class MatterMutation:
    @strawberry.mutation(
        description="Record a matter raised at a talk point, a watch post, by a leader or at the office. Staff, and "
        "leaders for the residents and places they reach."
    )
    async def report_matter(
        self, info: Info[Context, None], input: Annotated[ReportMatterInput, Arg(description="The matter.")]
    ) -> MatterResult:
        resident = str(input.resident_id) if input.resident_id else None
        if denied := await check_new_case(info, input.community, [resident] if resident else [], matters=True):
            return denied
        new = NewMatter(
            community=input.community,
            kind=code(input.kind),
            summary=input.summary,
            channel=code(input.channel),
            category=code(input.category) if input.category else None,
            resident_id=resident,
            grid=input.grid,
            building=input.building,
            unit=input.unit,
            reported_at=input.reported_at,
        )
        if resident is None and not await _place_in_reach(info, new):
            return NotFound(message=f"no grid {input.grid!r}", kind="grid", id=input.grid)
        return await _answer(
            info, info.context.run(graph_matters.report_matter, new, actor(info), key=input.idempotency_key)
        )

    @strawberry.mutation(
        description="Assign a matter — by default to its grid's dispute mediator (矛盾调处员) — or reassign it. "
        "Staff, and leaders who see it."
    )
    async def assign_matter(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The matter's id.")],
        assignee_id: Annotated[strawberry.ID | None, Arg(description="Who takes it; default the mediator.")] = None,
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> MatterResult:
        found = await _matter(info, str(id))
        if denied := await check_case(info, "matter", str(id), found, "assign"):
            return denied
        who = str(assignee_id) if assignee_id else None
        call = info.context.run(graph_matters.assign_matter, str(id), actor(info), assignee_id=who, key=idempotency_key)
        return await _answer(info, call)

    @strawberry.mutation(
        description="Record that an assigned matter was dealt with, and how. Its assignee, staff, or a leader who "
        "sees it."
    )
    async def handle_matter(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The matter's id.")],
        note: Annotated[str, Arg(description="What was done, at most 200 characters.")],
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> MatterResult:
        found = await _matter(info, str(id))
        if denied := await check_case(info, "matter", str(id), found, "handle"):
            return denied
        call = info.context.run(graph_matters.handle_matter, str(id), note, actor(info), key=idempotency_key)
        return await _answer(info, call)

    @strawberry.mutation(
        description="Close a handled matter with the resident's satisfaction. Staff, or a leader who sees it."
    )
    async def close_matter(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The matter's id.")],
        satisfaction: Annotated[Satisfaction, Arg(description="The resident's satisfaction.")],
        note: Annotated[str | None, Arg(description="A closing note, at most 200 characters.")] = None,
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> MatterResult:
        found = await _matter(info, str(id))
        if denied := await check_case(info, "matter", str(id), found, "close"):
            return denied
        call = info.context.run(
            graph_matters.close_matter, str(id), code(satisfaction), actor(info), note=note, key=idempotency_key
        )
        return await _answer(info, call)


async def _place_in_reach(info: Info[Context, None], new: NewMatter) -> bool:
    """Whether a leader answers for the place of a matter reported without a resident (staff: always)."""
    if new.grid is None or len(new.grid) > 40 or len(new.building or "") > 40 or len(new.unit or "") > 40:
        return True  # the store says what is wrong with it
    c = new.community
    place = ids.grid_id(c, new.grid)
    if new.building:
        place = ids.unit_id(c, new.building, new.unit) if new.unit else ids.building_id(c, new.building)
    return await info.context.access.answers_for(place, c)
