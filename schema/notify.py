"""Notifications of QR scans: one poller per process feeds every `qrScanned` subscription.

A scan is recorded by whichever server process served the finder's page, so
subscribers are not fed from the HTTP route: a poller reads the new
``(:QrScan)`` nodes of every community watched in this process from Neo4j, in
one query every ``poll`` seconds (`graph.qr.scans_since`), and hands each scan
to the subscribers of its community. It starts with the first subscriber and
stops when the last one leaves; the finder's page may `ScanFeed.poke` it to
read at once.

Scans are timestamped by the database when their transaction starts, so one
may become visible after a later one: every poll reads again the last
`OVERLAP` of scans and forwards only those it has not forwarded before. A
subscriber gets the scans recorded after it subscribed, each at most once.

De-duplication (`Folder`) is per subscriber: the first scan of an elder gives
an event; further scans of the same elder within ``window`` of that event give
none and are counted in ``repeats`` of the elder's next event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from analysis.domain import now as clock_now
from graph import case_sweep, qr, visits
from graph.errors import NotFound
from graph.store import Store, is_outage

log = logging.getLogger("gridcare.notify")

OVERLAP = timedelta(seconds=30)  # how far back each poll reads again, for scans committed late
BATCH = 1000  # scans read per poll at most; a longer burst is read over several polls
OUTAGE_POLLS = 2  # polls in a row that met an outage before the streams end with UNAVAILABLE
BUG_LOG_EVERY = 60.0  # seconds between two logged traces of a poller that keeps failing by a bug


@dataclass(frozen=True)
class Scan:
    """A recorded scan, as the poller reads it."""

    id: str
    at: datetime
    community: str
    resident: str
    name: str | None


@dataclass(frozen=True)
class Alert:
    """A visit that calls for someone to act (needs help, emergency), as the poller reads it; ``at`` is when
    it was recorded."""

    id: str
    at: datetime
    community: str
    resident: str
    name: str | None
    outcome: str
    visited_at: datetime
    mode: str


@dataclass(frozen=True)
class CaseChange:
    """A transition of a request or a matter, as the poller reads it (``at``: when it was recorded), with what
    decides who sees it."""

    id: str
    at: datetime
    community: str
    case_kind: str
    case: str
    action: str
    to: str
    kind: str | None
    resident: str | None
    grid: str | None
    place: str | None
    people: tuple[str, ...]  # provider, assignee, who asked, who reported: their own work
    level: str | None = None

    @classmethod
    def from_row(cls, r: dict) -> CaseChange:
        people = tuple(p for p in (r.get("provider"), r.get("assignee"), r.get("askedBy"), r.get("reportedBy")) if p)
        return cls(
            r["id"],
            r["recordedAt"],
            r["community"],
            r["caseKind"],
            r["case"],
            r["action"],
            r["to"],
            r.get("kind"),
            r.get("resident"),
            r.get("grid"),
            r.get("place"),
            people,
            r.get("level"),
        )


Event = Scan | Alert | CaseChange


@dataclass(eq=False)
class Inbox:
    """One subscriber: the scans of its community recorded at or after ``start`` (the database's clock)."""

    community: str
    start: datetime
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)

    def offer(self, scans: list[Event]) -> None:
        fresh = [s for s in scans if s.at >= self.start]
        if fresh:
            self.queue.put_nowait(fresh)

    def fail(self, error: BaseException) -> None:
        """End the subscriber's stream with ``error`` (the store is away: it cannot be told of new events)."""
        self.queue.put_nowait(error)

    async def next(self, timeout: float) -> list[Event]:
        """The next events, oldest first; [] when ``timeout`` seconds pass without any; the error of `fail`."""
        try:
            got = await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return []
        if isinstance(got, BaseException):
            raise got
        events: list[Event] = got
        return events


class Folder:
    """Per-subscriber de-duplication: one event per elder per ``window``, later scans counted."""

    def __init__(self, window: timedelta):
        self.window = window
        self._last: dict[str, list] = {}  # resident → [at of the last event, scans folded since]

    def fold(self, resident: str, at: datetime) -> int | None:
        """None if this scan is folded (no event); else how many scans were folded since the last event."""
        last = self._last.get(resident)
        if last is not None and at < last[0] + self.window:
            last[1] += 1
            return None
        self._last[resident] = [at, 0]
        self._forget_before(at - self.window)
        return last[1] if last is not None else 0

    def _forget_before(self, when: datetime) -> None:
        """Drop elders whose window has ended with nothing folded: their next scan is an event anyway."""
        if len(self._last) > 64:
            self._last = {r: v for r, v in self._last.items() if v[1] or v[0] >= when}


class _Poller:
    """Reads new scans for the inboxes of one event loop (one store)."""

    def __init__(self, feed: ScanFeed, loop: asyncio.AbstractEventLoop, store: Store):
        self.feed, self.loop, self.store = feed, loop, store
        self.inboxes: set[Inbox] = set()
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.since: datetime | None = None  # every scan before this was read and forwarded
        self.recent: dict[str, Event] = {}  # events forwarded: those at or after `since`, and the last OVERLAP

    def add(self, inbox: Inbox) -> None:
        self.inboxes.add(inbox)
        # a scan read between the subscriber's start and now was forwarded before it joined
        inbox.offer(
            sorted((s for s in self.recent.values() if s.community == inbox.community), key=lambda s: (s.at, s.id))
        )
        if self.task is None:
            self.task = self.loop.create_task(self.run(), name="gridcare-qr-notify")
        else:
            self.wake.set()

    def remove(self, inbox: Inbox) -> bool:
        """Forget a subscriber; True (and the poller stopped) when it was the last."""
        self.inboxes.discard(inbox)
        if self.inboxes:
            return False
        if self.task is not None:
            self.task.cancel()
            self.task = None
        return True

    async def run(self) -> None:
        failing: str | None = None  # what the last poll ran into: None, "outage" or "bug"
        bug_logged = float("-inf")
        outages = 0  # polls in a row that met an outage
        while self.inboxes:
            try:
                await self.poll()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # a poller must outlive what it runs into, and say which it was
                if is_outage(e):  # the store is away: retry at every poll, saying so once
                    if failing != "outage":
                        log.warning(
                            "reading new %s: Neo4j is unavailable (%s); retrying every %.1f s",
                            self.feed.what,
                            type(e).__name__,
                            self.feed.poll,
                        )
                    failing = "outage"
                    outages += 1
                    if outages >= OUTAGE_POLLS:  # away for a while: end the streams (clients re-subscribe)
                        for inbox in list(self.inboxes):
                            inbox.fail(e)
                else:  # a bug: its trace (never its message, which may name people), at most once a minute
                    if time.monotonic() - bug_logged >= BUG_LOG_EVERY:
                        trace = "".join(traceback.format_tb(e.__traceback__))
                        log.error(
                            "reading new %s failed with %s (not an outage); retrying every %.1f s\n%s",
                            self.feed.what,
                            type(e).__name__,
                            self.feed.poll,
                            trace,
                        )
                        bug_logged = time.monotonic()
                    failing = "bug"
            else:
                if failing:
                    log.info("reading new %s works again", self.feed.what)
                failing, outages = None, 0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.feed.poll)
            self.wake.clear()

    async def poll(self) -> None:
        communities = sorted({i.community for i in self.inboxes})
        since = self.since if self.since is not None else min(i.start for i in self.inboxes)
        now, scans = await asyncio.to_thread(self.feed.fetch, self.store, communities, since, BATCH)
        new = [s for s in scans if s.id not in self.recent]
        # the next poll reads again from OVERLAP ago (late commits), or from the last scan read when cut short
        later = scans[-1].at if len(scans) >= BATCH else now - OVERLAP
        self.since = max(since, min(later, now))
        keep = min(self.since, now - OVERLAP)  # whatever a later poll may read again stays known
        self.recent = {s.id: s for s in (*self.recent.values(), *new) if s.at >= keep}
        if not new:
            return
        by_community: dict[str, list[Event]] = {}
        for s in new:
            by_community.setdefault(s.community, []).append(s)
        for inbox in list(self.inboxes):
            inbox.offer(by_community.get(inbox.community, []))


class ScanFeed:
    """The process's QR scan notifications: pollers (one per event loop) and their subscribers.

    ``poll``: seconds between reads; ``window``: seconds within which repeated
    scans of one elder give one event per subscriber (0: every scan is an event).
    """

    what = "QR scans"  # what it reads, in the log

    def __init__(self, poll: float = 1.0, window: float = 600.0):
        if poll <= 0 or window < 0:
            raise ValueError("poll must be positive and window not negative")
        self.poll, self.window = poll, timedelta(seconds=window)
        self._lock = threading.Lock()
        self._pollers: dict[tuple, _Poller] = {}

    def fetch(self, store: Store, communities: list[str], since: datetime, limit: int) -> tuple[datetime, list[Event]]:
        """The database's clock now and the events recorded at or after ``since`` (blocking: run off the loop)."""
        now, rows = qr.scans_since(store, communities, since, limit)
        return now, [Scan(*row) for row in rows]

    @asynccontextmanager
    async def watch(self, store: Store, community: str, start: datetime) -> AsyncIterator[Inbox]:
        """Subscribe to the scans of ``community`` recorded at or after ``start``, for the ``with`` block."""
        loop = asyncio.get_running_loop()
        key = (loop, id(store.driver), store.database)
        inbox = Inbox(community, start)
        with self._lock:
            poller = self._pollers.get(key)
            if poller is None:
                poller = self._pollers[key] = _Poller(self, loop, store)
        poller.add(inbox)
        try:
            yield inbox
        finally:
            with self._lock:
                if poller.remove(inbox) and self._pollers.get(key) is poller:
                    del self._pollers[key]

    def poke(self) -> None:
        """Make every poller read now (a scan was just recorded); safe from any thread."""
        with self._lock:
            pollers = list(self._pollers.values())
        for poller in pollers:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                poller.loop.call_soon_threadsafe(poller.wake.set)

    def subscribers(self) -> int:
        """How many subscriptions this process feeds now."""
        with self._lock:
            return sum(len(p.inboxes) for p in self._pollers.values())


class AlertFeed(ScanFeed):
    """The process's care alerts: visits whose outcome calls for someone to act, every one an event."""

    what = "care alerts"

    def __init__(self, poll: float = 1.0):
        super().__init__(poll=poll, window=0)

    def fetch(self, store: Store, communities: list[str], since: datetime, limit: int) -> tuple[datetime, list[Event]]:
        now, rows = visits.alerts_since(store, communities, since, limit)
        return now, [Alert(*row) for row in rows]


class BoardFeed(ScanFeed):
    """The process's service board: every transition of a request or a matter, every one an event. Its poller
    also records, at most every ``sweep_every`` seconds per community watched, the expiries and escalations that
    are due (`graph.case_sweep.sweep`)."""

    what = "case changes"

    def __init__(self, poll: float = 1.0, sweep_every: float = 60.0):
        super().__init__(poll=poll, window=0)
        self.sweep_every = sweep_every
        self._swept: dict[str, float] = {}

    def fetch(self, store: Store, communities: list[str], since: datetime, limit: int) -> tuple[datetime, list[Event]]:
        for community in communities:
            if time.monotonic() - self._swept.get(community, float("-inf")) >= self.sweep_every:
                self._swept[community] = time.monotonic()
                with contextlib.suppress(NotFound):  # the community was deleted meanwhile
                    case_sweep.sweep(store, community, clock_now())
        now, rows = case_sweep.events_since(store, communities, since, limit)
        return now, [CaseChange.from_row(r) for r in rows]
