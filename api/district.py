"""A district at once: the audit of every community, in parallel worker processes (``gridcare audit --all``).

Each community is one task, `audit_community`: its worker process opens its
own store once (one driver a process, kept for the process's next tasks),
exports the community in one round trip (`graph.export.community_graph`),
audits it (`analysis.audit`) and answers a `CommunityAudit`: the summary row,
the full audit when asked, and what the task cost. A community whose audit
fails answers its error in its row; the others go on.

The tasks run in a pool of local processes (`concurrent.futures`), or on a
Dask distributed cluster when a scheduler's address is given: its workers must
have gridcare installed and reach the same Neo4j (the same ``NEO4J_*``
settings; with ``neo4j://`` routing they read from the cluster's followers).
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import resource
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.errors import GraphError
from graph.store import Store, is_outage

#: The counts of a community's audit (its JSON's ``totals``) that its summary row repeats, in the row's order.
SUMMARY = (
    "residents",
    "elders",
    "solitary_elders",
    "uncovered_elders",
    "solitary_uncovered",
    "overloaded_leaders",
    "grids_without_leader",
    "buildings_without_leader",
    "units_without_leader",
    "scopes_without_backup",
    "in_programme",
    "overdue_visits",
)


@dataclass(frozen=True)
class AuditOptions:
    """What every community's audit is asked: the options of ``gridcare audit``."""

    as_of: date
    elder_age: int = 60
    care_capacity: int = 10
    cadence: dict[Any, int] | None = None
    full: bool = False  # answer the whole audit (its JSON form), not only the summary
    text: bool = False  # with ``full``: answer the readable report too
    limit: int | None = None  # the report's lines per list


@dataclass
class CommunityAudit:
    """One community's answer: its summary row, or the error that stopped its audit."""

    community: str
    summary: dict[str, Any] | None = None
    audit: dict[str, Any] | None = None  # the audit's JSON form, when asked (``full``)
    report: str | None = None  # the readable report, when asked
    error: str | None = None
    trace: str | None = None  # an unexpected error's trace (no message: it may name people)
    seconds: dict[str, float] = field(default_factory=dict)  # export, analysis, output; store: opening it
    worker: int = 0  # the worker's pid
    peak_rss: int = 0  # the worker's peak resident memory so far, in bytes


def summary_of(audit: dict[str, Any]) -> dict[str, Any]:
    """A community's summary row from its audit's JSON form (`analysis.AuditResult.to_dict`).

    The counts are its ``totals`` (``in_programme`` and ``overdue_visits``
    None before the visiting programme exists), ``vacant_posts`` adds the
    grids, buildings and units without leader, ``contact_rate_30d`` is the
    visits block's.
    """
    totals, visits = audit["totals"], audit.get("visits")
    row: dict[str, Any] = {key: totals.get(key) for key in SUMMARY}
    row["vacant_posts"] = sum(totals[f"{kind}s_without_leader"] for kind in ("grid", "building", "unit"))
    row["contact_rate_30d"] = visits["contact_rate_30d"] if visits else None
    return row


#: Seconds to reach a Dask scheduler before giving up.
CONNECT_TIMEOUT = 10


class SchedulerUnreachable(Exception):
    """The Dask scheduler named does not answer: nothing was audited."""


_store: Store | None = None


def worker_store() -> Store:
    """This process's store, opened by its first task and closed when the process exits."""
    global _store
    if _store is None:
        from api.settings import get_settings
        from api.store import open_store

        _store = open_store(get_settings(), say=lambda _: None)
        atexit.register(_store.close)
    return _store


def audit_community(community: str, options: AuditOptions) -> CommunityAudit:
    """Export and audit one community with this process's store (the task a worker runs)."""
    answer = CommunityAudit(community, worker=os.getpid())
    try:
        with _collector_paused():
            started = time.perf_counter()
            store = worker_store()  # opened by the worker's first task only
            opened = time.perf_counter() - started
            _audit_into(answer, store, options)
            answer.seconds["store"] = opened
    except GraphError as e:  # the project's own errors say what failed, without personal data
        answer.error = str(e)
    except Exception as e:
        if is_outage(e):
            answer.error = f"Neo4j is unavailable ({type(e).__name__})"
        else:
            answer.error = f"{type(e).__name__}: the audit failed on this community's data (a bug: trace on stderr)"
            answer.trace = "".join(traceback.format_tb(e.__traceback__)) + type(e).__name__
    answer.peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    return answer


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector paused for a task: a community's graph and audit are some 10^6 objects in no
    cycle, which refcounting frees; the collections they would trigger cost a third of the analysis and output
    (measured on the generated city) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit_into(answer: CommunityAudit, store: Store, options: AuditOptions) -> None:
    from analysis import audit, format_audit
    from graph.export import community_graph

    started = time.perf_counter()
    G = community_graph(store, answer.community, as_of=options.as_of)
    exported = time.perf_counter()
    result = audit(
        G,
        as_of=options.as_of,
        elder_age=options.elder_age,
        care_capacity=options.care_capacity,
        cadence=options.cadence,
    )
    del G
    analysed = time.perf_counter()
    full = result.to_dict()
    answer.summary = summary_of(full)
    if options.full:
        answer.audit = full
        answer.report = format_audit(result, limit=options.limit) if options.text else None
    answer.seconds = {"export": exported - started, "analysis": analysed - exported}
    answer.seconds["output"] = time.perf_counter() - analysed


def audit_all(
    communities: list[str], options: AuditOptions, *, workers: int, scheduler: str | None = None
) -> Iterator[CommunityAudit]:
    """Audit ``communities`` on ``workers`` local processes, or on the Dask cluster at ``scheduler``.

    Yields each community's answer as it finishes (in no set order).
    """
    if scheduler:
        yield from _on_dask(communities, options, scheduler)
        return
    # forkserver: the workers fork from a clean process that has imported the analysis once, not from this one
    # (whose driver's threads a fork would copy in an unknown state)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["api.district", "analysis", "graph.export"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: dict[Future[CommunityAudit], str] = {
            pool.submit(audit_community, name, options): name for name in communities
        }
        for done in as_completed(futures):
            yield _answer(futures[done], done)


def _on_dask(communities: list[str], options: AuditOptions, scheduler: str) -> Iterator[CommunityAudit]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT} s ({type(e).__name__}): "
            "is `dask scheduler` running there, and is the address tcp://HOST:PORT?"
        ) from e
    with client:
        futures = {
            client.submit(audit_community, name, options, key=f"audit-{i}", pure=False): name
            for i, name in enumerate(communities)
        }
        for done in dask_completed(list(futures)):
            yield _answer(futures[done], done)


def _answer(community: str, done: Any) -> CommunityAudit:
    """A finished task's answer; a worker that died under it is that community's error."""
    try:
        answer: CommunityAudit = done.result()
    except Exception as e:
        return CommunityAudit(community, error=f"its worker failed ({type(e).__name__})")
    return answer
