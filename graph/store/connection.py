"""Opening the one Neo4j driver of a process as a `Store`, and checking that it answers.

The driver's timeouts are short, so that a Neo4j that is away is told within a
couple of seconds: `CONNECT_TIMEOUT` to open a TCP connection, `ACQUIRE_TIMEOUT`
to get one (waiting for a free one in the pool, or opening one, handshake and
login included; a pool that stays busy is retried by the `Store`). What is
retried, and for how long, is the `Store`'s business (`graph.store.store`); the
driver's own retry budget only serves code that uses the driver directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable, SessionExpired, TransientError

from graph.errors import StoreUnavailable
from graph.store.outage import OUTAGES, is_outage
from graph.store.store import Store, probe

__all__ = ["OUTAGES", "Connection", "connect", "is_outage", "open_driver", "ping"]

CONNECT_TIMEOUT = 1.0  # seconds to open a TCP connection: a loopback or LAN Neo4j answers in milliseconds
#: seconds to get a connection: from the pool, or a new one with its Bolt handshake and login (a hung Neo4j
#: accepts TCP connections and never answers the handshake; this bounds it, so a request meets it in < 2 s)
ACQUIRE_TIMEOUT = 1.5


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
        connection_timeout=CONNECT_TIMEOUT,
        connection_acquisition_timeout=ACQUIRE_TIMEOUT,
        max_transaction_retry_time=15.0,  # the driver's own loop, for direct uses only: the Store retries itself
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


def ping(driver: neo4j.Driver, database: str, timeout: float = 2.0) -> None:
    """One trivial read in one attempt (no retries), within about ``timeout`` seconds; raises the driver's
    error if the database does not answer."""
    probe(driver, database, timeout)
