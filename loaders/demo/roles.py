"""Who holds which post in a generated community.

Party-member households and building Party groups, the "three leaders" with
their AB posts, the red-vest teams and the patrol, and the grid service roles.
Gaps an audit must find are made on purpose: one building without a leader,
most posts without a B backup, one or two grids missing a service role.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from analysis.domain import SERVICE_ROLES, Role
from loaders.demo.people import Household, Person, Population

PARTY_HOUSEHOLDS = 161
PARTY_GROUPS = 24
RED_VEST_TEAMS = (
    "法律援助队",
    "矛盾调解队",
    "学业辅导队",
    "健康服务队",
    "家电维修队",
    "助老服务队",
    "环境清洁队",
    "文体活动队",
    "心理疏导队",
    "理发服务队",
    "代办服务队",
    "扫雪除冰队",
)
PATROL_TEAM = "巡逻队"


@dataclass(frozen=True)
class Post:
    person: Person
    role: str  # grid_leader | building_leader | unit_leader
    grid: int
    building: int | None = None
    unit: int | None = None
    post: str = "A"


def party_groups(rng: random.Random, pop: Population) -> list[tuple[Person, str, int]]:
    """Mark 161 Party-member households; return (member, group name, building)."""
    homes: defaultdict[int, list[Household]] = defaultdict(list)
    for h in pop.households:
        homes[h.building].append(h)
    numbers = sorted(homes)
    shares = _apportion(PARTY_HOUSEHOLDS, [len(homes[b]) for b in numbers])
    groups = _group_counts(rng, len(numbers))
    rows: list[tuple[Person, str, int]] = []
    for b, share, n_groups in zip(numbers, shares, groups):
        members = _party_members(rng, pop, homes[b], share)
        rng.shuffle(members)
        rows += [(p, f"{b}号楼第{i % n_groups + 1}党小组", b) for i, p in enumerate(members)]
    return sorted(rows, key=lambda r: (r[2], r[1], r[0].rid))


def _apportion(total: int, sizes: list[int]) -> list[int]:
    quotas = [total * s / sum(sizes) for s in sizes]
    shares = [int(q) for q in quotas]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _group_counts(rng: random.Random, buildings: int) -> list[int]:
    counts = [PARTY_GROUPS // buildings] * buildings
    for i in rng.sample(range(buildings), PARTY_GROUPS - sum(counts)):
        counts[i] += 1
    if rng.random() < 0.5:  # sometimes a third three-group building and a one-group one
        small, big = rng.sample([i for i, c in enumerate(counts) if c == 2], 2)
        counts[small], counts[big] = 1, 3
    return counts


def _party_members(rng: random.Random, pop: Population, homes: list[Household], share: int) -> list[Person]:
    liu_home = pop.liu.home
    chosen = [h for h in homes if h is liu_home]
    chosen += rng.sample([h for h in homes if h is not liu_home], share - len(chosen))
    members: list[Person] = []
    for h in chosen:
        if h is liu_home:
            picked = [pop.liu]
        else:
            adults = sorted((p for p in h.members if p.age >= 18), key=lambda p: -p.age)
            first = adults[0] if rng.random() < 0.7 else rng.choice(adults)
            picked = [first]
            others = [p for p in adults if p is not first and p.age >= 25]
            if others and rng.random() < 0.2:
                picked.append(rng.choice(others))
        for p in picked:
            p.party = True
        members += picked
    return members


def leader_posts(rng: random.Random, pop: Population) -> list[Post]:
    """All leader posts, A and B; one building other than 5 is left without a leader."""
    people = _Pool(rng, pop)
    unled = rng.choice([b.number for b in pop.buildings if b.number != 5])
    posts = [Post(pop.liu, Role.BUILDING_LEADER, pop.liu.home.grid, 5)]
    people.used.add(pop.liu.rid)
    for b in pop.buildings:
        if b.number not in (5, unled):
            posts.append(Post(people.pick(45, 72, building=b.number), Role.BUILDING_LEADER, b.grid, b.number))
    for g in sorted({b.grid for b in pop.buildings}):
        posts.append(Post(people.pick(35, 62, grid=g), Role.GRID_LEADER, g))
    for b in pop.buildings:
        for u in range(1, b.units + 1):
            posts.append(
                Post(people.pick(40, 74, building=b.number, unit=u, party=False), Role.UNIT_LEADER, b.grid, b.number, u)
            )
    return posts + _backups(rng, people, posts)


def _backups(rng: random.Random, people: _Pool, posts: list[Post]) -> list[Post]:
    by_role: defaultdict[str, list[Post]] = defaultdict(list)
    for p in posts:
        by_role[p.role].append(p)
    chosen = (
        rng.sample(by_role[Role.GRID_LEADER], rng.randint(2, 4))
        + rng.sample(by_role[Role.BUILDING_LEADER], rng.randint(2, 3))
        + rng.sample(by_role[Role.UNIT_LEADER], rng.randint(5, 9))
    )
    backups: list[Post] = []
    for a in chosen:
        where = {"grid": a.grid} if a.role == Role.GRID_LEADER else {"building": a.building}
        if a.unit:
            where["unit"] = a.unit
        person = people.pick(30, 70, party=False, **where)
        backups.append(Post(person, a.role, a.grid, a.building, a.unit, "B"))
    return backups


class _Pool:
    """Residents who may take a post: not solitary, each holding at most one post."""

    def __init__(self, rng: random.Random, pop: Population) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.by_grid: defaultdict[int, list[Person]] = defaultdict(list)
        self.by_building: defaultdict[int, list[Person]] = defaultdict(list)
        for p in pop.people:
            if not p.alone and p is not pop.husband:
                self.by_grid[p.home.grid].append(p)
                self.by_building[p.home.building].append(p)

    def pick(
        self,
        lo: int,
        hi: int,
        party: bool = True,
        grid: int | None = None,
        building: int | None = None,
        unit: int | None = None,
    ) -> Person:
        if building is not None:
            scope = self.by_building[building]
        elif grid is not None:
            scope = self.by_grid[grid]
        else:
            raise ValueError("pick() needs a grid or a building")
        pool = [
            p for p in scope if lo <= p.age <= hi and p.rid not in self.used and (unit is None or p.home.unit == unit)
        ]
        preferred = [p for p in pool if p.party] if party else []
        person = self.rng.choice(preferred or pool)
        self.used.add(person.rid)
        return person


def volunteer_teams(rng: random.Random, pop: Population) -> dict[str, list[Person]]:
    adults = [p for p in pop.people if 20 <= p.age <= 78]
    teams = {t: rng.sample(adults, rng.randint(8, 30)) for t in RED_VEST_TEAMS}
    walkers = [p for p in pop.people if 25 <= p.age <= 82]
    teams[PATROL_TEAM] = rng.sample(walkers, rng.randint(405, 445))
    return {t: sorted(m, key=lambda p: p.rid) for t, m in teams.items()}


def service_roles(rng: random.Random, pop: Population, holders: set[str]) -> list[tuple[Person, int, str]]:
    """The 8 roles in every grid, but one or two grids each miss one role."""
    by_grid: defaultdict[int, list[Person]] = defaultdict(list)
    for p in pop.people:
        if 25 <= p.age <= 72 and p.rid not in holders:
            by_grid[p.home.grid].append(p)
    grids = sorted(by_grid)
    missing = {g: rng.choice(SERVICE_ROLES) for g in rng.sample(grids, rng.randint(1, 2))}
    rows: list[tuple[Person, int, str]] = []
    for g in grids:
        roles = [r for r in SERVICE_ROLES if missing.get(g) != r]
        rows += [(p, g, r) for p, r in zip(rng.sample(by_grid[g], len(roles)), roles)]
    return rows
