from datetime import UTC, date, datetime

import pytest

from analysis.domain import age_on, as_of_date, is_active, place_key
from analysis.model import add_care, add_post


@pytest.mark.parametrize(
    "born, on, age",
    [
        (date(1964, 6, 1), date(2024, 6, 1), 60),  # the birthday itself
        (date(1964, 6, 2), date(2024, 6, 1), 59),  # the day before
        (date(1964, 2, 29), date(2024, 2, 28), 59),
        (date(1964, 2, 29), date(2024, 2, 29), 60),  # leap year: on the day
        (date(1964, 2, 29), date(2025, 2, 28), 60),  # no 29 Feb: not yet
        (date(1964, 2, 29), date(2025, 3, 1), 61),  # a year older on 1 March
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    "since, until, active",
    [
        (None, None, True),
        (None, date(2024, 6, 1), True),  # ends on the day: still active
        (None, date(2024, 5, 31), False),  # ended the day before
        (date(2024, 6, 1), None, True),  # begins on the day
        (date(2024, 6, 2), None, False),  # not begun yet
    ],
)
def test_is_active(since, until, active):
    assert is_active(since, until, date(2024, 6, 1)) is active


def test_as_of_date(monkeypatch):
    assert as_of_date("2024-06-01") == date(2024, 6, 1)
    assert as_of_date(date(2024, 6, 1)) == date(2024, 6, 1)
    from analysis import domain

    late = datetime(2024, 5, 31, 17, 30, tzinfo=UTC)  # 01:30 on 1 June in the community's zone
    monkeypatch.setattr(domain, "clock", lambda: late)
    assert as_of_date(None) == date(2024, 6, 1)


def test_place_key_orders_numbers_numerically_then_text():
    labels = ["10", "2", "9", "东区", "1", "10a", "2a"]
    assert sorted(labels, key=place_key) == ["1", "2", "9", "10", "2a", "10a", "东区"]


def test_builder_follows_the_graph_contract(G, resident):
    resident(G, "R1", place=("3", "5", "2", "301"), lives_alone=True)
    add_post(G, "R1", "unit_leader", "B", building="5", unit="2")
    resident(G, "R2", place=("3", "5", "2", "302"))
    add_care(G, "R1", "R2", "family", since="2020-01-01")
    c = "测试社区"
    assert G.nodes[f"{c}/b/5/u/2"] == {"kind": "unit", "number": "2", "building": "5", "grid": "3"}
    assert G.nodes[f"{c}/b/5/u/2/h/301"]["kind"] == "household"
    assert G.nodes[f"{c}/r/R1"]["resident_id"] == "R1"
    assert G.nodes[f"{c}/r/R1"]["birth_date"] == date(1950, 1, 1)
    assert G.edges[f"{c}/r/R1", f"{c}/b/5/u/2", "LEADS"] == {"rel": "LEADS", "role": "unit_leader", "post": "B"}
    care = G.edges[f"{c}/r/R1", f"{c}/r/R2", "CARES_FOR:family"]
    assert care == {"rel": "CARES_FOR", "kind": "family", "since": date(2020, 1, 1), "until": None}
    assert all("rel" in d for *_, d in G.edges(data=True))


def test_new_building_needs_its_grid(G):
    with pytest.raises(ValueError):
        add_post(G, "R1", "building_leader", building="9")
