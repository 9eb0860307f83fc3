"""Pair costs, and swapping self-pairs out of a relaxed assignment.

A solution of the relaxed assignment problem (self-pairs allowed) may pair an
elder who is also a candidate with themselves. `repair_self_pairs` removes
such a pair ``(p, p)`` without changing the objective, trying in turn:

1. a swap with another pair ``(e, q)``, ``e != p != q``: ``(p, q)`` and
   ``(e, p)``, when that costs no more (always so if ``e`` or ``q`` lives at
   ``p``'s hub: the costs are then equal);
2. a spare slot of another candidate ``q`` at ``p``'s hub: ``(p, q)``.

Self-pairs neither can remove are reported, so that the caller can solve
again with those people kept apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # assignment imports this module (through tiered) at run time
    from analysis.assignment import Hub, Person

__all__ = ["pair_cost", "repair_self_pairs"]


def pair_cost(hub_a: Hub, hub_b: Hub) -> int:
    """Cost of pairing people at two hubs: 4 minus their common prefix length.

    >>> pair_cost(("1", "5", "2"), ("1", "5", "2")), pair_cost(("1", "5", "2"), ("1", "6"))
    (1, 3)
    """
    common = 0
    for a, b in zip(hub_a, hub_b):
        if a != b:
            break
        common += 1
    return 4 - common


def repair_self_pairs(pairs: list[list[Person]], candidates: list[Person]) -> set[str]:
    """Remove self-pairs from `pairs` (a list of ``[elder, candidate]``) in place.

    Returns the set of keys of the people whose self-pair stays.

    >>> from analysis.assignment import Person
    >>> p = Person("p", "P", ("1",), capacity=1)
    >>> e, q = Person("e", "E", ("1",)), Person("q", "Q", ("2",), capacity=1)
    >>> pairs = [[p, p], [e, q]]
    >>> repair_self_pairs(pairs, [p, q]), [(a.key, b.key) for a, b in pairs]
    (set(), [('p', 'q'), ('e', 'p')])
    """
    selfs = [i for i, (e, c) in enumerate(pairs) if e.key == c.key]
    if not selfs:
        return set()
    at_hub: defaultdict[Hub, list[int]] = defaultdict(list)
    for i, (e, c) in enumerate(pairs):
        at_hub[e.hub].append(i)
        at_hub[c.hub].append(i)
    used = Counter(c.key for _, c in pairs)
    spare: defaultdict[Hub, list[Person]] = defaultdict(list)
    for c in candidates:
        spare[c.hub].append(c)
    stuck: set[str] = set()
    for i in selfs:  # an earlier swap may have resolved this one already
        if pairs[i][0].key == pairs[i][1].key and not (_swap(pairs, i, at_hub) or _spare(pairs, i, spare, used)):
            stuck.add(pairs[i][0].key)
    return stuck


def _swap(pairs: list[list[Person]], i: int, at_hub: dict[Hub, list[int]]) -> bool:
    """Swap self-pair `i` with another pair at its hub when that costs no more."""
    p = pairs[i][0]
    for j in at_hub[p.hub]:
        e, q = pairs[j]
        if p.key in (e.key, q.key):
            continue
        before = pair_cost(p.hub, p.hub) + pair_cost(e.hub, q.hub)
        if pair_cost(p.hub, q.hub) + pair_cost(e.hub, p.hub) <= before:
            pairs[i], pairs[j] = [p, q], [e, p]
            at_hub[q.hub].append(i)
            return True
    return False


def _spare(pairs: list[list[Person]], i: int, spare: dict[Hub, list[Person]], used: Counter[str]) -> bool:
    """Give self-pair `i` a spare slot of another candidate at its hub, if there is one."""
    p = pairs[i][0]
    for q in spare[p.hub]:
        if q.key != p.key and used[q.key] < q.capacity:
            pairs[i] = [p, q]
            used[q.key] += 1
            used[p.key] -= 1
            return True
    return False
