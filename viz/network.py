"""The network view: one node per neuron, one edge per weight (``draw(..., view="network")``).

The op view draws every product and sum; at the size of a real model that is
thousands of boxes. This view draws what the course's slides draw instead:

- a column per layer, left to right: the input features, each layer, the loss;
- a neuron as one small box: its name (``L1.N3``), activation function,
  activation ``a`` (green), gradient ``δ = ∂loss/∂a`` (red) and bias ``b``;
- a weight as one edge from the neuron (or input) it reads to the neuron it
  feeds, blue where w > 0 and orange where w < 0 (a pair that colour-blind
  readers tell apart), wider for larger |w| (or |∂loss/∂w| with
  ``color_by="grad"``); its tooltip gives w and ∂loss/∂w;
- anything else a module computes (batch norm, an activation or dropout layer,
  a loss, a penalty) as one box per output, in its own column: a penalty is one
  box, never an edge per weight.

Everything is read from the graph itself: a neuron is any scope that holds a
weighted sum (an ``add_n`` of products with a Parameter), so the view works for
every model built from ``autograd.nn`` modules, and for hand-built neurons
made inside ``with scope(...)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Parameter, Value, topological_order
from viz.diagram import Diagram
from viz.text import LABEL_LIMIT, Summary, escape, format_number, shorten, tooltip

__all__ = ["Unit", "Weight", "Network", "read_network", "draw_network", "WEIGHT_COLORS"]

FONT = "Helvetica,Arial,sans-serif"
# Blue for positive and orange for negative weights: the two hues stay apart for
# the common forms of colour blindness (unlike red and green).
WEIGHT_COLORS = {"positive": "#2166ac", "negative": "#e66101"}
INK = {"data": "#15803d", "grad": "#b91c1c", "muted": "#4b5563", "line": "#6b7280",
       "neuron": "#f3f4f6", "input": "#dbeafe", "block": "#fef3c7", "loss": "#bbf7d0",
       "penalty": "#ede9fe"}
ACTIVATIONS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "σ", "leaky_relu": "LReLU",
               "exp": "exp", "sin": "sin"}
MIN_WIDTH, MAX_WIDTH = 0.6, 4.0  # an edge's pen width for the smallest and largest |w|


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
    activation: str = ""      # "ReLU", "tanh", ... ("" for a linear neuron)
    nodes: list[Value] = field(default_factory=list)  # the ops inside it, in order

    @property
    def data(self) -> Any:
        """The unit's value: a number, or one per sample (a batch, or a graph built
        sample by sample, whose outputs are gathered into one array)."""
        return _gather([v.data for v in self.outputs])

    @property
    def grad(self) -> Any:
        """∂loss/∂value, gathered as ``data`` is."""
        return _gather([v.grad for v in self.outputs])


def _gather(xs: list[Any]) -> Any:
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
    weights: list[Weight]
    links: list[tuple[Unit, Unit]]   # edges that carry no weight (into a loss, a block)
    root: Value


_NEURON_INDEX = re.compile(r"(?:^|\.)neurons\.(\d+)$")
_LAYER_INDEX = re.compile(r"(?:^|\.)layers\.(\d+)$")


def _neuron_name(path: str, column_number: int) -> tuple[str, int]:
    """``L1.N3`` for ``layers.1.neurons.3``; the neuron's index in its layer."""
    match = _NEURON_INDEX.search(path)
    index = int(match.group(1)) if match else 0
    layer = path[:match.start()] if match else path
    lm = _LAYER_INDEX.search(layer)
    number = int(lm.group(1)) if lm else column_number
    return f"L{number}.N{index}", index


def _weighted_sum(node: Value) -> bool:
    """Whether ``node`` is a neuron's b + w_1 x_1 + ...: a sum with a Parameter product."""
    if node.op not in ("add_n", "add"):
        return False
    return any(t.op == "mul" and any(i.__class__ is Parameter for i in t.inputs)
               for t in node.inputs)


def read_network(root: Value) -> Network:
    """Find the neurons, inputs and blocks of ``root``'s graph, by the scopes it records.

    A graph built sample by sample (one forward per sample) gives the same units
    as a batched one: a neuron's outputs for every sample are gathered into it,
    and an input feature is every leaf multiplied by the same first weight.
    """
    order = topological_order(root)
    by_scope: dict[str, list[Value]] = {}
    for node in order:
        if node._rule is not None:
            by_scope.setdefault(node.scope, []).append(node)
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for i in node.inputs:
            consumers.setdefault(i, []).append(node)

    def outputs_of(nodes: list[Value]) -> list[Value]:
        """The nodes of a group that something outside the group reads (or the root)."""
        inside = set(nodes)
        return [n for n in nodes
                if n is root or any(c not in inside for c in consumers.get(n, ()))]

    producer: dict[Value, Unit] = {}
    columns: dict[str, list[Unit]] = {}
    units: list[Unit] = []

    def add(unit: Unit) -> None:
        columns.setdefault(unit.column, []).append(unit)
        units.append(unit)
        for v in unit.outputs:
            producer[v] = unit

    # Neurons: a scope holding a weighted sum; its column is its layer.
    neuron_scopes = [s for s, nodes in by_scope.items() if any(map(_weighted_sum, nodes))]
    layer_of = {s: (_NEURON_INDEX.split(s)[0] if _NEURON_INDEX.search(s) else s)
                for s in neuron_scopes}
    layers = list(dict.fromkeys(layer_of[s] for s in neuron_scopes))
    for path in neuron_scopes:
        nodes = by_scope[path]
        name, index = _neuron_name(path, layers.index(layer_of[path]))
        sums = [n for n in nodes if _weighted_sum(n)]
        outputs = outputs_of(nodes) or nodes[-1:]
        bias = next((i for i in sums[0].inputs if i.__class__ is Parameter), None)
        last = outputs[-1]
        activation = ACTIVATIONS.get(last.op, "") if not _weighted_sum(last) else ""
        add(Unit(path, "neuron", name, f"layer:{layer_of[path]}", index, outputs, sums, bias,
                 activation, nodes))

    # Inputs: the leaves a neuron multiplies by a weight, one feature per first weight
    # (neuron 0 of the first layer reads x0, x1, ... through w0, w1, ...).
    features: dict[Value, list[Value]] = {}  # first weight -> the leaves it reads
    claimed: set[Value] = set()
    for unit in units:
        for node in unit.nodes:
            if node.op != "mul":
                continue
            w = next((i for i in node.inputs if i.__class__ is Parameter), None)
            for i in node.inputs:
                if w is not None and i is not w and i._rule is None \
                        and i.__class__ is not Parameter and i not in claimed:
                    features.setdefault(w, []).append(i)
                    claimed.add(i)
    for k, leaves in enumerate(features.values()):
        label = leaves[0].label if len(leaves) == 1 else ""
        add(Unit(f"input:{k}", "input", label or f"x{k}", "inputs", k, leaves))

    # Every other scope: a block with one box per value it hands on.
    for path, nodes in by_scope.items():
        if path in layer_of:
            continue
        kind = "penalty" if "penalty" in path else "loss" if "loss" in path else "block"
        for j, value in enumerate(outputs_of(nodes)):
            name = value.label or ("loss" if value is root else path or "output")
            add(Unit(f"{path}:{j}", "loss" if value is root else kind, name,
                     f"block:{path}", j, [value], nodes=nodes))

    weights: dict[tuple[int, int, int], Weight] = {}
    links: dict[tuple[int, int], tuple[Unit, Unit]] = {}
    for unit in units:
        for node in unit.nodes:
            for i in node.inputs:
                source = producer.get(i)
                if source is None or source is unit:
                    continue
                w = next((p for p in node.inputs if p.__class__ is Parameter), None)
                if unit.kind == "neuron" and node.op == "mul" and w is not None:
                    weights.setdefault((id(source), id(unit), id(w)), Weight(source, unit, w))
                else:
                    links.setdefault((id(source), id(unit)), (source, unit))

    ordered = _column_order(columns, list(weights.values()), list(links.values()))
    for column in ordered:
        column.sort(key=lambda u: u.index)
    return Network(ordered, list(weights.values()), list(links.values()), root)


def _column_order(columns: dict[str, list[Unit]], weights: list[Weight],
                  links: list[tuple[Unit, Unit]]) -> list[list[Unit]]:
    """Columns left to right: each after every column it reads from (its depth)."""
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
    keys = sorted(columns, key=lambda k: depth[k])  # stable: first appearance breaks ties
    return [columns[k] for k in keys]


# -- drawing ---------------------------------------------------------------------------

def _number(x: Any, numbers: Summary) -> str:
    """``x`` as the view shows it: a batch's mean (or one sample, or its range) with
    no "mean" on every box; the legend says what a batch's numbers are."""
    shown = numbers.pick(x)
    if isinstance(shown, tuple):
        return f"[{format_number(shown[0], numbers.fmt)}, {format_number(shown[1], numbers.fmt)}]"
    return format_number(shown, numbers.fmt)


def _magnitude(x: Any, numbers: Summary) -> float:
    shown = numbers.pick(x)
    if isinstance(shown, tuple):
        shown = max(abs(shown[0]), abs(shown[1]))
    return abs(shown) if math.isfinite(shown) else 0.0


def _row(text: str, color: str) -> str:
    return f'<tr><td align="left"><font color="{color}">{text}</font></td></tr>'


def _unit_label(unit: Unit, numbers: Summary, grads: bool) -> str:
    """A unit's box: its name (and activation function), value, gradient and bias.
    An input is one line, so that 30 features fit in one column."""
    name = escape(shorten(unit.name, LABEL_LIMIT))
    value = escape(_number(unit.data, numbers))
    if unit.kind == "input":
        cells = [f'<td align="left"><b>{name}</b> <font color="{INK["data"]}">{value}</font></td>']
        if grads:
            cells.append(f'<td align="left"><font color="{INK["grad"]}">'
                         f'δ {escape(_number(unit.grad, numbers))}</font></td>')
        return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1"><tr>'
                + "".join(cells) + "</tr></table>>")
    head = name
    if unit.activation:
        head += f' <font color="{INK["muted"]}">{escape(unit.activation)}</font>'
    rows = [f'<tr><td align="left"><b>{head}</b></td></tr>',
            _row(f"{'a' if unit.kind == 'neuron' else 'v'} = {value}", INK["data"])]
    if grads:
        rows.append(_row(f"δ = {escape(_number(unit.grad, numbers))}", INK["grad"]))
    if unit.bias is not None:
        rows.append(_row(f"b = {escape(_number(unit.bias.data, numbers))}", INK["muted"]))
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            + "".join(rows) + "</table>>")


def _unit_tooltip(unit: Unit, numbers: Summary, grads: bool) -> str:
    parts = [unit.key if unit.kind == "neuron" else unit.name,
             f"value {_number(unit.data, numbers)}"]
    if grads:
        parts.append(f"gradient ∂loss/∂value {_number(unit.grad, numbers)}")
    if unit.z:
        parts.append(f"z (weighted sum) {_number(_gather([z.data for z in unit.z]), numbers)}")
    return tooltip("\n".join(parts))


def _legend(color_by: str, grads: bool, batch: str) -> str:
    width = "|∂loss/∂w|" if color_by == "grad" else "|w|"
    pos, neg = WEIGHT_COLORS["positive"], WEIGHT_COLORS["negative"]
    rows = [
        f'<tr><td align="left"><font color="{pos}">━━</font> w &gt; 0   '
        f'<font color="{neg}">━━</font> w &lt; 0</td></tr>',
        f'<tr><td align="left">edge width: {escape(width)}</td></tr>',
        f'<tr><td align="left"><font color="{INK["data"]}">a</font>: activation</td></tr>',
    ]
    if grads:
        rows.append(f'<tr><td align="left"><font color="{INK["grad"]}">δ</font>: '
                    f'∂loss/∂a</td></tr>')
    if batch:
        rows.append(f'<tr><td align="left">{escape(batch)}</td></tr>')
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            + "".join(rows) + "</table>>")


def _batch_note(net: Network, numbers: Summary) -> str:
    """What a number means when the graph holds many samples ("" for one sample)."""
    size = np.size(net.columns[0][0].data)
    if size <= 1:
        return ""
    if numbers.sample is not None:
        return f"{size} samples: sample {numbers.sample % size}"
    return f"{size} samples: {'mean' if numbers.summary == 'mean' else '[min, max]'}"


def draw_network(root: Value, *, fmt: str = ".3g", grads: bool | None = None,
                 color_by: str = "data", sample: int | None = None, summary: str = "mean",
                 legend: bool = True, title: str | None = None) -> Diagram:
    """The network view of ``root``'s graph (see the module docstring); ``viz.draw``
    with ``view="network"`` calls this.

    ``color_by="grad"`` sizes each weight's edge by |∂loss/∂w| instead of |w|
    (its colour stays the sign of w). ``sample``/``summary`` pick what a batch
    shows, as in the op view.
    """
    if color_by not in ("data", "grad"):
        raise ValueError(f"color_by is 'data' or 'grad' in the network view, got {color_by!r}")
    numbers = Summary(sample, summary, fmt)
    net = read_network(root)
    if not net.weights:
        raise ValueError("the network view found no neuron in this graph (no scope holds a "
                         "weighted sum of Parameters); draw it with view='ops'")
    if grads is None:
        grads = any(np.any(u.grad != 0) for column in net.columns for u in column)

    graph = Diagram(
        name="network",
        graph_attr={"rankdir": "LR", "fontname": FONT, "bgcolor": "white", "newrank": "true",
                    "nodesep": "0.06", "ranksep": "1.6", "pad": "0.2", "splines": "line",
                    "outputorder": "edgesfirst"},
        node_attr={"fontname": FONT, "fontsize": "9", "shape": "box", "style": "rounded,filled",
                   "height": "0", "width": "0",
                   "margin": "0.04,0.02", "penwidth": "0.8", "color": INK["line"]},
        edge_attr={"arrowhead": "none"})
    if title:
        graph.attr(label=escape(shorten(title, 120)), labelloc="t", labeljust="l",
                   fontsize="12")

    ids: dict[int, str] = {}
    for c, column in enumerate(net.columns):
        with graph.subgraph(name=f"column{c}") as sub:
            sub.attr(rank="same")
            for k, unit in enumerate(column):
                ids[id(unit)] = name = f"u{c}_{k}"
                fill = INK["input"] if unit.kind == "input" else INK.get(unit.kind, INK["neuron"])
                sub.node(name, _unit_label(unit, numbers, grads), fillcolor=fill,
                         tooltip=_unit_tooltip(unit, numbers, grads))
            # invisible edges down the column keep units in index order
            for k in range(len(column) - 1):
                sub.edge(f"u{c}_{k}", f"u{c}_{k + 1}", style="invis")

    scale = max((_magnitude(w.w.grad if color_by == "grad" else w.w.data, numbers)
                 for w in net.weights), default=0.0) or 1.0
    for weight in net.weights:
        w, g = weight.w.data, weight.w.grad
        size = _magnitude(g if color_by == "grad" else w, numbers) / scale
        sign = numbers.pick(w)
        color = WEIGHT_COLORS["positive" if sign >= 0 else "negative"]
        tip = f"{weight.w.label or 'w'} = {_number(w, numbers)}"
        if grads:
            tip += f"\n∂loss/∂w = {_number(g, numbers)}"
        graph.edge(ids[id(weight.source)], ids[id(weight.target)], color=color + "cc",
                   penwidth=f"{MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * size:.2f}",
                   tooltip=tooltip(tip))
    for source, target in net.links:
        graph.edge(ids[id(source)], ids[id(target)], color=INK["line"], penwidth="0.8",
                   arrowhead="normal", arrowsize="0.5")
    if legend:
        with graph.subgraph(name="legend") as sub:
            sub.attr(rank="same")
            sub.node("legend", _legend(color_by, grads, _batch_note(net, numbers)),
                     shape="plaintext", style="",
                     fontsize="9")
        graph.edge(ids[id(net.columns[-1][0])], "legend", style="invis")
    return graph
