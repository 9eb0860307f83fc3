"""Running batched writes in one managed transaction per community."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j

from graph.store import Store, counted

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
) -> WriteSummary:
    """Run each step's statement over its rows in batches, all in ONE transaction.

    The transaction is managed: the driver retries it on transient errors, and
    either every batch is committed or none. ``on_rows`` is told how many rows
    each batch wrote (a retry starts its reports again from zero, so pass a
    callback that can be reset, or ignore the count on retry).
    """

    def work(tx: neo4j.ManagedTransaction) -> WriteSummary:
        summary = WriteSummary()
        for statement, rows in steps:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                result = counted(tx, "import", statement, rows=batch, **params)
                summary.add(result.consume().counters, len(batch))
                if on_rows:
                    on_rows(len(batch))
        return summary

    return store.transaction(work)
