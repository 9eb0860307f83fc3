"""One indexed pass over a community graph, shared by the analyses.

`CommunityView` reads the graph of ``docs/analysis-graph.md`` once and keeps
what the analyses look up: nodes by kind, leader posts, care relationships,
team memberships, service roles, who visited whom and the place tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from analysis.domain import SCOPE_KINDS, PlaceSortKey, age_on, is_active, place_key, role_of_kind
from analysis.model import Attrs, Graph

__all__ = ["CommunityView", "Labels", "Post", "Row"]

KINDS = ("community", "grid", "building", "unit", "household", "resident", "team")

#: One JSON-ish entry of a result (a place, a person, a suggestion): what ``to_dict()`` serves.
Row: TypeAlias = dict[str, Any]
#: The (grid, building, unit) labels of a place; unknown ones are None.
Labels: TypeAlias = tuple[str | None, str | None, str | None]


@dataclass(frozen=True)
class Post:
    """One leader post: `person` holds post `post` (A/B) of `scope`."""

    person: str
    scope: str
    kind: str  # the scope's kind: grid, building or unit
    post: str

    @property
    def role(self) -> str:
        return role_of_kind(self.kind).value


class CommunityView:
    """An index of a community graph.

    >>> from analysis.example import example_graph
    >>> view = CommunityView(example_graph())
    >>> len(view.nodes["resident"]), len(view.posts)
    (8, 4)
    """

    def __init__(self, G: Graph) -> None:
        self.community: str | None = G.graph.get("community")
        #: the day an export's contacts are of (each elder's last contact on or before it); None: all contacts
        self.contacts_as_of: date | None = G.graph.get("contacts_as_of")
        self.nodes: dict[str | None, dict[str, Attrs]] = {kind: {} for kind in KINDS}
        self.kind_of: dict[str, str | None] = {}
        for n, d in G.nodes(data=True):
            self.nodes.setdefault(d.get("kind"), {})[n] = d
            self.kind_of[n] = d.get("kind")
        self.posts: list[Post] = []
        self.care: list[tuple[str, str, Attrs]] = []
        self.teams: defaultdict[str, set[str]] = defaultdict(set)
        self.services: defaultdict[str, set[str | None]] = defaultdict(set)
        self.servers: set[str] = set()  # residents serving any grid service role
        self.visitors: defaultdict[str, set[str]] = defaultdict(set)  # elder -> residents who visited them
        self.home: dict[str, str] = {}
        self.parent: dict[str, str] = {}
        self.children: defaultdict[str, list[str]] = defaultdict(list)
        self.holders: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for u, v, d in G.edges(data=True):
            self._read_edge(u, v, d)
        # what several analyses of one audit ask for the same day, computed once
        self._ages: dict[date, dict[str, int]] = {}
        self._caregivers: dict[date, dict[str, set[str]]] = {}

    def _read_edge(self, u: str, v: str, d: Attrs) -> None:
        rel, residents = d.get("rel"), self.nodes["resident"]
        if rel in ("HAS_GRID", "HAS_BUILDING", "HAS_UNIT", "HAS_HOUSEHOLD"):
            self.children[u].append(v)
            self.parent[v] = u
        elif rel == "LIVES_IN":
            self.home[u] = v
        elif rel == "LEADS" and u in residents:
            kind = self.kind(v)
            if kind in SCOPE_KINDS:
                self.posts.append(Post(u, v, kind, d.get("post", "A")))
                self.holders[v][d.get("post", "A")].add(u)
        elif rel == "CARES_FOR" and u in residents and v in residents and u != v:
            self.care.append((u, v, d))
        elif rel == "MEMBER_OF" and u in residents:
            self.teams[u].add(v)
        elif rel == "SERVES" and u in residents:
            self.services[v].add(d.get("role"))
            self.servers.add(u)
        elif rel == "VISITED" and u in residents and v in residents:
            self.visitors[v].add(u)

    def kind(self, n: str) -> str | None:
        """The kind of node `n`, or None."""
        return self.kind_of.get(n)

    def attrs(self, n: str) -> Attrs:
        """The attribute dict of node `n`."""
        return self.nodes[self.kind(n)][n]

    def resident_key(self, resident_id: str) -> str:
        """The node key of the resident with ledger id `resident_id`."""
        if not hasattr(self, "_by_id"):
            self._by_id: dict[str, str] = {d["resident_id"]: r for r, d in self.nodes["resident"].items()}
        return self._by_id[resident_id]

    def ages(self, as_of: date) -> dict[str, int]:
        """Age of every resident with a birth date, on `as_of` (computed once a day: do not change it)."""
        if as_of not in self._ages:
            residents = self.nodes["resident"].items()
            self._ages[as_of] = {r: age_on(d["birth_date"], as_of) for r, d in residents if d.get("birth_date")}
        return self._ages[as_of]

    def elders(self, as_of: date, elder_age: int) -> dict[str, int]:
        """Residents aged `elder_age` or more on `as_of`, mapped to their age."""
        return {r: a for r, a in self.ages(as_of).items() if a >= elder_age}

    def caregivers(self, as_of: date) -> dict[str, set[str]]:
        """Map each resident actively cared for to the set of their caregivers (computed once a day: read it
        with ``.get``, do not change it)."""
        if as_of not in self._caregivers:
            result: defaultdict[str, set[str]] = defaultdict(set)
            for u, v, d in self.care:
                if is_active(d.get("since"), d.get("until"), as_of):
                    result[v].add(u)
            self._caregivers[as_of] = result
        return self._caregivers[as_of]

    def care_loads(self, as_of: date) -> dict[str, int]:
        """Map each active caregiver to the number of distinct people cared for."""
        recipients: defaultdict[str, set[str]] = defaultdict(set)
        for v, givers in self.caregivers(as_of).items():
            for u in givers:
                recipients[u].add(v)
        return {u: len(vs) for u, vs in recipients.items()}

    def labels(self, n: str) -> Labels:
        """(grid, building, unit) labels of a scope or household node."""
        d = self.attrs(n)
        kind = self.kind(n)
        if kind == "grid":
            return (d.get("number"), None, None)
        if kind == "building":
            return (d.get("grid"), d.get("number"), None)
        if kind == "unit":
            return (d.get("grid"), d.get("building"), d.get("number"))
        return (d.get("grid"), d.get("building"), d.get("unit"))

    def sorted_nodes(self, kind: str) -> list[str]:
        """The nodes of a place kind, in place order (`analysis.model.place_key`)."""
        return sorted(self.nodes[kind], key=self.place_sort_key)

    def place_sort_key(self, n: str) -> tuple[PlaceSortKey, ...]:
        """Sort key of a place node by its (grid, building, unit[, room]) labels."""
        labels: tuple[str | None, ...] = self.labels(n)
        if self.kind(n) == "household":
            labels += (self.attrs(n).get("room"),)
        return tuple(place_key(x) for x in labels)

    def scope_label(self, scope: str) -> str | None:
        """A scope's label: ``"3"`` (grid), ``"5"`` (building), ``"5-2"`` (unit)."""
        grid, building, unit = self.labels(scope)
        kind = self.kind(scope)
        return grid if kind == "grid" else building if kind == "building" else f"{building}-{unit}"

    def post_label(self, post: Post) -> str:
        """A post as text: ``"unit_leader:5-2:B"``."""
        return f"{post.role}:{self.scope_label(post.scope)}:{post.post}"

    def descendants(self, n: str, kind: str) -> list[str]:
        """The nodes of `kind` below `n` in the place tree (n itself if of that kind)."""
        if self.kind(n) == kind:
            return [n]
        return [d for c in self.children.get(n, ()) for d in self.descendants(c, kind)]

    def ancestors(self, resident: str) -> list[str]:
        """The household, unit, building and grid a resident lives in (known ones)."""
        chain: list[str] = []
        n = self.home.get(resident)
        while n is not None and self.kind(n) != "community":
            chain.append(n)
            n = self.parent.get(n)
        return chain

    def household_members(self) -> dict[str, list[str]]:
        """Map each household to the residents living in it."""
        members: defaultdict[str, list[str]] = defaultdict(list)
        for r, h in self.home.items():
            if r in self.nodes["resident"]:
                members[h].append(r)
        return members
