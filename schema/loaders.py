"""Per-request DataLoaders over the batched reads of `graph.reads.network` and `graph.reads.groups`.

A loader is made the first time a request asks for it and lives as long as the
request, so each (relation, depth) of a query costs one Cypher round trip.

Loaders of residents and places keep only what the caller may see
(`schema.policy.Access`): for a leader or a volunteer, anything else loads as null or
is left out of its list, exactly as if it did not exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from graph import cases, consent, sensitive, visits, wills
from graph.reads import groups, network, stats
from graph.sensitive import Reader
from graph.store import Store

if TYPE_CHECKING:
    from schema.policy import Access


class SharedLoader(DataLoader):
    """A DataLoader whose futures, shared by every field that loads the same key, are each awaited through a
    shield: graphql-core cancels the sibling fields of one that failed, and a task cancelled while it waits
    cancels the future it waits on — which would fail every other field waiting on that key with a
    ``CancelledError`` (the whole request a 500)."""

    def load(self, key: Any) -> Awaitable[Any]:
        return asyncio.shield(super().load(key))


class Loaders:
    def __init__(self, run: Callable[..., Any], access: Access | None = None):
        self._run = run  # Context.run: calls fn(store, *args) off the event loop
        self._access = access  # None: everything is visible (scripts, tests of the loaders)
        self._made: dict[tuple, DataLoader] = {}

    async def _keep(self) -> Callable[[Any], bool] | None:
        return await self._access.keeper() if self._access is not None else None

    def _loader(
        self,
        key: tuple,
        fetch: Callable[[Store, list[str]], Any],
        default: Callable[[], Any],
        convert: Callable[[Any], Any] | None = None,
        scoped: bool = False,
        links: str | None = None,
    ) -> DataLoader:
        """A loader of ``fetch``; with ``convert``, each loaded list holds converted items.

        ``scoped``: the loaded items are residents or places, kept only within the caller's reach;
        ``links``: they are ``care`` relationships or leader ``posts``, kept when their people are.
        """
        if key not in self._made:

            async def load(ids: list[str]) -> list:
                found = await self._run(fetch, list(ids))
                keep = await self._keep() if scoped else None
                if keep is not None:
                    found = {i: _within(keep, v) for i, v in found.items()}
                if links is not None and self._access is not None:
                    kept = self._access.keep_care if links == "care" else self._access.keep_posts
                    found = {i: await kept(v) for i, v in found.items()}
                if convert is None:
                    return [found.get(i, default()) for i in ids]
                return [[convert(x) for x in found.get(i, ())] for i in ids]

            self._made[key] = SharedLoader(load_fn=load)
        return self._made[key]

    def children(self, relation: str, convert: Callable[[Any], Any]) -> DataLoader:
        """GraphQL objects of the places under a parent (``grids``, ``buildings``, ``units``,
        ``households``); resolvers return its futures as they are, with no coroutine of their own."""
        return self._loader(
            ("children", relation), lambda s, ids: network.children(s, relation, ids), list, convert, scoped=True
        )

    def place(self, kind: str) -> DataLoader:
        return self._loader(
            ("place", kind), lambda s, ids: network.places_by_id(s, kind, ids), lambda: None, scoped=True
        )

    def residents_of_household(self, convert: Callable[[Any], Any]) -> DataLoader:
        """GraphQL objects of the active residents of a household."""
        return self._loader(("residents_of_households",), network.residents_of_households, list, convert, scoped=True)

    def resident(self) -> DataLoader:
        return self._loader(("residents_by_id",), network.residents_by_id, lambda: None, scoped=True)

    def location(self) -> DataLoader:
        return self._loader(("locations",), network.locations, lambda: None)

    def posts_of_scope(self, kind: str) -> DataLoader:
        """Leader posts of grids, buildings or units (held by someone in the caller's reach)."""
        return self._loader(
            ("posts_of_scopes", kind), lambda s, ids: network.posts_of_scopes(s, kind, ids), list, links="posts"
        )

    def posts_of_resident(self) -> DataLoader:
        return self._loader(("posts_of_residents",), network.posts_of_residents, list, links="posts")

    def care(self, side: str) -> DataLoader:
        """Care relationships by ``recipient`` or by ``caregiver`` (both ends in the caller's reach)."""
        return self._loader(("care", side), lambda s, ids: network.care_of(s, side, ids), list, links="care")

    def sensitive(self, reader) -> DataLoader:
        """Sensitive fields by (resident id, field): one logged read per batch (`graph.sensitive`)."""
        key = ("sensitive",)
        if key not in self._made:

            async def load(keys: list[tuple[str, str]]) -> list:
                wanted: dict[str, list[str]] = {}
                for rid, field in keys:
                    wanted.setdefault(rid, []).append(field)
                found = await self._run(sensitive.read_sensitive, wanted, reader)
                return [found.get(rid) for rid, _ in keys]

            self._made[key] = SharedLoader(load_fn=load)
        return self._made[key]

    def visits(self, limit: int, after: tuple[datetime, str] | None) -> DataLoader:
        """Pages of visits (``limit`` of them, newest first) by resident id (`graph.visits`)."""
        return self._loader(
            ("visits", limit, after), lambda s, ids: visits.visits_of(s, ids, limit=limit, after=after), list
        )

    def last_contact(self, day: date) -> DataLoader:
        """The last contact on or before ``day`` by resident id (None: none)."""
        return self._loader(("last_contact", day), lambda s, ids: visits.last_contacts(s, ids, day), lambda: None)

    def household_births(self) -> DataLoader:
        """Birth dates of each household's active residents (no names): is it a household of elders only?"""
        return self._loader(("household_births",), visits.household_births, list)

    def visit_notes(self, reader: Reader) -> DataLoader:
        """Notes of visits by visit id: one logged read per batch (`graph.visits.read_notes`)."""
        return self._loader(("visit_notes",), lambda s, ids: visits.read_notes(s, ids, reader), lambda: None)

    def case_history(self) -> DataLoader:
        """The transitions of requests and matters by case id, oldest first (`graph.cases.histories`)."""
        return self._loader(("case_history",), cases.histories, list)

    def wills(self, reader: Reader) -> DataLoader:
        """Wills by resident id: one logged read per batch (`graph.wills.wills_of`)."""
        return self._loader(("wills",), lambda s, ids: wills.wills_of(s, ids, reader), list)

    def consent(self) -> DataLoader:
        """Consents by resident id (`graph.consent`); defaults for what is unstated."""
        return self._loader(("consents",), consent.consents_of, consent.Consent)

    def stats(self, as_of) -> DataLoader:
        """Counts of communities on ``as_of``: every community of a request in one round trip."""
        return self._loader(
            ("stats", as_of), lambda s, ids: stats.many_community_stats(s, ids, today=as_of), lambda: None
        )

    def related(self, name: str) -> DataLoader:
        """One of `graph.reads.groups.RELATED`: teams, service roles, the Party network
        (members and households kept within the caller's reach)."""
        return self._loader(
            ("related", name), lambda s, ids: groups.related(s, name, ids), list, scoped=name in SCOPED_RELATED
        )


# the relations of `graph.reads.groups.RELATED` whose items are residents or places
SCOPED_RELATED = frozenset(
    {
        "members_of_teams",
        "members_of_groups",
        "households_of_groups",
        "service_roles_of_grids",
        "grid_of_branches",
        "branches_of_committees",
        "groups_of_branches",
    }  # the last two: Party branches and groups by their place
)


def _within(keep: Callable[[Any], bool], value):
    """``value`` (one item, or a list of them) cut down to what ``keep`` lets through."""
    if isinstance(value, list):
        return [x for x in value if keep(x)]
    return value if value is None or keep(value) else None
