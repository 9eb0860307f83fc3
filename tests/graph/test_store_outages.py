"""The store's retry policy and circuit breaker, against a scripted driver (no Neo4j needed).

What the store does with each kind of failure: an outage costs a caller one
more attempt at most (and only when it came at once: a pooled connection that
died), then fails fast until a probe finds Neo4j back; a transient error (a
deadlock) is retried with back-off; a commit of unknown outcome and anything
else are raised at once. Over real connections: `tests/api/test_outages.py`.
"""

from __future__ import annotations

import logging
import threading

import pytest
from neo4j.exceptions import ClientError, IncompleteCommit, ServiceUnavailable, SessionExpired, TransientError

import graph.store.store as store_module
from graph.errors import StoreUnavailable
from graph.store import Breaker, Store, is_outage

DEADLOCK = TransientError._hydrate_neo4j(code="Neo.TransientError.Transaction.DeadlockDetected", message="deadlock")
SYNTAX = ClientError._hydrate_neo4j(code="Neo.ClientError.Statement.SyntaxError", message="bad")
TIMED_OUT = ClientError._hydrate_neo4j(
    code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", message="timed out"
)


class Script:
    """A driver whose sessions fail with the scripted errors, in order, then answer."""

    execute_query_bookmark_manager = None

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.attempts = 0
        self.probes = 0
        self.configs: list[dict] = []

    def session(self, **config):
        self.configs.append(config)
        return _Session(self)

    def _attempt(self, probe: bool) -> None:
        if probe:
            self.probes += 1
        else:
            self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)


class _Session:
    def __init__(self, driver: Script):
        self.driver = driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, parameters=None):
        probe = getattr(query, "text", query) == "RETURN 1"
        self.driver._attempt(probe)
        return _Result()

    def execute_write(self, work):
        self.driver._attempt(False)
        return work(self)


class _Result(list):
    def __init__(self):
        super().__init__([{"version": 7, "rows": []}])

    def consume(self):
        return None


class Clock:
    """The store's `time`: sleeping advances it at once."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(store_module, "time", clock)
    return clock.slept


def store_of(driver: Script, cool_down: float = 0.0) -> Store:
    return Store(driver, "neo4j", breaker=Breaker(cool_down=cool_down))  # type: ignore[arg-type]


def test_a_deadlock_is_retried_with_back_off_until_the_write_goes_through(no_sleeping):
    driver = Script(DEADLOCK, DEADLOCK, DEADLOCK)
    assert store_of(driver).transaction(lambda tx: "done") == "done"
    assert driver.attempts == 4 and len(no_sleeping) == 3
    assert no_sleeping[0] < no_sleeping[-1]  # exponential, jittered


def test_a_write_gives_deadlocks_fifteen_seconds_a_read_two(monkeypatch, no_sleeping):
    forever = Script(*[DEADLOCK] * 1000)
    with pytest.raises(TransientError):
        store_of(forever).write("w", "CREATE ()")
    assert store_module.WRITE_RETRY - 4 < sum(no_sleeping) <= store_module.WRITE_RETRY
    no_sleeping.clear()
    with pytest.raises(TransientError):
        store_of(Script(*[DEADLOCK] * 1000)).read("r", "MATCH (n) RETURN n")
    assert sum(no_sleeping) <= store_module.READ_RETRY


def test_the_driver_makes_one_attempt_per_call_the_store_decides_the_rest():
    driver = Script()
    store_of(driver).read("r", "MATCH (n) RETURN n")
    assert driver.configs[0]["max_transaction_retry_time"] == 0 and driver.configs[0]["disable_auto_commit_retries"]


def test_an_outage_met_at_once_is_tried_again_once_a_pooled_connection_that_died():
    driver = Script(SessionExpired("defunct connection"))
    store = store_of(driver)
    assert store.read("r", "MATCH (n) RETURN n")
    assert driver.attempts == 2 and not store.breaker.is_open


def test_an_outage_opens_the_breaker_and_the_next_call_probes_first(caplog):
    driver = Script(ServiceUnavailable("refused"), ServiceUnavailable("refused"))
    store = store_of(driver)
    with caplog.at_level(logging.INFO, logger="gridcare.store"), pytest.raises(ServiceUnavailable):
        store.read("r", "MATCH (n) RETURN n")
    assert driver.attempts == 2 and store.breaker.is_open
    driver.errors = [ServiceUnavailable("still refused")]
    with pytest.raises(StoreUnavailable), caplog.at_level(logging.INFO, logger="gridcare.store"):
        store.read("r", "MATCH (n) RETURN n")
    assert driver.probes == 1 and driver.attempts == 2  # the probe failed: the read was not tried
    with caplog.at_level(logging.INFO, logger="gridcare.store"):
        assert store.read("r", "MATCH (n) RETURN n")  # Neo4j is back: the probe answers, then the read
    assert driver.probes == 2 and driver.attempts == 3 and not store.breaker.is_open
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2 and said[0].startswith("Neo4j is unavailable (ServiceUnavailable)"), said
    assert said[1] == "Neo4j answers again"


def test_while_the_breaker_is_open_calls_fail_fast_without_touching_the_driver():
    driver = Script(ServiceUnavailable("refused"), ServiceUnavailable("refused"))
    store = store_of(driver, cool_down=60.0)
    with pytest.raises(ServiceUnavailable):
        store.transaction(lambda tx: None)
    for call in (lambda: store.read("r", "MATCH (n) RETURN n"), lambda: store.write("w", "CREATE ()")):
        with pytest.raises(StoreUnavailable) as failed:
            call()
        assert is_outage(failed.value)
    assert driver.attempts == 2 and driver.probes == 0


def test_one_probe_at_a_time_the_others_fail_fast():
    inside, release = threading.Event(), threading.Event()
    breaker = Breaker()
    breaker.trip(ServiceUnavailable("refused"))

    def slow_probe():
        inside.set()
        release.wait(5)

    prober = threading.Thread(target=breaker.admit, args=(slow_probe,))
    prober.start()
    inside.wait(5)
    with pytest.raises(StoreUnavailable):
        breaker.admit(lambda: None)  # a probe is under way
    release.set()
    prober.join()
    assert not breaker.is_open
    breaker.admit(lambda: pytest.fail("a closed breaker does not probe"))


def test_a_commit_of_unknown_outcome_is_never_run_again():
    driver = Script(IncompleteCommit("connection lost during commit"))
    with pytest.raises(IncompleteCommit):
        store_of(driver).transaction(lambda tx: None)
    assert driver.attempts == 1


def test_a_bug_is_raised_at_once_and_leaves_the_breaker_closed():
    driver = Script(SYNTAX)
    store = store_of(driver)
    with pytest.raises(ClientError):
        store.read("r", "RETRUN 1")
    assert driver.attempts == 1 and not store.breaker.is_open


def test_a_check_runs_out_of_time_as_an_outage_and_asks_even_while_the_breaker_is_open():
    driver = Script(ServiceUnavailable("refused"), ServiceUnavailable("refused"))
    store = store_of(driver, cool_down=60.0)
    with pytest.raises(ServiceUnavailable):
        store.read("r", "MATCH (n) RETURN n")
    driver.errors = [TIMED_OUT, TIMED_OUT]  # (a first one that came at once is tried again, as any outage)
    with pytest.raises(TimeoutError):
        store.check("c", "RETURN 1 AS version")
    assert driver.configs[-1]["connection_acquisition_timeout"] == store_module.CHECK_TIMEOUT
    assert store.check("c", "RETURN 1 AS version") and not store.breaker.is_open  # an answer closes it


STALE = TransientError._hydrate_neo4j(code="Neo.TransientError.Transaction.BookmarkTimeout", message="not yet")


def test_bookmarks_from_before_a_restore_are_forgotten_and_the_call_goes_through():
    driver = Script(STALE)
    store = store_of(driver)
    remembered = store.bookmarks.manager
    assert store.read("r", "MATCH (n) RETURN n")
    assert driver.attempts == 2
    assert store.bookmarks.manager is not remembered
    assert [c["bookmark_manager"] for c in driver.configs][-1] is store.bookmarks.manager


def test_bookmarks_are_forgotten_once_in_five_seconds_between_times_the_error_is_retried_as_transient():
    driver = Script(*[STALE] * 1000)
    with pytest.raises(TransientError, match="not yet"):
        store_of(driver).write("w", "CREATE ()")
    managers = {id(c["bookmark_manager"]) for c in driver.configs}
    assert driver.attempts > len(managers) > 1
    assert len(managers) <= 1 + store_module.WRITE_RETRY / 5
