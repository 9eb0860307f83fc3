"""The demo's year of home services and matters, generated after the ledger is imported.

The ledger carries people, places, posts and teams; what happens to them in a
year — requests asked, accepted, done, cancelled or expired, matters raised and
settled, the points that follow, the gift shelf, the will registry — is
generated here from what the store holds of the community (`graph.service_seed.
people_of`) and written in one transaction (`graph.service_seed.write_seed`).
The same seed and day give the same year.

Volumes, for Changshan Garden's ~4,400 elders: about a tenth of them use home
services, ~6,000 requests a year (meals, haircuts and medicine most), 90 % done,
a few cancelled or expired, the last days' still open; ~25 matters a month, most
settled within two days, some escalated; a year of patrol shifts — one
veteran patrols three hours a day and is the year's clear top earner — good
deeds in the snow, redemptions at the gift shelf; 200+ wills over five years.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from analysis.domain import (
    SERVICE_KINDS,
    Asker,
    Escalation,
    MatterChannel,
    MatterKind,
    MatterStatus,
    RequestStatus,
    Role,
    Satisfaction,
    ServiceKind,
    age_on,
)
from analysis.self_pairs import pair_cost
from analysis.services import DEFAULT_SETTINGS, escalation_moments
from graph import ids
from graph.cases import moment
from graph.service_seed import People, Person, Seed, Seeded, people_of, write_seed
from graph.service_settings import kinds_of
from graph.store import Store
from loaders.demo.ledger_points import add_points
from loaders.demo.registry import add_wills

DEMO = "演示数据"  # who recorded what the demo generated
USERS = 0.07  # elders who use home services
SOLITARY_USERS = 0.16
MONTHLY = {  # requests a month of a user who uses a kind
    ServiceKind.MEALS: (0.6, 1.6),
    ServiceKind.HAIRCUT: (0.5, 0.9),
    ServiceKind.BATHING: (0.8, 1.6),
    ServiceKind.MEDICINE: (0.6, 1.0),
    ServiceKind.HOUSEKEEPING: (0.4, 0.8),
    ServiceKind.ERRANDS: (0.5, 1.2),
    ServiceKind.OTHER: (0.1, 0.3),
}
USES = {  # share of users who use each kind
    ServiceKind.MEALS: 0.35,
    ServiceKind.HAIRCUT: 0.45,
    ServiceKind.BATHING: 0.12,
    ServiceKind.MEDICINE: 0.4,
    ServiceKind.HOUSEKEEPING: 0.25,
    ServiceKind.ERRANDS: 0.3,
    ServiceKind.OTHER: 0.08,
}
MINUTES = {
    ServiceKind.HAIRCUT: (20, 40),
    ServiceKind.BATHING: (50, 90),
    ServiceKind.MEALS: (10, 20),
    ServiceKind.MEDICINE: (15, 40),
    ServiceKind.HOUSEKEEPING: (60, 150),
    ServiceKind.ERRANDS: (20, 60),
    ServiceKind.OTHER: (30, 90),
}
SUMMARIES = {
    MatterKind.DISPUTE: ("楼上漏水引发邻里纠纷", "停车位纠纷", "噪音扰民", "宠物扰邻", "楼道堆放杂物"),
    MatterKind.REPAIR: ("楼道灯不亮", "单元门禁损坏", "下水道堵塞", "暖气不热", "屋顶漏雨"),
    MatterKind.COMPLAINT: ("垃圾清运不及时", "路面积水", "广场舞噪音", "楼道小广告"),
    MatterKind.ADVICE: ("咨询养老保险", "咨询医保报销", "咨询低保申请", "咨询遗嘱登记"),
}
MATTERS_A_MONTH = 25
#: What some teams declare they do besides what their names say (`setTeamServiceKinds`): the nurses also bathe,
#: the errand runners also carry meals.
DECLARED = {
    "健康服务队": [ServiceKind.MEDICINE.value, ServiceKind.BATHING.value],
    "代办服务队": [ServiceKind.ERRANDS.value, ServiceKind.MEALS.value],
}
CAPACITY = 150  # services a volunteer takes in a year at most, about: dispatch asks the busiest less and less


def at(day: date, hour: float) -> datetime:
    """A moment of the community's day, with its fixed offset (as the store keeps times)."""
    return moment(datetime.combine(day, time(0)) + timedelta(hours=hour), "at")


@dataclass
class Year:
    """What is generated, as it is generated: the seed's lists, and who earned what for the ledger."""

    people: People
    today: date
    rng: random.Random
    seed: Seed
    earned: list[dict[str, Any]] = field(default_factory=list)  # (resident, at, kind, amount, why, ref)
    by_id: dict[str, Person] = field(default_factory=dict)
    load: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def now(self) -> datetime:
        return at(self.today, 9)


def hub(p: Person) -> tuple[str, ...]:
    labels: list[str] = []
    for label in (p.grid, p.building, p.unit):
        if label is None:
            break
        labels.append(label)
    return tuple(labels)


def plan_services(people: People, *, seed: int = 7, today: date) -> Seed:
    """The year up to ``today`` of a community's people: the same people, seed and day give the same year."""
    year = Year(people, today, random.Random(seed), Seed(people.community))
    year.by_id = {p.id: p for p in people.residents}
    add_requests(year)
    add_matters(year)
    add_points(year)
    add_wills(year)
    return year.seed


def seed_services(store: Store, community: str, *, seed: int = 7, today: date | None = None) -> Seeded:
    """Generate and write the demo's year of services, matters, points and wills (nothing if already there)."""
    from analysis.domain import today as service_today

    return write_seed(store, plan_services(people_of(store, community), seed=seed, today=today or service_today()))


def _event(year: Year, case: dict[str, Any], kind: str, action: str, to: str, when: datetime, **more: Any) -> None:
    seq = case["seq"] + 1
    year.seed.events.append(
        {
            "id": f"{case['id']}/e{seq}",
            "community": year.people.community,
            "case": case["id"],
            "caseKind": kind,
            "seq": seq,
            "from": case.get("status"),
            "to": to,
            "action": action,
            "at": when,
            "recordedAt": when,
            "by": more.pop("by", DEMO),
            "byRole": more.pop("role", Role.STAFF.value),
            **{k: v for k, v in more.items() if v is not None},
        }
    )
    case.update(seq=seq, status=to, statusAt=when)


def _providers(year: Year) -> dict[ServiceKind, list[tuple[str, str]]]:
    """For each kind, (member, team) pairs of the teams doing it (as declared, else by the team's name)."""
    out: dict[ServiceKind, list[tuple[str, str]]] = defaultdict(list)
    year.seed.team_kinds = {t: list(k) for t, k in DECLARED.items() if t in year.people.teams}
    for team, members in sorted(year.people.teams.items()):
        for kind in kinds_of(team, year.seed.team_kinds.get(team)):
            out[kind] += [(m, team) for m in members if m in year.by_id]
    return out


def add_requests(year: Year) -> None:
    rng, today = year.rng, year.today
    elders = [p for p in year.people.residents if age_on(p.birth_date, today) >= 60 and p.grid]
    providers = _providers(year)
    zeal = {m: min(rng.paretovariate(2.5), 2.5) for pairs in providers.values() for m, _ in pairs}
    n = 0
    for elder in elders:
        if rng.random() >= (SOLITARY_USERS if elder.lives_alone else USERS):
            continue
        for kind in SERVICE_KINDS:
            if rng.random() >= USES[kind] or not providers[kind]:
                continue
            rate = rng.uniform(*MONTHLY[kind]) * 12 / 365
            for back in range(365, 0, -1):
                if rng.random() < rate:
                    n += 1
                    _request(year, elder, kind, today - timedelta(days=back), n, providers[kind], zeal)


def _request(
    year: Year,
    elder: Person,
    kind: ServiceKind,
    day: date,
    n: int,
    pairs: list[tuple[str, str]],
    zeal: dict[str, float],
) -> None:
    rng, community = year.rng, year.people.community
    asked = at(day, rng.uniform(7, 19))
    asker = rng.choices(list(Asker), weights=[20, 35, 38, 5, 2])[0]
    leader = year.people.leaders.get(ids.building_id(community, elder.building or "")) or year.people.leaders.get(
        ids.grid_id(community, elder.grid or "")
    )
    asked_by = leader if asker == Asker.LEADER else None
    until = asked + timedelta(hours=rng.choice((24, 48, 72)))
    case: dict[str, Any] = {
        "id": f"{community}/sr/demo-{n:05d}",
        "community": community,
        "kind": kind.value,
        "resident": elder.id,
        "grid": elder.grid,
        "building": elder.building,
        "unit": elder.unit,
        "asker": asker.value,
        "askedBy": asked_by,
        "wantedFrom": asked,
        "wantedUntil": until,
        "expiresAt": until,
        "requestedAt": asked,
        "recordedAt": asked,
        "source": "demo",
        "seq": 0,
    }
    _event(year, case, "request", "ask", RequestStatus.REQUESTED, asked)
    for when, action, to, more in _fate(year, elder, kind, asked, until, pairs, zeal):
        if when > year.now:
            break
        _event(year, case, "request", action, to, when, **more)
        if action == "accept":
            case.update(provider=more["provider"], team=more["team"], acceptedAt=when)
        elif action == "complete":
            case.update(doneAt=when, minutes=more["minutes"], points=more["points"])
            year.earned.append(
                {
                    "resident": case["provider"],
                    "at": when,
                    "kind": "request",
                    "amount": more["points"],
                    "why": f"{kind.zh}服务 {more['minutes']} 分钟",
                    "ref": case["id"],
                }
            )
        else:
            case["cancelledAt" if action == "cancel" else "expiredAt"] = when
    year.seed.requests.append(case)


def _fate(
    year: Year,
    elder: Person,
    kind: ServiceKind,
    asked: datetime,
    until: datetime,
    pairs: list[tuple[str, str]],
    zeal: dict[str, float],
) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """What happens to a request, in order: cancelled (4 %), expired (nobody in time), or accepted and done."""
    rng = year.rng
    fate = rng.random()
    if fate < 0.04:
        why = rng.choice(("老人住院了", "家属已经办好", "老人改了主意"))
        return [(asked + timedelta(hours=rng.uniform(1, 20)), "cancel", RequestStatus.CANCELLED, {"why": why})]
    taken = asked + timedelta(hours=rng.lognormvariate(1.2, 0.9))
    if fate < 0.10 or taken >= until:
        more = {"by": "gridcare", "role": "gridcare", "why": "无人在期望时间内接单"}
        return [(until, "expire", RequestStatus.EXPIRED, more)]
    provider, team = _pick(year, elder, pairs, zeal)
    minutes = rng.randint(*MINUTES[kind])
    points = DEFAULT_SETTINGS.points.for_request(kind, minutes)
    team_id = ids.team_id(year.people.community, team)
    return [
        (
            taken,
            "accept",
            RequestStatus.ACCEPTED,
            {"provider": provider, "team": team_id, "actor": provider, "role": Role.VOLUNTEER.value},
        ),
        (
            taken + timedelta(hours=rng.uniform(0.5, 30)),
            "complete",
            RequestStatus.DONE,
            {"minutes": minutes, "points": points, "actor": provider, "role": Role.VOLUNTEER.value},
        ),
    ]


def _pick(year: Year, elder: Person, pairs: list[tuple[str, str]], zeal: dict[str, float]) -> tuple[str, str]:
    near = hub(elder)
    weights = [
        zeal[m]
        * {1: 4.0, 2: 3.0, 3: 2.0, 4: 0.7}[pair_cost(near, hub(year.by_id[m]))]
        * max(0.02, 1 - year.load[m] / CAPACITY)
        if m != elder.id
        else 0.0
        for m, _ in pairs
    ]
    chosen = year.rng.choices(pairs, weights=weights)[0]
    year.load[chosen[0]] += 1  # dispatch prefers who has less work: the busiest are asked less
    return chosen


def add_matters(year: Year) -> None:
    rng, community, people = year.rng, year.people.community, year.people.residents
    for n in range(1, MATTERS_A_MONTH * 12 + 1):
        day = year.today - timedelta(days=rng.randint(1, 365))
        reported = at(day, rng.uniform(8, 18))
        kind = rng.choices(list(MatterKind), weights=[30, 40, 20, 10])[0]
        who = rng.choice(people)
        about = who.id if rng.random() < 0.7 else None
        place = (
            ids.unit_id(community, who.building, who.unit)
            if who.building and who.unit
            else ids.grid_id(community, who.grid or "")
        )
        case: dict[str, Any] = {
            "id": f"{community}/mt/demo-{n:04d}",
            "community": community,
            "kind": kind.value,
            "channel": rng.choices(list(MatterChannel), weights=[55, 15, 20, 10])[0].value,
            "resident": about,
            "grid": who.grid,
            "building": who.building,
            "unit": who.unit,
            "place": place,
            "summary": rng.choice(SUMMARIES[kind]),
            "reportedAt": reported,
            "recordedAt": reported,
            "escalation": Escalation.NONE.value,
            "seq": 0,
        }
        _event(year, case, "matter", "report", MatterStatus.REPORTED, reported)
        for when, action, to, more in _matter_fate(year, case, reported):
            if when > year.now:
                break
            if action == "escalate":
                case.update(escalation=more["level"], escalatedAt=when)
                to = case["status"]
            elif action == "assign":
                case.update(assignee=more["assignee"], assignedAt=when)
            elif action == "handle":
                case["handledAt"] = when
            else:
                case.update(closedAt=when, satisfaction=more["satisfaction"])
            _event(year, case, "matter", action, to, when, **more)
        year.seed.matters.append(case)


def _matter_fate(
    year: Year, case: dict[str, Any], reported: datetime
) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """What happens to a matter, in time order: assigned (to the grid's mediator, else its leader), handled —
    escalated meanwhile if it waits past the thresholds — and closed with the resident's satisfaction."""
    rng, community = year.rng, year.people.community
    grid = case["grid"] or ""
    assignee = year.people.mediators.get(grid) or year.people.leaders.get(ids.grid_id(community, grid))
    assigned = reported + timedelta(hours=rng.uniform(1, 30))
    handled = assigned + timedelta(hours=rng.lognormvariate(2.5, 1.0))
    closed = handled + timedelta(hours=rng.uniform(2, 72))
    felt = rng.choices(list(Satisfaction), weights=[80, 15, 5])[0].value
    steps: list[tuple[datetime, str, str, dict[str, Any]]] = []
    waited_until = handled if assignee else year.now
    for level, when in escalation_moments(reported, DEFAULT_SETTINGS).items():
        if when < waited_until:
            steps.append((when, "escalate", "", {"level": level.value, "by": "gridcare", "role": "gridcare"}))
    if assignee:
        steps += [
            (assigned, "assign", MatterStatus.ASSIGNED, {"assignee": assignee}),
            (handled, "handle", MatterStatus.HANDLED, {"why": "已处理", "actor": assignee}),
            (closed, "close", MatterStatus.CLOSED, {"satisfaction": felt}),
        ]
    return sorted(steps, key=lambda s: s[0])
