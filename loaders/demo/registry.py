"""The demo's will registry (遗嘱库): 200+ wills registered over five years, as in Changshan Garden.

Elders of 70 and more register, solitary ones three times as often; a few
later register a new will (which supersedes the first) and a few revoke theirs.
Metadata only: where each is kept and who witnessed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from analysis.domain import age_on

if TYPE_CHECKING:
    from loaders.demo.services import Year

WILLS = 205
CUSTODIANS = ("社区档案室保险柜", "宽城区公证处")


def add_wills(year: Year) -> None:
    from loaders.demo.services import DEMO

    rng, today, community = year.rng, year.today, year.people.community
    people = year.people.residents
    elders = [p for p in people if age_on(p.birth_date, today) >= 70]
    weights = [3.0 if p.lives_alone else 1.0 for p in elders]
    chosen: dict[str, object] = {}
    while len(chosen) < min(WILLS, len(elders)):
        p = rng.choices(elders, weights=weights)[0]
        chosen.setdefault(p.id, p)
    adults = [p.name for p in people if 30 <= age_on(p.birth_date, today) <= 75]
    n = 0
    for rid in sorted(chosen):
        n += 1
        registered = today - timedelta(days=rng.randint(1, 5 * 365))
        will = {
            "id": f"{community}/will/demo-{n:04d}",
            "community": community,
            "resident": rid,
            "registeredOn": registered,
            "custodian": CUSTODIANS[0] if rng.random() < 0.85 else CUSTODIANS[1],
            "witnesses": rng.sample(adults, 2),
            "recordedAt": year.now - timedelta(days=(today - registered).days),
            "recordedBy": DEMO,
        }
        year.seed.wills.append(will)
        fate = rng.random()
        if fate < 0.04 and (today - registered).days > 60:  # a new will later
            n += 1
            later = registered + timedelta(days=rng.randint(30, (today - registered).days - 1))
            year.seed.wills.append(
                {
                    **will,
                    "id": f"{community}/will/demo-{n:04d}",
                    "registeredOn": later,
                    "witnesses": rng.sample(adults, 2),
                }
            )
            will.update(supersededOn=later, supersededBy=f"{community}/will/demo-{n:04d}")
        elif fate < 0.055:
            will["revokedOn"] = registered + timedelta(days=rng.randint(1, max(1, (today - registered).days - 1)))
