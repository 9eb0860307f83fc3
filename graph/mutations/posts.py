"""Leader posts (网格长, 楼栋长, 单元长; A and B posts): assigning and vacating them.

A post is a ``LEADS {post, role, since}`` from a resident to a grid, building or
unit. Each post of a scope has at most one holder, and one resident holds at
most one post of a scope (A or B, not both). Assigning a post held by someone
else replaces them, and the result says whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import neo4j

from analysis.domain import LEADER_ROLES, Post, Role, kind_of_role
from graph import ids
from graph.errors import Conflict, NotFound
from graph.models import PostRecord, ResidentRecord, to_date
from graph.mutations import cypher as Q
from graph.mutations.common import label, load_active, one_of, record, require, same_community, today
from graph.store import Store, counted


@dataclass(frozen=True)
class Scope:
    """What a leader leads: a grid (``grid``), a building (``building``) or a unit (``building`` and ``unit``)."""

    community: str
    role: str  # one of analysis.domain.LEADER_ROLES
    grid: str | None = None  # required for a grid leader; if given otherwise, checked
    building: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Assignment:
    post: PostRecord
    replaced: ResidentRecord | None = None  # the previous holder of that post


@dataclass(frozen=True)
class Vacancy:
    post: PostRecord  # the post as it was held
    vacated_by: ResidentRecord


def scope_id(scope: Scope) -> str:
    """The id of the scope's grid, building or unit; `Invalid` if a label it needs is missing."""
    role = one_of(scope.role, LEADER_ROLES, "role")
    if role == Role.GRID_LEADER:
        require(bool(scope.grid), "grid", "a grid leader needs a grid")
        return ids.grid_id(scope.community, label(scope.grid, "grid"))
    require(bool(scope.building), "building", f"a {role.replace('_', ' ')} needs a building")
    building = label(scope.building, "building")
    if role == Role.BUILDING_LEADER:
        return ids.building_id(scope.community, building)
    require(bool(scope.unit), "unit", "a unit leader needs a building and a unit")
    return ids.unit_id(scope.community, building, label(scope.unit, "unit"))


#: A current holder of a post of a scope, as `Q.SCOPE` collects them: ``props``, ``household``, ``post``, ``since``.
Holder = dict[str, Any]


def _holders(tx: neo4j.ManagedTransaction, scope: Scope, sid: str) -> list[Holder]:
    """The scope's current holders (write-locked); `NotFound`/`Invalid` for a bad scope."""
    row = counted(tx, "scope", Q.SCOPE[scope.role], scope=sid).single()
    if row is None:
        kind = kind_of_role(scope.role)
        raise NotFound(f"no {kind} {sid!r}", kind=kind, id=sid)
    if scope.grid and scope.role != Role.GRID_LEADER:
        require(label(scope.grid, "grid") == row["grid"], "grid", f"{sid!r} is in grid {row['grid']!r}")
    holders: list[Holder] = row["holders"]
    return holders


def _post(holder: Holder, sid: str, role: str) -> PostRecord:
    return PostRecord(holder["props"]["id"], sid, role, holder["post"], to_date(holder["since"]))


def assign_post(
    store: Store, resident_id: str, scope: Scope, *, post: str = Post.A, since: date | None = None
) -> Assignment:
    """Give an active resident ``post`` of ``scope`` from ``since`` (default today)."""
    one_of(post, tuple(Post), "post")
    sid, day = scope_id(scope), since or today()

    def work(tx: neo4j.ManagedTransaction) -> Assignment:
        resident = load_active(tx, resident_id)
        same_community(resident, scope.community, "residentId")
        holders = _holders(tx, scope, sid)
        held = next((h for h in holders if h["props"]["id"] == resident_id), None)
        if held:
            raise Conflict(f"resident {resident_id!r} already holds post {held['post']} of {sid!r}")
        replaced = next((record(h) for h in holders if h["post"] == post), None)
        counted(
            tx,
            "assign_post",
            Q.ASSIGN[scope.role],
            resident=resident_id,
            scope=sid,
            post=post,
            role=scope.role,
            since=day,
        ).consume()
        return Assignment(PostRecord(resident_id, sid, scope.role, post, day), replaced)

    return store.transaction(work)


def vacate_post(store: Store, scope: Scope, *, post: str = Post.A) -> Vacancy:
    """Take ``post`` of ``scope`` from its holder; `NotFound` if nobody holds it."""
    one_of(post, tuple(Post), "post")
    sid = scope_id(scope)

    def work(tx: neo4j.ManagedTransaction) -> Vacancy:
        holder = next((h for h in _holders(tx, scope, sid) if h["post"] == post), None)
        if holder is None:
            raise NotFound(f"nobody holds post {post} of {sid!r}", kind="post", id=f"{sid}#{post}")
        counted(tx, "vacate_post", Q.VACATE[scope.role], scope=sid, post=post).consume()
        return Vacancy(_post(holder, sid, scope.role), record(holder))

    return store.transaction(work)
