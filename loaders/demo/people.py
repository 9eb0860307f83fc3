"""Households and residents of a generated community.

The population is built to the published numbers: about 3,100 households and
7,000 residents, exactly ``round(0.625 * residents)`` of them aged 60 or over on
``today``, many one- and two-person elderly households, and a fixed number of
solitary elders per building (7 in building 5).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from loaders.demo import names as nm
from loaders.demo.places import Building

ELDER_AGE = 60
ELDER_SHARE = 0.625
SOLITARY_IN_BUILDING_5 = 7
HUSBAND_HEALTH = "阿尔茨海默病，曾多次走失，已佩戴防走失二维码"

# household compositions (elders, younger members) and how often they occur;
# one-person elderly households are placed apart (they are the solitary elders)
_TEMPLATES = {
    (2, 0): 46,
    (1, 1): 14,
    (0, 1): 8,
    (2, 1): 7,
    (0, 2): 6,
    (0, 3): 5,
    (1, 2): 4,
    (2, 2): 3,
    (2, 3): 2,
    (1, 3): 2,
    (0, 4): 1,
    (3, 0): 2,
}
_ADD_ELDER = [((1, 1), (2, 1)), ((1, 2), (2, 2)), ((1, 3), (2, 3)), ((2, 0), (3, 0))]
_ADD_YOUNG = [
    ((2, 0), (2, 1)),
    ((1, 1), (1, 2)),
    ((2, 1), (2, 2)),
    ((1, 2), (1, 3)),
    ((2, 2), (2, 3)),
    ((0, 1), (0, 2)),
    ((0, 2), (0, 3)),
    ((0, 3), (0, 4)),
]
_MOVES = {
    (1, 0): _ADD_ELDER,
    (-1, 0): [(b, a) for a, b in _ADD_ELDER],
    (0, 1): _ADD_YOUNG,
    (0, -1): [(b, a) for a, b in _ADD_YOUNG],
}


class Person:
    __slots__ = (
        "rid",
        "name",
        "gender",
        "age",
        "birth",
        "home",
        "party",
        "phone",
        "health",
        "contact",
        "contact_phone",
    )
    home: Household  # set by populate() once every household has its members

    def __init__(self, name: str, gender: str, age: int, birth: date) -> None:
        self.name, self.gender, self.age, self.birth = name, gender, age, birth
        self.rid, self.party = "", False
        self.phone = self.health = self.contact = self.contact_phone = ""

    @property
    def alone(self) -> bool:
        return self.age >= ELDER_AGE and len(self.home.members) == 1


class Household:
    __slots__ = ("grid", "building", "unit", "room", "members")

    def __init__(self, grid: int, building: int, unit: int, room: str) -> None:
        self.grid, self.building, self.unit, self.room = grid, building, unit, room
        self.members: list[Person] = []


@dataclass
class Population:
    buildings: list[Building]
    households: list[Household]
    people: list[Person]  # in resident-id order
    liu: Person  # building 5's leader
    husband: Person


def populate(rng: random.Random, today: date, buildings: list[Building], leader_name: str) -> Population:
    households = _households(rng, buildings)
    total = rng.randint(6950, 7050)
    elders = round(total * ELDER_SHARE)
    solitary, home5, rest = _special_homes(rng, households)
    plan = _templates(rng, len(rest), elders - len(solitary) - 2, total - elders)
    make = _Maker(rng, today, frozenset({leader_name}))
    for home, template in zip(rest, plan):
        home.members = make.family(*template)
    for home in solitary:
        home.members = [make.person(rng.choice("FFM"), nm.elder_age(rng, 60, 96))]
    liu = make.person("F", rng.randint(63, 68), name=leader_name)
    husband = make.person("M", liu.age + rng.randint(3, 8))
    home5.members = [husband, liu]
    people = [p for h in households for p in h.members]
    for i, p in enumerate(people, 1):
        p.rid = f"R{i:05d}"
    for h in households:
        for p in h.members:
            p.home = h
    return Population(buildings, households, people, liu, husband)


def _households(rng: random.Random, buildings: list[Building]) -> list[Household]:
    flats = [(b, u, room) for b in buildings for u, room in b.rooms()]
    taken = sorted(rng.sample(range(len(flats)), rng.randint(3075, 3125)))
    return [Household(flats[i][0].grid, flats[i][0].number, flats[i][1], flats[i][2]) for i in taken]


def _special_homes(
    rng: random.Random, households: list[Household]
) -> tuple[list[Household], Household, list[Household]]:
    """Solitary elders' homes (7 in building 5, 8-13 elsewhere), Liu's home, the rest."""
    by_building: defaultdict[int, list[Household]] = defaultdict(list)
    for h in households:
        by_building[h.building].append(h)
    solitary: list[Household] = []
    home5: Household | None = None
    for b, homes in by_building.items():
        picked = rng.sample(homes, SOLITARY_IN_BUILDING_5 + 1 if b == 5 else rng.randint(8, 13))
        if b == 5:
            home5 = picked.pop()
        solitary += picked
    if home5 is None:
        raise RuntimeError("no household in building 5")
    special = {id(h) for h in solitary} | {id(home5)}
    return solitary, home5, [h for h in households if id(h) not in special]


def _templates(rng: random.Random, count: int, elders: int, young: int) -> list[tuple[int, int]]:
    """``count`` compositions with exactly ``elders`` and ``young`` members in all."""
    kinds = list(_TEMPLATES)
    plan = rng.choices(kinds, weights=list(_TEMPLATES.values()), k=count)
    where: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for i, t in enumerate(plan):
        where[t].append(i)
    have_e, have_y = sum(t[0] for t in plan), sum(t[1] for t in plan)
    while (have_e, have_y) != (elders, young):
        if have_e != elders:
            step = (1 if elders > have_e else -1, 0)
        else:
            step = (0, 1 if young > have_y else -1)
        source, target = rng.choice([m for m in _MOVES[step] if where[m[0]]])
        spots = where[source]
        k = rng.randrange(len(spots))
        spots[k], spots[-1] = spots[-1], spots[k]
        i = spots.pop()
        plan[i] = target
        where[target].append(i)
        have_e, have_y = have_e + step[0], have_y + step[1]
    return plan


class _Maker:
    """Makes the members of one household: ages, genders, family names."""

    def __init__(self, rng: random.Random, today: date, avoid: frozenset[str]) -> None:
        self.rng, self.today, self.avoid = rng, today, avoid

    def person(self, gender: str, age: int, family: str | None = None, name: str | None = None) -> Person:
        birth = nm.birth_date(self.rng, age, self.today)
        if name is None:
            name = nm.person_name(self.rng, family or nm.surname(self.rng), gender, birth.year, self.avoid)
        return Person(name, gender, age, birth)

    def family(self, elders: int, young: int) -> list[Person]:
        rng, fam = self.rng, nm.surname(self.rng)
        if elders == 0:
            return self._young_family(young, fam)
        if elders == 1:
            gender = "M" if rng.random() < 0.35 else "F"
            heads = [self.person(gender, nm.elder_age(rng, 62, 97), fam if gender == "M" else None)]
        else:
            top = 74 if elders == 3 else 92
            husband = self.person("M", nm.elder_age(rng, 60, top), fam)
            heads = [husband, self.person("F", max(60, husband.age - rng.randint(0, 5)))]
            if elders == 3:
                gender = "F" if rng.random() < 0.75 else "M"
                old = min(100, husband.age + rng.randint(20, 28))
                heads.append(self.person(gender, old, fam if gender == "M" else None))
        mother = min(p.age for p in heads[:2])
        return heads + self._children(young, mother, fam)

    def _children(self, young: int, parent_age: int, fam: str) -> list[Person]:
        if young == 0:
            return []
        rng = self.rng
        lo = max(26 if young > 1 else 20, parent_age - 40)
        child = self.person(rng.choice("MF"), rng.randint(lo, min(59, parent_age - 22)), fam)
        out = [child]
        if young == 3 or (young == 2 and rng.random() < 0.5):
            spouse_gender = "F" if child.gender == "M" else "M"
            spouse_age = max(22, min(59, child.age + rng.randint(-4, 4)))
            out.append(self.person(spouse_gender, spouse_age))
        if len(out) < young:
            kid_family = fam if child.gender == "M" else None
            kid_age = rng.randint(max(0, child.age - 40), child.age - 22)
            out.append(self.person(rng.choice("MF"), kid_age, kid_family))
        return out

    def _young_family(self, young: int, fam: str) -> list[Person]:
        rng = self.rng
        if young == 1:
            return [self.person(rng.choice("MF"), rng.randint(22, 59), fam)]
        husband = self.person("M", rng.randint(25, 59), fam)
        wife = self.person("F", max(22, husband.age - rng.randint(0, 4)))
        kids = [
            self.person(rng.choice("MF"), rng.randint(max(0, wife.age - 40), wife.age - 22), fam)
            for _ in range(young - 2)
        ]
        return [husband, wife] + kids
