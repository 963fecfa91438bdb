"""Each unit's step in the network view, as the rule it applies with one sample's numbers.

A unit's value comes from its own rule (forward): a neuron's weighted sum and
activation, batch norm's standardisation, dropout's mask. Its δ is
∂loss/∂(its value), the number in its box; backward, it is the sum of what
every reader of the value sends back, each by the reader's own rule::

    neuron k, through weight w:   w · f'(z_k) · δ_k        (f': k's activation's derivative)
    an activation layer:          f'(x) · δ
    dropout:                      m · δ                    (m = 1/(1 - p) where kept, else 0)
    batch or layer norm:          ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m + ∂loss/∂μ / m
    anything else (a loss):       its ops' local derivatives, multiplied along each path

Every factor is a number the picture shows (a weight, a box's δ, a value) or one
the rule works out from them in a line of its own, so each product can be
checked by hand. A batch's rule uses one sample's numbers; in summary mode (the
batch mean), no rule is written as a product of means: the formula and the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
from viz.common.names import display_names
from viz.common.scope import users
from viz.common.text import format_number
from viz.network.backward import BackwardRules
from viz.network.forward import ForwardRules
from viz.network.numbers import Numbers, weight_name
from viz.network.units import Network, Unit

__all__ = ["UnitRules", "Numbers", "weight_name"]


class UnitRules(ForwardRules, BackwardRules):
    """The rules of a network's units, forward and backward, with any sample's numbers.

    ``grads`` is d loss / d node for every node of the graph (``fresh_gradients``)."""

    def __init__(self, net: Network, root: Value, grads: Mapping[Value, Any]) -> None:
        self.net, self.root, self.grads = net, root, grads
        order = topological_order(root)
        self.users = users(order)
        self.names = display_names(order)[0]
        self.home: dict[Value, Unit] = {}   # the unit an op belongs to (the first, if shared)
        self.owner: dict[Value, Unit] = {}  # the unit a value is the value of
        for unit in (u for column in net.columns for u in column):
            for node in (*unit.nodes, *unit.outputs):
                self.home.setdefault(node, unit)
            self.owner.update((v, unit) for v in unit.outputs)

    def net_name(self, node: Value) -> str:
        """A node as the network view names it: its unit, a weight, a number."""
        unit = self.home.get(node)
        if unit is not None and node in unit.outputs:
            return unit.name
        if node.__class__ is Parameter:
            return weight_name(node)
        if node.__class__ is Constant:
            return "c" if isinstance(node.data, np.ndarray) else format_number(node.data)
        return self.names[node]
