"""`gridcare points` and `gridcare report` end to end: the real CLI against the real Neo4j.

The ledger is filled through the store's functions (the clock pinned to 2026-06-15), a few hundred earns and
redeems of them from many threads at once; the CLI then proves it balances, ranks and reports.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time

import pytest

from analysis import domain
from graph import ids
from graph.cases import Actor
from graph.gifts import add_gift, redeem
from graph.points import Insufficient, OutOfStock, award_good_deed
from graph.requests import NewRequest, accept_request, ask_request, complete_request

OFFICE = Actor("office", "staff")
NOW = datetime.combine(datetime(2026, 6, 15).date(), time(10), tzinfo=domain.zone())


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(domain, "clock", lambda: NOW)


def test_reconcile_after_hundreds_of_concurrent_earns_and_redeems(gridcare, store, seeded):
    people = [ids.resident_id(seeded, x) for x in ("A2", "A3", "A4", "A5")]
    gift = add_gift(store, seeded, "香皂", 4, 80, OFFICE)
    rng = random.Random(5)
    calls = [(rng.choice(people), f"k{i}", rng.random() < 0.6) for i in range(320)]
    calls += rng.sample(calls, 30)  # retried with the same key

    def call(c):
        who, key, earning = c
        try:
            if earning:
                award_good_deed(store, who, rng.randint(1, 9), "帮忙", key=key, actor=OFFICE)
            else:
                redeem(store, who, gift.id, key=key, actor=OFFICE)
        except (Insufficient, OutOfStock):
            pass

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(call, calls))
    done = gridcare("points", "reconcile", "--community", seeded, "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["balanced"] and found["total"] == 0 and found["negative"] == []
    text = gridcare("points", "reconcile", "--community", seeded, "--year", "2026")
    assert text.returncode == 0 and "平衡" in text.stdout and "2026 年发放" in text.stdout

    # a balance tampered with outside the ledger is found, and the command says so with exit 1
    store.write("tamper", "MATCH (a:PointsAccount {id: $id}) SET a.balance = a.balance + 1", id=f"{people[0]}/points")
    broken = gridcare("points", "reconcile", "--community", seeded)
    assert broken.returncode == 1 and "不平衡" in broken.stdout and "余额与流水不符" in broken.stdout


def test_statement_ranking_and_the_month_report(gridcare, store, seeded):
    a4, a5 = ids.resident_id(seeded, "A4"), ids.resident_id(seeded, "A5")
    award_good_deed(store, a5, 12, "扫雪", key="a", actor=OFFICE)
    asked = ask_request(store, NewRequest(ids.resident_id(seeded, "A1"), "haircut"), OFFICE)
    accept_request(store, asked.id, OFFICE, provider_id=a4)
    complete_request(store, asked.id, OFFICE, minutes=30)  # haircut 5 + half an hour at 10: 10
    ask_request(store, NewRequest(ids.resident_id(seeded, "A3"), "meals"), OFFICE)
    ranking = json.loads(
        gridcare("points", "ranking", "--community", seeded, "--year", "2026", "--format", "json", check=True).stdout
    )
    assert [(r["rank"], r["resident_id"], r["earned"]) for r in ranking["ranking"]] == [(1, "A5", 12), (2, "A4", 10)]
    statement = json.loads(
        gridcare(
            "points", "statement", "--community", seeded, "--resident", "A4", "--format", "json", check=True
        ).stdout
    )
    assert (statement["balance"], statement["earned"], [m["kind"] for m in statement["movements"]]) == (
        10,
        10,
        ["request"],
    )
    accounts = gridcare("points", "statement", "--community", seeded, check=True).stdout
    assert "社区积分池 -22" in accounts
    report = json.loads(
        gridcare(
            "report", "services", "--community", seeded, "--month", "2026-06", "--format", "json", check=True
        ).stdout
    )
    assert report["requested_by_kind"] == {"haircut": 1, "meals": 1} and report["done_by_kind"] == {"haircut": 1}
    assert report["top_askers"][0]["requests"] == 1 and set(report["by_grid"]) == {"1"}
    text = gridcare("report", "services", "--community", seeded, "--month", "2026-06", check=True).stdout
    assert "申请：2 件（理发 1，配餐 1）" in text
    zeros = json.loads(
        gridcare(
            "report", "eight-zeros", "--community", seeded, "--year", "2026", "--format", "json", check=True
        ).stdout
    )
    assert zeros["zero"] is True and len(zeros["counts"]) == 8


def test_bad_arguments_are_usage_errors(gridcare, seeded):
    assert gridcare("report", "services", "--community", seeded, "--month", "2026-13").returncode == 2
    assert gridcare("points", "ranking", "--community", seeded, "--year", "99").returncode == 2
    unknown = gridcare("points", "reconcile", "--community", "没有这个社区")
    assert unknown.returncode == 1 and "no community named" in unknown.stderr
    swept = gridcare("services", "sweep", "--community", seeded)
    assert swept.returncode == 0 and seeded in swept.stderr
