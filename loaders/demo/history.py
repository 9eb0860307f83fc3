"""The demo ledger's `services` sheet (服务记录): the year before the demo's own, as an office's register keeps it.

The office logged home services by hand before gridcare: one row a service
done, the day (sometimes with the time), for whom, what, often by whom and which
team, sometimes how long. The demo's current year is generated after the import
(`loaders.demo.services`); this sheet is the history before it, imported as
requests done without points (the default).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from analysis.domain import SERVICE_KINDS, ServiceKind
from analysis.services import team_kinds_by_name
from loaders.demo.people import Person, Population
from loaders.demo.places import date_cell

USERS = 0.05  # elders whose services the register shows
MINUTES = {ServiceKind.HAIRCUT: 30, ServiceKind.BATHING: 60, ServiceKind.HOUSEKEEPING: 90, ServiceKind.ERRANDS: 40}


def service_rows(
    rng: random.Random, pop: Population, teams: dict[str, list[Person]], today: date
) -> list[dict[str, str]]:
    """Rows of services done between two years and one year before ``today``, oldest first."""
    doers: dict[ServiceKind, list[tuple[Person, str]]] = {k: [] for k in SERVICE_KINDS}
    for team, members in sorted(teams.items()):
        for kind in team_kinds_by_name(team):
            doers[kind] += [(p, team) for p in members]
    rows: list[tuple[date, dict[str, str]]] = []
    seen: set[tuple[str, ServiceKind, date]] = set()
    for elder in pop.people:
        if elder.age < 62 or rng.random() >= USERS * (2 if elder.alone else 1):
            continue
        for kind in rng.sample([k for k in SERVICE_KINDS if doers[k]], rng.randint(1, 2)):
            for _ in range(rng.randint(2, 14)):
                day = today - timedelta(days=rng.randint(366, 730))
                if (elder.rid, kind, day) not in seen:  # one service of a kind a day for an elder
                    seen.add((elder.rid, kind, day))
                    rows.append((day, _row(rng, elder, kind, day, doers[kind])))
    return [row for _, row in sorted(rows, key=lambda r: (r[0], r[1]["被服务人编号"], r[1]["服务类型"]))]


def _row(
    rng: random.Random, elder: Person, kind: ServiceKind, day: date, doers: list[tuple[Person, str]]
) -> dict[str, str]:
    doer, team = rng.choice([d for d in doers if d[0] is not elder] or doers)
    when = date_cell(rng, day)
    if rng.random() < 0.3:
        when += f" {rng.randint(8, 17)}:{rng.choice(('00', '15', '30', '45'))}"
    minutes = MINUTES.get(kind)
    return {
        "服务日期": when,
        "被服务人编号": elder.rid,
        "服务类型": kind.zh if rng.random() < 0.9 else kind.value,
        "服务人编号": doer.rid if rng.random() < 0.8 else "",
        "队伍": team if rng.random() < 0.7 else "",
        "时长分钟": str(minutes + rng.choice((-10, 0, 0, 15))) if minutes and rng.random() < 0.6 else "",
    }
