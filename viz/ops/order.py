"""The order a stepper visits a graph in: layer by layer, a neuron at a time.

The engine's own order (``autograd.topological_order``, the order the nodes
were made in) is right for computing, but stepping backward through its reverse
jumps between layers and ends on odd leaves (the output bias last). Any
reverse topological order gives the same gradients; :func:`backward_order`
picks the one that reads like the math:

1. the loss first, then each layer from the output to the input, finishing a
   layer before starting the next (a *unit* is a scope's nodes, e.g. one
   neuron; units closer to the loss go first, a layer's neurons by index);
2. within a neuron, its ops in reverse (activation, sum, products);
3. a leaf (a weight, a bias, an input) right after the last node that uses it,
   which is when its gradient is complete: next to its neuron.

It stays a reverse topological order (a node comes after every node that uses
it) because it is Kahn's algorithm on the reversed graph: the rules above only
choose among the nodes whose consumers are all done. :func:`forward_order` is
its mirror for the forward pass: the input layer first, a leaf just before the
first node that uses it.

>>> from autograd.engine import Value
>>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> [n.label for n in backward_order(f)], [n.label for n in forward_order(f)]
(['f', 'z', 'q', 'y', 'x'], ['x', 'y', 'q', 'z', 'f'])
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from autograd.engine import Parameter, Value, topological_order
from viz.common.names import neuron_index
from viz.common.scope import users as users_of

__all__ = ["backward_order", "forward_order", "depths"]


def depths(order: Sequence[Value]) -> dict[Value, int]:
    """Each node's longest distance (in edges) from the root, ``order[-1]``.

    Every node is deeper than each node that uses it, so sorting by depth is a
    reverse topological order; a layer's neurons, built alike, share a depth.
    """
    depth = dict.fromkeys(order, 0)
    for node in reversed(order):
        for inp in node.inputs:
            depth[inp] = max(depth[inp], depth[node] + 1)
    return depth


def _unit_keys(order: Sequence[Value]) -> dict[Value, tuple[int, int, int]]:
    """For each op node, its unit's place: (depth of the unit's output, neuron index,
    minus the unit's last place in ``order``). A unit is the nodes of one scope; a
    node made outside any scope is a unit of its own."""
    depth = depths(order)
    units: dict[object, list[int]] = {}
    unit_of: dict[Value, object] = {}
    for i, node in enumerate(order):
        if node.inputs:
            unit = node.scope or node
            unit_of[node] = unit
            units.setdefault(unit, []).append(i)
    keys = {}
    for unit, places in units.items():
        scope = unit if isinstance(unit, str) else ""
        key = (min(depth[order[i]] for i in places), neuron_index(scope) or 0, -max(places))
        for i in places:
            keys[order[i]] = key
    return keys


def backward_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on (constants too), in the order backward steps
    through them: the rules in the module docstring.

    Returns a reverse topological order: each node comes after every node that
    uses it, so its gradient is complete when its turn comes.
    """
    order = topological_order(root)
    place = {node: i for i, node in enumerate(order)}
    unit = _unit_keys(order)
    waiting = dict.fromkeys(order, 0)  # consumers not yet visited (an edge each: x * x)
    for node in order:
        for inp in node.inputs:
            waiting[inp] += 1
    result: list[Value] = []
    # ready leaves, visited before any op: a weight or bias before an input that
    # became ready with it (w * x: the weight is the neuron's, the input is shared)
    leaves: list[tuple[bool, int, Value]] = []
    ready: list[tuple[tuple[int, int, int], int, Value]] = []

    def push(node: Value) -> None:
        if node.inputs:
            heapq.heappush(ready, (unit[node], -place[node], node))
        else:
            heapq.heappush(leaves, (node.__class__ is not Parameter, -place[node], node))

    push(root)
    while ready or leaves:
        node = heapq.heappop(leaves)[2] if leaves else heapq.heappop(ready)[2]
        result.append(node)
        for inp in node.inputs:
            waiting[inp] -= 1
            if waiting[inp] == 0:
                push(inp)
    return result


def forward_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, in the order the forward pass steps through
    them: the input layer first, a layer's neurons by index, a neuron's ops in
    order, each leaf just before the first node that uses it. A topological order.
    """
    order = topological_order(root)
    place = {node: i for i, node in enumerate(order)}
    unit = _unit_keys(order)
    missing = {node: sum(1 for i in node.inputs if i.inputs) for node in order}
    users = users_of(order)
    done: set[Value] = set()
    result: list[Value] = []
    # Deepest unit first (the input layer), then by neuron index and place.
    ready = [((-unit[n][0], unit[n][1], -unit[n][2]), place[n], n)
             for n in order if n.inputs and missing[n] == 0]
    heapq.heapify(ready)
    while ready:
        node = heapq.heappop(ready)[2]
        for inp in node.inputs:
            if not inp.inputs and inp not in done:
                done.add(inp)
                result.append(inp)
        done.add(node)
        result.append(node)
        for user in dict.fromkeys(users.get(node, ())):
            missing[user] -= sum(1 for i in user.inputs if i is node)
            if missing[user] == 0:
                k = unit[user]
                heapq.heappush(ready, ((-k[0], k[1], -k[2]), place[user], user))
    if not root.inputs:
        result.append(root)
    return result

