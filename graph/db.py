"""Every Cypher round trip of the service goes through here, so it can be counted.

`read` routes to readers (a cluster's followers), `write` to the leader; both
are managed by the driver (retried on transient errors). `counted` is for
statements run inside an explicit transaction function.
"""

from __future__ import annotations

from typing import Any

import neo4j
from neo4j import RoutingControl
from prometheus_client import Counter

CYPHER_QUERIES = Counter(
    "gridcare_cypher_queries", "Cypher statements sent to Neo4j, by name", ["query"]
)


def read(driver: neo4j.Driver, database: str, name: str, cypher: str, **params: Any) -> list[neo4j.Record]:
    """Run one read statement; ``name`` labels it in the metrics."""
    CYPHER_QUERIES.labels(name).inc()
    records, _, _ = driver.execute_query(cypher, params, database_=database, routing_=RoutingControl.READ)
    return records


def read_rows(driver: neo4j.Driver, database: str, name: str, cypher: str, **params: Any) -> list:
    """Run a read whose single record holds ``rows``, a collected list.

    Batched reads return ``collect([...]) AS rows`` rather than one record per
    row: building thousands of driver records costs far more than one list.
    """
    records = read(driver, database, name, cypher, **params)
    return records[0]["rows"] if records else []


def write(driver: neo4j.Driver, database: str, name: str, cypher: str, **params: Any) -> list[neo4j.Record]:
    """Run one write statement in its own managed transaction."""
    CYPHER_QUERIES.labels(name).inc()
    records, _, _ = driver.execute_query(cypher, params, database_=database, routing_=RoutingControl.WRITE)
    return records


def counted(tx: neo4j.ManagedTransaction, name: str, cypher: str, **params: Any) -> neo4j.Result:
    """Run a statement inside a transaction function, counting it."""
    CYPHER_QUERIES.labels(name).inc()
    return tx.run(cypher, params)
