"""Telling a store that is away from a bug, and failing fast while it is away.

`is_outage` says whether an error means Neo4j cannot be reached now (retry
later) rather than that something is wrong with the code. `Breaker` is the
store's circuit breaker: after an outage, calls fail at once with
`StoreUnavailable` instead of each waiting for a connection that will not come,
while one caller at a time probes (one trivial read, bounded to about a
second); the breaker closes as soon as a probe finds Neo4j answering, so a
server recovers without a restart, at its first request after Neo4j is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from neo4j.exceptions import DatabaseUnavailable, ServiceUnavailable, SessionExpired

from graph.errors import StoreUnavailable

log = logging.getLogger("gridcare.store")

#: What a store that is away raises (down, restarting, unreachable, refusing the database for now), as opposed
#: to a bug: callers retry these quietly and answer "unavailable"; anything else is logged with its trace.
OUTAGES: tuple[type[Exception], ...] = (
    ServiceUnavailable,
    SessionExpired,
    DatabaseUnavailable,
    StoreUnavailable,
    OSError,
    TimeoutError,
)

#: Seconds during which calls fail fast after a failed probe, before the next caller may probe. 0: at once, one
#: probe at a time (the others fail fast), so that the first request after Neo4j is back is answered; a refused
#: connection costs a probe a millisecond, an unreachable host at most `graph.store.store.CHECK_TIMEOUT`.
COOL_DOWN = 0.0


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the store is away (retry later), not that something is wrong with the code."""
    return isinstance(error, OUTAGES)


class Breaker:
    """Closed: calls go through. Open (after an outage): calls fail fast, but for one at a time (after the
    cool-down, if any), which probes first and goes through if the store answers again. Thread-safe; one per
    `Store`."""

    def __init__(self, cool_down: float = COOL_DOWN, clock: Callable[[], float] = time.monotonic) -> None:
        self.cool_down = cool_down
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed
        self._probing = False
        self._cause = ""

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def admit(self, probe: Callable[[], None]) -> None:
        """Return when a call may go to the store; raise `StoreUnavailable` while it is known to be away.

        Closed: at once. Open: fail fast during the cool-down and while another caller probes; after
        the cool-down this caller runs ``probe`` (a bounded trivial read). If it answers, the breaker
        closes and the call goes on; if it meets an outage, the breaker stays open another cool-down.
        Any other error of the probe means the store answers (it may refuse): the breaker closes and
        the call goes on, to fail or not on its own.
        """
        if self._open_until is None:  # the common case, without the lock; a stale read only delays by a call
            return
        with self._lock:
            if self._open_until is None:
                return
            if self._probing or self._clock() < self._open_until:
                raise StoreUnavailable(f"Neo4j is unavailable ({self._cause}); failing fast until it answers again")
            self._probing = True
        try:
            probe()
        except Exception as e:
            with self._lock:
                self._probing = False
            if is_outage(e):
                self.trip(e)
                raise StoreUnavailable(f"Neo4j is unavailable ({type(e).__name__})") from e
            self.succeeded()
            return
        with self._lock:
            self._probing = False
        self.succeeded()

    def trip(self, error: BaseException) -> None:
        """An outage was met: fail fast for a cool-down. Said once, when the breaker opens."""
        with self._lock:
            opened = self._open_until is None
            self._open_until = self._clock() + self.cool_down
            self._cause = type(error).__name__
        if opened:
            log.warning("Neo4j is unavailable (%s); failing fast until a probe finds it back", self._cause)

    def succeeded(self) -> None:
        """The store answered: close the breaker if it was open. Said once, when it closes."""
        if self._open_until is None:
            return
        with self._lock:
            if self._open_until is None:
                return
            self._open_until = None
        log.info("Neo4j answers again")
