"""Reading a graph as a network: its units (inputs, neurons, blocks), weights and columns.

The network view (``viz.network``) draws what this module reads. A *unit* is one
box of that view: an input feature, a neuron, or one output of a layer without
weights (batch norm, dropout, an activation), a loss or a penalty. Everything is
read from the graph itself, through the scopes it records: a neuron is any scope
that holds a weighted sum (an ``add_n`` of products with a Parameter), so this
works for every model built from ``autograd.nn`` modules, and for hand-built
neurons made inside ``with scope(...)``. A graph built sample by sample gives the
same units as a batched one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
from viz.common.names import (
    ACTIVATION_SYMBOLS,
    block_kind,
    display_names,
    neuron_index,
    weighted_sum,
)
from viz.common.scope import levels, users

__all__ = ["Unit", "Weight", "Network", "UnitGraph", "read_network", "read_neurons",
           "find_unit", "block_statistics", "weight_of", "ancestors", "gather", "batch_size",
           "bias_of", "count_of", "norm_parts"]


@dataclass(eq=False)
class Unit:
    """One box of the network view: an input feature, a neuron, or a block's output."""

    key: str                  # unique: the scope path (a neuron) or "input:<k>"
    kind: str                 # "input", "neuron", "block", "loss" or "penalty"
    name: str                 # what the box says: x0, L1.N3, loss
    column: str               # the column (layer) it is drawn in
    index: int                # its place in the column
    outputs: list[Value]      # its value: one Value (a batch), or one per sample
    z: list[Value] = field(default_factory=list)  # a neuron's weighted sums
    bias: Value | None = None
    activation: str = ""      # "ReLU", "tanh", ... ("" for a linear neuron); for a block,
    #                           what it computes: "BN", "LN", "dropout", "ReLU", ...
    nodes: list[Value] = field(default_factory=list)  # the ops inside it, in topological order

    @property
    def data(self) -> Any:
        """The unit's value: a number, or one per sample (a batch, or a graph built
        sample by sample, whose outputs are gathered into one array)."""
        return gather([v.data for v in self.outputs])

    @property
    def grad(self) -> Any:
        """∂loss/∂value, gathered as ``data`` is."""
        return gather([v.grad for v in self.outputs])


def gather(xs: list[Any]) -> Any:
    if len(xs) == 1:
        return xs[0]
    return np.concatenate([np.broadcast_to(np.asarray(x, dtype=float), np.shape(x) or (1,))
                           for x in xs])


@dataclass(eq=False)
class Weight:
    """A weight drawn as an edge: ``target`` reads ``source`` through ``w``."""

    source: Unit
    target: Unit
    w: Value


@dataclass
class Network:
    """The units of a graph in columns, and the edges between them."""

    columns: list[list[Unit]]
    ranks: list[int]                 # each column's place left to right (shared by some)
    weights: list[Weight]
    links: list[tuple[Unit, Unit]]   # edges that carry no weight (into a loss, a block)
    root: Value


_STEP = re.compile(r"(?:^|\.)t(\d+)(?=\.|$)")  # an RNN's time step scope: t1, t2, ...


def _layer_path(path: str) -> str:
    """The layer a neuron's scope belongs to: ``layers.1`` for ``layers.1.neurons.3``
    (a scope that is not ``...neurons.j`` is its own layer)."""
    return ".".join(levels(path)[:-1]) if neuron_index(path) is not None else path


def _weighted_sum(node: Value) -> bool:
    """Whether ``node`` is a neuron's b + w_1 x_1 + ...: ``viz.names.weighted_sum``, made
    as one sum node (add_n, as every ``autograd.nn`` neuron makes it), which keeps
    batch norm's ``x̂ · γ + β`` (an ``add``) out."""
    return node.op == "add_n" and weighted_sum(node)


def weight_of(node: Value) -> Value | None:
    """The Parameter a product multiplies by, if ``node`` is such a product."""
    if node.op != "mul":
        return None
    return next((i for i in node.inputs if i.__class__ is Parameter), None)


class _Reader:
    """The graph's nodes by scope, who reads each node, and the units found so far."""

    def __init__(self, root: Value) -> None:
        self.root = root
        self.order = topological_order(root)
        self.by_scope: dict[str, list[Value]] = {}
        for node in self.order:
            if node._rule is not None:
                self.by_scope.setdefault(node.scope, []).append(node)
        self.consumers = users(self.order)
        self.units: list[Unit] = []
        self.producer: dict[Value, Unit] = {}
        self.names = display_names(self.order)[0]

    def name(self, value: Value) -> str:
        """A unit's name: the name its value goes by in every view (``viz.names``); for
        a graph built sample by sample, the first sample's (``L1.N3``, not ``L1.N3#2``)."""
        return self.names[value].split("#", 1)[0]

    def add(self, unit: Unit) -> Unit:
        self.units.append(unit)
        for v in unit.outputs:
            self.producer[v] = unit
        return unit

    def outputs_of(self, nodes: list[Value]) -> list[Value]:
        """The nodes of a group that something outside the group reads (or the root)."""
        inside = set(nodes)
        return [n for n in nodes
                if n is self.root or any(c not in inside for c in self.consumers.get(n, ()))]

    def source(self, value: Value, inside: set[Value]) -> Unit | None:
        """The unit a block's output comes from: follow first inputs out of the block
        (batch norm's (x_j - μ) / σ · γ + β, dropout's x_j · m_j, ReLU's x_j all lead to x_j)."""
        node = value
        while node in inside and node._rule is not None:
            node = node.inputs[0]
        return self.producer.get(node)


class UnitGraph:
    """What the rules of a network's units read of its graph (``viz.network.rules``
    fills it in): the network, its output, d root / d node for every node, who reads
    each node, the unit each op belongs to and the unit each value is the value of."""

    net: Network
    root: Value
    grads: Mapping[Value, Any]
    users: dict[Value, list[Value]]
    home: dict[Value, Unit]    # the unit an op belongs to (the first, if shared)
    owner: dict[Value, Unit]   # the unit a value is the value of

    def net_name(self, node: Value) -> str:
        """A node as the network view names it (``UnitRules`` says how)."""
        raise NotImplementedError


def read_network(root: Value) -> Network:
    """Find the neurons, inputs and blocks of ``root``'s graph, by the scopes it records.

    A graph built sample by sample (one forward per sample) gives the same units
    as a batched one: a neuron's outputs for every sample are gathered into it,
    and an input feature is every leaf multiplied by the same first weight. An
    RNN's step t (scope ``t<k>``) gives a column of hidden units ``h<k>.N<j>``,
    each W_xh x_t + W_hh h_(t-1) + b and its tanh in one box, and its outputs ``y<k>``.

    >>> from autograd import Value, nn
    >>> out = nn.MLP(2, [3, 1], seed=0)([Value(1.0), Value(-1.0)])
    >>> net = read_network(out)
    >>> [[unit.name for unit in column] for column in net.columns]
    [['x0', 'x1'], ['L0.N0', 'L0.N1', 'L0.N2'], ['L1.N0']]
    >>> len(net.weights)                   # 2 x 3 + 3 x 1
    9
    """
    reader = _Reader(root)
    neuron_scopes = [s for s, nodes in reader.by_scope.items() if any(map(_weighted_sum, nodes))]
    layer_of = {s: _layer_path(s) for s in neuron_scopes}
    for path in neuron_scopes:
        nodes = reader.by_scope[path]
        index = neuron_index(path) or 0
        sums = [n for n in nodes if _weighted_sum(n)]
        bias = next((i for i in sums[0].inputs if i.__class__ is Parameter), None)
        outputs = reader.outputs_of(nodes) or nodes[-1:]
        last = outputs[-1]
        reader.add(Unit(path, "neuron", reader.name(outputs[0]), f"layer:{layer_of[path]}",
                        index, outputs, sums, bias,
                        "" if _weighted_sum(last) else ACTIVATION_SYMBOLS.get(last.op, last.op),
                        nodes))
    _read_inputs(reader)
    for path, nodes in reader.by_scope.items():
        if path not in layer_of:
            _read_block(reader, path, nodes)
    _merge_recurrent_steps(reader)
    return _connect(reader)


def _read_inputs(reader: _Reader) -> None:
    """The leaves a neuron multiplies by a weight, one feature per first weight (neuron
    0 of the first layer reads x0, x1, ... through w0, w1, ...). An RNN's inputs at
    step t are their own column, x_t, drawn just before h_t."""
    features: dict[tuple[Value, str], list[Value]] = {}
    claimed: set[Value] = set()
    for unit in list(reader.units):
        step = _STEP.search(unit.key)
        for node in unit.nodes:
            w = weight_of(node)
            for i in node.inputs if w is not None else ():
                if i is not w and i._rule is None and i.__class__ is not Parameter \
                        and i not in claimed and i not in reader.producer:
                    features.setdefault((w, f"t{step.group(1)}" if step else ""), []).append(i)
                    claimed.add(i)
    counters: dict[str, int] = {}
    for (_, step), leaves in features.items():
        k = counters[step] = counters.get(step, -1) + 1
        reader.add(Unit(f"input:{step}:{k}", "input", reader.name(leaves[0]), f"inputs:{step}", k,
                        leaves))


def _read_block(reader: _Reader, path: str, nodes: list[Value]) -> None:
    """Any other scope: one box per value it hands on (per feature: outputs that come
    from the same unit, such as one feature's values for every sample, are one box)."""
    inside = set(nodes)
    groups: dict[int, tuple[Unit | None, list[Value]]] = {}
    for j, value in enumerate(reader.outputs_of(nodes)):
        source = reader.source(value, inside)
        groups.setdefault(id(source) if source is not None else -1 - j,
                          (source, []))[1].append(value)
    for j, (source, outputs) in enumerate(groups.values()):
        own = [n for n in nodes if n in ancestors(outputs, inside)]
        kind = "penalty" if "penalty" in path else "loss" if "loss" in path else "block"
        if reader.root in outputs:
            kind = "loss"
        unit = Unit(f"{path}:{j}", kind, reader.name(outputs[0]), f"block:{path}",
                    source.index if source is not None else j, outputs, nodes=own)
        unit.activation = block_kind(own)
        reader.add(unit)


def ancestors(outputs: list[Value], inside: set[Value]) -> set[Value]:
    """The nodes of ``inside`` that ``outputs`` depend on (``outputs`` included)."""
    seen: set[Value] = set()
    stack = [v for v in outputs if v in inside]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(i for i in node.inputs if i in inside)
    return seen


def _merge_recurrent_steps(reader: _Reader) -> None:
    """An RNN step: h_t,j = tanh(W_xh x_t + W_hh h_(t-1) + b)_j is made of two linear
    neurons (``t<k>.xh.neurons.j``, ``t<k>.hh.neurons.j``) and, in the step's own scope,
    their sum and its tanh. Draw the three as one hidden unit ``h<k>.N<j>``; the
    output layer's neurons at step k are ``y<k>``."""
    merged: set[int] = set()
    for unit in list(reader.units):
        path = unit.column[len("block:"):]
        step = _STEP.search(path)
        if unit.kind != "block" or step is None or step.end() != len(path):
            continue
        parts = [reader.producer.get(i) for n in unit.nodes for i in n.inputs]
        parts = list(dict.fromkeys(p for p in parts if p is not None and p.kind == "neuron"
                                   and _STEP.search(p.key) and not p.activation))
        if not parts:
            continue
        k = step.group(1)
        first = parts[0]
        sums = [z for p in parts for z in p.z]
        hidden = Unit(f"{path}.h.{first.index}", "neuron",
                      reader.name(unit.outputs[0]), f"hidden:t{k}", first.index, unit.outputs, sums,
                      next((p.bias for p in parts if p.bias is not None), None),
                      ACTIVATION_SYMBOLS.get(unit.outputs[-1].op, unit.outputs[-1].op),
                      [n for p in parts for n in p.nodes] + unit.nodes)
        for p in parts + [unit]:
            merged.add(id(p))
        reader.units.append(hidden)
        for v in hidden.outputs:
            reader.producer[v] = hidden
        for p in parts:  # the parts' own outputs now belong to the hidden unit
            for v in p.outputs:
                reader.producer[v] = hidden
    reader.units = [u for u in reader.units if id(u) not in merged]


def _connect(reader: _Reader) -> Network:
    """The edges between units: a weight where a neuron multiplies another unit's value
    by a Parameter, a plain link for any other use; then the columns, in order."""
    weights: dict[tuple[int, int, int], Weight] = {}
    links: dict[tuple[int, int], tuple[Unit, Unit]] = {}
    for unit in reader.units:
        for node in unit.nodes:
            w = weight_of(node) if unit.kind == "neuron" else None
            for i in node.inputs:
                source = reader.producer.get(i)
                if source is None or source is unit:
                    continue
                if w is not None:
                    weights.setdefault((id(source), id(unit), id(w)), Weight(source, unit, w))
                else:
                    links.setdefault((id(source), id(unit)), (source, unit))
    columns: dict[str, list[Unit]] = {}
    for unit in reader.units:
        columns.setdefault(unit.column, []).append(unit)
    ordered, ranks = _column_order(columns, list(weights.values()), list(links.values()))
    for column in ordered:
        column.sort(key=lambda u: u.index)
    return Network(ordered, ranks, list(weights.values()), list(links.values()), reader.root)


def _column_order(columns: dict[str, list[Unit]], weights: list[Weight],
                  links: list[tuple[Unit, Unit]]) -> tuple[list[list[Unit]], list[int]]:
    """Columns left to right, each after every column it reads from (its depth), and
    each column's rank. A column that reads nothing (the inputs, a penalty) sits
    just before the first column that reads it, so an RNN's x_t is drawn under
    h_(t-1), not at the far left."""
    column_of = {id(u): key for key, units in columns.items() for u in units}
    feeds: dict[str, set[str]] = {key: set() for key in columns}
    for source, target in [(w.source, w.target) for w in weights] + links:
        a, b = column_of[id(source)], column_of[id(target)]
        if a != b:
            feeds[b].add(a)
    depth: dict[str, int] = {}
    for key in columns:  # longest path from the inputs, without recursion
        stack = [key]
        while stack:
            top = stack[-1]
            pending = [k for k in feeds[top] if k not in depth and k not in stack]
            if pending:
                stack.extend(pending)
                continue
            depth[top] = 1 + max((depth[k] for k in feeds[top] if k in depth), default=-1)
            stack.pop()
    readers: dict[str, list[str]] = {}
    for key, sources in feeds.items():
        for k in sources:
            readers.setdefault(k, []).append(key)
    for key in columns:  # a column that reads nothing (inputs, a penalty): just in time
        if not feeds[key] and readers.get(key):
            depth[key] = min(depth[k] for k in readers[key]) - 1
    low = min(depth.values())
    # stable: first appearance breaks ties; inputs after the units of their rank
    keys = sorted(columns, key=lambda k: (depth[k], columns[k][0].kind == "input"))
    return [columns[k] for k in keys], [depth[k] - low for k in keys]


def block_statistics(unit: Unit) -> dict[str, Any]:
    """What a block's box shows besides its value, read from its ops.

    A normalization (batch norm, layer norm): ``μ`` and ``σ²`` (the input of
    ``sqrt(σ² + eps)``), or in eval the running ``μ`` and ``σ`` that the graph holds
    as constants (``running``), and its parameters ``γ`` and ``β``. Dropout: ``mask``,
    the factor each sample was multiplied by (0 where the unit was dropped).
    """
    stats: dict[str, Any] = {}
    for node in unit.nodes:
        a = node.inputs[0] if node.inputs else None
        if node.op == "sub" and "μ" not in stats:
            stats["μ"] = node.inputs[1].data
            stats["running"] = node.inputs[1].__class__ is Constant
        elif node.op == "sqrt" and a is not None and a.op == "add" and "σ²" not in stats:
            stats["σ²"] = a.inputs[0].data
        elif node.op == "div" and node.inputs[1].__class__ is Constant and "σ" not in stats:
            stats["σ"] = node.inputs[1].data
        elif node.op == "mul" and unit.activation == "drop":
            stats["mask"] = next(i.data for i in node.inputs if i.__class__ is Constant)
        elif unit.activation in ("BN", "LN") and node.op in ("mul", "add"):
            param = next((i for i in node.inputs if i.__class__ is Parameter), None)
            if param is not None:
                stats["γ" if node.op == "mul" else "β"] = param.data
    return stats


def bias_of(z: Value) -> Value | None:
    """The bias of a weighted sum: the Parameter among its terms."""
    return next((i for i in z.inputs if i.__class__ is Parameter), None)


def count_of(mu: Value) -> int:
    """How many values a mean μ averages: a batch's samples, or the terms of Σ / m."""
    if mu.op == "mean":
        return int(np.size(mu.inputs[0].data))
    return len(mu.inputs[0].inputs)


def norm_parts(value: Value, unit: Unit) -> tuple[Any, ...] | None:
    """A normalization's y = x̂ · γ + β, x̂ = (x - μ) / σ, σ = sqrt(σ² + ε), read back from
    y: (x, μ, σ², σ, γ, β); σ² is None with running statistics, γ and β without affine."""
    node, gamma, beta = value, None, None
    if node.op == "add" and node.inputs[1].__class__ is Parameter:
        node, beta = node.inputs[0], node.inputs[1]
    if node.op == "mul" and node.inputs[1].__class__ is Parameter:
        node, gamma = node.inputs[0], node.inputs[1]
    if node.op != "div" or node.inputs[0].op != "sub":
        return None
    diff, sigma = node.inputs
    x, mu = diff.inputs
    var = None
    if sigma.op == "sqrt" and sigma.inputs[0].op == "add":
        var = sigma.inputs[0].inputs[0]
    elif sigma.__class__ is not Constant:
        return None
    return x, mu, var, sigma, gamma, beta


def batch_size(net: Network) -> int:
    """How many samples the network's values hold (1 for one sample)."""
    return max(np.size(u.data) for column in net.columns for u in column)


def find_unit(net: Network, focus: str) -> Unit:
    """The unit ``focus`` names: its scope (``"layers.1.neurons.3"``) or its name (``"L1.N3"``)."""
    for column in net.columns:
        for unit in column:
            if focus in (unit.key, unit.name):
                return unit
    examples = [u.key for column in net.columns for u in column if u.kind == "neuron"][:3]
    raise ValueError(f"focus={focus!r} names no neuron of this network; give a neuron's scope "
                     f"or name, e.g. {', '.join(repr(e) for e in examples)}")


def read_neurons(root: Value) -> Network:
    """``read_network``, refusing a graph in which it finds no neuron."""
    net = read_network(root)
    if not net.weights:
        raise ValueError("the network view found no neuron in this graph (no scope holds a "
                         "weighted sum of Parameters); draw it with view='ops'")
    return net
