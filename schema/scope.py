"""Row-level scope of one request: what its caller may see and change.

Admins see every community and staff their own, whole. Leaders and
volunteers see their community's name and the `graph.scope.Reach` of their
token; every resolver that hands out a resident or a place asks this module,
so an object outside the reach is answered exactly as one that does not
exist: null, or left out of a list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

from graph import scope
from graph.scope import Reach

FULL_ACCESS_ROLES = ("admin", "staff")
LEADER_ROLES = ("grid_leader", "building_leader", "unit_leader")


class Visibility:
    """The caller's reach, computed on first use and kept for the request."""

    def __init__(self, principal, run: Callable[..., Any]):
        self.principal = principal
        self._run = run  # Context.run
        self._reach: asyncio.Future[Reach] | None = None  # shared by the resolvers that ask at once

    @property
    def whole(self) -> bool:
        """Whether the caller sees whole communities (admin, staff): nothing to filter."""
        return self.principal.role in FULL_ACCESS_ROLES

    async def reach(self, *, fresh: bool = False) -> Reach | None:
        """None for admin and staff; else the ids the caller reaches (``fresh``: recomputed now)."""
        if self.whole:
            return None
        if self._reach is None or fresh:
            self._reach = asyncio.ensure_future(self._run(_reach_of, self.principal, date.today()))
        return await self._reach

    async def keeper(self) -> Callable[[Any], bool] | None:
        """A test of loaded records (residents, places, `Related` nodes) for being within reach;
        None for an admin, who sees everything."""
        if self.principal.role == "admin":
            return None
        reach = await self.reach()
        if reach is None:  # staff: their whole community
            community = self.principal.community
            return lambda item: _field(item, "community") == community
        return lambda item: reach.sees(str(_field(item, "id")))

    async def keep_care(self, care: list) -> list:
        """Care relationships (`CareRecord`) whose two ends are both within reach."""
        reach = await self.reach()
        if reach is None:
            return care
        return [c for c in care if reach.sees(c.caregiver_id) and reach.sees(c.recipient_id)]

    async def keep_posts(self, posts: list) -> list:
        """Leader posts (`PostRecord`) whose holder is within reach."""
        reach = await self.reach()
        if reach is None:
            return posts
        return [p for p in posts if reach.sees(p.holder_id)]

    async def may_change(self, resident_id: str) -> bool:
        """Whether the caller may change a resident already known to be within reach: staff and
        admins always; a leader only those living where they answer (not themselves elsewhere)."""
        reach = await self.reach()
        return reach is None or resident_id in reach.changes

    async def answers_for(self, place_id: str, community: str) -> bool:
        """Whether the caller may change things at a place (a unit, a household, a leader post's scope)."""
        if not self.principal.reads(community):
            return False
        reach = await self.reach()
        if reach is None:
            return True
        return place_id in reach.answers_for


def _field(item: Any, name: str) -> Any:
    """A field of a record or dataclass, or of a `Related` item's node."""
    node = getattr(item, "node", None)
    return node.get(name) if node is not None else getattr(item, name, None)


def _reach_of(driver, database: str, principal, today: date) -> Reach:
    community = principal.community or ""
    if principal.role in LEADER_ROLES and principal.scope_kind and principal.scope_value:
        return scope.leader_reach(driver, database, community, principal.scope_kind, principal.scope_value,
                                  principal.resident_id)
    if principal.role == "volunteer" and principal.resident_id:
        return scope.volunteer_reach(driver, database, community, principal.resident_id, today)
    return Reach(community=community, residents=frozenset(), places=frozenset(), answers_for=frozenset())


async def sees_resident(info, resident_id: str, community: str, *, fresh: bool = False) -> bool:
    """Whether the caller of ``info`` may see this resident (``fresh``: re-read the reach first,
    for long-lived subscriptions)."""
    visibility: Visibility = info.context.visibility
    if not visibility.principal.reads(community):
        return False
    reach = await visibility.reach(fresh=fresh)
    return reach is None or resident_id in reach.residents
