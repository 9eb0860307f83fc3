"""Care relationships (包保, 家属, 志愿者, 邻居) of a generated community.

Building 5's leader answers for its 7 solitary elders and looks after her husband.
Elsewhere unit and building leaders, volunteers, relatives and neighbours care
for most solitary elders, with the gaps an audit must find: 35-50 solitary
elders with nobody (a few of them with only an ended relationship) and 2-4
overloaded leaders caring for 12-15 people; every other leader cares for at most 10.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from analysis.domain import CareKind, Role
from loaders.demo.names import mobile
from loaders.demo.people import Person, Population
from loaders.demo.places import days_before
from loaders.demo.roles import Post

LEADER_CAP = 10
HELPER_TEAMS = ("助老服务队", "健康服务队")

CareRow = tuple[Person, Person, str, date, date | None]


class CareBook:
    """Care rows without self-care or duplicate (caregiver, recipient, kind)."""

    def __init__(self, caps: dict[str, int]) -> None:
        self.rows: list[CareRow] = []
        self.keys: set[tuple[str, str, str]] = set()
        self.load: dict[str, set[str]] = defaultdict(set)
        self.caps = caps

    def add(self, giver: Person | None, recipient: Person, kind: str, since: date, until: date | None = None) -> bool:
        if giver is None or giver is recipient or (giver.rid, recipient.rid, kind) in self.keys:
            return False
        load, cap = self.load[giver.rid], self.caps.get(giver.rid)
        if cap is not None and recipient.rid not in load and len(load) >= cap:
            return False
        self.keys.add((giver.rid, recipient.rid, kind))
        load.add(recipient.rid)
        self.rows.append((giver, recipient, kind, since, until))
        return True


def care_rows(
    rng: random.Random, pop: Population, posts: list[Post], teams: dict[str, list[Person]], today: date
) -> list[CareRow]:
    over = rng.sample([p for p in posts if p.role == Role.UNIT_LEADER and p.post == "A"], rng.randint(2, 4))
    caps = {p.person.rid: LEADER_CAP for p in posts}
    caps.update({p.person.rid: rng.randint(12, 15) for p in over})
    book = CareBook(caps)
    ctx = _Context(rng, pop, posts, teams, today)
    _building_5(ctx, book)
    _family(ctx, book)
    _solitary_elsewhere(ctx, book)
    for post in over:
        mine = ctx.frail(building=post.building, unit=post.unit) + ctx.frail(building=post.building)
        _fill(ctx, book, post.person, mine, caps[post.person.rid])
    for post in posts:
        if post not in over and post.person is not pop.liu:
            scope = (
                {"grid": post.grid} if post.role == Role.GRID_LEADER else {"building": post.building, "unit": post.unit}
            )
            _fill(ctx, book, post.person, ctx.frail(**scope), rng.randint(1, 8))
    return book.rows


def _building_5(ctx: _Context, book: CareBook) -> None:
    """Liu Fengxia answers for building 5's solitary elders and looks after her husband."""
    liu = ctx.pop.liu
    for p in ctx.pop.people:
        if p.alone and p.home.building == 5:
            book.add(liu, p, CareKind.RESPONSIBILITY, ctx.since())
    book.add(liu, ctx.pop.husband, "family", ctx.since())


def _solitary_elsewhere(ctx: _Context, book: CareBook) -> None:
    """Cover all but 35-50 solitary elders; a few uncovered ones had a neighbour once."""
    rng = ctx.rng
    elsewhere = [p for p in ctx.pop.people if p.alone and p.home.building != 5]
    rng.shuffle(elsewhere)
    uncovered = rng.randint(35, 50)
    for p in elsewhere[: rng.randint(2, 4)]:
        neighbours = ctx.neighbours(p)
        any(
            book.add(q, p, "neighbour", ctx.since(1200, 3000), ctx.since(30, 900))
            for q in rng.sample(neighbours, len(neighbours))
        )
    for p in elsewhere[uncovered:]:
        _cover(ctx, book, p)


class _Context:
    def __init__(
        self, rng: random.Random, pop: Population, posts: list[Post], teams: dict[str, list[Person]], today: date
    ) -> None:
        self.rng, self.pop, self.today = rng, pop, today
        self.unit_leader = {
            (p.building, p.unit): p.person for p in posts if p.role == Role.UNIT_LEADER and p.post == "A"
        }
        self.building_leader = {p.building: p.person for p in posts if p.role == Role.BUILDING_LEADER and p.post == "A"}
        self.helpers = sorted({p.rid: p for t in HELPER_TEAMS for p in teams[t]}.values(), key=lambda p: p.rid)
        self.by_unit: defaultdict[tuple[int, int], list[Person]] = defaultdict(list)
        for p in pop.people:
            self.by_unit[(p.home.building, p.home.unit)].append(p)
        self.frail_all = [p for p in pop.people if p.age >= 75 and not p.alone]

    def since(self, lo: int = 60, hi: int = 3650) -> date:
        return days_before(self.rng, self.today, lo, hi)

    def neighbours(self, p: Person) -> list[Person]:
        return [q for q in self.by_unit[(p.home.building, p.home.unit)] if q.home is not p.home and 30 <= q.age <= 75]

    def relative(self, p: Person) -> Person:
        while True:
            q = self.rng.choice(self.pop.people)
            if 25 <= q.age <= 59 and q.home is not p.home:
                return q

    def frail(self, grid: int | None = None, building: int | None = None, unit: int | None = None) -> list[Person]:
        """Elders 75+ who do not live alone, in a grid, building or unit, shuffled."""
        found = [
            p
            for p in self.frail_all
            if (grid is None or p.home.grid == grid)
            and (building is None or p.home.building == building)
            and (unit is None or p.home.unit == unit)
        ]
        self.rng.shuffle(found)
        return found


def _family(ctx: _Context, book: CareBook) -> None:
    rng = ctx.rng
    for home in ctx.pop.households:
        if home is ctx.pop.husband.home:
            continue
        for elder in home.members:
            if elder.age < 75 and not elder.health:
                continue
            younger = [p for p in home.members if 20 <= p.age <= elder.age - 18]
            if younger and rng.random() < 0.5:
                book.add(rng.choice(younger), elder, "family", ctx.since())


def _cover(ctx: _Context, book: CareBook, p: Person) -> None:
    rng, r = ctx.rng, ctx.rng.random()
    unit = ctx.unit_leader[(p.home.building, p.home.unit)]
    building = ctx.building_leader.get(p.home.building)
    if r < 0.08:
        relative = ctx.relative(p)
        relative.phone = relative.phone or mobile(rng)
        p.contact, p.contact_phone = relative.name, relative.phone
        order: list[tuple[Person | None, str]] = [(relative, "family")]
    elif r < 0.13:
        order = [(rng.choice(ctx.neighbours(p)), "neighbour")]
    elif r < 0.28:
        order = [(rng.choice(ctx.helpers), CareKind.VOLUNTEER)]
    elif r < 0.45:
        order = [(building, CareKind.RESPONSIBILITY), (unit, CareKind.RESPONSIBILITY)]
    else:
        order = [(unit, CareKind.RESPONSIBILITY), (building, CareKind.RESPONSIBILITY)]
    order += [(h, CareKind.VOLUNTEER) for h in rng.sample(ctx.helpers, len(ctx.helpers))]
    if not any(book.add(giver, p, kind, ctx.since()) for giver, kind in order):
        raise RuntimeError(f"nobody can care for {p.rid}")
    if rng.random() < 0.15:
        book.add(rng.choice(ctx.helpers), p, CareKind.VOLUNTEER, ctx.since())


def _fill(ctx: _Context, book: CareBook, leader: Person, candidates: list[Person], target: int) -> None:
    """Give ``leader`` responsibility for frail elders until they care for ``target`` people."""
    seen: set[str] = set()
    for p in candidates:
        if len(book.load[leader.rid]) >= target:
            return
        if p.rid not in seen and p.home is not leader.home:
            seen.add(p.rid)
            book.add(leader, p, CareKind.RESPONSIBILITY, ctx.since())
