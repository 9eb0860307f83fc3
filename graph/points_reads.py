"""Reading the points ledger: a resident's statement, the year's ranking, and the reconciliation.

`statement` lists an account's movements (of a year, or all) with its balance
and what was earned and spent; `ranking` ranks the residents of a community by
the points they earned in a year (earnings less their reversals, each counted
in the year of what it reverses): the top earner of the year is first.
`reconcile` proves the ledger: the balances sum to zero, each equals the sum of
its account's movements, no resident's is below zero, every movement moves
between two accounts of its community and a positive amount, and every reversal
names a movement that is not itself a reversal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.domain import AccountKind, MovementKind
from graph.points import Movement, account_id, movement_from, pool_id, shelf_id
from graph.store import Store

EARNING = [k.value for k in MovementKind if k.earns]

STATEMENT = """
OPTIONAL MATCH (a:PointsAccount {id: $account})
CALL () {
  CALL () {
    MATCH (m:PointsMovement {credit: $account}) WHERE $year IS NULL OR m.year = $year RETURN m
    UNION
    MATCH (m:PointsMovement {debit: $account}) WHERE $year IS NULL OR m.year = $year RETURN m
  }
  WITH m ORDER BY m.at DESC, m.recordedAt DESC, m.id DESC
  RETURN collect(properties(m)) AS movements
}
RETURN a.balance AS balance, movements
"""
RANKING = """
MATCH (m:PointsMovement {community: $community, year: $year})
WHERE m.resident IS NOT NULL AND (m.kind IN $earning OR (m.kind = $reversal AND m.credit = $pool))
WITH m.resident AS resident, sum(CASE WHEN m.kind = $reversal THEN -m.amount ELSE m.amount END) AS earned,
     sum(CASE WHEN m.kind = $reversal THEN 0 ELSE 1 END) AS times
WHERE earned > 0
WITH resident, earned, times ORDER BY earned DESC, resident LIMIT $limit
OPTIONAL MATCH (r:Resident {id: resident})
RETURN collect([resident, r.residentId, r.name, earned, times]) AS rows
"""
RECONCILE = """
CALL () {
  MATCH (a:PointsAccount {community: $community})
  CALL (a) { OPTIONAL MATCH (m:PointsMovement {credit: a.id}) RETURN coalesce(sum(m.amount), 0) AS credits }
  CALL (a) { OPTIONAL MATCH (m:PointsMovement {debit: a.id}) RETURN coalesce(sum(m.amount), 0) AS debits }
  RETURN collect([a.id, a.kind, a.balance, credits - debits]) AS accounts
}
CALL () {
  MATCH (m:PointsMovement {community: $community})
  OPTIONAL MATCH (d:PointsAccount {id: m.debit})
  OPTIONAL MATCH (c:PointsAccount {id: m.credit})
  OPTIONAL MATCH (o:PointsMovement {id: m.reverses})
  RETURN count(m) AS movements,
         collect(CASE WHEN d IS NULL OR c IS NULL OR d.community <> $community OR c.community <> $community
                       OR m.debit = m.credit THEN m.id END) AS unbalanced,
         collect(CASE WHEN NOT (m.amount > 0) THEN m.id END) AS not_positive,
         collect(CASE WHEN m.reverses IS NOT NULL AND (o IS NULL OR o.kind = $reversal) THEN m.id END) AS bad_reversals
}
RETURN accounts, movements, unbalanced, not_positive, bad_reversals
"""


@dataclass(frozen=True)
class Statement:
    """An account's movements (newest first), its balance now, and the year's (or all time's) totals."""

    account: str
    balance: int
    earned: int
    spent: int
    movements: list[Movement]


def statement(store: Store, resident_id: str, year: int | None = None) -> Statement:
    """A resident's statement (their stable id): every movement of ``year`` (None: all), newest first.

    ``earned`` is what they were issued less reversals of it; ``spent`` what gifts took less what came back."""
    account = account_id(resident_id)
    row = store.read("points_statement", STATEMENT, account=account, year=year)[0]
    moves = [movement_from(m) for m in row["movements"]]
    earned = sum(m.amount for m in moves if m.credit == account and MovementKind(m.kind).earns) - sum(
        m.amount
        for m in moves
        if m.kind == MovementKind.REVERSAL and m.debit == account and m.credit.endswith("/points/pool")
    )
    spent = sum(m.amount for m in moves if m.kind == MovementKind.REDEMPTION) - sum(
        m.amount for m in moves if m.kind == MovementKind.REVERSAL and m.credit == account
    )
    return Statement(account, row["balance"] or 0, earned, spent, moves)


@dataclass(frozen=True)
class Ranked:
    rank: int
    resident_id: str  # stable id
    ledger_id: str | None
    name: str | None
    earned: int
    times: int  # how many earning movements

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def ranking(store: Store, community: str, year: int, limit: int = 10) -> list[Ranked]:
    """The residents who earned most in ``year``, most first (equal points share a rank)."""
    rows = store.read_rows(
        "points_ranking",
        RANKING,
        community=community,
        year=year,
        limit=limit,
        earning=EARNING,
        reversal=MovementKind.REVERSAL.value,
        pool=pool_id(community),
    )
    out: list[Ranked] = []
    for i, (rid, ledger_id, name, earned, times) in enumerate(rows):
        rank = out[-1].rank if out and out[-1].earned == earned else i + 1
        out.append(Ranked(rank, rid, ledger_id, name, earned, times))
    return out


@dataclass
class Reconciliation:
    """What `reconcile` found; ``balanced`` when nothing is wrong."""

    community: str
    accounts: int
    movements: int
    total: int  # the sum of every balance: 0
    mismatched: list[dict[str, Any]] = field(default_factory=list)  # stored balance ≠ sum of movements
    negative: list[dict[str, Any]] = field(default_factory=list)  # a resident's balance below zero
    unbalanced: list[str] = field(default_factory=list)  # movements without two accounts of the community
    not_positive: list[str] = field(default_factory=list)
    bad_reversals: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        problems = (self.mismatched, self.negative, self.unbalanced, self.not_positive, self.bad_reversals)
        return self.total == 0 and not any(problems)

    def to_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "balanced": self.balanced}


def reconcile(store: Store, community: str) -> Reconciliation:
    """Prove the community's ledger (see the module's docstring)."""
    row = store.read("points_reconcile", RECONCILE, community=community, reversal=MovementKind.REVERSAL.value)[0]
    accounts = row["accounts"]
    return Reconciliation(
        community=community,
        accounts=len(accounts),
        movements=row["movements"],
        total=sum(balance for _, _, balance, _ in accounts),
        mismatched=[
            {"account": aid, "balance": balance, "movements": summed}
            for aid, _, balance, summed in accounts
            if balance != summed
        ],
        negative=[
            {"account": aid, "balance": balance}
            for aid, kind, balance, _ in accounts
            if kind == AccountKind.RESIDENT and balance < 0
        ],
        unbalanced=list(row["unbalanced"]),
        not_positive=list(row["not_positive"]),
        bad_reversals=list(row["bad_reversals"]),
    )


BY_ID = "MATCH (m:PointsMovement {id: $id}) RETURN properties(m) AS m"


def movement_by_id(store: Store, movement_id: str) -> Movement | None:
    rows = store.read("points_movement_by_id", BY_ID, id=movement_id)
    return movement_from(rows[0]["m"]) if rows else None


TOTALS = (
    "UNWIND $ids AS id OPTIONAL MATCH (a:PointsAccount {id: id}) RETURN collect([id, coalesce(a.balance, 0)]) AS rows"
)
YEAR_TOTALS = """
MATCH (m:PointsMovement {community: $community, year: $year})
RETURN sum(CASE WHEN m.kind IN $earning THEN m.amount ELSE 0 END) AS issued,
       sum(CASE WHEN m.kind = $redemption THEN m.amount ELSE 0 END) AS redeemed
"""


def community_totals(store: Store, community: str) -> dict[str, int]:
    """The community's pool (minus everything issued) and shelf (everything spent) balances."""
    pool, shelf = pool_id(community), shelf_id(community)
    balances = dict(store.read_rows("points_community_totals", TOTALS, ids=[pool, shelf]))
    return {"pool": balances.get(pool, 0), "shelf": balances.get(shelf, 0)}


def year_totals(store: Store, community: str, year: int) -> dict[str, int]:
    """Points issued and spent on gifts in a year (reversals aside)."""
    row = store.read(
        "points_year_totals",
        YEAR_TOTALS,
        community=community,
        year=year,
        earning=EARNING,
        redemption=MovementKind.REDEMPTION.value,
    )[0]
    return {"year": year, "issued": row["issued"], "redeemed": row["redeemed"]}
