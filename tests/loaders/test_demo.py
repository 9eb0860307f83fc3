"""The generated Changshan Garden ledger reproduces the published numbers.

Every number is counted from the generated rows, the way an importer or an
audit would see them; nothing is taken from the generator's constants.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest

from analysis.domain import SERVICE_ROLES
from loaders.demo import DEMO_COMMUNITY, generate_ledger
from loaders.demo.places import community_names
from loaders.model import SHEETS

TODAY = date(2026, 11, 27)
RED_VEST = {
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
}


def num(cell: str) -> int:
    """``第3网格``, ``3网格``, ``5号楼``, ``5栋``, ``2单元``, ``3`` -> the number."""
    found = re.fullmatch(r"(?:第)?(\d+)(?:网格|号楼|栋|单元)?", cell)
    assert found, cell
    return int(found[1])


def day(cell: str) -> date:
    found = re.fullmatch(r"(\d{4})(?:-|/|年)(\d{1,2})(?:-|/|月)(\d{1,2})日?", cell)
    assert found, cell
    return date(*map(int, found.groups()))


def age(birth: date, today: date = TODAY) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class View:
    """One community's rows, indexed the way the checks need them."""

    def __init__(self, sheets: dict[str, list[dict[str, str]]], community: str) -> None:
        self.rows = {s: [r for r in sheets[s] if r["社区"] == community] for s in SHEETS}
        self.people = {r["居民编号"]: r for r in self.rows["residents"]}
        self.home = {
            rid: (num(r["网格"]), num(r["楼栋"]), num(r["单元"]), r["门牌号"]) for rid, r in self.people.items()
        }
        self.households = defaultdict(list)
        for rid, h in self.home.items():
            self.households[h].append(rid)
        self.age = {rid: age(day(r["出生日期"])) for rid, r in self.people.items()}
        self.leaders = self.rows["leaders"]
        self.active_care = [c for c in self.rows["care"] if not c["结束日期"] or day(c["结束日期"]) >= TODAY]

    def building(self, rid: str) -> int:
        return self.home[rid][1]

    def solitary(self) -> list[str]:
        return [rid for rid, r in self.people.items() if r["独居"] == "是"]

    def posts(self, role: str, post: str = "A") -> list[dict[str, str]]:
        return [r for r in self.leaders if r["职务"] == role and r["岗位"] == post]


@pytest.fixture(scope="module")
def sheets():
    return generate_ledger(seed=7, today=TODAY)


@pytest.fixture(scope="module")
def v(sheets):
    return View(sheets, DEMO_COMMUNITY)


def test_sheets_and_community(sheets, v):
    assert list(sheets) == list(SHEETS)
    assert {r["社区"] for rows in sheets.values() for r in rows} == {DEMO_COMMUNITY}
    assert all(v.rows[s] for s in SHEETS)


def test_grids_buildings_units(v):
    grid_of = defaultdict(set)
    for g, b, _, _ in v.home.values():
        grid_of[b].add(g)
    assert len({g for g, *_ in v.home.values()}) == 10
    assert len(grid_of) == 11
    assert all(len(gs) == 1 for gs in grid_of.values())  # every building in one grid
    per_grid = Counter(next(iter(gs)) for gs in grid_of.values())
    assert sorted(per_grid.values()) == [1] * 9 + [2]
    assert len({(b, u) for _, b, u, _ in v.home.values()}) == 45


def test_households_residents_and_elders(v):
    assert 3050 <= len(v.households) <= 3150
    assert 6900 <= len(v.people) <= 7100
    assert len(v.rows["residents"]) == len(v.people)  # resident ids are unique
    share = sum(a >= 60 for a in v.age.values()) / len(v.age)
    assert 0.620 <= share <= 0.630
    sizes = Counter(len(m) for m in v.households.values())
    assert max(sizes) <= 5 and sizes[2] > sizes[3] > sizes[5]
    elderly_small = sum(1 for m in v.households.values() if len(m) <= 2 and all(v.age[r] >= 60 for r in m))
    assert elderly_small > len(v.households) / 3


def test_rooms_and_spellings(v):
    rooms = {r["门牌号"] for r in v.rows["residents"]}
    assert all(re.fullmatch(r"\d{1,2}0[1-4]", room) for room in rooms)
    cells = [c for r in v.rows["residents"] for c in (r["网格"], r["楼栋"], r["单元"])]
    for variant in (r"第\d+网格", r"\d+号楼", r"\d+栋", r"\d+单元"):
        assert any(re.fullmatch(variant, c) for c in cells), variant
    births = [r["出生日期"] for r in v.rows["residents"]]
    for variant in (r"\d{4}-\d\d-\d\d", r"\d{4}/\d{1,2}/\d{1,2}", r"\d{4}年\d{1,2}月\d{1,2}日"):
        assert any(re.fullmatch(variant, b) for b in births), variant
    flags = {r[c] for r in v.rows["residents"] for c in ("独居", "党员")}
    assert flags == {"是", "否"}


def test_names_genders_and_sensitive_columns(v):
    names = [r["姓名"] for r in v.rows["residents"]]
    assert all(2 <= len(n) <= 3 for n in names)
    assert {2, 3} <= {len(n) for n in names}
    surnames = Counter(n[0] for n in names)
    assert {s for s, _ in surnames.most_common(5)} <= set("王李张刘陈杨赵黄周吴徐孙胡朱")
    assert {r["性别"] for r in v.rows["residents"]} == {"男", "女"}
    elders = [r for rid, r in v.people.items() if v.age[rid] >= 60]
    with_health = sum(bool(r["健康状况"]) for r in elders) / len(elders)
    assert 0.3 <= with_health <= 0.5
    assert sum(bool(r["紧急联系人"] and r["紧急联系电话"]) for r in elders) > 0.8 * len(elders)
    assert sum(bool(r["联系电话"]) for r in v.rows["residents"]) > 0.6 * len(v.people)
    assert not any(r["身份证号"] for r in v.rows["residents"])


def test_lives_alone_is_consistent(v):
    for rid in v.solitary():
        assert len(v.households[v.home[rid]]) == 1 and v.age[rid] >= 60
    alone = [m[0] for m in v.households.values() if len(m) == 1 and v.age[m[0]] >= 60]
    assert sorted(alone) == sorted(v.solitary())


def test_every_reference_exists(v):
    ids = set(v.people)
    refs = [r["居民编号"] for s in ("leaders", "volunteers", "service_roles", "party_groups") for r in v.rows[s]]
    refs += [r[c] for r in v.rows["care"] for c in ("照护人编号", "被照护人编号")]
    assert set(refs) <= ids


def test_three_leaders(v):
    grids = {num(r["网格"]) for r in v.posts("网格长")}
    assert len(v.posts("网格长")) == 10 and len(grids) == 10
    led = [num(r["楼栋"]) for r in v.posts("楼栋长")]
    assert len(led) == 10 and len(set(led)) == 10
    assert len(set(range(1, 12)) - set(led)) == 1  # exactly one building without a leader
    units = [(num(r["楼栋"]), num(r["单元"])) for r in v.posts("单元长")]
    assert len(units) == 45 and set(units) == {(b, u) for _, b, u, _ in v.home.values()}
    backups = [r for r in v.leaders if r["岗位"] == "B"]
    assert 0 < len(backups) < len(v.leaders) / 4  # most posts have no B backup
    assert {r["职务"] for r in backups} == {"网格长", "楼栋长", "单元长"}
    assert {num(r["楼栋"]) for r in v.posts("楼栋长", "B")} <= set(led)
    grid_of = {b: g for g, b, _, _ in v.home.values()}
    for r in v.leaders:
        assert r["岗位"] in ("A", "B")
        assert not r["楼栋"] or num(r["网格"]) == grid_of[num(r["楼栋"])]
        assert r["网格"] if r["职务"] == "网格长" else r["楼栋"]
        assert r["单元"] or r["职务"] != "单元长"


def test_liu_fengxia_and_building_5(v):
    (liu,) = [rid for rid, r in v.people.items() if r["姓名"] == "刘凤霞"]
    row = v.people[liu]
    assert (row["性别"], row["党员"], row["独居"], v.building(liu)) == ("女", "是", "否", 5)
    assert [r["居民编号"] for r in v.posts("楼栋长") if num(r["楼栋"]) == 5] == [liu]
    (husband,) = [rid for rid in v.households[v.home[liu]] if rid != liu]
    assert v.people[husband]["性别"] == "男" and v.age[husband] >= 60
    assert "阿尔茨海默" in v.people[husband]["健康状况"]
    solitary_5 = {rid for rid in v.solitary() if v.building(rid) == 5}
    assert len(solitary_5) == 7
    cared = {c["被照护人编号"] for c in v.active_care if c["照护人编号"] == liu and c["类型"] == "包保"}
    assert cared == solitary_5


def test_party_groups_and_households(v):
    groups = defaultdict(set)
    for r in v.rows["party_groups"]:
        groups[r["党小组"]].add(num(r["楼栋"]))
        assert v.people[r["居民编号"]]["党员"] == "是"
        assert v.building(r["居民编号"]) == num(r["楼栋"])
    assert len(groups) == 24 and all(len(b) == 1 for b in groups.values())
    assert all(re.fullmatch(r"\d+号楼第\d+党小组", g) for g in groups)
    per_building = Counter(next(iter(b)) for b in groups.values())
    assert len(per_building) == 11 and max(per_building.values()) == 3
    members = Counter(r["居民编号"] for r in v.rows["party_groups"])
    party = {rid for rid, r in v.people.items() if r["党员"] == "是"}
    assert set(members) == party and set(members.values()) == {1}
    assert len({v.home[rid] for rid in party}) == 161


def test_volunteer_teams(v):
    teams = defaultdict(set)
    for r in v.rows["volunteers"]:
        teams[r["队伍"]].add(r["居民编号"])
    assert set(teams) == RED_VEST | {"巡逻队"}
    assert all(8 <= len(teams[t]) <= 30 for t in RED_VEST)
    assert 400 <= len(teams["巡逻队"]) <= 450
    in_teams = Counter(rid for members in teams.values() for rid in members)
    assert max(in_teams.values()) >= 2  # some residents serve in several teams


def test_service_roles(v):
    filled = defaultdict(set)
    for r in v.rows["service_roles"]:
        filled[num(r["网格"])].add(r["角色"])
        assert v.home[r["居民编号"]][0] == num(r["网格"])
    assert set().union(*filled.values()) == {r.zh for r in SERVICE_ROLES}
    missing = [8 - len(roles) for roles in filled.values()]
    assert len(filled) == 10 and sorted(missing)[-3:] in ([0, 0, 1], [0, 1, 1])


def test_care_rows_are_clean(v):
    kinds = Counter(c["类型"] for c in v.rows["care"])
    assert set(kinds) == {"包保", "家属", "志愿者", "邻居"}
    keys = [(c["照护人编号"], c["被照护人编号"], c["类型"]) for c in v.rows["care"]]
    assert len(keys) == len(set(keys))
    assert all(giver != taker for giver, taker, _ in keys)
    ended = [c for c in v.rows["care"] if c["结束日期"]]
    assert 1 <= len(ended) <= 10
    assert all(day(c["开始日期"]) < day(c["结束日期"]) < TODAY for c in ended)


def test_care_gaps_an_audit_must_find(v):
    covered = {c["被照护人编号"] for c in v.active_care}
    uncovered = [rid for rid in v.solitary() if rid not in covered]
    assert 30 <= len(uncovered) <= 60
    assert len(uncovered) < len(v.solitary()) / 2  # most solitary elders are cared for
    leaders = {r["居民编号"] for r in v.leaders}
    load = defaultdict(set)
    for c in v.rows["care"]:
        if c["照护人编号"] in leaders:
            load[c["照护人编号"]].add(c["被照护人编号"])
    overloaded = sorted(len(load[rid]) for rid in leaders if len(load[rid]) > 10)
    assert 2 <= len(overloaded) <= 4 and max(overloaded) <= 15
    solitary = set(v.solitary())
    by_leaders = {c["被照护人编号"] for c in v.active_care if c["照护人编号"] in leaders and c["类型"] == "包保"}
    assert len(by_leaders & solitary) > len(solitary) / 3
    family = [c for c in v.active_care if c["类型"] == "家属"]
    assert all(
        v.age[c["照护人编号"]] < v.age[c["被照护人编号"]] or v.home[c["照护人编号"]] == v.home[c["被照护人编号"]]
        for c in family
    )


def moment(cell: str) -> datetime:
    return datetime.strptime(cell, "%Y-%m-%d %H:%M")


def test_a_year_of_visits_by_the_people_who_care(v):
    visits = v.rows["visits"]
    assert 80_000 <= len(visits) <= 110_000  # ~10^5, the scale the audit must keep up with
    times = [moment(r["探访时间"]) for r in visits]
    assert times == sorted(times)
    assert TODAY - timedelta(days=366) <= min(times).date() and max(times).date() < TODAY
    assert all(r["探访人编号"] != r["被探访人编号"] for r in visits)
    assert all(r["被探访人编号"] in v.people and r["探访人编号"] in {"", *v.people} for r in visits)
    assert all(v.age[r["被探访人编号"]] >= 60 for r in visits)
    modes, outcomes = Counter(r["方式"] for r in visits), Counter(r["情况"] for r in visits)
    assert (
        set(modes) == {"上门", "电话", "视频"} and modes["上门"] > len(visits) / 3 and modes["电话"] > len(visits) / 3
    )
    assert 3 <= outcomes["需要帮助"] <= 40  # a handful
    assert 0.02 <= outcomes["不在家"] / len(visits) <= 0.06
    assert sum(1 for r in visits if r["探访人编号"] == "") > 100  # staff visit those nobody answers for
    assert all(r["备注"] for r in visits if r["情况"] == "需要帮助")


def test_building_5s_leader_sees_her_solitary_elders_every_day(v):
    (liu,) = [rid for rid, r in v.people.items() if r["姓名"] == "刘凤霞"]
    solitary_5 = {rid for rid in v.solitary() if v.building(rid) == 5}
    days = defaultdict(set)
    for r in v.rows["visits"]:
        if r["被探访人编号"] in solitary_5:
            assert r["探访人编号"] == liu and r["方式"] == "上门"
            days[r["被探访人编号"]].add(moment(r["探访时间"]).date())
    assert {rid: len(d) for rid, d in days.items()} == dict.fromkeys(solitary_5, 365)


def test_tiers_set_by_hand_and_elders_never_visited(v):
    tiers = {rid: r["关爱等级"] for rid, r in v.people.items() if r["关爱等级"]}
    (liu,) = [rid for rid, r in v.people.items() if r["姓名"] == "刘凤霞"]
    (husband,) = [rid for rid in v.households[v.home[liu]] if rid != liu]
    assert tiers[husband] == "高风险"  # dementia, has wandered: the rule alone says general
    assert Counter(tiers.values())["无"] == 3 and Counter(tiers.values())["重点"] > 20
    assert all("脑梗后遗症" in v.people[rid]["健康状况"] for rid, t in tiers.items() if t == "重点")
    visited = {r["被探访人编号"] for r in v.rows["visits"]}
    in_programme = {
        rid
        for rid, r in v.people.items()
        if v.age[rid] >= 60
        and tiers.get(rid) != "无"
        and (tiers.get(rid) or all(v.age[o] >= 60 for o in v.households[v.home[rid]]))
    }
    assert len(in_programme - visited) == 4  # never visited: the overdue list's first lines
    assert visited <= in_programme


def test_without_visits_nothing_else_changes(sheets):
    bare = generate_ledger(seed=7, today=TODAY, visits=False)
    assert bare["visits"] == [] and {s: bare[s] for s in SHEETS if s != "visits"} == {
        s: sheets[s] for s in SHEETS if s != "visits"
    }


def test_deterministic_for_a_seed(sheets):
    assert generate_ledger(seed=7, today=TODAY) == sheets
    assert generate_ledger(seed=8, today=TODAY) != sheets


def test_ages_follow_today():
    later = generate_ledger(seed=7, today=date(2031, 6, 1))
    births = [day(r["出生日期"]) for r in later["residents"]]
    share = sum(age(b, date(2031, 6, 1)) >= 60 for b in births) / len(births)
    assert 0.620 <= share <= 0.630


def test_several_communities(sheets):
    three = generate_ledger(seed=7, communities=3, today=TODAY)
    names = list(dict.fromkeys(r["社区"] for r in three["residents"]))
    assert len(names) == 3 and names[0] == DEMO_COMMUNITY
    for name in names:
        view = View(three, name)
        assert len(view.rows["residents"]) == len(view.people)  # ids unique inside each
        assert len({b for _, b, _, _ in view.home.values()}) == 11
        assert len(view.posts("单元长")) == 45 and len(view.posts("楼栋长")) == 10
        assert len({r["党小组"] for r in view.rows["party_groups"]}) == 24
    first = View(three, DEMO_COMMUNITY)
    assert first.rows == View(sheets, DEMO_COMMUNITY).rows  # community 1 does not depend on K
    sizes = {len(View(three, n).people) for n in names}
    assert len(sizes) > 1  # sizes vary a little


def test_community_names_are_distinct_and_plausible():
    names = community_names(1000, random.Random(7))  # the CLI allows up to 1000
    assert len(set(names)) == 1000 and names[0] == DEMO_COMMUNITY
    assert all(re.fullmatch(r"\w{3,4}社区", n) for n in names)
    with pytest.raises(ValueError):
        community_names(0, random.Random(7))
