"""The points ledger in the store: double entry, never below zero, each key pays once, reversals, concurrency.

The seeded town (`tests/graph/conftest.py`), the clock pinned to noon of 2026-06-15.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest

from analysis.domain import MovementKind
from graph.cases import Actor
from graph.errors import Conflict, Invalid
from graph.gifts import add_gift, gift_id, gifts_of, redeem, restock_gift
from graph.points import Insufficient, OutOfStock, award_good_deed, earn, record_patrol, reverse
from graph.points_reads import ranking, reconcile, statement
from graph.visits import NewVisit, Recorder, record_visit, withdraw_visit

OFFICE = Actor("office", "staff", "tok-office")


@pytest.fixture
def shelf(store, town):
    return add_gift(store, town, "大米", 30, 2, OFFICE)


def test_earning_and_redeeming_move_points_between_accounts_that_sum_to_zero(store, town, rid, shelf):
    award_good_deed(store, rid("A4"), 20, "扫雪", key="deed-1", actor=OFFICE)
    record_patrol(store, rid("A4"), date(2026, 6, 14), 3, key="patrol-1", actor=OFFICE)  # 3 h at 4 = 12
    moved = redeem(store, rid("A4"), shelf.id, key="gift-1", actor=OFFICE)
    assert (moved.kind, moved.amount, moved.debit, moved.credit) == (
        "redemption",
        30,
        f"{rid('A4')}/points",
        f"{town}/points/shelf",
    )
    s = statement(store, rid("A4"), 2026)
    assert (s.balance, s.earned, s.spent) == (2, 32, 30)
    assert gifts_of(store, town)[0].stock == 1
    check = reconcile(store, town)
    assert check.balanced and check.total == 0 and check.accounts == 3 and check.movements == 3


def test_a_redemption_beyond_the_balance_or_the_stock_changes_nothing(store, town, rid, shelf, refused):
    award_good_deed(store, rid("A4"), 29, "帮邻居搬家", key="deed-1", actor=OFFICE)
    error = refused(Insufficient, lambda: redeem(store, rid("A4"), shelf.id, key="gift-1", actor=OFFICE))
    assert (error.balance, error.needed) == (29, 30)
    award_good_deed(store, rid("A4"), 50, "扫雪", key="deed-2", actor=OFFICE)
    restock_gift(store, shelf.id, -2)
    refused(OutOfStock, lambda: redeem(store, rid("A4"), shelf.id, key="gift-2", actor=OFFICE))
    assert reconcile(store, town).balanced


def test_a_repeated_key_pays_once_and_a_key_is_one_movement(store, town, rid):
    first = award_good_deed(store, rid("A4"), 10, "扫雪", key="same", actor=OFFICE)
    again = award_good_deed(store, rid("A4"), 10, "扫雪", key="same", actor=OFFICE)
    assert again.replayed and again.id == first.id
    assert statement(store, rid("A4")).balance == 10
    with pytest.raises(Conflict):
        award_good_deed(store, rid("A5"), 10, "扫雪", key="same", actor=OFFICE)


def test_a_reversal_names_what_it_reverses_and_happens_once(store, town, rid, shelf):
    earned = award_good_deed(store, rid("A4"), 40, "扫雪", key="deed-1", actor=OFFICE)
    spent = redeem(store, rid("A4"), shelf.id, key="gift-1", actor=OFFICE)
    with pytest.raises(Insufficient):  # 10 left: the 40 cannot all come back
        reverse(store, earned.id, "记错了人", key=None, actor=OFFICE)
    back = reverse(store, spent.id, "礼品有损坏，退回", key=None, actor=OFFICE)
    assert (back.reverses, back.amount, back.credit) == (spent.id, 30, f"{rid('A4')}/points")
    assert gifts_of(store, town)[0].stock == 2  # back on the shelf
    assert reverse(store, spent.id, "again", key=None, actor=OFFICE).replayed  # the same (own) key: answered
    with pytest.raises(Conflict):
        reverse(store, spent.id, "again", key="other", actor=OFFICE)
    with pytest.raises(Conflict):
        reverse(store, back.id, "a reversal of a reversal", key=None, actor=OFFICE)
    reverse(store, earned.id, "记错了人", key=None, actor=OFFICE)
    s = statement(store, rid("A4"))
    assert (s.balance, s.earned, s.spent) == (0, 0, 0)
    assert reconcile(store, town).balanced


def test_the_ranking_puts_the_top_earner_first(store, town, rid):
    award_good_deed(store, rid("A4"), 30, "扫雪", key="a", actor=OFFICE)
    award_good_deed(store, rid("A5"), 20, "扫雪", key="b", actor=OFFICE)
    award_good_deed(store, rid("A3"), 30, "扫雪", key="c", actor=OFFICE)
    top = ranking(store, town, 2026)
    assert [(r.rank, r.ledger_id, r.earned) for r in top] == [(1, "A3", 30), (1, "A4", 30), (3, "A5", 20)]
    assert ranking(store, town, 2025) == []


def test_good_deeds_are_bounded_and_need_a_reason(store, town, rid, refused):
    refused(Invalid, lambda: award_good_deed(store, rid("A4"), 51, "扫雪", key="k", actor=OFFICE), field="points")
    refused(Invalid, lambda: award_good_deed(store, rid("A4"), 5, " ", key="k", actor=OFFICE), field="reason")
    refused(Invalid, lambda: earn(store, rid("A4"), MovementKind.PATROL, 5, key="", actor=OFFICE))


def test_a_contact_visit_earns_and_withdrawing_it_takes_the_points_back(store, town, rid):
    at = datetime.fromisoformat("2026-06-15T09:30:00+08:00")
    seen = record_visit(store, NewVisit(rid("A1"), rid("A2"), at), Recorder("a2", "volunteer"))
    record_visit(store, NewVisit(rid("A1"), rid("A2"), at, outcome="not_home"), Recorder("a2", "volunteer"))
    assert statement(store, rid("A2")).balance == 2  # the attempt earns nothing
    withdraw_visit(store, seen.id, "记错了", Recorder("office", "staff"))
    s = statement(store, rid("A2"))
    assert (s.balance, [m.kind for m in s.movements]) == (0, ["reversal", "visit"])
    assert reconcile(store, town).balanced


def test_hundreds_of_concurrent_earns_and_redeems_keep_the_ledger_balanced(store, town, rid):
    """Threads against the real Neo4j: 300 calls, some repeated with their key; no balance below zero."""
    gift = add_gift(store, town, "毛巾", 7, 60, OFFICE)
    people = [rid(x) for x in ("A2", "A3", "A4", "A5")]
    rng = random.Random(11)
    calls = []
    for i in range(300):
        who = rng.choice(people)
        if rng.random() < 0.55:
            calls.append(("earn", who, f"e{i}", rng.randint(1, 12)))
        else:
            calls.append(("redeem", who, f"r{i}", 0))
    calls += rng.sample(calls, 40)  # retried requests: the same key again
    rng.shuffle(calls)
    outcomes: dict[str, int] = {"ok": 0, "short": 0, "empty": 0}
    lock = threading.Lock()

    def call(c):
        kind, who, key, points = c
        try:
            if kind == "earn":
                award_good_deed(store, who, points, "帮忙", key=key, actor=OFFICE)
            else:
                redeem(store, who, gift.id, key=key, actor=OFFICE)
            result = "ok"
        except Insufficient:
            result = "short"
        except OutOfStock:
            result = "empty"
        with lock:
            outcomes[result] += 1

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(call, calls))
    check = reconcile(store, town)
    assert check.balanced, check.to_dict()
    assert check.total == 0 and not check.negative
    earns = {key: points for kind, _, key, points in calls if kind == "earn"}
    issued = sum(earns.values())
    redeemed = sum(1 for m in _movements(store, town) if m["kind"] == "redemption")
    assert outcomes["ok"] > 0 and outcomes["short"] + outcomes["empty"] > 0  # some refused, under contention
    pool_balance = store.read(
        "pool", "MATCH (a:PointsAccount {id: $id}) RETURN a.balance AS b", id=f"{town}/points/pool"
    )
    assert pool_balance[0]["b"] == -issued  # every earn paid exactly once, retries included
    assert gifts_of(store, town)[0].stock == 60 - redeemed
    assert sum(statement(store, p).balance for p in people) == issued - 7 * redeemed


def _movements(store, community):
    return [
        dict(r["m"]) for r in store.read("movements", "MATCH (m:PointsMovement {community: $c}) RETURN m", c=community)
    ]


def test_restocking_never_goes_below_zero(store, town, shelf, refused):
    refused(Invalid, lambda: restock_gift(store, shelf.id, -3), field="count")
    assert restock_gift(store, gift_id(town, "大米"), 5).stock == 7
    with pytest.raises(Conflict):
        add_gift(store, town, "大米", 10, 1, OFFICE)
