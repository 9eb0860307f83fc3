"""The store: one Neo4j driver and the database it works in, and every round trip, counted.

The statement and its name are positional-only, so any word (``self``, ``name``) can be a Cypher parameter.

Every repository function of `graph` takes a `Store` first. Reads go to readers
(a cluster's followers), writes to the leader; both are managed by the driver
(retried on transient errors). `counted` is for statements run inside a
transaction function (`Store.transaction`); `counted_one` for those among them
that always return one record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import RoutingControl
from prometheus_client import Counter

CYPHER_QUERIES = Counter("gridcare_cypher_queries", "Cypher statements sent to Neo4j, by name", ["query"])

T = TypeVar("T")


@dataclass(frozen=True)
class Store:
    """The process's driver and the database of gridcare in it; opened once, passed down."""

    driver: neo4j.Driver
    database: str = "neo4j"

    def read(self, name: str, cypher: str, /, **params: Any) -> list[neo4j.Record]:
        """Run one read statement; ``name`` labels it in the metrics."""
        CYPHER_QUERIES.labels(name).inc()
        records, _, _ = self.driver.execute_query(cypher, params, database_=self.database, routing_=RoutingControl.READ)
        return records

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
        records, _, _ = self.driver.execute_query(
            cypher, params, database_=self.database, routing_=RoutingControl.WRITE
        )
        return records

    def transaction(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run ``work`` as one managed write transaction; an exception it raises rolls it back."""
        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def close(self) -> None:
        self.driver.close()


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
