"""A tiny example community used in docstrings and documentation.

>>> G = example_graph()
>>> G.graph["community"], G.number_of_nodes(), G.number_of_edges()
('示例社区', 24, 31)
"""

from __future__ import annotations

from analysis.domain import CareKind, Post, Role, ServiceRole
from analysis.model import Graph, add_care, add_member, add_post, add_resident, add_service, community_graph

__all__ = ["example_graph", "EXAMPLE_AS_OF"]

EXAMPLE_AS_OF = "2024-06-01"

_RESIDENTS = (
    # id, name, born, (grid, building, unit, room), lives alone, party member
    ("R01", "刘凤霞", "1958-05-01", ("1", "5", "1", "102"), False, True),
    ("R02", "王建国", "1975-03-12", ("1", "5", "1", "201"), False, True),
    ("R03", "赵淑兰", "1938-02-11", ("1", "5", "1", "301"), True, False),
    ("R04", "孙桂芝", "1941-09-30", ("1", "5", "2", "101"), True, False),
    ("R05", "周德胜", "1944-06-01", ("1", "5", "2", "102"), True, False),
    ("R06", "吴玉珍", "1950-12-01", ("2", "6", "1", "301"), False, False),
    ("R07", "郑宏", "1985-07-20", ("2", "6", "1", "302"), False, False),
    ("R08", "钱进", "1949-01-15", ("2", "6", "1", "301"), False, False),
)


def example_graph() -> Graph:
    """Return a small community: 2 grids, 2 buildings, 3 units, 8 residents.

    On 2024-06-01 (`EXAMPLE_AS_OF`): six elders, of whom R03 and R04 are cared
    for by building leader R01 (own capacity 1, so overloaded); grid 2,
    building 6 and unit 6-1 have no leader; unit 5-2 has only a B post; R07's
    care for R08 ended on 2024-05-31.

    >>> G = example_graph()
    >>> G.nodes["示例社区/r/R01"]["name"]
    '刘凤霞'
    """
    G = community_graph("示例社区")
    for rid, name, born, (grid, building, unit, room), alone, party in _RESIDENTS:
        add_resident(
            G,
            rid,
            name=name,
            birth_date=born,
            grid=grid,
            building=building,
            unit=unit,
            room=room,
            lives_alone=alone,
            party_member=party,
        )
    G.nodes["示例社区/r/R01"]["care_capacity"] = 1
    add_post(G, "R01", Role.BUILDING_LEADER, Post.A, building="5")
    add_post(G, "R02", Role.GRID_LEADER, Post.A, grid="1")
    add_post(G, "R02", Role.UNIT_LEADER, Post.A, building="5", unit="1")
    add_post(G, "R02", Role.UNIT_LEADER, Post.B, building="5", unit="2")
    add_care(G, "R01", "R03", since="2019-03-01")
    add_care(G, "R01", "R04")
    add_care(G, "R07", "R08", CareKind.VOLUNTEER, until="2024-05-31")
    add_member(G, "R07", "红马甲法律援助队")
    add_service(G, "R07", "2", ServiceRole.DISPUTE_MEDIATOR)
    return G
