"""The exact tiered formulation of the assignment problem.

Every person sits at a *hub*: the tuple of their known place labels
``(grid, building, unit)``, cut at the first unknown label (so ``()`` is the
whole community). The cost of a pair is ``4 - len(common prefix)``: 1 in the
same unit, 2 same building, 3 same grid, 4 elsewhere. Costs therefore depend
only on the lowest common hub, and the problem collapses onto the hub tree:

- ``S -> ("E", hub, solitary)``: one *elder class* per hub and solitary flag,
  capacity its size, weight ``-(M2 + M1 * solitary)``; then to ``("U", hub)``;
- ``("U", h) -> ("U", parent)``, weight 0: an elder may look further afield;
- ``("U", h) -> ("D", h)``, weight ``4 - len(h)``: pairing at hub ``h``;
- ``("D", parent) -> ("D", h)``, weight 0, and ``("D", h) -> ("G", h) -> T``:
  the candidates at ``h`` with their remaining capacity;
- ``S -> T`` takes the elders left out.

``M2 = 4N + 1`` and ``M1 = (M2 + 4) N + 1`` (N elders) make the minimum cost
the lexicographic optimum: most solitary elders covered, then most elders,
then least cost. A path that crosses above the lowest common hub costs more
than the direct one, so no optimal flow uses it.

Nobody cares for themselves. An uncovered elder who is also a candidate (a
*dual*) first sits in the aggregated classes like anyone else; that is a
relaxation, and its optimum is an upper bound. Self-pairs in its solution are
swapped away without changing the objective (`analysis.self_pairs`); then the
solution is feasible and optimal. A dual whose self-pair cannot be swapped
away is *isolated* and the network solved again: it gets a singleton class
``("Ed", key)`` and a singleton candidate node ``("Cd", key)``;
``("Ed", p)`` does not enter the up tree but has arcs at each hub ``a`` above
it (cost ``4 - len(a)``) to the candidates attached at ``a`` and to the down
nodes of ``a``'s other children, never to its own ``Cd``. Each round isolates
at least one more dual, so this ends, in practice after one or two rounds.

The network has a few hundred nodes for a whole community; it is solved by
``networkx.network_simplex`` and split into paths, which become pairs.
Within an elder class the oldest are covered first (then resident id); within
a candidate group slots go to whoever has most remaining capacity (then
resident id). Which class loses out when capacity is short is the flow's
choice among equal optima, fixed for a given graph.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

import networkx as nx

from analysis.self_pairs import repair_self_pairs

if TYPE_CHECKING:  # assignment imports this module at run time
    from analysis.assignment import Hub, Person

__all__ = ["solve_tiered"]

#: A node of the hub network: ``"S"``/``"T"``, ``(tag, key)``, ``(tag, hub)`` or ``("E", hub, solitary)``.
_Node: TypeAlias = "str | tuple[str, str] | tuple[str, Hub] | tuple[str, Hub, bool]"
#: A flow: arc by arc, the amount sent (``networkx.network_simplex``).
_Flow: TypeAlias = "dict[_Node, dict[_Node, int]]"
#: A path of a flow: ``(source, sink, amount)``.
_Path: TypeAlias = "tuple[_Node, _Node, int]"


def _prefixes(hub: Hub) -> list[Hub]:
    return [hub[:i] for i in range(len(hub), -1, -1)]


class _Network:
    """The hub network of one instance (see the module doc)."""

    def __init__(self, elders: list[Person], candidates: list[Person], isolated: set[str]) -> None:
        self.D: nx.DiGraph[_Node] = nx.DiGraph()
        n = len(elders)
        self.m2 = 4 * n + 1
        self.m1 = (self.m2 + 4) * n + 1
        self.members: defaultdict[_Node, list[Person]] = defaultdict(list)  # source or sink node -> people
        self.D.add_node("S", demand=-n)
        self.D.add_node("T", demand=n)
        self.D.add_edge("S", "T", capacity=n, weight=0)
        self._add_candidates(candidates, isolated)
        self._add_elders(elders, isolated)

    def _add_candidates(self, candidates: Iterable[Person], dual_keys: set[str]) -> None:
        """Sink nodes of the candidates, their capacity, and the down tree above them."""
        self.down_children: defaultdict[Hub, set[Hub]] = defaultdict(set)
        self.at_hub: defaultdict[Hub, list[_Node]] = defaultdict(list)  # hub -> sink nodes attached there
        for c in sorted(candidates, key=lambda c: c.resident_id):
            sink: _Node = ("Cd", c.key) if c.key in dual_keys else ("G", c.hub)
            if sink not in self.members:
                self.at_hub[c.hub].append(sink)
                self.D.add_edge(("D", c.hub), sink, weight=0)
            self.members[sink].append(c)
            if self.D.has_edge(sink, "T"):
                self.D.edges[sink, "T"]["capacity"] += c.capacity
            else:
                self.D.add_edge(sink, "T", capacity=c.capacity, weight=0)
            for h in _prefixes(c.hub)[:-1]:
                self.down_children[h[:-1]].add(h)
                self.D.add_edge(("D", h[:-1]), ("D", h), weight=0)

    def _add_elders(self, elders: Iterable[Person], dual_keys: set[str]) -> None:
        """Source nodes of the elder classes (or of isolated duals) and their arcs up."""
        for e in sorted(elders, key=lambda e: (not e.solitary, -e.age, e.resident_id)):
            weight = -(self.m2 + self.m1 * e.solitary)
            source: _Node = ("Ed", e.key) if e.key in dual_keys else ("E", e.hub, e.solitary)
            self.members[source].append(e)
            if self.D.has_edge("S", source):
                self.D.edges["S", source]["capacity"] += 1
            elif source[0] == "Ed":
                self.D.add_edge("S", source, capacity=1, weight=weight)
                self._add_dual_arcs(source, e)
            else:
                self.D.add_edge("S", source, capacity=1, weight=weight)
                self._add_up_path(source, e.hub)

    def _add_up_path(self, source: _Node, hub: Hub) -> None:
        """Arcs from an elder class up its hub's prefixes, and down to candidates at each."""
        self.D.add_edge(source, ("U", hub), weight=0)
        for h in _prefixes(hub):
            if h:
                self.D.add_edge(("U", h), ("U", h[:-1]), weight=0)
            if ("D", h) in self.D:
                self.D.add_edge(("U", h), ("D", h), weight=4 - len(h))

    def _add_dual_arcs(self, source: _Node, elder: Person) -> None:
        """Arcs of an isolated dual to every candidate but themselves, at each hub above them."""
        own = elder.hub
        for a in _prefixes(own):
            cost = 4 - len(a)
            for sink in self.at_hub.get(a, ()):
                if sink != ("Cd", elder.key):
                    self.D.add_edge(source, sink, weight=cost)
            for child in sorted(self.down_children.get(a, ())):
                if child != own[: len(a) + 1] or a == own:
                    self.D.add_edge(source, ("D", child), weight=cost)


def solve_tiered(elders: list[Person], candidates: list[Person]) -> list[tuple[Person, Person]]:
    """Return optimal ``(elder, candidate)`` pairs (see the module doc).

    Parameters
    ----------
    elders, candidates : list of analysis.assignment.Person
        Records with ``key``, ``resident_id`` and ``hub``; elders also
        ``solitary`` and ``age``, candidates ``capacity`` (remaining, > 0).

    Returns
    -------
    list of (elder, candidate) tuples

    Examples
    --------
    >>> from analysis.assignment import Person
    >>> elders = [Person("a", "A", ("1", "5", "2"), solitary=True, age=90),
    ...           Person("b", "B", ("1", "5", "2"), age=70)]
    >>> helpers = [Person("h", "H", ("1", "6", "1"), capacity=1)]
    >>> [(e.resident_id, c.resident_id) for e, c in solve_tiered(elders, helpers)]
    [('A', 'H')]
    """
    if not elders or not candidates:
        return []
    isolated: set[str] = set()
    while True:
        net = _Network(elders, candidates, isolated)
        _, flow = nx.network_simplex(net.D)
        pairs = _pairs(net, _paths(flow))
        stuck = repair_self_pairs(pairs, candidates)
        if not stuck:
            return [(e, c) for e, c in pairs]
        isolated |= stuck


def _paths(flow: _Flow) -> list[_Path]:
    """Split an S-T flow of a DAG into (source, sink, amount) paths."""
    result: list[_Path] = []
    for source in list(flow["S"]):
        while source != "T" and flow["S"][source] > 0:
            walk: list[tuple[_Node, _Node]] = [("S", source)]
            node = source
            while node != "T":
                nxt = next(v for v, f in flow[node].items() if f > 0)
                walk.append((node, nxt))
                node = nxt
            amount = min(flow[u][v] for u, v in walk)
            for u, v in walk:
                flow[u][v] -= amount
            result.append((source, walk[-1][0], amount))
    return result


def _pairs(net: _Network, paths: list[_Path]) -> list[list[Person]]:
    """The ``[elder, candidate]`` pairs of the paths: elders in class order, slots by `_slots`."""
    elders = {s: iter(people) for s, people in net.members.items() if s[0] in ("E", "Ed")}
    slots = {s: iter(_slots(net.members[s], _used(paths, s))) for s in {p[1] for p in paths}}
    return [[next(elders[src]), next(slots[sink])] for src, sink, k in paths for _ in range(k)]


def _used(paths: list[_Path], sink: _Node) -> int:
    """How many elders the paths send to `sink`."""
    return sum(k for _, s, k in paths if s == sink)


def _slots(candidates: list[Person], used: int) -> list[Person]:
    """`used` slots spread over candidates, most remaining capacity first."""
    heap = [(-c.capacity, c.resident_id, i) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    result: list[Person] = []
    for _ in range(used):
        left, rid, i = heapq.heappop(heap)
        result.append(candidates[i])
        if left < -1:
            heapq.heappush(heap, (left + 1, rid, i))
    return result
