"""Helpers for hand-built community graphs (see `analysis.model`).

Tests run with ``--import-mode=importlib``, so helpers come as fixtures.
"""

import pytest

from analysis.model import add_resident, community_graph

ELDER = "1950-01-01"  # 74 on 2024-06-01


def _resident(G, rid, born=ELDER, place=("1", "1", "1", "101"), **attrs):
    grid, building, unit, room = place
    return add_resident(G, rid, birth_date=born, grid=grid, building=building, unit=unit, room=room, **attrs)


@pytest.fixture
def G():
    """An empty community graph."""
    return community_graph("测试社区")


@pytest.fixture
def resident():
    """``resident(G, rid, born="1950-01-01", place=(grid, building, unit, room), **attrs)``."""
    return _resident
