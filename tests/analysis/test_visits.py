"""The visiting programme in the audit: tiers, overdue elders, contact rates, a leader's day.

Each definition of `analysis.visits` on a hand-built graph whose answer is known, with
the boundaries a reviewer audits on fixed days.
"""

import json
from datetime import date, timedelta

import pytest

from analysis.coverage import audit
from analysis.domain import CareTier
from analysis.model import add_care, add_visit
from analysis.visits import (
    UnknownInCommunity,
    cadence_of,
    care_tiers,
    parse_cadence,
    parse_scope,
    visit_audit,
    visits_due,
)

D = date(2024, 6, 1)
OLD = "1940-01-01"  # 84 on D: high when alone
YOUNG_OLD = "1950-01-01"  # 74 on D: general when alone
ADULT = "1990-01-01"


def ago(days):
    return D - timedelta(days=days)


def overdue_ids(G, **kw):
    return [o.resident_id for o in visit_audit(G, as_of=D, **kw).overdue]


# --- tiers -------------------------------------------------------------------------------------


def test_rule_tiers_from_age_solitude_and_the_household(G, resident):
    resident(G, "alone84", born=OLD, place=("1", "1", "1", "101"), lives_alone=True)
    resident(G, "alone74", born=YOUNG_OLD, place=("1", "1", "1", "102"), lives_alone=True)
    # a couple of elders: elders only, though neither is flagged as living alone
    resident(G, "couple84", born=OLD, place=("1", "1", "1", "103"))
    resident(G, "couple74", born=YOUNG_OLD, place=("1", "1", "1", "103"))
    # an elder living with a younger person: outside the programme
    resident(G, "family84", born=OLD, place=("1", "1", "1", "104"))
    resident(G, "son", born=ADULT, place=("1", "1", "1", "104"))
    # alone in the household but not flagged: still a household of elders only
    resident(G, "single74", born=YOUNG_OLD, place=("1", "1", "1", "105"))
    tiers = care_tiers(G, as_of=D)
    assert tiers == {
        "alone84": CareTier.HIGH,
        "alone74": CareTier.GENERAL,
        "couple84": CareTier.HIGH,
        "couple74": CareTier.GENERAL,
        "family84": CareTier.NONE,
        "single74": CareTier.GENERAL,
    }  # the son is no elder: not listed


def test_ages_on_the_day_decide_the_rule(G, resident):
    resident(G, "turns80", born="1944-06-01", place=("1", "1", "1", "101"), lives_alone=True)
    resident(G, "turns80tomorrow", born="1944-06-02", place=("1", "1", "1", "102"), lives_alone=True)
    # a household becomes elders-only the day its younger member turns 60
    resident(G, "mother", born=OLD, place=("1", "1", "1", "103"))
    resident(G, "daughter", born="1964-06-02", place=("1", "1", "1", "103"))
    tiers = care_tiers(G, as_of=D)
    assert (tiers["turns80"], tiers["turns80tomorrow"], tiers["mother"]) == (
        CareTier.HIGH,
        CareTier.GENERAL,
        CareTier.NONE,
    )
    tiers = care_tiers(G, as_of=D + timedelta(days=1))
    assert (tiers["mother"], tiers["daughter"]) == (CareTier.HIGH, CareTier.GENERAL)
    # elder_age moves who counts as an elder in the household too
    assert care_tiers(G, as_of=D, elder_age=55)["mother"] == CareTier.HIGH


def test_an_explicit_tier_beats_the_rule(G, resident):
    resident(G, "alone84_key", born=OLD, place=("1", "1", "1", "101"), lives_alone=True, care_tier="key")
    resident(G, "family84_high", born=OLD, place=("1", "1", "1", "102"), care_tier="high")
    resident(G, "son", born=ADULT, place=("1", "1", "1", "102"))
    resident(G, "alone84_none", born=OLD, place=("1", "1", "1", "103"), lives_alone=True, care_tier="none")
    resident(G, "young_key", born=ADULT, place=("1", "1", "1", "104"), care_tier="key")  # not an elder
    tiers = care_tiers(G, as_of=D)
    assert tiers == {"alone84_key": CareTier.KEY, "family84_high": CareTier.HIGH, "alone84_none": CareTier.NONE}
    # key: a contact 8 days ago is on time (it would be overdue as high); high by choice: overdue
    add_visit(G, "alone84_key", ago(8))
    add_visit(G, "family84_high", ago(8))
    assert overdue_ids(G) == ["family84_high"]


def test_explicit_none_takes_an_elder_out_of_the_programme_but_not_out_of_the_audit(G, resident):
    resident(G, "out", born=OLD, lives_alone=True, care_tier="none")
    a = audit(G, as_of=D)
    assert a.visits.overdue == [] and a.visits.contact_rate_30d is None
    assert a.totals["in_programme"] == 0
    assert [e.resident_id for e in a.uncovered_elders] == ["out"]  # still an uncovered elder


def test_an_elder_outside_the_programme_is_never_overdue(G, resident):
    resident(G, "family84", born=OLD, place=("1", "1", "1", "102"))
    resident(G, "son", born=ADULT, place=("1", "1", "1", "102"))
    add_visit(G, "family84", "2000-01-01")
    v = visit_audit(G, as_of=D)
    assert v.overdue == [] and v.in_programme == {"high": 0, "key": 0, "general": 0}


# --- overdue -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier, cadence", [("high", 7), ("key", 30), ("general", 90)])
def test_a_contact_exactly_one_cadence_ago_is_on_time(G, resident, tier, cadence):
    resident(G, "on_time", born=OLD, place=("1", "1", "1", "101"), care_tier=tier)
    resident(G, "late", born=OLD, place=("1", "1", "1", "102"), care_tier=tier)
    add_visit(G, "on_time", ago(cadence))
    add_visit(G, "late", ago(cadence + 1))
    [late] = visit_audit(G, as_of=D).overdue
    assert (late.resident_id, late.days_since, late.due) == ("late", cadence + 1, ago(1))


def test_contacts_after_the_day_do_not_count(G, resident):
    resident(G, "E", born=OLD, lives_alone=True)
    add_visit(G, "E", ago(10))
    add_visit(G, "E", D + timedelta(days=1))
    [o] = visit_audit(G, as_of=D).overdue
    assert (o.last_contact, o.days_since, o.due) == (ago(10), 10, ago(3))
    # a contact on the day itself counts
    add_visit(G, "E", D)
    assert overdue_ids(G) == []
    # and on an earlier day, neither the day's contact nor the later one does
    [o] = visit_audit(G, as_of=ago(1)).overdue
    assert o.last_contact == ago(10)


def test_never_contacted_is_overdue_with_nulls(G, resident):
    resident(G, "E", born=OLD, lives_alone=True)
    add_visit(G, "E", D + timedelta(days=3))  # only after the day
    [o] = visit_audit(G, as_of=D).overdue
    assert o.to_dict() == {
        "resident_id": "E",
        "name": "E",
        "tier": "high",
        "last_contact": None,
        "days_since": None,
        "due": None,
        "caregivers": [],
    }


def test_overdue_order_tier_then_never_then_most_days_then_id(G, resident):
    people = [  # id, tier, days since the last contact (None: never)
        ("g_never", "general", None),
        ("g_100", "general", 100),
        ("k_31", "key", 31),
        ("k_never_b", "key", None),
        ("k_never_a", "key", None),
        ("k_60", "key", 60),
        ("h_8", "high", 8),
        ("h_30b", "high", 30),
        ("h_30a", "high", 30),
        ("h_never", "high", None),
    ]
    for i, (rid, tier, days) in enumerate(people):
        resident(G, rid, born=OLD, place=("1", "1", "1", str(100 + i)), care_tier=tier)
        if days is not None:
            add_visit(G, rid, ago(days))
    assert overdue_ids(G) == [
        "h_never",
        "h_30a",
        "h_30b",
        "h_8",
        "k_never_a",
        "k_never_b",
        "k_60",
        "k_31",
        "g_never",
        "g_100",
    ]


def test_caregivers_and_covered_but_overdue(G, resident):
    resident(G, "cared", born=OLD, place=("1", "1", "1", "101"), lives_alone=True)
    resident(G, "ended", born=OLD, place=("1", "1", "1", "102"), lives_alone=True)
    resident(G, "not_yet", born=OLD, place=("1", "1", "1", "103"), lives_alone=True)
    resident(G, "cared_on_time", born=OLD, place=("1", "1", "1", "104"), lives_alone=True)
    for rid in ("V2", "V1"):
        resident(G, rid, born=ADULT, place=("1", "1", "1", "201"))
    add_care(G, "V2", "cared")
    add_care(G, "V1", "cared", "family")
    add_care(G, "V1", "ended", until=ago(1))
    add_care(G, "V1", "not_yet", since=D + timedelta(days=1))
    add_care(G, "V1", "cared_on_time")
    add_visit(G, "cared_on_time", ago(2), "V1")
    v = visit_audit(G, as_of=D)
    assert [(o.resident_id, o.caregivers) for o in v.overdue] == [
        ("cared", ("V1", "V2")),
        ("ended", ()),
        ("not_yet", ()),
    ]
    assert v.covered_but_overdue == 1
    # the care ending on the day itself is still active
    assert visit_audit(G, as_of=ago(1)).covered_but_overdue == 2


def test_cadence_can_be_changed(G, resident):
    resident(G, "E", born=OLD, lives_alone=True)
    add_visit(G, "E", ago(5))
    assert overdue_ids(G) == []
    assert overdue_ids(G, cadence={"high": 4}) == ["E"]
    assert visit_audit(G, as_of=D, cadence={"high": 4}).overdue[0].due == ago(1)
    assert overdue_ids(G, cadence={CareTier.HIGH: 5, "general": 1}) == []


# --- rates -------------------------------------------------------------------------------------


def test_contact_rate_counts_both_ends_of_the_30_days(G, resident):
    days = {"today": 0, "first_day": 29, "day_before": 30, "after": -1}
    for i, (rid, n) in enumerate(days.items()):
        resident(G, rid, born=YOUNG_OLD, place=("1", "1", "1", str(100 + i)), lives_alone=True)  # general
        add_visit(G, rid, ago(n))
    resident(G, "never", born=YOUNG_OLD, place=("1", "1", "1", "200"), lives_alone=True)
    v = visit_audit(G, as_of=D)
    assert v.contacted_30d == {"high": 0, "key": 0, "general": 2}  # today and D-29
    assert v.contact_rate_30d == pytest.approx(2 / 5)
    assert v.contact_rate_30d_by_tier == {"high": None, "key": None, "general": pytest.approx(2 / 5)}
    assert v.totals() == {"in_programme": 5, "contacted_30d": 2, "overdue_visits": 2, "covered_but_overdue": 0}


def test_rates_are_null_when_nobody_is_in_the_programme(G, resident):
    v = visit_audit(G, as_of=D)
    assert v.contact_rate_30d is None
    assert v.contact_rate_30d_by_tier == {"high": None, "key": None, "general": None}
    resident(G, "E", born=OLD, care_tier="key")
    add_visit(G, "E", ago(3))
    v = visit_audit(G, as_of=D)
    assert (v.contact_rate_30d, v.contact_rate_30d_by_tier) == (1.0, {"high": None, "key": 1.0, "general": None})


def test_rates_per_place(G, resident):
    resident(G, "a", born=OLD, place=("1", "5", "1", "101"), lives_alone=True)
    resident(G, "b", born=OLD, place=("1", "5", "2", "101"), lives_alone=True)
    resident(G, "c", born=OLD, place=("2", "6", "1", "101"), lives_alone=True, care_tier="none")
    add_visit(G, "a", ago(3))
    places = visit_audit(G, as_of=D).places
    assert places["grids"] == [
        {"grid": "1", "in_programme": 2, "contacted_30d": 1, "overdue": 1, "contact_rate_30d": 0.5},
        {"grid": "2", "in_programme": 0, "contacted_30d": 0, "overdue": 0, "contact_rate_30d": None},
    ]
    assert [(u["building"], u["unit"], u["contact_rate_30d"]) for u in places["units"]] == [
        ("5", "1", 1.0),
        ("5", "2", 0.0),
        ("6", "1", None),
    ]
    assert places["buildings"][0] == {
        "grid": "1",
        "building": "5",
        "in_programme": 2,
        "contacted_30d": 1,
        "overdue": 1,
        "contact_rate_30d": 0.5,
    }


def test_the_audit_json_holds_the_visits(G, resident):
    resident(G, "E", born=OLD, lives_alone=True)
    resident(G, "V", born=ADULT, place=("1", "1", "1", "201"))
    add_care(G, "V", "E")
    add_visit(G, "E", ago(9), "V")
    d = json.loads(json.dumps(audit(G, as_of=D, cadence={"high": 8}).to_dict()))
    v = d["visits"]
    assert v["overdue"] == [
        {
            "resident_id": "E",
            "name": "E",
            "tier": "high",
            "last_contact": "2024-05-23",
            "days_since": 9,
            "due": "2024-05-31",
            "caregivers": ["V"],
        }
    ]
    assert v["cadence"] == {"high": 8, "key": 30, "general": 90}
    assert (v["contact_rate_30d"], v["covered_but_overdue"]) == (1.0, 1)
    assert v["contact_rate_30d_by_tier"] == {"high": 1.0, "key": None, "general": None}
    assert {k: d["totals"][k] for k in ("in_programme", "contacted_30d", "overdue_visits", "covered_but_overdue")} == {
        "in_programme": 1,
        "contacted_30d": 1,
        "overdue_visits": 1,
        "covered_but_overdue": 1,
    }


# --- cadence and scope syntax ------------------------------------------------------------------


def test_parse_cadence():
    assert parse_cadence("high=7,key=30,general=90") == cadence_of()
    assert parse_cadence(" key = 14 ") == {CareTier.HIGH: 7, CareTier.KEY: 14, CareTier.GENERAL: 90}
    for bad, says in [
        ("", "is not TIER=DAYS"),
        ("high", "is not TIER=DAYS"),
        ("high=7,", "is not TIER=DAYS"),
        ("high=0", "from 1 to 366"),
        ("high=-1", "whole number"),
        ("high=1.5", "whole number"),
        ("high=367", "from 1 to 366"),
        ("none=7", "no tier 'none'"),
        ("urgent=1", "no tier 'urgent'"),
        ("high=7,high=8", "given twice"),
    ]:
        with pytest.raises(ValueError, match=says):
            parse_cadence(bad)


def test_parse_scope():
    assert parse_scope("grid:3") == ("grid", "3")
    assert parse_scope("building:5") == ("building", "5")
    assert parse_scope("unit:5-2") == ("unit", "5-2")
    for bad in ("5", "room:301", "grid:", "unit:5", "unit:-2", "unit:5-"):
        with pytest.raises(ValueError, match="is not grid:N"):
            parse_scope(bad)


# --- a leader's day ----------------------------------------------------------------------------


@pytest.fixture
def street(G, resident):
    """Building 5 (grid 1) with two units, building 6 (grid 2); leader L cares for a1, a2 and b1."""
    homes = {"a": ("1", "5", "1"), "b": ("1", "5", "2"), "c": ("2", "6", "1")}
    for rid, born, tier, days in [
        ("a1", OLD, None, 10),  # high, due D-3: overdue
        ("a2", OLD, None, 4),  # high, due D+3: within the look-ahead
        ("a3", OLD, None, 3),  # high, due D+4: not yet
        ("b1", YOUNG_OLD, None, None),  # general, never contacted
        ("b2", OLD, "key", 30),  # key, due D: due today
        ("b3", OLD, "none", None),  # outside the programme
        ("c1", OLD, None, 8),  # high, due D-1
    ]:
        grid, building, unit = homes[rid[0]]
        resident(G, rid, born=born, place=(grid, building, unit, rid), lives_alone=True, care_tier=tier)
        if days is not None:
            add_visit(G, rid, ago(days))
    resident(G, "L", born=ADULT, place=("1", "5", "1", "999"))
    resident(G, "F", born=ADULT, place=("2", "6", "1", "999"))
    for rid in ("a1", "a2", "b1"):
        add_care(G, "L", rid)
    add_care(G, "F", "a1", "family")
    add_care(G, "L", "c1", until=ago(1))  # ended
    return G


def due_ids(G, **kw):
    return [e.resident_id for e in visits_due(G, as_of=D, **kw).elders]


def test_visits_due_in_the_community_nearest_first(street):
    assert due_ids(street) == ["b1", "a1", "c1", "b2", "a2"]
    assert due_ids(street, within=4) == ["b1", "a1", "c1", "b2", "a2", "a3"]
    assert due_ids(street, within=0) == ["b1", "a1", "c1", "b2"]
    [b1, a1, c1, b2, a2] = visits_due(street, as_of=D).elders
    assert (b1.due, b1.days_overdue, b1.overdue) == (None, None, True)
    assert (a1.due, a1.days_overdue, a1.overdue) == (ago(3), 3, True)
    assert (b2.due, b2.days_overdue, b2.overdue) == (D, 0, False)
    assert (a2.due, a2.days_overdue, a2.overdue) == (D + timedelta(days=3), -3, False)
    assert [(c.resident_id, c.name) for c in a1.caregivers] == [("F", "F"), ("L", "L")]
    assert (a1.grid, a1.building, a1.unit, a1.room) == ("1", "5", "1", "a1")


def test_visits_due_of_a_visitor_and_of_a_place(street):
    assert due_ids(street, visitor="L") == ["b1", "a1", "a2"]  # not c1: that care has ended
    assert due_ids(street, visitor="F") == ["a1"]
    assert due_ids(street, visitor="测试社区/r/F") == ["a1"]  # the store's id works too
    assert due_ids(street, scope="grid:1") == ["b1", "a1", "b2", "a2"]
    assert due_ids(street, scope="building:6") == ["c1"]
    assert due_ids(street, scope="unit:5-2") == ["b1", "b2"]
    d = visits_due(street, as_of=D, scope="unit:5-2").to_dict()
    assert (d["scope"], d["visitor"], d["within"], d["totals"]) == (
        "unit:5-2",
        None,
        3,
        {"due": 2, "overdue": 1, "due_soon": 1},
    )
    assert d["elders"][1] == {
        "resident_id": "b2",
        "name": "b2",
        "tier": "key",
        "last_contact": "2024-05-02",
        "due": "2024-06-01",
        "days_overdue": 0,
        "overdue": False,
        "grid": "1",
        "building": "5",
        "unit": "2",
        "room": "b2",
        "caregivers": [],
    }


def test_visits_due_refuses_what_it_cannot_answer(street):
    with pytest.raises(UnknownInCommunity, match="no resident 'X9'"):
        visits_due(street, as_of=D, visitor="X9")
    with pytest.raises(UnknownInCommunity, match="no building '7'"):
        visits_due(street, as_of=D, scope="building:7")
    with pytest.raises(ValueError, match="not both"):
        visits_due(street, as_of=D, visitor="L", scope="grid:1")
    with pytest.raises(ValueError, match="within"):
        visits_due(street, as_of=D, within=-1)
    with pytest.raises(ValueError, match="is not grid:N"):
        visits_due(street, as_of=D, scope="street:1")
