"""Places of a generated community and the ways offices spell them.

Used by :mod:`loaders.demo`: community names, the grid/building/unit layout,
and the cell variants (``第3网格``, ``5号楼`` or ``5栋``, ``1948/3/5`` …) that
the ledger contract allows and real registers mix.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

DEMO_COMMUNITY = "长山花园社区"
GRIDS = 10
BUILDINGS = 11
UNITS = 45
DOORS_PER_FLOOR = 4
FLOOR_CHOICES = (18, 19)  # 45 units x 18-19 floors x 4 doors: 3,240-3,420 flats

# Names of the Tuanshan/Kuancheng neighbourhood first, then made-up ones.
_NAMED = (
    "团山花园",
    "宽城新村",
    "南岭家园",
    "铁北新村",
    "柳影花园",
    "东站小区",
    "青年家园",
    "胜利新村",
    "春城花园",
    "红旗新村",
    "兴业家园",
    "光复小区",
    "凯旋新村",
    "和平家园",
    "群英花园",
    "东光小区",
)
_FIRST = "团宽柳南北东西青红春兴和光凯群安康福新长永胜明华丰乐德富平泰"
_SECOND = "山城岭河湖泉林阳岗桥湾园苑屯坊盛"
_SUFFIXES = ("花园", "新村", "家园", "小区", "里", "苑")


@dataclass(frozen=True)
class Building:
    number: int
    grid: int
    units: int
    floors: int

    def rooms(self) -> list[tuple[int, str]]:
        """Every flat as ``(unit, room)``, room = floor * 100 + door."""
        return [
            (unit, str(floor * 100 + door))
            for unit in range(1, self.units + 1)
            for floor in range(1, self.floors + 1)
            for door in range(1, DOORS_PER_FLOOR + 1)
        ]


def community_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct community names, the demo community first."""
    if count < 1:
        raise ValueError("communities must be at least 1")
    named = list(_NAMED)
    rng.shuffle(named)
    made = sorted(
        {a + b + s for a, b, s in itertools.product(_FIRST, _SECOND, _SUFFIXES) if b not in s}
        - set(_NAMED)
        - {DEMO_COMMUNITY.removesuffix("社区")}
    )
    rng.shuffle(made)
    pool = [DEMO_COMMUNITY] + [n + "社区" for n in named + made]
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} distinct communities can be generated")
    return pool[:count]


def layout(rng: random.Random) -> list[Building]:
    """11 buildings over 10 grids (one grid holds two), 45 units in all."""
    double = rng.randint(1, GRIDS)
    grids = [g for g in range(1, GRIDS + 1) for _ in range(2 if g == double else 1)]
    units = _unit_counts(rng)
    return [Building(b, grids[b - 1], units[b - 1], rng.choice(FLOOR_CHOICES)) for b in range(1, BUILDINGS + 1)]


def _unit_counts(rng: random.Random) -> list[int]:
    counts = [UNITS // BUILDINGS] * BUILDINGS
    for i in rng.sample(range(BUILDINGS), UNITS - sum(counts)):
        counts[i] += 1
    for _ in range(rng.randint(1, 3)):  # a few 3- or 6-unit buildings
        give, take = rng.sample(range(BUILDINGS), 2)
        if counts[give] > 3 and counts[take] < 6:
            counts[give] -= 1
            counts[take] += 1
    return counts


@functools.cache
def _spellings(number: int, words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.replace("#", str(number)) for w in words)  # shared strings: less memory


def grid_cell(rng: random.Random, grid: int) -> str:
    r = rng.random()
    return _spellings(grid, ("第#网格", "#网格", "#"))[0 if r < 0.85 else 1 if r < 0.95 else 2]


def building_cell(rng: random.Random, building: int) -> str:
    r = rng.random()
    return _spellings(building, ("#号楼", "#栋", "#"))[0 if r < 0.6 else 1 if r < 0.95 else 2]


def unit_cell(rng: random.Random, unit: int) -> str:
    return _spellings(unit, ("#单元", "#"))[0 if rng.random() < 0.9 else 1]


def date_cell(rng: random.Random, d: date | None) -> str:
    if d is None:
        return ""
    r = rng.random()
    if r < 0.8:
        return d.isoformat()
    if r < 0.92:
        return f"{d.year}/{d.month}/{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def days_before(rng: random.Random, today: date, lo: int, hi: int) -> date:
    """A day between ``lo`` and ``hi`` days before ``today``."""
    return today - timedelta(days=rng.randint(lo, hi))
