"""Communities as wholes: list them with their size, and delete one with everything in it.

Every node of a community carries its community's id as ``community`` (see
docs/graph-model.md), so deleting a community is deleting those nodes. It is
done in batches, each its own transaction, so a community of any size never
makes one huge transaction and an interrupted deletion keeps what it did and
can simply be run again: the `Community` node goes last, so the community is
listed until nothing of it is left. Its API tokens go first, so access ends
at once. Labels come from the closed table `DELETION_ORDER`; every value is a
parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import NotFound
from graph.store import Store

DELETE_BATCH = 10_000

# The labels whose nodes carry `community`, in the order they are deleted, each with a predicate that every
# such node meets and that lets Neo4j seek the index on (community, …) where one exists.
DELETION_ORDER: tuple[tuple[str, str], ...] = (
    ("ApiToken", ""),  # first: access ends before anything else goes
    ("AccessLog", "n.at IS NOT NULL"),
    ("QrScan", "n.at IS NOT NULL"),
    ("QrCode", ""),
    ("Visit", "n.at IS NOT NULL"),
    ("HealthRecord", ""),
    ("Contact", ""),
    ("Resident", "n.residentId IS NOT NULL"),
    ("Household", ""),
    ("PartyGroup", ""),
    ("PartyBranch", ""),
    ("PartyCommittee", ""),
    ("VolunteerTeam", ""),
    ("Unit", ""),
    ("Building", ""),
    ("Grid", ""),
)

COMMUNITY_SIZES = """
MATCH (c:Community)
RETURN c.id AS name,
  COUNT { MATCH (r:Resident {community: c.id}) WHERE r.status = 'active' } AS residents,
  COUNT { MATCH (t:ApiToken {community: c.id})
          WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > datetime()) } AS tokens
ORDER BY name
"""

# what a deletion would remove; the Community node is counted whether or not it carries `community`
DELETION_COUNTS = """
MATCH (c:Community {id: $community})
RETURN COUNT { MATCH (n {community: $community}) WHERE NOT n:Community } + 1 AS nodes,
  COUNT { MATCH (r:Resident {community: $community}) } AS residents,
  COUNT { MATCH (t:ApiToken {community: $community}) } AS tokens
"""


def _delete_batch(label: str, where: str) -> str:
    condition = f" WHERE {where}" if where else ""
    return (
        f"MATCH (n:{label} {{community: $community}}){condition} "
        "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n"
    )


DELETE_BATCHES: dict[str, str] = {label: _delete_batch(label, where) for label, where in DELETION_ORDER}
# whatever else carries the community's id (a label added later): found without an index, so it comes last
DELETE_REST = (
    "MATCH (n {community: $community}) WHERE NOT n:Community WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n"
)
DELETE_COMMUNITY_NODE = "MATCH (c:Community {id: $community}) DETACH DELETE c RETURN count(*) AS n"


@dataclass(frozen=True)
class CommunitySize:
    """A community as listed: active residents, and API tokens that still authenticate."""

    name: str
    residents: int
    tokens: int


@dataclass(frozen=True)
class DeletionCounts:
    """What deleting a community removes: every node (the community's own included), among them every
    resident record (moved out and deceased too) and every API token (revoked and expired too)."""

    community: str
    nodes: int
    residents: int
    tokens: int


def list_community_sizes(store: Store) -> list[CommunitySize]:
    """Every community, by name, with its active residents and live API tokens."""
    rows = store.read("community_sizes", COMMUNITY_SIZES)
    return [CommunitySize(r["name"], r["residents"], r["tokens"]) for r in rows]


def deletion_counts(store: Store, community: str) -> DeletionCounts:
    """What `delete_community` would remove; `NotFound` for an unknown community."""
    rows = store.read("community_deletion_counts", DELETION_COUNTS, community=community)
    if not rows:
        raise NotFound(f"no community named {community!r}", kind="community", id=community)
    r = rows[0]
    return DeletionCounts(community, r["nodes"], r["residents"], r["tokens"])


def delete_community(
    store: Store, community: str, *, batch: int | None = None, on_batch: Callable[[int], None] | None = None
) -> int:
    """Delete every node of ``community``, its tokens first and its `Community` node last, in batches of
    ``batch`` nodes, each its own transaction; returns how many nodes went. ``on_batch`` hears each batch's
    size. `NotFound` if there is no such community (nothing is deleted)."""
    deletion_counts(store, community)  # NotFound before anything goes
    batch = batch or DELETE_BATCH
    deleted = 0
    for label, cypher in [*DELETE_BATCHES.items(), ("rest", DELETE_REST)]:
        while True:
            rows = store.write(f"delete_community_{label}", cypher, community=community, batch=batch)
            n: int = rows[0]["n"]
            deleted += n
            if on_batch and n:
                on_batch(n)
            if n < batch:
                break
    rows = store.write("delete_community_node", DELETE_COMMUNITY_NODE, community=community)
    last: int = rows[0]["n"]
    if on_batch and last:
        on_batch(last)
    return deleted + last
