"""How much work a diagram is for Graphviz's ``dot``, estimated from its DOT before layout.

``dot`` puts every node on a rank and turns each edge that spans several ranks
into a chain of invisible *bend* nodes, one per rank it crosses; its crossing
minimisation and its placement of x coordinates then work on all of them.
The bends, not the boxes, are what makes a diagram slow: one box feeding a
chain of 100 additions (a Python ``sum`` over 100 samples) spans 1 + 2 + ... +
100 ranks, about 10,000 bends for 400 boxes, and ``dot`` is still placing them
minutes later, while 1,000 boxes in a shallow graph lay out in a fraction of
a second.

:func:`estimate` ranks the nodes the way ``dot`` would (longest path from the
sources, then each node with more edges out than in pulled down next to what
it feeds), counts the bends, and takes a few milliseconds for thousands of
statements. :func:`check` refuses a diagram whose estimate is over
:data:`LAYOUT_BUDGET` with :class:`viz.scene.TooLargeError`, and
:func:`layout_args` bounds ``dot``'s iterations for big ones that pass.

>>> import graphviz
>>> g = graphviz.Digraph()
>>> g.edge("x", "y"); g.edge("y", "z"); g.edge("x", "z")
>>> estimate(g)
Estimate(nodes=3, edges=3, bends=1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import graphviz

from viz.errors import TooLargeError

__all__ = ["LAYOUT_BUDGET", "BOUNDED_FROM", "NSLIMIT", "ADVICE", "Estimate", "estimate", "check",
           "layout_args"]

# The most layout work (Estimate.work: nodes + edges + bends) a render hands to dot,
# read at each render (viz.budget.LAYOUT_BUDGET = 30_000 to wait for a bigger picture).
# Measured with graphviz 2.43 on one core, with the bound below on: the time grows
# about as the square of the work; 4,000 took 0.4-1.5 s, 10,000-13,000 took 1-4 s,
# 21,000 took 12 s.
LAYOUT_BUDGET = 10_000

# From this much work on, dot's network simplex (ranks, then the coordinates across
# the ranks) stops after NSLIMIT iterations per node instead of running to the
# optimum: without the bound, a box feeding one chain of 70 sums (5,700 nodes and
# bends) took 37 s; with it, 1.4 s. Smaller diagrams keep dot's exact layout.
BOUNDED_FROM = 4_000
NSLIMIT = 2

ADVICE = ("draw it as neurons and weights, viz.draw(root, view='network'); or in the op "
          "view fold scopes with collapse='neuron' or collapse='layer' if it does not yet, "
          "or draw a smaller part of the graph")

_ID = r'"(?:[^"\\]|\\.)*"|[^\s\[\]{}:;"=]+'
_EDGE = re.compile(rf'\s*({_ID})(?::[^\s\[]+)?\s*->\s*({_ID})(?::[^\s\[]+)?\s*(\[.*)?$', re.S)
_NODE = re.compile(rf'\s*({_ID})\s*(\[.*)?$', re.S)
_KEYWORDS = {"graph", "node", "edge", "subgraph"}


@dataclass(frozen=True)
class Estimate:
    """The size of a diagram as ``dot`` lays it out.

    ``bends``: the hidden nodes ``dot`` adds along edges that span more than one rank.
    """

    nodes: int
    edges: int
    bends: int

    @property
    def work(self) -> int:
        """What ``dot`` orders and places: the nodes, the bends of long edges, and the edges
        between them (crossing minimisation counts edges, not nodes)."""
        return self.nodes + self.edges + self.bends


def _statements(graph: graphviz.Digraph | str) -> Iterable[str]:
    """One string per DOT statement (a Digraph's body keeps a multi-line label whole)."""
    if isinstance(graph, str):
        return graph.splitlines()
    return graph.body


def estimate(graph: graphviz.Digraph | str) -> Estimate:
    """Count the nodes, edges and bends of ``graph`` (a Digraph, or DOT text) without ``dot``.

    Edges with ``constraint=false`` do not rank nodes but are counted (``dot``
    draws them along bends too); nodes in a ``rank=same`` subgraph share a rank.
    """
    index: dict[str, int] = {}
    edges: list[tuple[int, int, bool]] = []       # tail, head, ranks the nodes
    same: list[list[int]] = []                   # rank=same groups
    stack: list[list[int] | None] = []           # open subgraphs: their members, if rank=same

    def node(name: str) -> int:
        i = index.setdefault(name, len(index))
        for members in stack:
            if members is not None:
                members.append(i)
        return i

    for statement in _statements(graph):
        text = statement.strip()
        if text.endswith("{"):
            stack.append(None)
        elif text == "}":
            members = stack.pop() if stack else None
            if members:
                same.append(members)
        elif re.fullmatch(r"rank\s*=\s*\"?(same|min|max|source|sink)\"?", text):
            if stack:
                stack[-1] = stack[-1] or []
        elif (m := _EDGE.match(text)) is not None:
            attrs = m.group(3) or ""
            edges.append((node(m.group(1)), node(m.group(2)),
                          re.search(r"\bconstraint\s*=\s*\"?false", attrs) is None))
        elif (m := _NODE.match(text)) is not None and m.group(1) not in _KEYWORDS:
            node(m.group(1))
    return Estimate(len(index), len(edges), _bends(len(index), edges, same))


def _bends(n: int, edges: list[tuple[int, int, bool]], same: list[list[int]]) -> int:
    """The bends of ``edges`` once the ``n`` nodes are ranked (see the module docstring)."""
    group = list(range(n))  # each node's rank=same representative

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for members in same:
        for i in members[1:]:
            group[find(i)] = find(members[0])
    succ: dict[int, list[int]] = {}
    pred: dict[int, list[int]] = {}
    for tail, head, ranks in edges:
        t, h = find(tail), find(head)
        if ranks and t != h:
            succ.setdefault(t, []).append(h)
            pred.setdefault(h, []).append(t)
    roots = {find(i) for i in range(n)}
    # Longest path from the sources, in Kahn's order (a cycle's nodes keep rank 0).
    waiting = {r: len(pred.get(r, ())) for r in roots}
    order = [r for r in roots if waiting[r] == 0]
    rank = dict.fromkeys(roots, 0)
    for r in order:
        for h in succ.get(r, ()):
            rank[h] = max(rank[h], rank[r] + 1)
            waiting[h] -= 1
            if waiting[h] == 0:
                order.append(h)
    # dot shortens edges where it can: a node feeding more than it reads (a constant,
    # an input, a weight) moves next to the first node it feeds.
    for r in reversed(order):
        out = succ.get(r)
        if out and len(out) > len(pred.get(r, ())):
            rank[r] = min(rank[h] for h in out) - 1
    return sum(max(0, abs(rank[find(h)] - rank[find(t)]) - 1) for t, h, _ in edges)


def check(graph: graphviz.Digraph | str, budget: float | None = None) -> Estimate:
    """``graph``'s :class:`Estimate`, or :class:`TooLargeError` if its work is over ``budget``.

    ``budget`` None means :data:`LAYOUT_BUDGET` (as it is now); ``math.inf`` lets
    anything through. The message names views that do lay out.
    """
    budget = LAYOUT_BUDGET if budget is None else budget
    size = estimate(graph)
    if size.work > budget:
        raise TooLargeError(
            f"this diagram is too large to lay out: {size.nodes} boxes and {size.edges} "
            f"edges, whose long edges add {size.bends} bends: {size.work} units of layout "
            f"work against a budget of {budget:g} (viz.budget.LAYOUT_BUDGET). Laying it out "
            f"would take minutes and the picture would be unreadable; instead, {ADVICE}.")
    return size


def layout_args(size: Estimate) -> list[str]:
    """``dot`` options for a diagram of this size: the iteration bound from
    :data:`BOUNDED_FROM` on (it replaces a graph's own ``nslimit``), else none."""
    if size.work < BOUNDED_FROM:  # read now: a test or a user may move it
        return []
    return [f"-Gnslimit={NSLIMIT}", f"-Gnslimit1={NSLIMIT}"]
