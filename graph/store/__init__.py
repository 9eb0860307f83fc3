"""Reaching Neo4j: the `Store` every repository function takes, the connection that opens it,
the project-managed server (`graph.store.managed`), its runtime and the schema migrations."""

from graph.store.connection import Connection, connect, open_driver, ping
from graph.store.outage import OUTAGES, Breaker, is_outage
from graph.store.store import CYPHER_QUERIES, Store, counted, counted_one

__all__ = [
    "CYPHER_QUERIES",
    "OUTAGES",
    "Breaker",
    "Connection",
    "Store",
    "connect",
    "counted",
    "counted_one",
    "is_outage",
    "open_driver",
    "ping",
]
