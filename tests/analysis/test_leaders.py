"""Leader suggestions: who is eligible, how they score, in what order."""

from datetime import date

import pytest

from analysis.leaders import suggest_leaders
from analysis.model import add_care, add_member, add_post, add_service

AS_OF = date(2024, 6, 1)


def scope(result, role, **labels):
    [s] = [s for s in result.scopes if s["role"] == role and all(s[k] == v for k, v in labels.items())]
    return s


def test_scores_are_explained(G, resident):
    resident(G, "party", born="1970-01-01", party_member=True)  # 54
    resident(G, "volunteer", born="1990-01-01")  # 34
    add_member(G, "volunteer", "队")
    resident(G, "server", born="1950-01-01")  # 74
    add_service(G, "server", "1", "life_adviser")
    resident(G, "child", born="2010-01-01")  # too young
    r = suggest_leaders(G, as_of=AS_OF)
    s = scope(r, "unit_leader", building="1", unit="1")
    assert s["need"] == "leader"
    assert [(c["resident_id"], c["score"]) for c in s["candidates"]] == [
        ("party", 4.0),
        ("server", 3.0),
        ("volunteer", 3.0),
    ]  # ties by resident id
    assert s["candidates"][2]["components"] == {
        "lives_there": 1.0,
        "party_member": 0.0,
        "volunteer": 1.5,
        "age": 0.5,
        "posts_held": 0.0,
        "care_load": 0.0,
    }


def test_posts_and_care_load_weigh_against(G, resident):
    resident(G, "a", born="1970-01-01", care_capacity=4)
    resident(G, "b", born="1970-01-01")
    add_post(G, "a", "grid_leader", grid="1")
    for i in range(2):
        resident(G, f"e{i}", born="1930-01-01", place=("1", "1", "2", "101"))
        add_care(G, "a", f"e{i}")
    r = suggest_leaders(G, as_of=AS_OF)
    s = scope(r, "unit_leader", building="1", unit="1")
    a = next(c for c in s["candidates"] if c["resident_id"] == "a")
    assert a["components"]["posts_held"] == -1.0 and a["components"]["care_load"] == -0.5
    assert s["candidates"][0]["resident_id"] == "b"
    grid = scope(r, "grid_leader", grid="1")
    assert grid["need"] == "backup"
    assert "a" not in [c["resident_id"] for c in grid["candidates"]]  # holds that post


def test_vacancies_first_limit_and_ties(G, resident):
    for rid in ("r3", "r1", "r2"):
        resident(G, rid, born="1970-01-01")
    resident(G, "other", born="1970-01-01", place=("1", "1", "2", "101"))
    add_post(G, "r1", "building_leader", building="1")
    r = suggest_leaders(G, as_of=AS_OF, limit=2)
    assert [(s["role"], s.get("unit"), s["need"]) for s in r.scopes] == [
        ("grid_leader", None, "leader"),
        ("unit_leader", "1", "leader"),
        ("unit_leader", "2", "leader"),
        ("building_leader", None, "backup"),
    ]
    unit1 = [c["resident_id"] for c in scope(r, "unit_leader", unit="1")["candidates"]]
    assert unit1 == ["r2", "r3"]  # r1 holds a post; ties by resident id
    assert [c["resident_id"] for c in scope(r, "unit_leader", unit="2")["candidates"]] == ["other"]


def test_weights(G, resident):
    resident(G, "old", born="1935-01-01")
    resident(G, "mid", born="1970-01-01")
    r = suggest_leaders(G, as_of=AS_OF, weights={"age": 0.0})
    s = scope(r, "grid_leader")
    assert [c["score"] for c in s["candidates"]] == [1.0, 1.0]
    with pytest.raises(ValueError):
        suggest_leaders(G, weights={"charisma": 1})
