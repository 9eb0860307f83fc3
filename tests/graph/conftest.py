"""Fixtures of the store-level tests: a seeded community, its rows, refusals, injected failures.

Each test seeds its own community (`town`) from the hand-written ledger of
`tests.cli.test_import` (A1…A5 in grids 1 and 2; A2 leads grid 1, A5 building
2, A4 holds post B of unit 2/1; A2 cares for A1; A5's care of A3 ended in
2024). The clock is pinned to `TODAY`, so a run that crosses midnight dates
records by the same day the assertions expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import neo4j.time
import pytest

from analysis import domain
from graph import ids
from graph.store import Store
from loaders.ledger import read_ledger
from loaders.writer import plan_import, write_plan
from tests.cli.test_import import ledger_sheets, snapshot, write_csv_ledger

TODAY = date(2026, 6, 15)  # the day the mutations see


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Mutations date their records by `TODAY`, whatever the wall clock says."""
    monkeypatch.setattr(domain, "clock", lambda: datetime.combine(TODAY, time(12), tzinfo=domain.zone()))
    return TODAY


def seed(store, community, folder) -> str:
    """Import the test ledger as ``community`` through the Python API."""
    ledger = read_ledger(write_csv_ledger(folder, ledger_sheets()), community)
    assert not ledger.errors
    write_plan(store, plan_import(ledger, hash_national_id=lambda s: "h"))
    return community


@pytest.fixture
def town(store, community, tmp_path) -> str:
    return seed(store, community, tmp_path / "ledger")


@pytest.fixture
def rid(town):
    return lambda local: ids.resident_id(town, local)


def native(value):
    """Neo4j dates (also inside lists) as ``datetime.date``."""
    if isinstance(value, list):
        return [native(v) for v in value]
    return value.to_native() if isinstance(value, neo4j.time.Date) else value


@pytest.fixture
def rows(driver, database):
    """Run a read and return its rows as dicts of plain values."""

    def run(cypher, **params):
        records, _, _ = driver.execute_query(cypher, params, database_=database)
        return [{k: native(v) for k, v in r.items()} for r in records]

    return run


@pytest.fixture
def refused(store, town):
    """Call, expect ``error`` with these attributes, and check the community is unchanged."""

    def check(error, call, **attrs):
        before = snapshot(store, town)
        with pytest.raises(error) as caught:
            call()
        for name, value in attrs.items():
            assert getattr(caught.value, name) == value, caught.value
        assert snapshot(store, town) == before
        return caught.value

    return check


class _FailingTransaction:
    """A transaction that runs ``statement``, then fails, so that what it wrote must be rolled back."""

    def __init__(self, tx, statement):
        self._tx, self._statement = tx, statement

    def run(self, query, parameters=None, **kwargs):
        result = self._tx.run(query, parameters, **kwargs)
        if query == self._statement:
            result.consume()
            raise RuntimeError("injected failure after the statement ran")
        return result

    def __getattr__(self, name):
        return getattr(self._tx, name)


@dataclass(frozen=True)
class _FailingStore(Store):
    statement: str = ""

    def transaction(self, work):
        return super().transaction(lambda tx: work(_FailingTransaction(tx, self.statement)))


@pytest.fixture
def fail_after(store):
    """A store on which the Cypher ``statement`` runs, then fails, inside its transaction."""
    return lambda statement: _FailingStore(store.driver, store.database, statement)
