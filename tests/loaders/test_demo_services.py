"""The demo's year of home services, matters, points and wills: believable, deterministic, consistent.

The generated Changshan Garden is imported once under a community of this module's own; its year is planned
(twice, to compare) and written, and the store's own reconciliation and readers check what it holds.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from graph.case_reads import CaseSight, RequestQuery, search_requests
from graph.communities import delete_community
from graph.points_reads import ranking, reconcile
from graph.service_seed import people_of
from graph.service_settings import team_kinds
from loaders.demo.services import plan_services, seed_services
from tests.conftest import DEMO_DAY

DAY = DEMO_DAY  # the day the tests' demo ledger describes


@pytest.fixture(scope="module")
def garden(store, tmp_path_factory):
    """The tests' demo ledger without its year of visits (they play no part here), imported."""
    from loaders.demo import generate_ledger, write_ledger
    from loaders.ledger import read_ledger
    from loaders.writer import plan_import, write_plan

    folder = write_ledger(generate_ledger(seed=7, today=DEMO_DAY, visits=False), tmp_path_factory.mktemp("garden"))
    name = f"长山花园-{uuid.uuid4().hex[:6]}"
    write_plan(store, plan_import(read_ledger(folder, name), hash_national_id=lambda s: "h"))
    yield name
    delete_community(store, name)


def test_the_same_seed_and_day_give_the_same_year(store, garden):
    people = people_of(store, garden)
    first, again = plan_services(people, seed=3, today=DAY), plan_services(people, seed=3, today=DAY)
    assert first == again
    assert plan_services(people, seed=4, today=DAY).requests != first.requests


def test_a_believable_year_that_reconciles_with_a_clear_top_earner(store, garden):
    written = seed_services(store, garden, today=DAY)
    assert not written.skipped
    sizes = written.written
    assert 4000 <= sizes["requests"] <= 9000 and 250 <= sizes["matters"] <= 350 and 200 <= sizes["wills"] <= 230
    check = reconcile(store, garden)
    assert check.balanced and check.movements == sizes["movements"]
    top = ranking(store, garden, DAY.year, 2)
    assert top[0].earned > 1.3 * top[1].earned  # the veteran patroller, clearly
    statuses = Counter(r.status for r in search_requests(store, RequestQuery(garden), CaseSight(), first=10_000).items)
    assert statuses["done"] > 0.85 * sum(statuses.values()) and statuses["expired"] and statuses["cancelled"]
    assert "bathing" in team_kinds(store, garden)["健康服务队"]  # declared by the demo, read by dispatch
    assert seed_services(store, garden, today=DAY).skipped  # a second run leaves the community as it is
