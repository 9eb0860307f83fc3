"""Red-vest points (积分) over GraphQL: statements, the year's ranking, the gift shelf, and what moves points.

Every movement is a double entry of `graph.points`; a redemption beyond the
balance answers `InsufficientPoints`, one of a gift not on the shelf
`OutOfStock`, and nothing is changed. Each earn and redeem carries an
idempotency key: a repeated call is answered with the first movement
(``replayed``). Who may do what is `schema.policy.check_points` and
`SERVICE_ADMIN` (staff only: good deeds, reversals, the shelf).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from analysis.domain import today
from graph import gifts as graph_gifts
from graph import points as graph_points
from graph import points_reads
from schema.cases import InsufficientPoints, OutOfStock, actor, answer
from schema.context import Context
from schema.enums import MovementKind
from schema.policy import SERVICE_ADMIN, check_community_admin, check_points, only, reads_community
from schema.results import Conflict, Invalid, NotFound, user_error

if TYPE_CHECKING:
    from schema.people import Resident

Arg = strawberry.argument
People = "schema.people"
KEY = "Required, at most 64 characters: a call repeated with the same key is answered as the first, paying once."
MAX_STATEMENT = 500
MAX_RANKING = 100


@strawberry.type(description="One movement of points: from the account it debits to the account it credits.")
class PointsMovement:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    at: datetime = strawberry.field(description="When it was recorded.")
    day: date = strawberry.field(description="The day it counts for (a patrol's day, a request's).")
    kind: MovementKind = strawberry.field(description="Why points moved.")
    amount: int = strawberry.field(description="How many points (always above 0).")
    points: int = strawberry.field(
        description="Seen from the resident's account: + credited to it, - debited from it (0 if neither)."
    )
    why: str | None = strawberry.field(description="What for (a gift's name, a good deed's reason).")
    reverses: strawberry.ID | None = strawberry.field(description="The movement this one reverses, if it is one.")
    by: str | None = strawberry.field(description="Who recorded it (the token's label).")
    resident_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, m: graph_points.Movement, account: str | None = None) -> PointsMovement:
        account = account or (graph_points.account_id(m.resident_id) if m.resident_id else None)
        signed = m.amount if m.credit == account else -m.amount if m.debit == account else 0
        return cls(
            id=strawberry.ID(m.id),
            at=m.at,
            day=m.day,
            kind=MovementKind(m.kind),
            amount=m.amount,
            points=signed,
            why=m.why,
            reverses=strawberry.ID(m.reverses) if m.reverses else None,
            by=m.by,
            resident_id=m.resident_id,
        )

    @strawberry.field(description="The resident whose account it touches (null when out of reach).")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


@strawberry.type(description="A resident's points: the balance now, and a year's (or all time's) movements.")
class PointsStatement:
    balance: int = strawberry.field(description="Points on the account now.")
    earned: int = strawberry.field(description="Earned in the period, less what was reversed of it.")
    spent: int = strawberry.field(description="Spent on gifts in the period, less what came back.")
    year: int | None = strawberry.field(description="The period: a year, or null for all time.")
    total_count: int = strawberry.field(description="How many movements the period has.")
    all_movements: strawberry.Private[list[PointsMovement]]

    @strawberry.field(description="Its movements, newest first.")
    def movements(
        self, first: Annotated[int, Arg(description=f"How many, 0 to {MAX_STATEMENT}.")] = 50
    ) -> list[PointsMovement]:
        if not 0 <= first <= MAX_STATEMENT:
            raise user_error(f"first must be between 0 and {MAX_STATEMENT}, got {first}")
        return self.all_movements[:first]


@strawberry.type(description="A place in the year's ranking of points earned.")
class RankingEntry:
    rank: int = strawberry.field(description="1 is the top earner; equal points share a rank.")
    earned: int = strawberry.field(description="Points earned in the year, less what was reversed of them.")
    times: int = strawberry.field(description="How many times they earned.")
    resident_id: strawberry.Private[str]

    @strawberry.field(description="The resident (null when out of the caller's reach).")
    async def resident(self, info: Info[Context, None]) -> Annotated[Resident, strawberry.lazy(People)] | None:
        from schema.people import resident_of

        return await resident_of(info, self.resident_id)


@strawberry.type(description="A gift on the community's shelf, exchanged for points.")
class Gift:
    id: strawberry.ID = strawberry.field(description="Stable id.")
    name: str = strawberry.field(description="Its name.")
    points: int = strawberry.field(description="Its price in points.")
    stock: int = strawberry.field(description="How many are on the shelf.")

    @classmethod
    def from_record(cls, g: graph_gifts.Gift) -> Gift:
        return cls(id=strawberry.ID(g.id), name=g.name, points=g.points, stock=g.stock)


@strawberry.type(description="The movement made (or found again by its key).")
class MovementPayload:
    movement: PointsMovement = strawberry.field(description="The movement.")
    replayed: bool = strawberry.field(description="The key was used before: this is that movement; nothing changed.")


@strawberry.type(description="The gift after the change.")
class GiftPayload:
    gift: Gift = strawberry.field(description="The gift as stored now.")


MovementResult = Annotated[
    MovementPayload | NotFound | Invalid | Conflict | InsufficientPoints | OutOfStock,
    strawberry.union("MovementResult", description="MovementPayload, or why nothing was changed."),
]
GiftResult = Annotated[
    GiftPayload | NotFound | Invalid | Conflict,
    strawberry.union("GiftResult", description="GiftPayload, or why nothing was changed."),
]


def _moved(m: graph_points.Movement) -> MovementPayload:
    return MovementPayload(movement=PointsMovement.from_record(m), replayed=m.replayed)


def _gift(g: graph_gifts.Gift) -> GiftPayload:
    return GiftPayload(gift=Gift.from_record(g))


def _key_missing(key: str) -> Invalid | None:
    if key.strip():
        return None
    why = "give a key, so that a repeated call pays once"
    return Invalid(message=f"invalid idempotencyKey: {why}", field="idempotencyKey", reason=why)


async def statement_of(info: Info[Context, None], resident_id: str, year: int | None) -> PointsStatement | None:
    """A resident's statement, if the caller sees them (null otherwise)."""
    if await info.context.loaders.resident().load(resident_id) is None:
        return None
    s = await info.context.run(points_reads.statement, resident_id, year)
    return PointsStatement(
        balance=s.balance,
        earned=s.earned,
        spent=s.spent,
        year=year,
        total_count=len(s.movements),
        all_movements=[PointsMovement.from_record(m, s.account) for m in s.movements],
    )


@strawberry.type
class PointsQuery:
    @strawberry.field(
        description="A resident's points statement: for staff, the resident themselves, and the leaders and "
        "volunteers who reach them; null for anyone else."
    )
    async def points_statement(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The resident's stable id.")],
        year: Annotated[int | None, Arg(description="Only this year's movements; default all time.")] = None,
    ) -> PointsStatement | None:
        if year is not None and not 1900 <= year <= 2100:
            raise user_error(f"year must be between 1900 and 2100, got {year}")
        return await statement_of(info, str(resident_id), year)

    @strawberry.field(
        description="The year's ranking of points earned, top earner first. Everyone of the community; the "
        "residents out of the caller's reach are null."
    )
    async def points_ranking(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        year: Annotated[int | None, Arg(description="The year; default this year.")] = None,
        first: Annotated[int, Arg(description=f"How many places, 1 to {MAX_RANKING}.")] = 10,
    ) -> list[RankingEntry]:
        if not reads_community(info.context.principal, community):
            raise user_error(f"no community named {community!r}", "NOT_FOUND")
        if not 1 <= first <= MAX_RANKING:
            raise user_error(f"first must be between 1 and {MAX_RANKING}, got {first}")
        when = year or today().year
        if not 1900 <= when <= 2100:
            raise user_error(f"year must be between 1900 and 2100, got {when}")
        found = await info.context.run(points_reads.ranking, community, when, first)
        return [RankingEntry(rank=r.rank, earned=r.earned, times=r.times, resident_id=r.resident_id) for r in found]

    @strawberry.field(description="The community's gift shelf, by name. Everyone of the community.")
    async def gifts(
        self, info: Info[Context, None], community: Annotated[str, Arg(description="The community's name.")]
    ) -> list[Gift]:
        if not reads_community(info.context.principal, community):
            raise user_error(f"no community named {community!r}", "NOT_FOUND")
        return [Gift.from_record(g) for g in await info.context.run(graph_gifts.gifts_of, community)]


@strawberry.type
class PointsMutation:
    @strawberry.mutation(
        description="Points for a patrol shift (巡逻), by the community's rule per hour. Staff, and leaders for the "
        "people in their reach."
    )
    async def record_patrol_shift(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The patroller's stable id.")],
        on: Annotated[date, Arg(description="The day of the shift; not in the future.")],
        hours: Annotated[float, Arg(description="How long, more than 0 and at most 24.")],
        idempotency_key: Annotated[str, Arg(description=KEY)],
    ) -> MovementResult:
        if denied := _key_missing(idempotency_key) or await check_points(info, str(resident_id), "patrol"):
            return denied
        call = info.context.run(
            graph_points.record_patrol, str(resident_id), on, hours, key=idempotency_key, actor=actor(info)
        )
        return await answer(call, _moved)

    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN),
        description="Points for a good deed (好人好事: sweeping snow, helping a neighbour), with the reason; at most "
        "the community's maximum. Staff and admins.",
    )
    async def award_good_deed(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The resident's stable id.")],
        points: Annotated[int, Arg(description="How many points.")],
        reason: Annotated[str, Arg(description="What they did, at most 200 characters.")],
        idempotency_key: Annotated[str, Arg(description=KEY)],
    ) -> MovementResult:
        if denied := _key_missing(idempotency_key) or await check_points(info, str(resident_id), "deed"):
            return denied
        call = info.context.run(
            graph_points.award_good_deed, str(resident_id), points, reason, key=idempotency_key, actor=actor(info)
        )
        return await answer(call, _moved)

    @strawberry.mutation(
        description="Exchange a resident's points for a gift from the shelf: never beyond their balance or the "
        "stock. Staff for anyone of their community; a resident for themselves."
    )
    async def redeem_gift(
        self,
        info: Info[Context, None],
        resident_id: Annotated[strawberry.ID, Arg(description="The resident's stable id.")],
        gift_id: Annotated[strawberry.ID, Arg(description="The gift's id.")],
        idempotency_key: Annotated[str, Arg(description=KEY)],
    ) -> MovementResult:
        if denied := _key_missing(idempotency_key) or await check_points(info, str(resident_id), "redeem"):
            return denied
        call = info.context.run(
            graph_gifts.redeem, str(resident_id), str(gift_id), key=idempotency_key, actor=actor(info)
        )
        return await answer(call, _moved)

    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN),
        description="Correct a movement by a counter-movement that names it (a redeemed gift goes back on the shelf); "
        "nothing is deleted. Each movement is reversed at most once. Staff and admins.",
    )
    async def reverse_movement(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, Arg(description="The movement's id.")],
        reason: Annotated[str, Arg(description="Why, at most 200 characters.")],
        idempotency_key: Annotated[
            str | None, Arg(description="At most 64 characters; a repeat finds the reversal made.")
        ] = None,
    ) -> MovementResult:
        found = await info.context.run(points_reads.movement_by_id, str(id))
        if found is None or check_community_admin(info, found.community) is not None:
            return NotFound(message=f"no movement of points {str(id)!r}", kind="movement", id=str(id))
        call = info.context.run(graph_points.reverse, str(id), reason, key=idempotency_key, actor=actor(info))
        return await answer(call, _moved)

    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN), description="Put a new gift on the community's shelf. Staff and admins."
    )
    async def add_gift(
        self,
        info: Info[Context, None],
        community: Annotated[str, Arg(description="The community's name.")],
        name: Annotated[str, Arg(description="Its name, at most 40 characters, unique on the shelf.")],
        points: Annotated[int, Arg(description="Its price in points, 1 to 10000.")],
        stock: Annotated[int, Arg(description="How many, 0 to 100000.")],
    ) -> GiftResult:
        if denied := check_community_admin(info, community):
            return denied
        call = info.context.run(graph_gifts.add_gift, community, name, points, stock, actor(info))
        return await answer(call, _gift)

    @strawberry.mutation(
        extensions=only(SERVICE_ADMIN),
        description="Add to a gift's stock (negative: take broken or lost ones off; never below 0). Staff and admins.",
    )
    async def restock_gift(
        self,
        info: Info[Context, None],
        gift_id: Annotated[strawberry.ID, Arg(description="The gift's id.")],
        count: Annotated[int, Arg(description="How many to add (negative: to take off).")],
    ) -> GiftResult:
        found = await info.context.run(graph_gifts.gift_by_id, str(gift_id))
        if found is None or check_community_admin(info, found.community) is not None:
            return NotFound(message=f"no gift {str(gift_id)!r}", kind="gift", id=str(gift_id))
        return await answer(info.context.run(graph_gifts.restock_gift, str(gift_id), count), _gift)
