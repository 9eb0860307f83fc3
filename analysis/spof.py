"""Single points of failure: people whose absence leaves elders with nobody.

The model. An elder is **reached** while someone answers for them: an active
caregiver, or an unbroken chain of leaders from the community down to their
household. The chain lives in the *responsibility graph*, a DiGraph built by
`responsibility_graph`::

    community -> grid -> post -> building -> post -> unit -> post -> household -> elder

Each scope (grid, building, unit) points at one *post node* per holder of its
posts, ``("post", person, scope)`` for A and B alike, and each post node
points at the scope's children. A scope nobody holds a post of breaks the
chain below it. Care is kept beside the graph: a caregiver answers for an
elder whatever happens to the chain, so the two ways of being reached are
independent.

A person P is a **single point of failure** for another elder E when E is reached
and would not be without P:

- E has no active caregiver, and some post node of P dominates E in the
  responsibility graph (``networkx.immediate_dominators`` from the
  community): P holds alone a post of a scope above E; or
- P is E's only active caregiver, and either P dominates E's chain as above
  or the chain is already broken.

Elders with two or more caregivers have no single point of failure. Elders
with no caregiver and a broken chain are **unreached**: nobody's absence
matters, a post must be filled. An **AB backup** at P's *sole posts* (the
posts of scopes P alone holds, A or B) fixes exactly those of P's elders whose
chain is complete: the second holder keeps the chain when P is absent. Where P is the only
caregiver and the chain is broken, only another caregiver or filling the
vacant post helps.

People are ranked by the number of elders they would leave, then solitary
elders among those, then resident id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

import networkx as nx

from analysis.domain import as_of_date
from analysis.model import Graph
from analysis.view import CommunityView, Row
from analysis.workload import post_sort_key

__all__ = ["SpofResult", "responsibility_graph", "single_points_of_failure"]

#: A node of the responsibility graph: a place or resident key, a post node
#: ``("post", person, scope)``, or ``("community", name)`` for a graph without a community node.
Node: TypeAlias = "str | tuple[str, str, str] | tuple[str, str | None]"
#: The responsibility graph (see the module doc).
ResponsibilityGraph: TypeAlias = "nx.DiGraph[Node]"
#: Immediate dominators in the responsibility graph, node by node.
Dominators: TypeAlias = "dict[Node, Node]"
#: The urgency order of elders: solitary first, then oldest, then resident id.
Urgency: TypeAlias = Callable[[str], tuple[bool, int, str]]


@dataclass
class SpofResult:
    """People ranked by the elders their absence would leave with nobody."""

    community: str | None
    as_of: date
    elder_age: int
    totals: dict[str, int]
    people: list[Row]
    unreached_elders: list[str]

    def to_dict(self) -> Row:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["as_of"] = self.as_of.isoformat()
        return d


def responsibility_graph(G: Graph, *, as_of: date | str | None = None, elder_age: int = 60) -> ResponsibilityGraph:
    """Return the responsibility DiGraph of a community (see the module doc).

    Nodes keep the community graph's keys; post nodes are
    ``("post", person, scope)``. Every node has ``kind``.

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> H = responsibility_graph(example_graph(), as_of="2024-06-01")
    >>> [n for n in H.successors("示例社区/b/5")]
    [('post', '示例社区/r/R01', '示例社区/b/5')]
    >>> H.out_degree("示例社区/b/6")
    0
    """
    view, as_of = CommunityView(G), as_of_date(as_of)
    return _graph(view, view.elders(as_of, elder_age))


def _root(view: CommunityView) -> Node:
    """The community node: the root of the responsibility graph."""
    return next(iter(view.nodes["community"]), ("community", view.community))


def _graph(view: CommunityView, elders: Iterable[str]) -> ResponsibilityGraph:
    """The responsibility graph of the places, posts and `elders` of a view."""
    H: ResponsibilityGraph = nx.DiGraph()
    root = _root(view)
    H.add_node(root, kind="community")
    for grid in view.nodes["grid"]:
        H.add_edge(root, grid)
    for kind in ("grid", "building", "unit"):
        for scope in view.nodes[kind]:
            H.add_node(scope, kind=kind)
            holders: set[str] = set().union(*view.holders.get(scope, {}).values())
            for person in sorted(holders):
                post = ("post", person, scope)
                H.add_node(post, kind="post", person=person)
                H.add_edge(scope, post)
                H.add_edges_from((post, child) for child in view.children.get(scope, ()))
    for e in elders:
        if e in view.home:
            H.add_node(view.home[e], kind="household")
            H.add_node(e, kind="elder")
            H.add_edge(view.home[e], e)
    return H


def single_points_of_failure(
    G: Graph, *, as_of: date | str | None = None, elder_age: int = 60, limit: int | None = None
) -> SpofResult:
    """Rank people whose absence would leave elders with no one answering for them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A community graph (``docs/analysis-graph.md``).
    as_of : date or str, optional
        The day care must be active on (default today).
    elder_age : int, optional
        The age from which a resident is an elder (default 60).
    limit : int, optional
        Keep only the first `limit` people.

    Returns
    -------
    SpofResult
        ``people`` entries: ``resident_id``, ``name``, ``posts``, ``elders``
        (how many), ``solitary``, ``sole_caregiver_of``, ``fixed_by_backup``,
        ``sole_posts`` and ``elder_ids`` (solitary and oldest first).

    Examples
    --------
    >>> from analysis.example import example_graph
    >>> r = single_points_of_failure(example_graph(), as_of="2024-06-01")
    >>> [(p["resident_id"], p["elders"], p["fixed_by_backup"]) for p in r.people]
    [('R01', 3, 3), ('R02', 2, 2)]
    >>> r.people[1]["sole_posts"], r.unreached_elders
    (['grid_leader:1:A', 'unit_leader:5-1:A', 'unit_leader:5-2:B'], ['R08', 'R06'])
    """
    view, as_of = CommunityView(G), as_of_date(as_of)
    elders = view.elders(as_of, elder_age)
    H = _graph(view, elders)
    idom: Dominators = nx.immediate_dominators(H, _root(view))
    cared = view.caregivers(as_of)
    lost, unreached = _lost_elders(H, idom, elders, cared)
    urgency = _urgency(view, elders)
    people = sorted(
        (_entry(view, p, es, idom, cared, urgency) for p, es in lost.items()),
        key=lambda x: (-x["elders"], -x["solitary"], x["resident_id"]),
    )
    at_risk: set[str] = set().union(*lost.values())
    totals = {
        "elders": len(elders),
        "elders_at_risk": len(at_risk),
        "unreached_elders": len(unreached),
        "people": len(people),
    }
    unreached_ids = [view.nodes["resident"][e]["resident_id"] for e in sorted(unreached, key=urgency)]
    return SpofResult(view.community, as_of, elder_age, totals, people[:limit], unreached_ids)


def _lost_elders(
    H: ResponsibilityGraph, idom: Dominators, elders: Iterable[str], cared: dict[str, set[str]]
) -> tuple[dict[str, set[str]], list[str]]:
    """Map each person to the elders they alone keep reached; list the unreached."""
    lost: defaultdict[str, set[str]] = defaultdict(set)
    unreached: list[str] = []
    for e in elders:
        givers = cared.get(e, set())
        chain = _chain_people(H, idom, e) if e in idom else None
        if len(givers) == 1:
            (c,) = givers
            if chain is None or c in chain:
                lost[c].add(e)
        elif not givers and chain is None:
            unreached.append(e)
        elif not givers and chain is not None:
            for p in chain - {e}:
                lost[p].add(e)
    return lost, unreached


def _chain_people(H: ResponsibilityGraph, idom: Dominators, e: str) -> set[str]:
    """The people whose post nodes dominate elder `e`."""
    people: set[str] = set()
    n = idom[e]
    while n in idom:
        if H.nodes[n].get("kind") == "post":
            people.add(H.nodes[n]["person"])
        n = idom[n]
    return people


def _urgency(view: CommunityView, elders: dict[str, int]) -> Urgency:
    """The sort key putting `elders` in urgency order."""
    res = view.nodes["resident"]
    return lambda e: (not res[e].get("lives_alone"), -elders[e], res[e]["resident_id"])


def _entry(
    view: CommunityView, person: str, lost: set[str], idom: Dominators, cared: dict[str, set[str]], urgency: Urgency
) -> Row:
    """The entry of one person: their posts and the elders their absence would leave."""
    res = view.nodes["resident"]
    posts = sorted((p for p in view.posts if p.person == person), key=lambda p: post_sort_key(view, p))
    sole = [p for p in posts if set().union(*view.holders[p.scope].values()) == {person}]
    ordered = sorted(lost, key=urgency)
    return {
        "resident_id": res[person]["resident_id"],
        "name": res[person].get("name"),
        "posts": [view.post_label(p) for p in posts],
        "elders": len(lost),
        "solitary": sum(bool(res[e].get("lives_alone")) for e in lost),
        "sole_caregiver_of": sum(1 for e in lost if cared.get(e) == {person}),
        "fixed_by_backup": sum(1 for e in lost if e in idom),
        "sole_posts": [view.post_label(p) for p in sole],
        "elder_ids": [res[e]["resident_id"] for e in ordered],
    }
