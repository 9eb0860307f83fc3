"""A year of visits (探访记录) in a generated community, and the tiers its office set by hand (关爱等级).

The office marks what the ledger cannot see: the husband of building 5's leader
(dementia, he has wandered) is high risk, most elders with stroke sequelae are
key elders, also when they live with their family, and a few elders' children
live next door, so the office took them out of the programme.

The visits follow the cadence of each tier with the slack of real people: building
5's solitary elders are seen every day by their leader (as in Changshan Garden);
most high-risk elders twice a week (at home, or a call in between); key elders
about weekly; the others every two to six weeks, often by phone. About one visit in sixteen
finds nobody at home (and someone comes back the next day); a handful need help,
and a few elders are in hospital for a while. Some elders slip — their visitors
stop coming some days or weeks before the ledger's day — and a few were never
visited at all, so the audit shows a believable contact rate and a short overdue
list. Everything comes from the generator's random state: the same seed and day
give the same visits.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from analysis.domain import CareTier, VisitMode, VisitOutcome, rule_tier
from loaders.demo.care import CareRow
from loaders.demo.people import ELDER_AGE, Person, Population
from loaders.demo.roles import Post

YEAR = 365  # days of visits, ending on the ledger's day
NEVER_VISITED = 4  # elders of the programme nobody has visited yet
STROKE = "脑梗后遗症"
NEEDS_HELP_NOTES = ("需要助浴", "行动不便，需要代购药品", "家中水管漏水，已联系物业", "腿疼加重，建议就医", "想理发")
OK_NOTES = ("身体状况良好", "精神不错", "血压平稳", "按时服药", "子女刚来看过")

#: How a tier is visited: (fewest and most days between two visits, share of them by phone or video).
PATTERNS: dict[CareTier, tuple[int, int, float]] = {
    CareTier.HIGH: (2, 5, 0.45),
    CareTier.KEY: (4, 9, 0.55),
    CareTier.GENERAL: (14, 45, 0.7),
}
#: The share of each tier's elders whose visits stop some time before the ledger's day, and for how long.
SLIPPING: dict[CareTier, tuple[float, int, int]] = {
    CareTier.HIGH: (0.04, 8, 30),
    CareTier.KEY: (0.05, 31, 60),
    CareTier.GENERAL: (0.015, 91, 150),
}


@dataclass(frozen=True)
class VisitRow:
    elder: Person
    visitor: Person | None  # None: community staff
    at: datetime  # the community's local time
    mode: str
    outcome: str
    note: str = ""


def care_tiers(rng: random.Random, pop: Population) -> dict[str, CareTier]:
    """The tiers the office set by hand (resident id -> tier): what the rule alone would get wrong."""
    tiers: dict[str, CareTier] = {pop.husband.rid: CareTier.HIGH}
    for p in pop.people:
        if p.age >= ELDER_AGE and STROKE in p.health and p is not pop.husband and rng.random() < 0.6:
            tiers[p.rid] = CareTier.HIGH if p.age >= 85 else CareTier.KEY
    outside = [p for p in pop.people if _rule(p) is CareTier.GENERAL and p.rid not in tiers and not p.alone]
    for p in rng.sample(outside, min(3, len(outside))):
        tiers[p.rid] = CareTier.NONE
    return tiers


def _rule(p: Person) -> CareTier | None:
    elders_only = all(m.age >= ELDER_AGE for m in p.home.members)
    return rule_tier(p.age, p.alone, elders_only)


def tier_of(p: Person, explicit: dict[str, CareTier]) -> CareTier | None:
    """The elder's tier on the ledger's day: set by hand, else the rule; None: outside the programme."""
    tier = explicit.get(p.rid) or _rule(p)
    return None if tier is CareTier.NONE else tier


def visit_rows(
    rng: random.Random,
    pop: Population,
    posts: list[Post],
    care: list[CareRow],
    explicit: dict[str, CareTier],
    today: date,
) -> list[VisitRow]:
    """A year of visits to the elders of the programme, ending the day before ``today``, in time order."""
    givers: dict[str, list[Person]] = defaultdict(list)
    for giver, recipient, _kind, _since, until in care:
        if until is None or until >= today:
            givers[recipient.rid].append(giver)
    leaders = _leaders_by_place(posts)
    programme = [(p, tier) for p in pop.people if (tier := tier_of(p, explicit)) is not None]
    never = {p.rid for p, _ in rng.sample(programme, NEVER_VISITED)}
    rows: list[VisitRow] = []
    for elder, tier in programme:
        if elder.rid in never:
            continue
        home = elder.home
        near: list[Person] = givers.get(elder.rid) or [
            p for p in leaders.get((home.building, home.unit)) or leaders.get((home.building, None)) or [] if p
        ]
        # a leader who is an elder is visited by someone else; nobody near: community staff (None)
        visitors: list[Person | None] = [v for v in near if v is not elder] or [None]
        if elder.alone and elder.home.building == 5:
            rows += _daily(rng, elder, pop.liu, today)
        else:
            rows += _visits_of(rng, elder, tier, visitors, today)
    rows.sort(key=lambda r: (r.at, r.elder.rid))
    return rows


def _leaders_by_place(posts: list[Post]) -> dict[tuple[int, int | None], list[Person]]:
    """The leaders of each unit (building, unit) and building (building, None)."""
    by_place: dict[tuple[int, int | None], list[Person]] = defaultdict(list)
    for post in posts:
        if post.building is not None:
            by_place[(post.building, post.unit)].append(post.person)
    return by_place


def _daily(rng: random.Random, elder: Person, liu: Person, today: date) -> list[VisitRow]:
    """Building 5's leader looks in on her solitary elders every day."""
    rows = []
    for back in range(YEAR, 0, -1):
        day = today - timedelta(days=back)
        outcome = VisitOutcome.NOT_HOME if rng.random() < 0.03 else VisitOutcome.OK
        rows.append(VisitRow(elder, liu, _at(rng, day, 8, 11), VisitMode.HOME, outcome))
    return rows


def _visits_of(
    rng: random.Random, elder: Person, tier: CareTier, visitors: list[Person | None], today: date
) -> list[VisitRow]:
    fewest, most_days, by_phone = PATTERNS[tier]
    share, least, most = SLIPPING[tier]
    stop = today - timedelta(days=rng.randint(least, most)) if rng.random() < share else today
    rows: list[VisitRow] = []
    day = today - timedelta(days=YEAR) + timedelta(days=rng.randint(0, most_days))
    in_hospital_until = None
    while day < stop:
        visitor = rng.choice(visitors)
        remote = rng.random() < by_phone
        mode = (VisitMode.VIDEO if rng.random() < 0.1 else VisitMode.PHONE) if remote else VisitMode.HOME
        outcome, note = _outcome(rng, remote, in_hospital_until is not None and day <= in_hospital_until)
        if outcome is VisitOutcome.HOSPITAL and in_hospital_until is None:
            in_hospital_until = day + timedelta(days=rng.randint(5, 15))
        rows.append(
            VisitRow(elder, visitor, _at(rng, day, 8 if remote else 9, 19 if remote else 17), mode, outcome, note)
        )
        if outcome is VisitOutcome.NOT_HOME and day + timedelta(days=1) < stop:  # come back the next day
            day += timedelta(days=1)
            rows.append(VisitRow(elder, visitor, _at(rng, day, 9, 17), VisitMode.HOME, VisitOutcome.OK))
        day += timedelta(days=rng.randint(fewest, most_days))
    return rows


def _outcome(rng: random.Random, remote: bool, in_hospital: bool) -> tuple[VisitOutcome, str]:
    if in_hospital:
        return VisitOutcome.HOSPITAL, ""
    r = rng.random()
    if r < 0.00003:
        return VisitOutcome.EMERGENCY, "突发胸痛，已拨打120"
    if r < 0.00018:
        return VisitOutcome.NEEDS_HELP, rng.choice(NEEDS_HELP_NOTES)
    if r < 0.0003:
        return VisitOutcome.HOSPITAL, "住院治疗中"
    if not remote and r < 0.065:
        return VisitOutcome.NOT_HOME, ""
    return VisitOutcome.OK, rng.choice(OK_NOTES) if r > 0.97 else ""


def _at(rng: random.Random, day: date, earliest: int, latest: int) -> datetime:
    minutes = rng.randrange(earliest * 60, latest * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60))
