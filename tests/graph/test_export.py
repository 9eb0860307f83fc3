"""`graph.export.community_graph` against a graph built by hand for the same ledger.

The ledger below is imported through the real CLI; `expected_graph` builds the
graph ``docs/analysis-graph.md`` promises for it with `analysis.model`. The
CLI tests of the audit (`tests/cli/test_analysis_cli.py`) use the same ledger.
"""

from collections import Counter
from datetime import date

import pytest
from prometheus_client import REGISTRY

from analysis.model import add_care, add_member, add_post, add_resident, add_service
from analysis.model import community_graph as empty
from graph.errors import NotFound
from graph.export import community_graph
from graph.reads.stats import community_stats
from tests.cli.test_import import write_csv_ledger

RESIDENTS = [
    ["居民编号", "姓名", "出生日期", "网格", "楼栋", "单元", "门牌号", "独居", "党员", "照护能力"],
    ["P1", "王建国", "1970-03-01", "1", "1", "1", "101", "否", "是", "5"],
    ["P2", "李红", "1980-05-05", "1", "1", "1", "102", "否", "否", ""],
    ["P3", "张伟", "1985-07-07", "1", "1", "2", "201", "否", "是", "1"],
    ["P4", "赵敏", "1990-01-01", "1", "1", "2", "202", "否", "否", ""],
    ["P5", "陈静", "1975-02-02", "2", "3", "1", "301", "否", "是", ""],
    ["P6", "周强", "1988-08-08", "2", "3", "2", "302", "否", "否", ""],
    ["M1", "何明", "1995-09-09", "2", "3", "2", "302", "否", "否", "4"],
    ["E1", "刘凤霞", "1940-01-01", "1", "1", "1", "103", "是", "否", ""],
    ["E2", "王秀兰", "1945-02-02", "1", "1", "1", "104", "否", "否", ""],
    ["E3", "马桂芝", "1946-03-03", "1", "1", "1", "104", "否", "否", ""],
    ["E4", "杨德", "1941-04-04", "1", "1", "2", "203", "是", "否", ""],
    ["E5", "朱兰", "1942-05-05", "1", "1", "2", "204", "否", "否", ""],
    ["E6", "许春", "1943-06-06", "1", "1", "2", "205", "否", "否", ""],
    ["E7", "郭华", "1944-07-07", "1", "1", "1", "105", "否", "否", ""],
    ["E8", "林芳", "1947-08-08", "1", "1", "1", "106", "否", "否", ""],
    ["U1", "孙秀英", "1930-05-05", "1", "2", "1", "101", "是", "否", ""],
    ["U2", "钱德", "1938-12-12", "2", "3", "1", "102", "是", "否", ""],
    ["U3", "吴芳", "1964-06-01", "1", "2", "1", "102", "否", "否", ""],
    ["Y1", "吴磊", "1964-06-02", "1", "2", "1", "102", "否", "否", ""],
    ["U4", "郑军", "1950-06-02", "2", "3", "2", "303", "否", "否", ""],
    ["N1", "冯梅", "1942-10-10", "2", "3", "2", "304", "否", "否", ""],
]
LEADERS = [
    ["居民编号", "职务", "网格", "楼栋", "单元", "岗位"],
    ["P1", "网格长", "第1网格", "", "", "A"],
    ["P3", "网格长", "1", "", "", "B"],
    ["P1", "楼栋长", "", "1号楼", "", "A"],
    ["P5", "楼栋长", "", "3号楼", "", "A"],
    ["P2", "单元长", "", "1", "1", "A"],
    ["P3", "单元长", "", "1", "1", "B"],
    ["P4", "单元长", "", "1", "2", "A"],
    ["P5", "单元长", "", "3", "2", "A"],
    ["P6", "单元长", "", "3", "2", "B"],
]
CARE = [
    ["照护人编号", "被照护人编号", "类型", "开始日期", "结束日期"],
    ["P1", "E1", "包保", "", ""],
    ["P1", "E2", "包保", "2023-01-01", ""],
    ["P1", "E3", "家属", "", ""],
    ["P1", "U1", "包保", "2023-01-01", "2024-05-31"],
    ["P2", "E4", "包保", "", ""],
    ["P2", "E5", "包保", "", ""],
    ["P2", "E6", "邻居", "", ""],
    ["P3", "E7", "包保", "", ""],
    ["P3", "E8", "志愿者", "", ""],
    ["P6", "U2", "包保", "2024-07-01", ""],
    ["P5", "N1", "邻居", "", ""],
    ["M1", "N1", "志愿者", "", ""],
]
VOLUNTEERS = [["居民编号", "队伍"], ["P6", "巡逻队"], ["M1", "巡逻队"]]
SERVICE_ROLES = [["居民编号", "网格", "角色"], ["P4", "第1网格", "治安巡逻员"], ["M1", "第2网格", "邻里守望员"]]
SHEETS = {
    "residents": RESIDENTS,
    "leaders": LEADERS,
    "care": CARE,
    "volunteers": VOLUNTEERS,
    "service_roles": SERVICE_ROLES,
}


def import_sheets(gridcare, tmp_path, community, sheets=SHEETS):
    """Write ``sheets`` as a CSV ledger and import it through the CLI."""
    gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets), "--community", community, check=True)


def expected_graph(community, leaving=()):
    """The graph of `SHEETS` built by hand, without the residents in ``leaving``."""
    G = empty(community)
    for rid, name, born, grid, building, unit, room, alone, party, capacity in RESIDENTS[1:]:
        if rid not in leaving:
            add_resident(
                G,
                rid,
                name=name,
                birth_date=born,
                grid=grid,
                building=building,
                unit=unit,
                room=room,
                lives_alone=alone == "是",
                party_member=party == "是",
                care_capacity=int(capacity) if capacity else None,
            )
    roles = {"网格长": "grid_leader", "楼栋长": "building_leader", "单元长": "unit_leader"}
    kinds = {"包保": "responsibility", "家属": "family", "志愿者": "volunteer", "邻居": "neighbour"}
    # the ledger's place words, as the importer normalises them: 第1网格 -> "1", 1号楼 -> "1"
    for rid, role, grid, building, unit, post in LEADERS[1:]:
        if rid not in leaving:
            add_post(
                G,
                rid,
                roles[role],
                post,
                grid=grid.strip("第网格") or None,
                building=building.removesuffix("号楼") or None,
                unit=unit or None,
            )
    for giver, taker, kind, since, until in CARE[1:]:
        if giver not in leaving and taker not in leaving:
            add_care(G, giver, taker, kinds[kind], since=since or None, until=until or None)
    for rid, team in VOLUNTEERS[1:]:
        if rid not in leaving:
            add_member(G, rid, team)
    services = {"治安巡逻员": "security_patroller", "邻里守望员": "neighbour_watcher"}
    for rid, grid, role in SERVICE_ROLES[1:]:
        if rid not in leaving:
            add_service(G, rid, grid.strip("第网格"), services[role])
    return G


def round_trips():
    """Cypher statements sent so far by this process (`graph.db` counts them)."""
    return sum(
        s.value
        for m in REGISTRY.collect()
        if m.name == "gridcare_cypher_queries"
        for s in m.samples
        if s.name.endswith("_total")
    )


def assert_same_graph(got, want):
    assert {k: v for k, v in got.graph.items() if k != "contacts_as_of"} == want.graph  # an export's day
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in got.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in want.edges(keys=True, data=True)
    }


def test_export_equals_the_hand_built_graph(store, gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    before = round_trips()
    G = community_graph(store, community, as_of=date(2024, 6, 1))
    assert round_trips() - before == 1  # places, residents and relationships in one statement
    assert G.graph["contacts_as_of"] == date(2024, 6, 1)
    assert_same_graph(G, expected_graph(community))
    assert G.nodes[f"{community}/r/P3"]["care_capacity"] == 1
    assert G.nodes[f"{community}/r/P2"]["care_capacity"] is None


def test_a_ledger_without_capacities_keeps_those_set_before(store, gridcare, community, tmp_path):
    import_sheets(gridcare, tmp_path / "first", community)
    without = {**SHEETS, "residents": [row[:-1] for row in RESIDENTS]}
    import_sheets(gridcare, tmp_path / "again", community, without)
    assert_same_graph(community_graph(store, community), expected_graph(community))


def test_residents_who_left_are_not_exported(store, gridcare, driver, database, community, tmp_path):
    import_sheets(gridcare, tmp_path, community)
    driver.execute_query(
        "MATCH (r:Resident {community: $c, residentId: 'M1'}) SET r.status = 'moved_out'",
        c=community,
        database_=database,
    )
    G = community_graph(store, community)
    assert_same_graph(G, expected_graph(community, leaving={"M1"}))
    assert f"{community}/t/巡逻队" in G and f"{community}/b/3/u/2/h/302" in G


def test_unknown_community_is_not_found(store, community):
    with pytest.raises(NotFound, match="no community named"):
        community_graph(store, community)


def test_demo_export_matches_its_stats(store, demo_community, demo_day):
    G = community_graph(store, demo_community)
    stats = community_stats(store, demo_community, today=demo_day)
    kinds = Counter(kind for _, kind in G.nodes(data="kind"))
    assert (kinds["grid"], kinds["building"], kinds["unit"], kinds["household"], kinds["resident"]) == (
        stats["grids"],
        stats["buildings"],
        stats["units"],
        stats["households"],
        stats["residents"],
    )
    assert kinds["team"] == stats["volunteer_teams"]
    care = sum(1 for *_, rel in G.edges(data="rel") if rel == "CARES_FOR")
    leads = sum(1 for *_, rel in G.edges(data="rel") if rel == "LEADS")
    assert care == stats["care_relationships"]
    assert leads == sum(n for posts in stats["leaders"].values() for n in posts.values())


def test_contacts_are_each_elders_last_on_the_day_and_visitors_those_of_its_last_90_days(
    store, gridcare, community, tmp_path
):
    from analysis import audit
    from tests.cli.test_visit_import import sheets

    gridcare("import", write_csv_ledger(tmp_path / "ledger", sheets()), "--community", community, check=True)
    before = round_trips()
    G = community_graph(store, community, as_of=date(2024, 6, 1), visitors=True)
    assert round_trips() - before == 2  # and the visitors
    contacts = {d["resident_id"]: d["contacts"] for _, d in G.nodes(data=True) if d.get("contacts")}
    # H2's attempt on 31 May is not a contact; H3's visit on 2 June is after the day
    assert contacts == {
        "H1": (date(2024, 5, 25),),
        "H2": (date(2024, 5, 24),),
        "K1": (date(2024, 5, 2),),
        "G1": (date(2024, 5, 3),),
        "N1": (date(2024, 5, 20),),
    }
    visited = {
        (G.nodes[u]["resident_id"], G.nodes[v]["resident_id"]): d["last"]
        for u, v, k, d in G.edges(keys=True, data=True)
        if k == "VISITED"
    }
    assert visited == {
        ("P1", "H1"): date(2024, 5, 25),
        ("P1", "H2"): date(2024, 5, 24),
        ("P2", "K1"): date(2024, 5, 2),
        ("P2", "N1"): date(2024, 5, 20),
    }  # G1 was seen by staff: no edge
    later = community_graph(store, community, as_of=date(2024, 6, 2))
    assert later.nodes[f"{community}/r/H3"]["contacts"] == (date(2024, 6, 2),)
    assert not any(k == "VISITED" for _, _, k in later.edges(keys=True))  # not asked for
    with pytest.raises(ValueError, match="as of 2024-06-01: export it as of 2024-06-02"):
        audit(G, as_of="2024-06-02")
