"""The generated Changshan Garden ledger (``gridcare demo-ledger``).

:func:`generate_ledger` builds, from a seed, the registers a community office
keeps (see ``docs/ledger-format.md``): one sheet per kind of row, each row a
mapping from Chinese header to cell text, spelled the mixed ways offices spell
them. Every generated community reproduces the published numbers of Changshan
Garden (10 grids, 11 buildings, 45 units, ~3,100 households, ~7,000 residents,
62.5 % aged 60+, 10 building leaders, 45 unit leaders, 24 Party groups,
161 Party-member households, 12 red-vest teams, a 400+ patrol, 7 solitary
elders in building 5 cared for by its leader) and the gaps an audit should find.
:func:`loaders.ledger_files.write_ledger` writes the sheets to CSV or xlsx.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TypeAlias

from analysis.domain import LEADER_ROLES, CareKind, Role, ServiceRole, VisitMode, VisitOutcome
from analysis.domain import today as today_
from loaders.demo import names as nm
from loaders.demo.care import CareRow, care_rows
from loaders.demo.people import HUSBAND_HEALTH, Person, Population, populate
from loaders.demo.places import (
    DEMO_COMMUNITY,
    building_cell,
    community_names,
    date_cell,
    grid_cell,
    layout,
    unit_cell,
    yes_no,
)
from loaders.demo.roles import Post, leader_posts, party_groups, service_roles, volunteer_teams
from loaders.demo.visits import care_tiers, visit_rows
from loaders.ledger_files import write_ledger
from loaders.model import SHEETS

__all__ = ["DEMO_COMMUNITY", "LEADER_NAME", "generate_ledger", "write_ledger"]

LEADER_NAME = "刘凤霞"  # building 5's leader in Changshan Garden (People's Daily)

Sheets: TypeAlias = dict[str, list[dict[str, str]]]


def generate_ledger(seed: int = 7, communities: int = 1, today: date | None = None, visits: bool = True) -> Sheets:
    """Sheet name -> rows of a generated ledger of ``communities`` communities.

    The first community is 长山花园社区. The same ``seed`` and ``today`` give the
    same ledger, and community *k* does not depend on how many follow it. With
    ``visits``, each community has a year of visits (~90,000 rows a community);
    without, the visits sheet is empty and nothing else changes.
    """
    today = today or today_()
    master = random.Random(seed)
    names = community_names(communities, master)
    seeds = [master.getrandbits(64) for _ in names]
    sheets: Sheets = {name: [] for name in SHEETS}
    for k, (name, sub_seed) in enumerate(zip(names, seeds)):
        _community(random.Random(sub_seed), name, today, k == 0, sheets, visits)
    return sheets


def _community(rng: random.Random, name: str, today: date, demo: bool, sheets: Sheets, visits: bool) -> None:
    buildings = layout(rng)
    leader = LEADER_NAME if demo else nm.person_name(rng, nm.surname(rng), "F", today.year - 65)
    pop = populate(rng, today, buildings, leader)
    _details(rng, pop, today)
    groups = party_groups(rng, pop)
    posts = leader_posts(rng, pop)
    teams = volunteer_teams(rng, pop)
    roles = service_roles(rng, pop, {p.person.rid for p in posts})
    care = care_rows(rng, pop, posts, teams, today)
    cell = {"社区": name}
    residents = [{**cell, **_resident(rng, p)} for p in pop.people]
    sheets["residents"] += residents
    sheets["leaders"] += [{**cell, **_leader(rng, post)} for post in sorted(posts, key=_post_order)]
    sheets["care"] += [
        {
            **cell,
            "照护人编号": giver.rid,
            "被照护人编号": recipient.rid,
            "类型": CareKind(kind).zh,
            "开始日期": date_cell(rng, since),
            "结束日期": date_cell(rng, until),
        }
        for giver, recipient, kind, since, until in sorted(care, key=lambda c: (c[0].rid, c[1].rid, c[2]))
    ]
    sheets["volunteers"] += [
        {**cell, "居民编号": p.rid, "队伍": team} for team, members in teams.items() for p in members
    ]
    sheets["service_roles"] += [
        {**cell, "居民编号": p.rid, "网格": grid_cell(rng, g), "角色": ServiceRole(role).zh} for p, g, role in roles
    ]
    sheets["party_groups"] += [
        {**cell, "居民编号": p.rid, "党小组": group, "楼栋": building_cell(rng, b)} for p, group, b in groups
    ]
    # last, from a random state of their own: the sheets above do not depend on the visits
    visit_rng = random.Random(rng.getrandbits(64))
    _visits(visit_rng, pop, posts, care, today, residents, sheets["visits"] if visits else None, cell)


def _visits(
    rng: random.Random,
    pop: Population,
    posts: list[Post],
    care: list[CareRow],
    today: date,
    residents: list[dict[str, str]],
    out: list[dict[str, str]] | None,
    cell: dict[str, str],
) -> None:
    """The tiers set by hand (in the residents' 关爱等级 column) and, into ``out``, a year of visits."""
    tiers = care_tiers(rng, pop)
    for row in residents:
        row["关爱等级"] = tiers[row["居民编号"]].zh if row["居民编号"] in tiers else ""
    if out is None:
        return
    for v in visit_rows(rng, pop, posts, care, tiers, today):
        out.append(
            {
                **cell,
                "探访时间": f"{v.at:%Y-%m-%d %H:%M}",
                "被探访人编号": v.elder.rid,
                "探访人编号": v.visitor.rid if v.visitor else "",
                "方式": VisitMode(v.mode).zh,
                "情况": VisitOutcome(v.outcome).zh,
                "备注": v.note,
            }
        )


def _details(rng: random.Random, pop: Population, today: date) -> None:
    """Phones for many, and for elders health notes (~40 %) and emergency contacts."""
    for home in pop.households:
        for p in home.members:
            if p.age >= 16 and rng.random() < (0.92 if p.age < 75 else 0.6):
                p.phone = nm.mobile(rng) if p.age < 70 or rng.random() < 0.6 else nm.landline(rng)
        for p in home.members:
            if p.age >= 60:
                p.health = nm.health_note(rng) if rng.random() < 0.4 else ""
                if rng.random() < 0.9:
                    _emergency_contact(rng, p, today)
    pop.husband.health = HUSBAND_HEALTH
    pop.liu.phone = pop.liu.phone or nm.mobile(rng)
    pop.husband.contact, pop.husband.contact_phone = pop.liu.name, pop.liu.phone


def _emergency_contact(rng: random.Random, p: Person, today: date) -> None:
    near = [q for q in p.home.members if 18 <= q.age < 60 and q.phone]
    if near:
        q = rng.choice(near)
        p.contact, p.contact_phone = q.name, q.phone
        return
    family = p.name[0] if p.gender == "M" else nm.surname(rng)
    born = today.year - max(20, p.age - rng.randint(24, 34))
    p.contact = nm.person_name(rng, family, rng.choice("MF"), born)
    p.contact_phone = nm.mobile(rng)


def _resident(rng: random.Random, p: Person) -> dict[str, str]:
    h = p.home
    return {
        "居民编号": p.rid,
        "姓名": p.name,
        "性别": "男" if p.gender == "M" else "女",
        "出生日期": date_cell(rng, p.birth),
        "网格": grid_cell(rng, h.grid),
        "楼栋": building_cell(rng, h.building),
        "单元": unit_cell(rng, h.unit),
        "门牌号": h.room,
        "联系电话": p.phone,
        "独居": yes_no(p.alone),
        "党员": yes_no(p.party),
        "健康状况": p.health,
        "紧急联系人": p.contact,
        "紧急联系电话": p.contact_phone,
        "身份证号": "",
        "健康信息同意": "是" if p.health else "",  # notes are kept with consent only
    }


def _leader(rng: random.Random, post: Post) -> dict[str, str]:
    return {
        "居民编号": post.person.rid,
        "职务": Role(post.role).zh,
        "网格": grid_cell(rng, post.grid),
        "楼栋": building_cell(rng, post.building) if post.building else "",
        "单元": unit_cell(rng, post.unit) if post.unit else "",
        "岗位": post.post,
    }


def _post_order(post: Post) -> tuple[int, int, int, int, str]:
    return (LEADER_ROLES.index(Role(post.role)), post.grid, post.building or 0, post.unit or 0, post.post)
