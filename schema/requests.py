"""Home-service requests (六送 and others) over GraphQL: ask, dispatch, accept, complete, cancel, list.

Who sees and changes which request is `schema.policy.case_sight` and
`check_case`; the lifecycle is `analysis.services`; the store is
`graph.requests`. An elder is shown to whoever may see them, and to the
volunteer who accepted their request (their name and home, to go there; never
their sensitive fields); an open request of a volunteer's own grid shows its
building and unit only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from analysis.dispatch import rank_providers
from analysis.domain import Asker as DomainAsker
from analysis.domain import Role
from graph import case_reads
from graph import requests as graph_requests
from graph.case_reads import RequestQuery
from graph.reads.network import residents_by_id
from graph.requests import NewRequest
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
from schema.enums import Asker, RequestStatus, ServiceKind, code
from schema.policy import case_sight, check_case, check_new_case, forbidden, sees_case
from schema.results import Conflict, Invalid, NotFound, user_error

if TYPE_CHECKING:
    from schema.groups import VolunteerTeam
    from schema.people import Resident

Arg = strawberry.argument
People = "schema.people"
MAX_SUGGESTIONS = 50


@strawberry.type(description="A home service (六送 and others) asked for an elder, and where it stands.")
class ServiceRequest:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    kind: ServiceKind = strawberry.field(description="What is asked for.")
    status: RequestStatus = strawberry.field(description="Where it stands now (EXPIRED as soon as its window ends).")
    asker: Asker = strawberry.field(description="Who asked: the elder, or someone on their behalf.")
    wanted_from: datetime = strawberry.field(description="The start of the wanted window.")
    wanted_until: datetime = strawberry.field(description="The end of the wanted window: unaccepted by then, EXPIRED.")
    requested_at: datetime = strawberry.field(description="When it was asked.")
    accepted_at: datetime | None = strawberry.field(description="When it was accepted.")
    done_at: datetime | None = strawberry.field(description="When it was done.")
    closed_at: datetime | None = strawberry.field(description="When it was cancelled or expired.")
    minutes: int | None = strawberry.field(description="How long the service took, as reported.")
    points: int | None = strawberry.field(description="The points its provider earned for it.")
    grid: str | None = strawberry.field(description="The elder's grid (网格) when it was asked.")
    building: str | None = strawberry.field(description="The elder's building (楼栋).")
    unit: str | None = strawberry.field(description="The elder's unit (单元).")
    imported: bool = strawberry.field(description="Taken from the ledger's services sheet (history).")
    resident_id: strawberry.Private[str]
    asked_by_id: strawberry.Private[str | None]
    provider_id: strawberry.Private[str | None]
    team_id: strawberry.Private[str | None]
    community_id: strawberry.Private[str]
    note_text: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, r: graph_requests.ServiceRequest) -> ServiceRequest:
        return cls(
            id=strawberry.ID(r.id),
            kind=ServiceKind(r.kind),
            status=RequestStatus(r.status),
            asker=Asker(r.asker),
            wanted_from=r.wanted_from,
            wanted_until=r.wanted_until,
            requested_at=r.requested_at,
            accepted_at=r.accepted_at,
            done_at=r.done_at,
            closed_at=r.closed_at,
            minutes=r.minutes,
            points=r.points,
            grid=r.grid,
            building=r.building,
            unit=r.unit,
            imported=r.source == "ledger",
            resident_id=r.resident_id,
            asked_by_id=r.asked_by,
            provider_id=r.provider_id,
            team_id=r.team_id,
            community_id=r.community,
            note_text=r.note,
        )

    def _mine(self, info: Info[Context, None]) -> bool:
        me = info.context.principal.resident_id
        return me is not None and me == self.provider_id

    @strawberry.field(
        description="The elder: for those who may see them, and for the volunteer who accepted the request "
        "(name and home; never their sensitive fields); null for others."
    )
    async def elder(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import Resident, resident_of

        found = await resident_of(info, self.resident_id)
        if found is None and self._mine(info):
            records = await info.context.run(residents_by_id, [self.resident_id])
            record = records.get(self.resident_id)
            return Resident.from_record(record) if record else None
        return found

    @strawberry.field(description="Who asked on the elder's behalf, a resident (null when out of reach or none).")
    async def asked_by(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.asked_by_id)

    @strawberry.field(description="The volunteer who accepted it (null when out of reach or none).")
    async def provider(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.provider_id)

    @strawberry.field(description="The team that accepted it, if one did.")
    async def team(
        self, info: Info[Context, None]
    ) -> Annotated[VolunteerTeam, strawberry.lazy("schema.groups")] | None:
        from schema.groups import VolunteerTeam

        if self.team_id is None:
            return None
        found = await info.context.loaders.related("teams_by_id").load(self.team_id)
        return VolunteerTeam.from_node(found[0].node) if found else None

    @strawberry.field(description="What the asker said (at most 200 characters): for those who see the elder.")
    async def note(self, info: Info[Context, None]) -> str | None:
        if self._mine(info) or await info.context.access.sees_resident(self.resident_id, self.community_id):
            return self.note_text
        return None

    @strawberry.field(description="Every transition, oldest first: who, when, why.")
    async def history(self, info: Info[Context, None]) -> list[CaseEvent]:
        return await history_of(info, str(self.id))


@strawberry.type(description="One request in a list, with its cursor.")
class ServiceRequestEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: ServiceRequest = strawberry.field(description="The request.")


@strawberry.type(description="A page of requests, newest first.")
class ServiceRequestConnection:
    total_count: int = strawberry.field(description="How many requests match, over all pages.")
    edges: list[ServiceRequestEdge] = strawberry.field(description="The requests of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


@strawberry.input(description="Which requests to list; all given conditions hold.")
class RequestFilter:
    status: RequestStatus | None = strawberry.field(default=None, description="In this status (EXPIRED as read).")
    kind: ServiceKind | None = strawberry.field(default=None, description="Of this kind.")
    resident_id: strawberry.ID | None = strawberry.field(default=None, description="For this elder.")
    provider_id: strawberry.ID | None = strawberry.field(default=None, description="Accepted by this volunteer.")
    since: date | None = strawberry.field(default=None, description="Asked on or after this day (the community's).")
    until: date | None = strawberry.field(default=None, description="Asked on or before this day.")


@strawberry.type(description="Someone who could take an open request, with why they are ranked where they are.")
class DispatchSuggestion:
    rank: int = strawberry.field(description="1 is the best.")
    name: str = strawberry.field(description="The volunteer's name, to call them.")
    team: str | None = strawberry.field(description="Their team that does this kind (else one of theirs).")
    fits: bool = strawberry.field(description="Their team does this kind of service.")
    proximity: str = strawberry.field(
        description="How near they live to the elder: unit, building, grid or community (as `suggest`)."
    )
    open_work: int = strawberry.field(description="Requests they accepted and have not done, matters not handled.")
    reason: str = strawberry.field(description="Why, in a line (Chinese): team, distance, open work.")
    resident_id: strawberry.Private[str]

    @strawberry.field(description="The volunteer's stable id, to accept the request on their behalf.")
    def provider_id(self) -> strawberry.ID:
        return strawberry.ID(self.resident_id)

    @strawberry.field(description="The volunteer (null when out of the caller's reach).")
    async def provider(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


@strawberry.input(description="A home service to ask for.")
class RequestServiceInput:
    resident_id: strawberry.ID = strawberry.field(description="The elder it is for (stable id).")
    kind: ServiceKind = strawberry.field(description="What is asked for.")
    asker: Asker | None = strawberry.field(
        default=None, description="Who asks; default: OFFICE for staff, LEADER for leaders, SELF or NEIGHBOUR else."
    )
    asked_by_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resident who asks on the elder's behalf; default: the caller's own."
    )
    wanted_from: datetime | None = strawberry.field(default=None, description="From when; default now.")
    wanted_until: datetime | None = strawberry.field(
        default=None, description="Until when (unaccepted by then, it expires); default the community's window."
    )
    note: str | None = strawberry.field(default=None, description="A note, at most 200 characters.")
    idempotency_key: str | None = strawberry.field(default=None, description=MAX_KEY_ARG)


@strawberry.type(description="The request after the change.")
class RequestPayload:
    request: ServiceRequest = strawberry.field(description="The request as stored now.")
    replayed: bool = strawberry.field(description="The same idempotency key was used before: nothing was changed.")


RequestResult = Annotated[
    RequestPayload | NotFound | Invalid | Conflict | IllegalTransition,
    strawberry.union("RequestResult", description="RequestPayload, or why nothing was changed."),
]


def _payload(r: graph_requests.ServiceRequest) -> RequestPayload:
    return RequestPayload(request=ServiceRequest.from_record(r), replayed=r.replayed)


async def _request(info: Info[Context, None], request_id: str) -> graph_requests.ServiceRequest | None:
    return await info.context.run(graph_requests.request_by_id, request_id)


async def request_seen(info: Info[Context, None], request_id: str) -> ServiceRequest | None:
    """A request by id, if the caller sees it."""
    found = await _request(info, request_id)
    return ServiceRequest.from_record(found) if found and await sees_case(info, found) else None


def _default_asker(info: Info[Context, None], elder: str) -> str:
    p = info.context.principal
    if p.role in (Role.ADMIN, Role.STAFF):
        return DomainAsker.OFFICE.value
    if p.role is not None and p.role.is_leader:
        return DomainAsker.LEADER.value
    return DomainAsker.SELF.value if p.resident_id == elder else DomainAsker.NEIGHBOUR.value


@strawberry.type
class RequestQueryFields:
    @strawberry.field(
        description="A community's home-service requests the caller sees, newest first: staff all; leaders those of "
        "the elders they reach; volunteers those of the people they reach, their own work and the open "
        "requests of their grid."
    )
    async def service_requests(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        filter: Annotated[RequestFilter | None, Arg(description="Which requests.")] = None,
        first: Annotated[int, Arg(description="Page size, 0 to 100.")] = 20,
        after: Annotated[str | None, Arg(description="Cursor of the request to continue after.")] = None,
    ) -> ServiceRequestConnection:
        sight = await case_sight(info, community)
        f = filter or RequestFilter()
        query = RequestQuery(
            community=community,
            status=code(f.status) if f.status else None,
            kind=code(f.kind) if f.kind else None,
            resident_id=str(f.resident_id) if f.resident_id else None,
            provider_id=str(f.provider_id) if f.provider_id else None,
            since=f.since,
            until=f.until,
        )
        page = await info.context.run(
            case_reads.search_requests, query, sight, first=page_size(first), after=decode_cursor(after)
        )
        edges = [
            ServiceRequestEdge(cursor=encode_cursor(r.requested_at, r.id), node=ServiceRequest.from_record(r))
            for r in page.items
        ]
        return ServiceRequestConnection(
            total_count=page.total, edges=edges, page_info=page_info([e.cursor for e in edges], page.has_next, after)
        )

    @strawberry.field(description="One request by id; null if there is none or the caller does not see it.")
    async def service_request(
        self, info: Info[Context, None], id: Annotated[strawberry.ID, Arg(description="The request's id.")]
    ) -> ServiceRequest | None:
        return await request_seen(info, str(id))

    @strawberry.field(
        description="Who could take an open request, best first: members of the teams that do its kind (as declared, "
        "else by the team's name), then the nearest (same unit, building, grid, community), then the least open "
        "work; each with the reason. Staff, and leaders for the elders they reach."
    )
    async def dispatch_suggestions(
        self,
        info: Info[Context, None],
        request_id: Annotated[strawberry.ID, Arg(description="The request's id.")],
        first: Annotated[int, Arg(description=f"How many, 1 to {MAX_SUGGESTIONS}.")] = 10,
    ) -> list[DispatchSuggestion]:
        if info.context.principal.role in (None, Role.VOLUNTEER):
            raise forbidden("dispatch is for staff and leaders: a volunteer accepts an open request themselves")
        if not 1 <= first <= MAX_SUGGESTIONS:
            raise user_error(f"first must be between 1 and {MAX_SUGGESTIONS}, got {first}")
        found = await _request(info, str(request_id))
        if found is None or not await sees_case(info, found):
            raise user_error(f"no request {str(request_id)!r}", "NOT_FOUND")
        people = await info.context.run(case_reads.candidates, found.community)
        exclude = [r for r in (found.resident_id, found.asked_by) if r]
        ranked = rank_providers(found.kind, case_reads.hub_of(found), people, exclude)[:first]
        return [
            DispatchSuggestion(
                rank=i + 1,
                name=s.name,
                team=s.team,
                fits=s.fits,
                proximity=s.proximity,
                open_work=s.open_work,
                reason=s.reason,
                resident_id=s.resident_id,
            )
            for i, s in enumerate(ranked)
        ]


@strawberry.type
class RequestMutation:
    @strawberry.mutation(
        description="Ask for a home service for an elder — by the elder, family, a leader or staff on their behalf. "
        "Staff for anyone of their community; leaders and volunteers for the people in their reach."
    )
    async def request_service(
        self, info: Info[Context, None], input: Annotated[RequestServiceInput, Arg(description="The request.")]
    ) -> RequestResult:
        elder = str(input.resident_id)
        asker = code(input.asker) if input.asker else _default_asker(info, elder)
        asked_by = str(input.asked_by_id) if input.asked_by_id else info.context.principal.resident_id
        if asker == DomainAsker.SELF or asked_by == elder:
            asked_by = None
        denied = await check_new_case(info, None, [r for r in (elder, asked_by) if r])
        if denied:
            return denied
        new = NewRequest(elder, code(input.kind), asker, asked_by, input.wanted_from, input.wanted_until, input.note)
        call = info.context.run(graph_requests.ask_request, new, actor(info), key=input.idempotency_key)
        return await answer(call, _payload)

    @strawberry.mutation(
        description="Take an open request: a volunteer for themselves; staff and leaders on behalf of a volunteer "
        "(`providerId`, see `dispatchSuggestions`) and/or a team. Nobody accepts their own request."
    )
    async def accept_request(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The request's id.")],
        provider_id: Annotated[
            strawberry.ID | None, Arg(description="The volunteer who takes it; default the caller's own.")
        ] = None,
        team: Annotated[str | None, Arg(description="The team that takes it (its name, at most 40).")] = None,
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> RequestResult:
        found = await _request(info, str(id))
        if denied := await check_case(info, "request", str(id), found, "accept"):
            return denied
        p = info.context.principal
        provider = (
            str(provider_id) if provider_id else (p.resident_id if p.role not in (Role.ADMIN, Role.STAFF) else None)
        )
        if p.role == Role.VOLUNTEER and provider != p.resident_id:
            why = "a volunteer accepts a request for themselves"
            return Invalid(message=f"invalid providerId: {why}", field="providerId", reason=why)
        if team is not None and len(team) > 40:
            return Invalid(message="invalid team: at most 40 characters", field="team", reason="at most 40 characters")
        call = info.context.run(
            graph_requests.accept_request, str(id), actor(info), provider_id=provider, team=team, key=idempotency_key
        )
        return await answer(call, _payload)

    @strawberry.mutation(
        description="Mark an accepted request done; its provider earns the community's points for its kind and "
        "duration, once. The provider, staff, or a leader who sees it."
    )
    async def complete_request(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The request's id.")],
        minutes: Annotated[int | None, Arg(description="How long it took, 1 to 1440.")] = None,
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> RequestResult:
        found = await _request(info, str(id))
        if denied := await check_case(info, "request", str(id), found, "complete"):
            return denied
        call = info.context.run(
            graph_requests.complete_request, str(id), actor(info), minutes=minutes, key=idempotency_key
        )
        return await answer(call, _payload)

    @strawberry.mutation(description="Cancel an open request, saying why. Whoever asked, staff, or a leader.")
    async def cancel_request(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The request's id.")],
        reason: Annotated[str, Arg(description="Why, at most 200 characters.")],
        idempotency_key: Annotated[str | None, Arg(description=MAX_KEY_ARG)] = None,
    ) -> RequestResult:
        found = await _request(info, str(id))
        if denied := await check_case(info, "request", str(id), found, "cancel"):
            return denied
        call = info.context.run(graph_requests.cancel_request, str(id), reason, actor(info), key=idempotency_key)
        return await answer(call, _payload)
