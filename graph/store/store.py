"""The store: one Neo4j driver and the database it works in, and every round trip, counted.

The statement and its name are positional-only, so any word (``self``, ``name``) can be a Cypher parameter.

Every repository function of `graph` takes a `Store` first. Reads go to readers
(a cluster's followers), writes to the leader. `counted` is for statements run
inside a transaction function (`Store.transaction`); `counted_one` for those
among them that always return one record.

The store, not the driver, decides what is retried, so that a Neo4j that is
away costs a caller about a second, never the driver's retry budget:

- an outage (`is_outage`: the connection refused, reset or timed out) is tried
  again once at once if it came at once (a pooled connection that died with a
  restart; the driver then drops the pool's other idle connections), else it
  trips the `Breaker` and is raised: later calls fail fast with
  `StoreUnavailable` until a probe finds Neo4j back;
- a transient error (a deadlock, a cluster's leader switching, a pool whose
  connections were all busy) is retried
  with jittered exponential back-off for `WRITE_RETRY` seconds (writes, which
  contend) or `READ_RETRY` seconds (reads);
- anything else is raised at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import ClientError, ConnectionAcquisitionTimeoutError, DriverError, IncompleteCommit, Neo4jError
from prometheus_client import Counter

from graph.store.outage import Breaker, is_outage

CYPHER_QUERIES = Counter("gridcare_cypher_queries", "Cypher statements sent to Neo4j, by name", ["query"])

T = TypeVar("T")

READ_RETRY = 2.0  # seconds of retrying a read on transient errors
WRITE_RETRY = 15.0  # seconds of retrying a write on transient errors: deadlocks under contention resolve in time
STALE_FAILURE = 0.25  # seconds: an outage met faster than this may be a dead pooled connection, tried again once
CHECK_TIMEOUT = 1.0  # seconds a `Store.check` (and the breaker's probe) may take to connect and to run


@dataclass(frozen=True)
class Store:
    """The process's driver and the database of gridcare in it; opened once, passed down."""

    driver: neo4j.Driver
    database: str = "neo4j"
    breaker: Breaker = field(default_factory=Breaker, kw_only=True, compare=False, repr=False)
    bookmarks: Bookmarks = field(default_factory=lambda: Bookmarks(), kw_only=True, compare=False, repr=False)

    def read(self, name: str, cypher: str, /, **params: Any) -> list[neo4j.Record]:
        """Run one read statement; ``name`` labels it in the metrics."""
        CYPHER_QUERIES.labels(name).inc()
        return self._call(neo4j.READ_ACCESS, READ_RETRY, lambda session: list(session.run(cypher, params)))

    def read_rows(self, name: str, cypher: str, /, **params: Any) -> list[Any]:
        """Run a read whose single record holds ``rows``, a collected list.

        Batched reads return ``collect([...]) AS rows`` rather than one record per
        row: building thousands of driver records costs far more than one list.
        """
        records = self.read(name, cypher, **params)
        return list(records[0]["rows"]) if records else []

    def write(self, name: str, cypher: str, /, **params: Any) -> list[neo4j.Record]:
        """Run one write statement in its own managed transaction."""
        CYPHER_QUERIES.labels(name).inc()

        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(cypher, params))

        return self._call(neo4j.WRITE_ACCESS, WRITE_RETRY, lambda session: session.execute_write(work))

    def transaction(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run ``work`` as one managed write transaction; an exception it raises rolls it back."""
        return self._call(neo4j.WRITE_ACCESS, WRITE_RETRY, lambda session: session.execute_write(work))

    def check(self, name: str, cypher: str, /, **params: Any) -> list[neo4j.Record]:
        """A read that gives up fast, for health probes: no retries, `CHECK_TIMEOUT` to connect and to run.

        A statement that runs out of time raises `TimeoutError` (an outage), so the thread running
        it is free again about `CHECK_TIMEOUT` seconds later, whatever Neo4j does. A check asks Neo4j
        even while the breaker fails other calls fast (it is the question a load balancer asks now,
        not the answer of a moment ago), and tells the breaker what it found: an answer closes it.
        """
        CYPHER_QUERIES.labels(name).inc()
        query = neo4j.Query(cypher, timeout=CHECK_TIMEOUT)
        return self._call(
            neo4j.READ_ACCESS, 0.0, lambda session: _timed(lambda: list(session.run(query, params))), check=True
        )

    def close(self) -> None:
        self.driver.close()

    def _session(self, mode: str, *, check: bool = False) -> neo4j.Session:
        # causally chained with every other call of this driver, as `execute_query` is; one attempt per
        # call, since `_call` retries (a budget of 0 stops the driver's own loop after its first attempt)
        if check:
            return self.driver.session(
                database=self.database,
                default_access_mode=mode,
                bookmark_manager=self.bookmarks.manager,
                max_transaction_retry_time=0.0,
                disable_auto_commit_retries=True,
                connection_acquisition_timeout=CHECK_TIMEOUT,
            )
        return self.driver.session(
            database=self.database,
            default_access_mode=mode,
            bookmark_manager=self.bookmarks.manager,
            max_transaction_retry_time=0.0,
            disable_auto_commit_retries=True,
        )

    def _call(self, mode: str, budget: float, work: Callable[[neo4j.Session], T], *, check: bool = False) -> T:
        """Run ``work`` in a session of its own under the store's retry policy (see the module's docstring)."""
        if not check:
            self.breaker.admit(self._probe)
        started = time.monotonic()
        delays = _backoff()
        stale_retry = True
        while True:
            attempt = time.monotonic()
            try:
                with self._session(mode, check=check) as session:
                    result = work(session)
            except Exception as e:
                if _stale_bookmarks(e) and self.bookmarks.forget():  # the database was restored from a backup
                    continue
                if is_outage(e):
                    at_once = time.monotonic() - attempt < STALE_FAILURE
                    # a transaction whose commit may have happened is never run again
                    if stale_retry and at_once and not isinstance(e, IncompleteCommit):
                        stale_retry = False
                        continue
                    self.breaker.trip(e)
                    raise
                delay = next(delays)
                if not _transient(e) or time.monotonic() - started + delay > budget:
                    self.breaker.succeeded()  # Neo4j answered, with an error
                    raise
                time.sleep(delay)
            else:
                self.breaker.succeeded()
                return result

    def _probe(self) -> None:
        """The breaker's question: does Neo4j answer now? One attempt, bounded by `CHECK_TIMEOUT`."""
        probe(self.driver, self.database, CHECK_TIMEOUT)


def probe(driver: neo4j.Driver, database: str, timeout: float) -> None:
    """One trivial read, in one attempt: no retries, ``timeout`` to get a connection and to run."""
    CYPHER_QUERIES.labels("probe").inc()
    with driver.session(
        database=database,
        default_access_mode=neo4j.READ_ACCESS,
        connection_acquisition_timeout=timeout,
        disable_auto_commit_retries=True,
    ) as session:
        _timed(lambda: session.run(neo4j.Query("RETURN 1", timeout=timeout)).consume())


def _timed(run: Callable[[], T]) -> T:
    """``run``, with Neo4j's "transaction timed out" turned into `TimeoutError`: it did not answer in time."""
    try:
        return run()
    except ClientError as e:
        if "TransactionTimedOut" in (e.code or ""):
            raise TimeoutError(f"Neo4j did not answer in time ({e.code})") from e
        raise


class Bookmarks:
    """The store's bookmark manager, which chains its calls causally (a read sees the writes before it, also on a
    cluster's followers). After a restore from a backup the database is younger than the bookmarks it remembers,
    and every call would wait for a transaction that will never come: then they are forgotten, once in a while."""

    def __init__(self) -> None:
        self.manager = neo4j.GraphDatabase.bookmark_manager()
        self._forgotten = float("-inf")

    def forget(self) -> bool:
        """Start again without bookmarks; False if that was done a moment ago (then the error stands)."""
        if time.monotonic() - self._forgotten < 5.0:
            return False
        self.manager, self._forgotten = neo4j.GraphDatabase.bookmark_manager(), time.monotonic()
        return True


def _stale_bookmarks(error: Exception) -> bool:
    """The database has not (and never will have) the transactions a bookmark asks for."""
    code = getattr(error, "code", None) or ""
    return "BookmarkTimeout" in code or "InvalidBookmark" in code


def _transient(error: Exception) -> bool:
    """A failure that may not happen again: a deadlock, a leader switch (as the driver tells it), or a pool
    whose connections were all busy for `ACQUIRE_TIMEOUT` (a connection that could not be opened is an outage)."""
    if isinstance(error, ConnectionAcquisitionTimeoutError):
        return True
    return isinstance(error, (Neo4jError, DriverError)) and error.is_retryable()


def _backoff(first: float = 0.2, factor: float = 2.0, cap: float = 3.2) -> Iterator[float]:
    """Seconds to wait before each retry: exponential, capped, jittered by ±50 % so that contenders spread out."""
    delay = first
    while True:
        yield delay * random.uniform(0.5, 1.5)  # jitter, not a secret
        delay = min(delay * factor, cap)


def counted(tx: neo4j.ManagedTransaction, name: str, cypher: str, /, **params: Any) -> neo4j.Result:
    """Run a statement inside a transaction function, counting it."""
    CYPHER_QUERIES.labels(name).inc()
    return tx.run(cypher, params)


def counted_one(tx: neo4j.ManagedTransaction, name: str, cypher: str, /, **params: Any) -> neo4j.Record:
    """The record of a statement that always returns one (an aggregate, OPTIONAL MATCHes, or MATCHes of
    nodes the transaction has already found): `counted`, then ``single()``, never None."""
    record = counted(tx, name, cypher, **params).single()
    if record is None:
        raise RuntimeError(f"statement {name!r} returned no record")
    return record
