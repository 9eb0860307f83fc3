"""Visits (探访) and the visiting programme (关爱等级) over GraphQL.

`Resident.visits`, ``lastContact``, ``careTier`` and ``nextVisitDue`` tell who was
seen, when and by whom; `Query.visits` lists a community's visits for its staff;
`recordVisit`, `withdrawVisit` and `setCareTier` change them. A visit's note is
sensitive: served to whoever may read the elder's health notes, every read logged.
Who may record what is `schema.policy.check_visit`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from analysis.domain import CADENCE, ELDER_AGE, PROGRAMME, age_on, due_on, rule_tier, today
from analysis.domain import CareTier as Tier
from graph import visits as store_visits
from graph.visits import NewVisit, Recorder, VisitQuery
from graph.visits import Visit as VisitRecord
from schema.changes import run_visit_change
from schema.connection import MAX_PAGE, PageInfo
from schema.context import Context
from schema.enums import CareTier, VisitMode, VisitOutcome, code
from schema.policy import StaffOfCommunity, only
from schema.results import Conflict, Invalid, NotFound, user_error
from schema.sensitive import reader

if TYPE_CHECKING:
    from schema.people import Resident

Arg = strawberry.argument
People = "schema.people"


@strawberry.type(description="A visit (探访) to an elder: who, when, how, and how it went.")
class Visit:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    at: datetime = strawberry.field(description="When, with the community's offset.")
    day: date = strawberry.field(description="The community's day of the visit.")
    mode: VisitMode = strawberry.field(description="At home, by phone or by video.")
    outcome: VisitOutcome = strawberry.field(description="How it went.")
    contact: bool = strawberry.field(description="Somebody saw or spoke to the elder (false: not at home).")
    by_staff: bool = strawberry.field(description="Made by community staff (no resident visitor).")
    withdrawn: bool = strawberry.field(description="Withdrawn as recorded in error; kept, and not counted.")
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn.")
    withdrawn_why: str | None = strawberry.field(description="Why it was withdrawn.")
    recorded_at: datetime | None = strawberry.field(description="When it was recorded (imported visits: null).")
    resident_id: strawberry.Private[str]
    visitor_id: strawberry.Private[str | None]
    community_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, v: VisitRecord) -> Visit:
        return cls(
            id=strawberry.ID(v.id),
            at=v.at,
            day=v.day,
            mode=VisitMode(v.mode),
            outcome=VisitOutcome(v.outcome),
            contact=v.contact,
            by_staff=v.visitor_id is None,
            withdrawn=v.withdrawn,
            withdrawn_at=v.withdrawn_at,
            withdrawn_why=v.withdrawn_why,
            recorded_at=v.recorded_at,
            resident_id=v.resident_id,
            visitor_id=v.visitor_id,
            community_id=v.community,
        )

    @strawberry.field(description="The elder visited.")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)

    @strawberry.field(description="Who visited, a resident (null when staff visited, or out of the caller's reach).")
    async def visitor(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.visitor_id)

    @strawberry.field(
        description="The visitor's note. Sensitive: for those who may read the elder's health notes; "
        "null for others; every read is logged."
    )
    async def note(self, info: Info[Context, None]) -> str | None:
        if not await info.context.access.sees_resident(self.resident_id, self.community_id):
            return None
        loader = info.context.loaders.visit_notes(reader(info))
        note: str | None = await loader.load(str(self.id))
        return note


@strawberry.type(description="One visit in a list, with its cursor.")
class VisitEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: Visit = strawberry.field(description="The visit.")


@strawberry.type(description="A page of visits, newest first.")
class VisitConnection:
    total_count: int = strawberry.field(description="How many visits match, over all pages.")
    edges: list[VisitEdge] = strawberry.field(description="The visits of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


def encode_cursor(v: VisitRecord) -> str:
    return base64.urlsafe_b64encode(json.dumps([v.at.isoformat(), v.id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, vid = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(vid, str):
            raise ValueError
        return datetime.fromisoformat(at), vid
    except (ValueError, TypeError, binascii.Error):
        raise user_error(f"invalid cursor {cursor[:40]!r}") from None


def connection(visits: list[VisitRecord], total: int, has_next: bool, after: str | None) -> VisitConnection:
    edges = [VisitEdge(cursor=encode_cursor(v), node=Visit.from_record(v)) for v in visits]
    page = PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return VisitConnection(total_count=total, edges=edges, page_info=page)


def page_size(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise user_error(f"first must be between 0 and {MAX_PAGE}, got {first}")
    return first


async def resident_visits(root: Any, info: Info[Context, None], first: int, after: str | None) -> VisitConnection:
    """`Resident.visits`: the resident's visits, newest first (withdrawn ones included, marked)."""
    position = decode_cursor(after) if after else None
    found = await info.context.loaders.visits(page_size(first) + 1, position).load(str(root.id))
    return connection(found[:first], len(found), len(found) > first, after)


async def tier_of(root: Any, info: Info[Context, None], day: date) -> Tier:
    """The resident's tier on ``day``: explicit, else by the rule; NONE outside the programme."""
    if root.care_tier_set is not None:
        return Tier(root.care_tier_set)
    household = root.household_id
    if household is None:  # read from a list that does not say where they live
        home = await info.context.loaders.location().load(str(root.id))
        household = home["household"].id if home else None
    births = await info.context.loaders.household_births().load(household) if household else []
    elders_only = bool(births) and all(age_on(b, day) >= ELDER_AGE for b in births)
    found = rule_tier(age_on(root.birth_date, day), root.lives_alone, elders_only)
    return found or Tier.NONE


async def last_contact(root: Any, info: Info[Context, None], day: date) -> date | None:
    found: date | None = await info.context.loaders.last_contact(day).load(str(root.id))
    return found


async def next_due(root: Any, info: Info[Context, None], day: date) -> date | None:
    tier = await tier_of(root, info, day)
    if tier is Tier.NONE:
        return None
    return due_on(await last_contact(root, info, day), CADENCE[tier]) or day


@strawberry.input(description="A visit to record.")
class RecordVisitInput:
    resident_id: strawberry.ID = strawberry.field(description="The elder visited (stable id).")
    at: datetime = strawberry.field(
        description="When; without an offset, the community's local time. Not in the "
        "future (a few minutes' clock skew aside)."
    )
    visitor_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Who visited (a resident's stable id). Left out: the caller themselves when "
        "their token names them (a leader or volunteer), else community staff.",
    )
    mode: VisitMode = strawberry.field(default=VisitMode.HOME, description="How; default at home.")
    outcome: VisitOutcome = strawberry.field(default=VisitOutcome.OK, description="How it went; default all well.")
    note: str | None = strawberry.field(default=None, description="A note (sensitive), at most 500 characters.")


@strawberry.type(description="The visit after the change.")
class VisitPayload:
    visit: Visit = strawberry.field(description="The visit as stored now.")


VisitResult = Annotated[
    VisitPayload | NotFound | Invalid | Conflict,
    strawberry.union("VisitResult", description="VisitPayload, or why nothing was changed."),
]


@strawberry.input(description="Which visits of a community to list; all given conditions hold.")
class VisitFilter:
    since: date | None = strawberry.field(default=None, description="From this day (the community's), included.")
    until: date | None = strawberry.field(default=None, description="Up to this day, included.")
    resident_id: strawberry.ID | None = strawberry.field(default=None, description="Visits to this elder.")
    visitor_id: strawberry.ID | None = strawberry.field(default=None, description="Visits by this resident.")
    outcome: VisitOutcome | None = strawberry.field(default=None, description="With this outcome.")
    mode: VisitMode | None = strawberry.field(default=None, description="Made this way.")
    withdrawn: bool | None = strawberry.field(default=None, description="Withdrawn ones only (true) or none.")


def recorder(info: Info[Context, None]) -> Recorder:
    p = info.context.principal
    return Recorder(label=p.name, role=p.role or "anonymous", token_id=p.token_id)


@strawberry.type
class VisitQueryFields:
    @strawberry.field(
        extensions=only(StaffOfCommunity()),
        description="A community's visits, newest first (staff of the community and admins).",
    )
    async def visits(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        filter: Annotated[VisitFilter | None, Arg(description="Which visits.")] = None,
        first: Annotated[int, Arg(description=f"Page size, 0 to {MAX_PAGE}.")] = 20,
        after: Annotated[str | None, Arg(description="Cursor of the visit to continue after.")] = None,
    ) -> VisitConnection:
        f = filter or VisitFilter()
        query = VisitQuery(
            community=community,
            since=f.since,
            until=f.until,
            resident_id=str(f.resident_id) if f.resident_id else None,
            visitor_id=str(f.visitor_id) if f.visitor_id else None,
            outcome=code(f.outcome) if f.outcome else None,
            mode=code(f.mode) if f.mode else None,
            withdrawn=f.withdrawn,
        )
        position = decode_cursor(after) if after else None
        page = await info.context.run(store_visits.search_visits, query, first=page_size(first), after=position)
        return connection(page.visits, page.total, page.has_next, after)


def _visit(v: VisitRecord) -> VisitPayload:
    return VisitPayload(visit=Visit.from_record(v))


@strawberry.type
class VisitMutation:
    @strawberry.mutation(
        description="Record a visit to an elder. Leaders and volunteers record visits of the people "
        "in their reach, a volunteer only their own; a visit is never edited: withdraw "
        "a wrong one and record it again."
    )
    async def record_visit(
        self, info: Info[Context, None], input: Annotated[RecordVisitInput, Arg(description="The visit.")]
    ) -> VisitResult:
        visit = NewVisit(
            resident_id=str(input.resident_id),
            visitor_id=str(input.visitor_id) if input.visitor_id else None,
            at=input.at,
            mode=code(input.mode),
            outcome=code(input.outcome),
            note=input.note,
        )
        return await run_visit_change(info, _visit, store_visits.record_visit, visit, recorder(info), visit=visit)

    @strawberry.mutation(
        description="Withdraw a visit recorded in error: it stays, marked with who withdrew it, when "
        "and why, and no longer counts. Staff, or whoever recorded it."
    )
    async def withdraw_visit(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The visit's id.")],
        reason: Annotated[str, Arg(description="Why, at most 200 characters.")],
    ) -> VisitResult:
        return await run_visit_change(
            info, _visit, store_visits.withdraw_visit, str(id), reason, recorder(info), withdrawing=str(id)
        )


DUE_WITHIN = 3  # days ahead `myVisitsDue` looks by default


@strawberry.type(description="An elder in the caller's reach whose visit is due or overdue.")
class VisitDue:
    tier: CareTier = strawberry.field(description="Their tier of the visiting programme.")
    last_contact: date | None = strawberry.field(description="Their last contact; null: never reached.")
    due: date = strawberry.field(description="The last day a visit is on time (`asOf` itself if never reached).")
    days_overdue: int = strawberry.field(description="Days past the due day on `asOf` (0: due, not late).")
    resident_id: strawberry.Private[str]

    @strawberry.field(description="The elder.")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


async def visits_due(info: Info[Context, None], day: date, within: int) -> list[VisitDue]:
    """The elders of the caller's reach in the programme whose visit is due by ``day`` + ``within``, most overdue
    first (never reached first of all)."""
    from schema.people import Resident

    reach = await info.context.access.reach()
    if reach is None:
        raise user_error(
            "myVisitsDue lists a leader's or volunteer's elders: staff see the audit's visits", "FORBIDDEN"
        )
    found = await info.context.loaders.resident().load_many(sorted(reach.residents))
    people = [Resident.from_record(r) for r in found if r is not None]
    # all at once, so that each loader reads every resident in one round trip
    tiers = await asyncio.gather(*(tier_of(p, info, day) for p in people))
    lasts = await asyncio.gather(*(last_contact(p, info, day) for p in people))
    out: list[VisitDue] = []
    for person, tier, last in zip(people, tiers, lasts, strict=True):
        if tier is Tier.NONE:
            continue
        due = due_on(last, CADENCE[tier]) or day
        if (due - day).days <= within:
            days_overdue = max((day - due).days, 0)
            out.append(
                VisitDue(
                    tier=CareTier(tier.value),
                    last_contact=last,
                    due=due,
                    days_overdue=days_overdue,
                    resident_id=str(person.id),
                )
            )
    rank = {tier.value: n for n, tier in enumerate(PROGRAMME)}  # as `gridcare visits due` orders them
    return sorted(out, key=lambda d: (d.last_contact is not None, d.due, rank[code(d.tier)], d.resident_id))


@strawberry.type
class VisitsDueQuery:
    @strawberry.field(
        description="A leader's or volunteer's day: the elders in their reach whose visit is due "
        "within `within` days of `asOf` (default today) or overdue — never reached first, "
        "then the most overdue."
    )
    async def my_visits_due(
        self,
        info: Info[Context, None],
        as_of: Annotated[date | None, Arg(description="The day; default today.")] = None,
        within: Annotated[int, Arg(description=f"Days to look ahead, 0 to 30; default {DUE_WITHIN}.")] = DUE_WITHIN,
    ) -> list[VisitDue]:
        if not 0 <= within <= 30:
            raise user_error(f"within must be between 0 and 30, got {within}")
        return await visits_due(info, as_of or today(), within)
