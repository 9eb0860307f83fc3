"""API tokens in the store: ``(:ApiToken)`` nodes that hold a keyed hash, never the token.

`api.tokens` makes tokens and hashes them; this module only keeps the records.
A token of a community carries its ``community``, so it goes when the community
does. Scopes name a place of the community (``grid:3``, ``building:5``,
``unit:5-2``); ``residentId`` is the stable id of a resident (``社区/r/A9``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph import ids
from graph.errors import Invalid, NotFound
from graph.models import SCOPE_LABELS
from graph.store import Store

Q_CREATE = """
CREATE (t:ApiToken {id: $id, hash: $hash, role: $role, label: $label, createdAt: datetime(),
                    expiresAt: $expiresAt})
RETURN t {.*} AS t
"""
Q_CREATE_IN_COMMUNITY = """
MATCH (c:Community {id: $community})
CREATE (t:ApiToken {id: $id, hash: $hash, community: c.id, role: $role, scope: $scope,
                    residentId: $residentId, label: $label, createdAt: datetime(), expiresAt: $expiresAt})
RETURN t {.*} AS t
"""
Q_BY_HASH = "MATCH (t:ApiToken {hash: $hash}) RETURN t {.*} AS t"
Q_LIST = """
MATCH (t:ApiToken) WHERE $community IS NULL OR t.community = $community
RETURN t {.*} AS t ORDER BY t.createdAt, t.id
"""
Q_REVOKE = """
MATCH (t:ApiToken {id: $id}) SET t.revokedAt = coalesce(t.revokedAt, datetime())
RETURN t {.*} AS t
"""
Q_REVOKE_LABELLED_ADMIN = """
MATCH (t:ApiToken {label: $label, role: 'admin'})
WHERE t.community IS NULL AND t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > datetime())
SET t.revokedAt = datetime()
RETURN t.id AS id ORDER BY id
"""
# Labels cannot be parameters: one statement per kind of scope, from a closed set.
Q_EXISTS: dict[str, str] = {
    kind: f"MATCH (n:{label} {{id: $id}}) RETURN n.id AS id"
    for kind, label in [*SCOPE_LABELS.items(), ("resident", "Resident")]
}


@dataclass(frozen=True)
class TokenRecord:
    """A stored token, as listed; ``hash`` is never shown."""

    id: str
    role: str
    community: str | None = None
    scope: str | None = None
    resident_id: str | None = None
    label: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


def token_from_record(t: Mapping[str, Any]) -> TokenRecord:
    def when(key: str) -> datetime | None:
        return t[key].to_native() if t.get(key) is not None else None

    return TokenRecord(
        id=t["id"],
        role=t["role"],
        community=t.get("community"),
        scope=t.get("scope"),
        resident_id=t.get("residentId"),
        label=t.get("label"),
        created_at=when("createdAt"),
        expires_at=when("expiresAt"),
        revoked_at=when("revokedAt"),
    )


def scope_node_id(community: str, scope: str) -> str:
    """The graph id of the place a scope names: ``unit:5-2`` → ``社区/b/5/u/2``."""
    kind, _, value = scope.partition(":")
    if kind == "unit":
        building, _, unit = value.partition("-")
        return ids.unit_id(community, building, unit)
    return {"grid": ids.grid_id, "building": ids.building_id}[kind](community, value)


def create_token(store: Store, record: TokenRecord, token_hash: str) -> TokenRecord:
    """Store a new token; the community, scope place and resident must exist."""
    if record.community is None:
        rows = store.write(
            "create_token",
            Q_CREATE,
            id=record.id,
            hash=token_hash,
            role=record.role,
            label=record.label,
            expiresAt=record.expires_at,
        )
        return token_from_record(rows[0]["t"])
    _require_places(store, record, record.community)
    rows = store.write(
        "create_community_token",
        Q_CREATE_IN_COMMUNITY,
        id=record.id,
        hash=token_hash,
        community=record.community,
        role=record.role,
        scope=record.scope,
        residentId=record.resident_id,
        label=record.label,
        expiresAt=record.expires_at,
    )
    if not rows:
        raise NotFound(f"no community named {record.community!r}", kind="community", id=record.community)
    return token_from_record(rows[0]["t"])


def _require_places(store: Store, record: TokenRecord, community: str) -> None:
    wanted: list[tuple[str, str, str]] = []  # (field, kind, node id)
    if record.scope:
        wanted.append(("scope", record.scope.partition(":")[0], scope_node_id(community, record.scope)))
    if record.resident_id:
        wanted.append(("resident", "resident", record.resident_id))
    for field, kind, node_id in wanted:
        if not store.read(f"token_{kind}_exists", Q_EXISTS[kind], id=node_id):
            raise Invalid(field, f"no {kind} {node_id!r} in community {community!r}")


def find_token(store: Store, token_hash: str) -> TokenRecord | None:
    """The token stored under this hash, revoked or expired ones included."""
    rows = store.read("token_by_hash", Q_BY_HASH, hash=token_hash)
    return token_from_record(rows[0]["t"]) if rows else None


def list_tokens(store: Store, community: str | None = None) -> list[TokenRecord]:
    rows = store.read("list_tokens", Q_LIST, community=community)
    return [token_from_record(r["t"]) for r in rows]


def revoke_token(store: Store, token_id: str) -> TokenRecord:
    """Revoke a token (a second revocation keeps the first date)."""
    rows = store.write("revoke_token", Q_REVOKE, id=token_id)
    if not rows:
        raise NotFound(f"no token with id {token_id!r}", kind="token", id=token_id)
    return token_from_record(rows[0]["t"])


def revoke_admin_tokens_labelled(store: Store, label: str) -> list[str]:
    """Revoke every live admin token with exactly this label (`serve --demo` revokes its earlier ones);
    returns their ids."""
    rows = store.write("revoke_labelled_admin_tokens", Q_REVOKE_LABELLED_ADMIN, label=label)
    return [r["id"] for r in rows]


TOKEN_ACTIVE = """
OPTIONAL MATCH (t:ApiToken {id: $id})
WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > datetime())
RETURN t IS NOT NULL AS active
"""


def token_active(store: Store, token_id: str) -> bool:
    """Whether an API token (by id) is neither revoked nor expired: long-lived streams re-check it."""
    active: bool = store.read("token_active", TOKEN_ACTIVE, id=token_id)[0]["active"]
    return active
