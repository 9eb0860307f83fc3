"""The gift shelf: gifts with a price in points and a stock, and redeeming them.

A gift (`:Gift`) has a name unique in its community, a price (``points``) and
a ``stock``. Redeeming one debits the resident's account and credits the shelf
(`graph.points.post`) and takes one from the stock, in one transaction that
locks the gift first: a gift out of stock (`OutOfStock`) or a balance that does
not cover it (`Insufficient`) changes nothing. Reversing a redemption puts the
gift back (`graph.points.reverse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j

from analysis.domain import MovementKind, local_day, now
from graph.cases import Actor, check_key, once
from graph.errors import Conflict, NotFound
from graph.mutations.common import label, load_active, require, same_community
from graph.points import Entry, Movement, OutOfStock, account_id, client_key, find_key, post, shelf_id
from graph.store import Store, counted, counted_one

MAX_STOCK = 100_000


@dataclass(frozen=True)
class Gift:
    id: str
    community: str
    name: str
    points: int
    stock: int


def gift_from(p: dict[str, Any]) -> Gift:
    return Gift(p["id"], p["community"], p["name"], p["points"], p["stock"])


def gift_id(community: str, name: str) -> str:
    return f"{community}/gift/{name}"


ADD = """
MATCH (c:Community {id: $community})
CREATE (g:Gift {id: $id, community: $community, name: $name, points: $points, stock: $stock, addedAt: datetime(),
                addedBy: $by})
RETURN properties(g) AS g
"""
EXISTS = "MATCH (g:Gift {id: $id}) RETURN g.id AS id"
LOCK = "MATCH (g:Gift {id: $id}) SET g._lock = true REMOVE g._lock RETURN properties(g) AS g"
RESTOCK = "MATCH (g:Gift {id: $id}) SET g.stock = g.stock + $count RETURN properties(g) AS g"
OF_COMMUNITY = "MATCH (g:Gift {community: $community}) WITH g ORDER BY g.name RETURN collect(properties(g)) AS rows"


def add_gift(store: Store, community: str, name: str, points: int, stock: int, actor: Actor) -> Gift:
    """Put a new gift on the shelf; `Conflict` if one of that name is there, `NotFound` for an unknown community."""
    title = label(name, "name")
    require(0 < points <= 10_000, "points", f"must be between 1 and 10000, not {points}")
    require(0 <= stock <= MAX_STOCK, "stock", f"must be between 0 and {MAX_STOCK}, not {stock}")

    def work(tx: neo4j.ManagedTransaction) -> Gift:
        gid = gift_id(community, title)
        if counted(tx, "gift_exists", EXISTS, id=gid).single() is not None:
            raise Conflict(f"the shelf already has a gift named {title!r}: restock it instead")
        row = counted(
            tx, "add_gift", ADD, community=community, id=gid, name=title, points=points, stock=stock, by=actor.label
        ).single()
        if row is None:
            raise NotFound(f"no community named {community!r}", kind="community", id=community)
        return gift_from(dict(row["g"]))

    return once(store, work)


def lock_gift(tx: neo4j.ManagedTransaction, gid: str) -> Gift:
    row = counted(tx, "lock_gift", LOCK, id=gid).single()
    if row is None:
        raise NotFound(f"no gift {gid!r}", kind="gift", id=gid)
    return gift_from(dict(row["g"]))


def restock_gift(store: Store, gid: str, count: int) -> Gift:
    """Add ``count`` to a gift's stock (negative: take broken or lost ones off; never below 0)."""
    require(-MAX_STOCK <= count <= MAX_STOCK and count != 0, "count", f"must be between -{MAX_STOCK} and {MAX_STOCK}")

    def work(tx: neo4j.ManagedTransaction) -> Gift:
        gift = lock_gift(tx, gid)
        require(gift.stock + count >= 0, "count", f"only {gift.stock} are on the shelf")
        require(gift.stock + count <= MAX_STOCK, "count", f"the stock would exceed {MAX_STOCK}")
        return gift_from(dict(counted_one(tx, "restock_gift", RESTOCK, id=gid, count=count)["g"]))

    return store.transaction(work)


TAKE_ONE = "MATCH (g:Gift {id: $id}) SET g.stock = g.stock - 1"


def redeem(store: Store, resident_id: str, gid: str, *, key: str, actor: Actor) -> Movement:
    """Exchange points for one gift: `OutOfStock`, `Insufficient`, or the movement (a repeat of the key: the
    first one, and nothing more taken)."""
    given = check_key(key)
    require(given is not None, "idempotencyKey", "give a key, so that a repeated call pays once")
    assert given is not None

    def work(tx: neo4j.ManagedTransaction) -> Movement:
        who = load_active(tx, resident_id)
        gift = lock_gift(tx, gid)
        same_community(who, gift.community, "giftId")
        entry = Entry(
            who.community,
            MovementKind.REDEMPTION.value,
            gift.points,
            debit=account_id(who.id),
            credit=shelf_id(who.community),
            resident=who.id,
            key=client_key(who.community, given),
            day=local_day(now()),
            why=gift.name,
            ref=gift.id,
        )
        earlier = find_key(tx, entry)
        if earlier is not None:
            return earlier
        if gift.stock < 1:
            raise OutOfStock(gift.name, gift.stock)
        moved = post(tx, entry, actor)
        counted(tx, "take_gift", TAKE_ONE, id=gid).consume()
        return moved

    return once(store, work)


def gifts_of(store: Store, community: str) -> list[Gift]:
    """The community's gifts, by name."""
    return [gift_from(dict(g)) for g in store.read_rows("gifts_of", OF_COMMUNITY, community=community)]


def gift_by_id(store: Store, gid: str) -> Gift | None:
    rows = store.read("gift_by_id", "MATCH (g:Gift {id: $id}) RETURN properties(g) AS g", id=gid)
    return gift_from(dict(rows[0]["g"])) if rows else None
