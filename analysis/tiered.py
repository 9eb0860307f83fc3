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

import networkx as nx

from analysis.self_pairs import repair_self_pairs

__all__ = ["solve_tiered"]


def _prefixes(hub):
    return [hub[:i] for i in range(len(hub), -1, -1)]


class _Network:
    """The hub network of one instance (see the module doc)."""

    def __init__(self, elders, candidates, isolated):
        self.D = nx.DiGraph()
        n = len(elders)
        self.m2 = 4 * n + 1
        self.m1 = (self.m2 + 4) * n + 1
        self.members = defaultdict(list)  # source or sink node -> people
        self.D.add_node("S", demand=-n)
        self.D.add_node("T", demand=n)
        self.D.add_edge("S", "T", capacity=n, weight=0)
        self._add_candidates(candidates, isolated)
        self._add_elders(elders, isolated)

    def _add_candidates(self, candidates, dual_keys):
        self.down_children = defaultdict(set)
        self.at_hub = defaultdict(list)  # hub -> sink nodes attached there
        for c in sorted(candidates, key=lambda c: c.resident_id):
            sink = ("Cd", c.key) if c.key in dual_keys else ("G", c.hub)
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

    def _add_elders(self, elders, dual_keys):
        for e in sorted(elders, key=lambda e: (not e.solitary, -e.age, e.resident_id)):
            weight = -(self.m2 + self.m1 * e.solitary)
            source = ("Ed", e.key) if e.key in dual_keys else ("E", e.hub, e.solitary)
            self.members[source].append(e)
            if self.D.has_edge("S", source):
                self.D.edges["S", source]["capacity"] += 1
            elif source[0] == "Ed":
                self.D.add_edge("S", source, capacity=1, weight=weight)
                self._add_dual_arcs(source, e)
            else:
                self.D.add_edge("S", source, capacity=1, weight=weight)
                self._add_up_path(source, e.hub)

    def _add_up_path(self, source, hub):
        self.D.add_edge(source, ("U", hub), weight=0)
        for h in _prefixes(hub):
            if h:
                self.D.add_edge(("U", h), ("U", h[:-1]), weight=0)
            if ("D", h) in self.D:
                self.D.add_edge(("U", h), ("D", h), weight=4 - len(h))

    def _add_dual_arcs(self, source, elder):
        own = elder.hub
        for a in _prefixes(own):
            cost = 4 - len(a)
            for sink in self.at_hub.get(a, ()):
                if sink != ("Cd", elder.key):
                    self.D.add_edge(source, sink, weight=cost)
            for child in sorted(self.down_children.get(a, ())):
                if child != own[: len(a) + 1] or a == own:
                    self.D.add_edge(source, ("D", child), weight=cost)


def solve_tiered(elders, candidates):
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
    isolated = set()
    while True:
        net = _Network(elders, candidates, isolated)
        _, flow = nx.network_simplex(net.D)
        pairs = _pairs(net, _paths(flow))
        stuck = repair_self_pairs(pairs, candidates)
        if not stuck:
            return [tuple(p) for p in pairs]
        isolated |= stuck


def _paths(flow):
    """Split an S-T flow of a DAG into (source, sink, amount) paths."""
    result = []
    for source in list(flow["S"]):
        while source != "T" and flow["S"][source] > 0:
            walk, node = [("S", source)], source
            while node != "T":
                nxt = next(v for v, f in flow[node].items() if f > 0)
                walk.append((node, nxt))
                node = nxt
            amount = min(flow[u][v] for u, v in walk)
            for u, v in walk:
                flow[u][v] -= amount
            result.append((source, walk[-1][0], amount))
    return result


def _pairs(net, paths):
    elders = {s: iter(people) for s, people in net.members.items() if s[0] in ("E", "Ed")}
    slots = {s: iter(_slots(net.members[s], _used(paths, s))) for s in {p[1] for p in paths}}
    return [[next(elders[src]), next(slots[sink])] for src, sink, k in paths for _ in range(k)]


def _used(paths, sink):
    return sum(k for _, s, k in paths if s == sink)


def _slots(candidates, used):
    """`used` slots spread over candidates, most remaining capacity first."""
    heap = [(-c.capacity, c.resident_id, i) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    result = []
    for _ in range(used):
        left, rid, i = heapq.heappop(heap)
        result.append(candidates[i])
        if left < -1:
            heapq.heappush(heap, (left + 1, rid, i))
    return result
