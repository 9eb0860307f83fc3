"""Red-vest points (积分) as a double-entry ledger.

Every resident who earns has an account (`:PointsAccount {kind: 'resident'}`),
and so do the community's pool, which issues points, and the gift shelf, which
takes them back. A `(:PointsMovement)` moves an amount (a whole number above 0)
from the account it debits to the account it credits, so the balances of a
community always sum to zero: the pool's is minus everything ever issued.
Nothing is deleted or changed: a mistake is reversed by a counter-movement whose
``reverses`` names it (a constraint lets each be reversed once).

Each movement is written in one transaction that first locks the accounts it
touches, in the order of their ids (`post`): concurrent movements of one
account wait for each other, so a resident's balance, checked after the lock,
never goes below zero. Every movement carries an idempotency key (unique: a
constraint): a call repeated with the same key finds its movement and writes
nothing (`Movement.replayed`). Earning from a request done or a visit uses a
key of the service's own (the request's, the visit's id), so each pays once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import neo4j

from analysis.domain import AccountKind, MovementKind, local_day, now
from graph.cases import Actor, check_key, check_why, once, stamp
from graph.errors import Conflict, NotFound
from graph.mutations.common import load_active, require
from graph.service_settings import settings_in
from graph.store import Store, counted, counted_one

MAX_AMOUNT = 10_000  # points of one movement


class Insufficient(Conflict):
    """A resident's balance does not cover a movement that debits it."""

    def __init__(self, account: str, balance: int, needed: int):
        super().__init__(f"the balance of {account!r} is {balance} points: {needed} are needed")
        self.account, self.balance, self.needed = account, balance, needed

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.account, self.balance, self.needed)


class OutOfStock(Conflict):
    """The gift asked for is not on the shelf."""

    def __init__(self, gift: str, stock: int):
        super().__init__(f"gift {gift!r} is out of stock ({stock} left)")
        self.gift, self.stock = gift, stock

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.gift, self.stock)


def pool_id(community: str) -> str:
    return f"{community}/points/pool"


def shelf_id(community: str) -> str:
    return f"{community}/points/shelf"


def account_id(resident_id: str) -> str:
    """The account of a resident (their stable id)."""
    return f"{resident_id}/points"


def client_key(community: str, key: str) -> str:
    """A caller's idempotency key as stored: one key names one movement of the community."""
    return f"{community}|key|{key}"


def own_key(community: str, what: str, ref: str) -> str:
    """The key of a movement the service itself derives (``request``, ``visit``, ``reversal``)."""
    return f"{community}|{what}|{ref}"


@dataclass(frozen=True)
class Movement:
    """One movement of points, as recorded; ``replayed``: an earlier call's, found by its key."""

    id: str
    community: str
    at: datetime
    day: date
    kind: str
    amount: int
    debit: str
    credit: str
    resident_id: str | None
    why: str | None
    ref: str | None
    reverses: str | None
    by: str | None
    replayed: bool = False


def movement_from(p: Mapping[str, Any]) -> Movement:
    at = p["at"].to_native() if hasattr(p["at"], "to_native") else p["at"]
    day = p["day"].to_native() if hasattr(p["day"], "to_native") else p["day"]
    return Movement(
        id=p["id"],
        community=p["community"],
        at=at,
        day=day,
        kind=p["kind"],
        amount=p["amount"],
        debit=p["debit"],
        credit=p["credit"],
        resident_id=p.get("resident"),
        why=p.get("why"),
        ref=p.get("ref"),
        reverses=p.get("reverses"),
        by=p.get("by"),
    )


OPEN_ACCOUNTS = """
UNWIND $accounts AS a
MERGE (n:PointsAccount {id: a.id})
ON CREATE SET n.community = a.community, n.kind = a.kind, n.owner = a.owner, n.balance = 0, n.openedAt = datetime()
"""
LOCK_ACCOUNTS = """
UNWIND $ids AS id
MATCH (a:PointsAccount {id: id})
SET a._lock = true REMOVE a._lock
RETURN collect([a.id, a.kind, a.balance]) AS rows
"""
BY_KEY = "MATCH (m:PointsMovement {key: $key}) RETURN properties(m) AS m"
POST = """
MATCH (d:PointsAccount {id: $debit}), (c:PointsAccount {id: $credit})
CREATE (m:PointsMovement {id: $id, community: $community, at: $at, day: $day, year: $year, kind: $kind,
                          amount: $amount, debit: $debit, credit: $credit, resident: $resident, why: $why, ref: $ref,
                          key: $key, reverses: $reverses, recordedAt: datetime(), by: $by, byRole: $role,
                          byToken: $token})
SET d.balance = d.balance - $amount, c.balance = c.balance + $amount
RETURN properties(m) AS m
"""


@dataclass(frozen=True)
class Entry:
    """A movement to post: from ``debit`` to ``credit``; ``resident`` is the resident whose account it touches."""

    community: str
    kind: str
    amount: int
    debit: str
    credit: str
    resident: str | None
    key: str
    day: date
    why: str | None = None
    ref: str | None = None
    reverses: str | None = None
    year: int | None = None  # the year it counts in (a reversal: the year of what it reverses); default day's


def find_key(tx: neo4j.ManagedTransaction, entry: Entry) -> Movement | None:
    """The movement already posted under the entry's key (replayed), or None; `Conflict` if the key was used
    for a different movement."""
    row = counted(tx, "points_by_key", BY_KEY, key=entry.key).single()
    if row is None:
        return None
    found = movement_from(row["m"])
    if (found.kind, found.resident_id, found.ref) != (entry.kind, entry.resident, entry.ref):
        raise Conflict("this idempotency key was used for another movement of points")
    return replace(found, replayed=True)


def _accounts(entry: Entry) -> list[dict[str, Any]]:
    def account(aid: str) -> dict[str, Any]:
        if aid == pool_id(entry.community):
            return {"id": aid, "community": entry.community, "kind": AccountKind.POOL.value, "owner": None}
        if aid == shelf_id(entry.community):
            return {"id": aid, "community": entry.community, "kind": AccountKind.SHELF.value, "owner": None}
        return {"id": aid, "community": entry.community, "kind": AccountKind.RESIDENT.value, "owner": entry.resident}

    return [account(entry.debit), account(entry.credit)]


def post(tx: neo4j.ManagedTransaction, entry: Entry, actor: Actor) -> Movement:
    """Post one movement inside a transaction: its key first (a repeat is answered with the first), the accounts
    opened and locked in id order, a resident's debited balance checked (`Insufficient`), then written."""
    require(0 < entry.amount <= MAX_AMOUNT, "points", f"must be between 1 and {MAX_AMOUNT}, not {entry.amount}")
    require(entry.debit != entry.credit, "account", "a movement needs two different accounts")
    earlier = find_key(tx, entry)
    if earlier is not None:
        return earlier
    counted(tx, "open_points_accounts", OPEN_ACCOUNTS, accounts=_accounts(entry)).consume()
    rows = counted_one(tx, "lock_points_accounts", LOCK_ACCOUNTS, ids=sorted({entry.debit, entry.credit}))["rows"]
    kinds = {aid: (kind, balance) for aid, kind, balance in rows}
    kind, balance = kinds[entry.debit]
    if kind == AccountKind.RESIDENT and balance < entry.amount:
        raise Insufficient(entry.debit, balance, entry.amount)
    row = counted_one(
        tx,
        "post_points",
        POST,
        id=secrets.token_hex(8),
        community=entry.community,
        at=stamp(),
        day=entry.day,
        year=entry.year or entry.day.year,
        kind=entry.kind,
        amount=entry.amount,
        debit=entry.debit,
        credit=entry.credit,
        resident=entry.resident,
        why=entry.why,
        ref=entry.ref,
        key=entry.key,
        reverses=entry.reverses,
        by=actor.label,
        role=actor.role,
        token=actor.token_id,
    )
    return movement_from(row["m"])


def earning(community: str, resident: str, kind: MovementKind, amount: int, key: str, day: date, **more: Any) -> Entry:
    """An entry that issues points from the pool to a resident."""
    return Entry(community, kind.value, amount, pool_id(community), account_id(resident), resident, key, day, **more)


def earn(
    store: Store,
    resident_id: str,
    kind: MovementKind,
    amount: int,
    *,
    key: str,
    actor: Actor,
    why: str | None = None,
    ref: str | None = None,
    day: date | None = None,
) -> Movement:
    """Issue points to an active resident (a patrol shift, a good deed) under the caller's idempotency key."""
    given = check_key(key)
    require(given is not None, "idempotencyKey", "give a key, so that a repeated call pays once")
    assert given is not None

    def work(tx: neo4j.ManagedTransaction) -> Movement:
        who = load_active(tx, resident_id)
        when = day or local_day(now())
        entry = earning(who.community, who.id, kind, amount, client_key(who.community, given), when, why=why, ref=ref)
        return post(tx, entry, actor)

    return once(store, work)


def record_patrol(store: Store, resident_id: str, on: date, hours: float, *, key: str, actor: Actor) -> Movement:
    """Points for a patrol shift of ``hours`` on ``on`` (the community's rule: `PointsRules.for_patrol`)."""
    require(0 < hours <= 24, "hours", f"must be more than 0 and at most 24, not {hours}")
    require(on <= local_day(now()), "on", f"{on.isoformat()} is in the future")
    given = check_key(key)
    require(given is not None, "idempotencyKey", "give a key, so that a repeated call pays once")
    assert given is not None

    def work(tx: neo4j.ManagedTransaction) -> Movement:
        who = load_active(tx, resident_id)
        amount = settings_in(tx, who.community).points.for_patrol(hours)
        require(amount > 0, "hours", "the community's rules give no points for this shift")
        why = f"巡逻 {hours:g} 小时"
        key = client_key(who.community, given)
        entry = earning(who.community, who.id, MovementKind.PATROL, amount, key, on, why=why, ref=on.isoformat())
        return post(tx, entry, actor)

    return once(store, work)


def award_good_deed(store: Store, resident_id: str, points: int, why: str, *, key: str, actor: Actor) -> Movement:
    """Points for a good deed (sweeping snow, helping a neighbour), with the reason; at most the community's
    ``good_deed_max``."""
    reason = check_why(why)
    given = check_key(key)
    require(given is not None, "idempotencyKey", "give a key, so that a repeated call pays once")
    assert given is not None

    def work(tx: neo4j.ManagedTransaction) -> Movement:
        who = load_active(tx, resident_id)
        most = settings_in(tx, who.community).points.good_deed_max
        require(0 < points <= most, "points", f"must be between 1 and {most}, not {points}")
        key = client_key(who.community, given)
        entry = earning(who.community, who.id, MovementKind.GOOD_DEED, points, key, local_day(now()), why=reason)
        return post(tx, entry, actor)

    return once(store, work)


ORIGINAL = """
MATCH (m:PointsMovement {id: $id})
OPTIONAL MATCH (r:PointsMovement {reverses: $id})
RETURN properties(m) AS m, properties(r) AS reversal
"""
RESTOCK_ONE = "MATCH (g:Gift {id: $gift}) SET g.stock = g.stock + 1"


def reverse(store: Store, movement_id: str, why: str, *, key: str | None, actor: Actor) -> Movement:
    """Reverse a movement by a counter-movement naming it (a gift's redemption puts the gift back on the shelf).
    `Conflict` for a reversal, or a movement reversed already (unless by this same key); `Insufficient` when the
    resident has spent the points to take back."""
    reason = check_why(why)
    given = check_key(key)

    def work(tx: neo4j.ManagedTransaction) -> Movement:
        row = counted(tx, "points_original", ORIGINAL, id=movement_id).single()
        if row is None:
            raise NotFound(f"no movement of points {movement_id!r}", kind="movement", id=movement_id)
        original = movement_from(row["m"])
        if original.kind == MovementKind.REVERSAL:
            raise Conflict("a reversal is not reversed: record the movement again instead")
        community = original.community
        stored_key = client_key(community, given) if given else own_key(community, "reversal", original.id)
        if row["reversal"] is not None:
            done = movement_from(row["reversal"])
            if row["reversal"].get("key") == stored_key:
                return replace(done, replayed=True)
            raise Conflict(f"movement {movement_id!r} was reversed already (by {done.id!r})")
        entry = Entry(
            community,
            MovementKind.REVERSAL.value,
            original.amount,
            debit=original.credit,
            credit=original.debit,
            resident=original.resident_id,
            key=stored_key,
            day=local_day(now()),
            why=reason,
            ref=original.ref,
            reverses=original.id,
            year=original.day.year,
        )
        moved = post(tx, entry, actor)
        if original.kind == MovementKind.REDEMPTION and original.ref:
            counted(tx, "gift_back_on_shelf", RESTOCK_ONE, gift=original.ref).consume()
        return moved

    return once(store, work)


def reverse_in(tx: neo4j.ManagedTransaction, community: str, key: str, why: str, actor: Actor) -> Movement | None:
    """Inside a transaction: reverse the movement posted under the service's own ``key`` (a withdrawn visit's
    points), if there is one and it is not reversed yet; `Insufficient` if its points were spent."""
    row = counted(
        tx,
        "points_to_reverse",
        "MATCH (m:PointsMovement {key: $key}) WHERE NOT EXISTS { MATCH (:PointsMovement {reverses: m.id}) } "
        "RETURN properties(m) AS m",
        key=key,
    ).single()
    if row is None:
        return None
    original = movement_from(row["m"])
    entry = Entry(
        community,
        MovementKind.REVERSAL.value,
        original.amount,
        debit=original.credit,
        credit=original.debit,
        resident=original.resident_id,
        key=own_key(community, "reversal", original.id),
        day=local_day(now()),
        why=why,
        ref=original.ref,
        reverses=original.id,
        year=original.day.year,
    )
    return post(tx, entry, actor)


__all__ = [
    "Entry",
    "Insufficient",
    "Movement",
    "OutOfStock",
    "account_id",
    "award_good_deed",
    "client_key",
    "earn",
    "earning",
    "own_key",
    "pool_id",
    "post",
    "record_patrol",
    "reverse",
    "reverse_in",
    "shelf_id",
]
