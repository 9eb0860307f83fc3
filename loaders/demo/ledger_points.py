"""The demo's year of red-vest points: earned for requests done, patrol shifts and good deeds, spent at the shelf.

Movements are generated in time order and posted to accounts whose balances
are kept as they go, so a redemption happens only when the resident can pay and
the gift is on the shelf, and every balance is the sum of its movements (the
ledger reconciles). The patrol files a month's hours at the month's end; one
veteran patrols three hours a day and earns most. A few movements are
reversed, as offices do: a returned gift, a good deed recorded twice.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from analysis.domain import AccountKind, MovementKind, Role, age_on, local_day
from analysis.services import DEFAULT_SETTINGS
from graph.gifts import gift_id
from graph.points import account_id, pool_id, shelf_id

if TYPE_CHECKING:
    from loaders.demo.services import Year

GIFTS = (  # name, points, stock at the start of the year
    ("挂面", 15, 400),
    ("毛巾", 10, 500),
    ("鸡蛋", 20, 400),
    ("洗衣液", 20, 300),
    ("雨伞", 25, 150),
    ("大米", 30, 400),
    ("食用油", 40, 300),
    ("保温杯", 50, 120),
)
DEEDS = ("扫雪除冰", "帮邻居搬重物", "护送走失老人回家", "清理楼道杂物", "帮独居老人买菜", "义务维修")
VETERAN_HOURS = 90  # three hours a day


def add_points(year: Year) -> None:
    from loaders.demo.services import DEMO, at

    rng, today = year.rng, year.today
    timeline: list[tuple[datetime, int, dict[str, Any]]] = [(e["at"], 0, e) for e in year.earned]
    patrol = sorted({m for team, members in year.people.teams.items() if "巡逻" in team for m in members})
    veteran = _veteran(year, patrol)
    for back in range(12, 0, -1):
        end = _month_end(today, back)
        for p in patrol:
            hours = VETERAN_HOURS if p == veteran else (rng.randint(4, 24) if rng.random() < 0.8 else 0)
            if hours:
                amount = DEFAULT_SETTINGS.points.for_patrol(hours)
                why, ref = f"巡逻 {hours} 小时", f"{end:%Y-%m}"
                timeline.append(
                    (at(end, 20), 0, {"resident": p, "kind": "patrol", "amount": amount, "why": why, "ref": ref})
                )
        shopping = at(end - timedelta(days=8), 10)
        timeline.append((shopping, 1, {"kind": "shop"}))
    adults = [p.id for p in year.people.residents if 18 <= age_on(p.birth_date, today) <= 80]
    for _ in range(150):
        day = today - timedelta(days=rng.randint(1, 365))
        if day.month not in (12, 1, 2) and rng.random() < 0.5:
            day = today - timedelta(days=rng.randint(1, 365))
        why = DEEDS[0] if day.month in (12, 1, 2) and rng.random() < 0.6 else rng.choice(DEEDS[1:])
        timeline.append(
            (
                at(day, rng.uniform(8, 17)),
                0,
                {
                    "resident": rng.choice(adults),
                    "kind": "good_deed",
                    "amount": rng.choice((5, 10, 10, 15, 20)),
                    "why": why,
                    "ref": None,
                },
            )
        )
    _post(year, sorted(timeline, key=lambda t: (t[0], t[1])), rng, DEMO)


def _veteran(year: Year, patrol: list[str]) -> str | None:
    """The patroller who goes out every day: the oldest under 83."""
    aged = [(age_on(year.by_id[p].birth_date, year.today), p) for p in patrol if p in year.by_id]
    fit = sorted((a, p) for a, p in aged if 70 <= a <= 82)
    return fit[-1][1] if fit else (max(aged)[1] if aged else None)


def _month_end(today: date, back: int) -> date:
    """The last day of the month ``back`` months before this one (today - 1 if that is earlier)."""
    first = today.replace(day=1)
    for _ in range(back - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return min(first - timedelta(days=1) if back else today, today - timedelta(days=1))


class _Ledger:
    def __init__(self, year: Year, by: str):
        self.year, self.by, self.n = year, by, 0
        self.community = year.people.community
        self.balance: defaultdict[str, int] = defaultdict(int)
        self.stock = {gift_id(self.community, name): stock for name, _, stock in GIFTS}
        self.owner: dict[str, str | None] = {pool_id(self.community): None, shelf_id(self.community): None}

    def move(
        self,
        when: datetime,
        kind: str,
        amount: int,
        debit: str,
        credit: str,
        resident: str | None,
        why: str | None,
        ref: str | None,
        **more: Any,
    ) -> dict[str, Any]:
        self.n += 1
        day = local_day(when)
        movement = {
            "id": f"{self.community}/pm/demo-{self.n:06d}",
            "community": self.community,
            "at": when,
            "day": day,
            "year": more.pop("for_year", day.year),
            "kind": kind,
            "amount": amount,
            "debit": debit,
            "credit": credit,
            "resident": resident,
            "why": why,
            "ref": ref,
            "key": f"{self.community}|demo|{self.n}",
            "recordedAt": when,
            "by": self.by,
            "byRole": Role.STAFF.value,
            **more,
        }
        self.balance[debit] -= amount
        self.balance[credit] += amount
        for account in (debit, credit):
            self.owner.setdefault(account, resident)
        self.year.seed.movements.append(movement)
        return movement


def _post(year: Year, timeline: list[tuple[datetime, int, dict[str, Any]]], rng: random.Random, by: str) -> None:
    ledger = _Ledger(year, by)
    pool, shelf = pool_id(ledger.community), shelf_id(ledger.community)
    redeemed: list[dict[str, Any]] = []
    deeds: list[dict[str, Any]] = []
    for when, _, e in timeline:
        if e["kind"] == "shop":
            redeemed += _shop(ledger, when, rng)
            continue
        moved = ledger.move(
            when, e["kind"], e["amount"], pool, account_id(e["resident"]), e["resident"], e["why"], e["ref"]
        )
        if e["kind"] == MovementKind.GOOD_DEED:
            deeds.append(moved)
    for m in rng.sample(redeemed, min(3, len(redeemed))):  # a gift brought back
        back = m["at"] + timedelta(days=3)
        if back < year.now:
            ledger.move(
                back,
                MovementKind.REVERSAL,
                m["amount"],
                shelf,
                m["debit"],
                m["resident"],
                "礼品退回",
                m["ref"],
                reverses=m["id"],
                for_year=m["year"],
            )
            ledger.stock[m["ref"]] += 1
    for m in rng.sample(deeds, min(2, len(deeds))):  # a deed recorded twice
        later = m["at"] + timedelta(days=1)
        if later < year.now and ledger.balance[m["credit"]] >= m["amount"]:
            ledger.move(
                later,
                MovementKind.REVERSAL,
                m["amount"],
                m["credit"],
                pool,
                m["resident"],
                "重复登记",
                m["ref"],
                reverses=m["id"],
                for_year=m["year"],
            )
    _accounts_and_gifts(year, ledger)


def _shop(ledger: _Ledger, when: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """A morning at the gift shelf: a third of those who can afford something take one gift."""
    shelf = shelf_id(ledger.community)
    out = []
    for account, balance in sorted(ledger.balance.items()):
        owner = ledger.owner.get(account)
        if owner is None or balance < 10 or rng.random() > 0.35:
            continue
        choices = [(gift_id(ledger.community, n), n, p) for n, p, _ in GIFTS if p <= balance]
        choices = [c for c in choices if ledger.stock[c[0]] > 0]
        if not choices:
            continue
        gid, name, price = max(choices, key=lambda c: (c[2], rng.random()))
        ledger.stock[gid] -= 1
        out.append(ledger.move(when, MovementKind.REDEMPTION, price, account, shelf, owner, name, gid))
    return out


def _accounts_and_gifts(year: Year, ledger: _Ledger) -> None:
    community = ledger.community
    kinds = {pool_id(community): AccountKind.POOL, shelf_id(community): AccountKind.SHELF}
    year.seed.accounts = [
        {
            "id": aid,
            "community": community,
            "kind": kinds.get(aid, AccountKind.RESIDENT).value,
            "owner": ledger.owner.get(aid),
            "balance": ledger.balance[aid],
            "openedAt": year.now,
        }
        for aid in sorted(set(ledger.balance) | set(kinds))
    ]
    year.seed.gifts = [
        {
            "id": gift_id(community, name),
            "community": community,
            "name": name,
            "points": points,
            "stock": ledger.stock[gift_id(community, name)],
            "addedAt": year.now - timedelta(days=365),
        }
        for name, points, _ in GIFTS
    ]
