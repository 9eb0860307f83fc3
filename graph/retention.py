"""Retention of the records that only grow: the access log and the QR scan records.

Entries older than a cut-off are deleted in batches, each batch its own
transaction, so millions of them never make one huge transaction and an
interrupted prune keeps what it has done. The labels come from the closed
table `RECORDS`; every value is a parameter. gridcare never prunes by itself:
an operator runs `gridcare access-log prune` / `gridcare qr-scans prune`, and
the CLI refuses cut-offs under six months (the law's minimum for access records).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from graph.store import Store

PRUNE_BATCH = 10_000
# the kind of record → its label
RECORDS = {"access_log": "AccessLog", "qr_scans": "QrScan"}


def _match(label: str, community: bool) -> str:
    return f"MATCH (x:{label}{' {community: $community}' if community else ''}) WHERE x.at < $before"


COUNT_BEFORE = {
    (kind, c): _match(label, c) + " RETURN count(x) AS n" for kind, label in RECORDS.items() for c in (False, True)
}
PRUNE_BEFORE = {
    (kind, c): _match(label, c) + " WITH x LIMIT $batch DETACH DELETE x RETURN count(*) AS n"
    for kind, label in RECORDS.items()
    for c in (False, True)
}


def prune(
    store: Store,
    kind: str,
    before: datetime,
    *,
    community: str | None = None,
    dry_run: bool = False,
    batch: int | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Delete the records of ``kind`` (a key of `RECORDS`) older than ``before`` (timezone-aware), of one
    community or of all; returns how many. ``dry_run`` only counts; ``on_batch`` hears each batch's size."""
    if before.tzinfo is None:
        raise ValueError("the cut-off must be timezone-aware")
    key, where = (kind, community is not None), "community" if community is not None else "all"
    if dry_run:
        rows = store.read(f"count_{kind}_before_{where}", COUNT_BEFORE[key], before=before, community=community)
        found: int = rows[0]["n"]
        return found
    batch = batch or PRUNE_BATCH
    deleted = 0
    while True:
        rows = store.write(f"prune_{kind}_{where}", PRUNE_BEFORE[key], before=before, community=community, batch=batch)
        n: int = rows[0]["n"]
        deleted += n
        if on_batch and n:
            on_batch(n)
        if n < batch:
            return deleted
