"""Opening the one Neo4j driver of a process as a `Store`, and checking that it answers."""

from __future__ import annotations

import time
from dataclasses import dataclass

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import StoreUnavailable
from graph.store.store import Store


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str = "neo4j"


def open_driver(conn: Connection, *, wait: float = 30.0) -> neo4j.Driver:
    """Open a driver and wait (up to ``wait`` seconds) until the database answers.

    Raises `StoreUnavailable` naming the URI (never the password) when it does not.
    """
    driver = GraphDatabase.driver(
        conn.uri,
        auth=(conn.user, conn.password),
        connection_timeout=5.0,
        connection_acquisition_timeout=30.0,
        max_transaction_retry_time=15.0,
        notifications_min_severity="OFF",
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            ping(driver, conn.database, timeout=5.0)
            return driver
        except AuthError as e:
            driver.close()
            raise StoreUnavailable(f"Neo4j at {conn.uri} refused the credentials of user {conn.user!r}") from e
        except (ServiceUnavailable, SessionExpired, TransientError, ClientError, OSError) as e:
            if isinstance(e, ClientError) and "TimedOut" not in (e.code or ""):
                driver.close()
                raise StoreUnavailable(f"Neo4j at {conn.uri} refused the connection check: {e.message}") from e
            if time.monotonic() >= deadline:
                driver.close()
                raise StoreUnavailable(f"Neo4j at {conn.uri} does not answer: {e}") from e
            time.sleep(0.5)


def connect(conn: Connection, *, wait: float = 30.0) -> Store:
    """The store of ``conn``: a driver opened by `open_driver`, with the database to work in."""
    return Store(open_driver(conn, wait=wait), conn.database)


#: What a store that is away raises (down, restarting, unreachable, refusing the database for now), as opposed
#: to a bug: callers retry these quietly and answer "unavailable"; anything else is logged with its trace.
OUTAGES: tuple[type[BaseException], ...] = (
    ServiceUnavailable,
    SessionExpired,
    DatabaseUnavailable,
    StoreUnavailable,
    OSError,
    TimeoutError,
)


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the store is away (retry later), not that something is wrong with the code."""
    return isinstance(error, OUTAGES)


def ping(driver: neo4j.Driver, database: str, timeout: float = 2.0) -> None:
    """One trivial read; raises the driver's error if the database does not answer."""
    driver.execute_query(neo4j.Query("RETURN 1", timeout=timeout), database_=database, routing_=RoutingControl.READ)
