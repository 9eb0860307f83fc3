"""Running batched writes in one managed transaction per community, and checking what the store kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import Any

import neo4j

from graph.errors import GraphError
from graph.imports import cypher as Q
from graph.store import Store, counted, counted_one

Step = tuple[str, list[dict[str, Any]]]  # (a Cypher constant taking $rows, the rows)


@dataclass
class WriteSummary:
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    rows: int = 0

    def add(self, counters: neo4j.SummaryCounters, rows: int) -> None:
        self.nodes_created += counters.nodes_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set
        self.rows += rows

    @property
    def structural_changes(self) -> int:
        """Nodes and relationships created or deleted (0 on an idempotent re-run)."""
        return self.nodes_created + self.nodes_deleted + self.relationships_created + self.relationships_deleted


def write_steps(
    store: Store,
    params: dict[str, Any],
    steps: Sequence[Step],
    *,
    batch_size: int = 2000,
    on_rows: Callable[[int], None] | None = None,
    on_written: Callable[[], None] | None = None,
) -> WriteSummary:
    """Run each step's statement over its rows in batches, all in ONE transaction.

    A step of :data:`graph.imports.cypher.FRESH` first looks up which of its
    ids the community holds: the other rows CREATE their nodes, the held ones
    run the step's own statement.

    The transaction is managed: the driver retries it on transient errors, and
    either every batch is committed or none. ``on_rows`` is told how many rows
    each batch wrote (a retry starts its reports again from zero, so pass a
    callback that can be reset, or ignore the count on retry). ``on_written``
    is called when every batch has run, just before the driver commits: from
    then until this function returns, a failure may or may not have committed.
    """

    def run(tx: neo4j.ManagedTransaction, summary: WriteSummary, statement: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            result = counted(tx, "import", statement, rows=batch, **params)
            summary.add(result.consume().counters, len(batch))
            if on_rows:
                on_rows(len(batch))

    def work(tx: neo4j.ManagedTransaction) -> WriteSummary:
        summary = WriteSummary()
        for statement, rows in steps:
            if statement in Q.FRESH and rows:
                held_ids, create = Q.FRESH[statement]
                held = set(counted_one(tx, "import", held_ids, **params)["ids"])
                run(tx, summary, create, [shipped(row) for row in rows if row["id"] not in held])
                rows = [row for row in rows if row["id"] in held]
            run(tx, summary, statement, rows)
        if on_written:
            on_written()
        return summary

    return store.transaction(work)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def shipped(row: dict[str, Any]) -> dict[str, Any]:
    """A row to CREATE with the times of its ``props`` and ``event`` maps taken out, as ``propsTimes`` and
    ``eventTimes``: {key: [epoch seconds, nanoseconds, offset "+08:00"]}, which its statement turns into the same
    datetime the driver would have packed (`graph.imports.cypher._time`), for a fraction of the driver's Python.
    Only times with a fixed offset of whole minutes (as the import stores them) travel so; others stay as they are.

    >>> from datetime import timedelta
    >>> at = datetime(2024, 5, 3, 9, 30, 0, 250, tzinfo=timezone(timedelta(hours=8)))
    >>> shipped({"id": "v1", "props": {"at": at, "mode": "home"}})
    {'id': 'v1', 'props': {'mode': 'home'}, 'propsTimes': {'at': [1714699800, 250000, '+08:00']}}
    >>> shipped({"id": "v2", "props": {"at": datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)}})["propsTimes"]
    {'at': [-1, 500000000, '+00:00']}
    """
    out = dict(row)
    for part in ("props", "event"):
        values = row.get(part)
        if not isinstance(values, dict):
            continue
        times = {k: t for k, v in values.items() if (t := _epoch(v)) is not None}
        out[part] = {k: v for k, v in values.items() if k not in times}
        out[f"{part}Times"] = times
    return out


def _epoch(value: object) -> list[object] | None:
    if not isinstance(value, datetime) or not isinstance(value.tzinfo, timezone):
        return None
    offset = value.utcoffset()
    if offset is None or offset.microseconds or offset.seconds % 60:
        return None
    since = value - _EPOCH
    minutes = offset.days * 1440 + offset.seconds // 60
    sign = "-" if minutes < 0 else "+"
    return [
        since.days * 86400 + since.seconds,
        since.microseconds * 1000,
        f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
    ]


@dataclass(frozen=True)
class Shortfall:
    """Planned rows of one kind that the store does not hold after the commit."""

    what: str  # e.g. "residents in their households"
    planned: int
    found: int

    def __str__(self) -> str:
        return f"{self.found:,} of {self.planned:,} {self.what}"


class NotKept(GraphError):
    """The store does not hold what a committed import transaction wrote."""

    def __init__(self, community: str, shortfalls: Sequence[Shortfall]) -> None:
        found = "; ".join(map(str, shortfalls))
        super().__init__(f"Neo4j does not hold what was written for {community}: it has {found}")
        self.community, self.shortfalls = community, list(shortfalls)


def check_written(store: Store, params: dict[str, Any], steps: Sequence[Step]) -> list[Shortfall]:
    """After the commit: what of ``steps`` the store does not hold (empty when it holds it all).

    One read counts the planned rows whose nodes and relationships are there
    (:data:`graph.imports.cypher.CHECKS`: residents in their households, leader
    posts, care, team, service-role and Party-group links) and whether the
    community is. It goes to the leader (the writer), which holds the commit
    at once, where a follower may lag.
    """
    rows: list[list[dict[str, Any]]] = [
        [{k: row[k] for k in keys} for statement, batch in steps if statement in statements for row in batch]
        for _, statements, keys, _, _ in Q.CHECKS
    ]
    [record] = store.write(
        "import-check", Q.WRITTEN, community=params["community"], **{f"rows{i}": r for i, r in enumerate(rows)}
    )
    shortfalls = [] if record["community"] else [Shortfall("community node", 1, 0)]
    for (what, *_), planned, found in zip(Q.CHECKS, rows, record["found"]):
        if found != len(planned):
            shortfalls.append(Shortfall(what, len(planned), found))
    return shortfalls
