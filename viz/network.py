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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
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
HIGHLIGHT = "#f59e0b"  # the stepper's current unit, as in the op view
OPENED = "#d97706"  # the border of a neuron opened with focus=, and of its ops
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
    ranks: list[int]                 # each column's place left to right (shared by some)
    weights: list[Weight]
    links: list[tuple[Unit, Unit]]   # edges that carry no weight (into a loss, a block)
    root: Value


_NEURON_INDEX = re.compile(r"(?:^|\.)neurons\.(\d+)$")
_LAYER_INDEX = re.compile(r"(?:^|\.)layers\.(\d+)$")
_STEP = re.compile(r"(?:^|\.)t(\d+)(?=\.|$)")  # an RNN's time step scope: t1, t2, ...


def _neuron_name(path: str, layer_number: int) -> tuple[str, int]:
    """``L1.N3`` for ``layers.1.neurons.3``; the neuron's index in its layer."""
    match = _NEURON_INDEX.search(path)
    index = int(match.group(1)) if match else 0
    lm = _LAYER_INDEX.search(path[:match.start()] if match else path)
    return f"L{int(lm.group(1)) if lm else layer_number}.N{index}", index


def _weighted_sum(node: Value) -> bool:
    """Whether ``node`` is a neuron's b + w_1 x_1 + ...: one sum node (add_n, as every
    ``autograd.nn`` neuron makes it) with a product of a Parameter among its terms."""
    return node.op == "add_n" and any(
        t.op == "mul" and any(i.__class__ is Parameter for i in t.inputs) for t in node.inputs)


def _weight_of(node: Value) -> Value | None:
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
        self.consumers: dict[Value, list[Value]] = {}
        for node in self.order:
            if node._rule is not None:
                self.by_scope.setdefault(node.scope, []).append(node)
            for i in node.inputs:
                self.consumers.setdefault(i, []).append(node)
        self.units: list[Unit] = []
        self.producer: dict[Value, Unit] = {}

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


def read_network(root: Value) -> Network:
    """Find the neurons, inputs and blocks of ``root``'s graph, by the scopes it records.

    A graph built sample by sample (one forward per sample) gives the same units
    as a batched one: a neuron's outputs for every sample are gathered into it,
    and an input feature is every leaf multiplied by the same first weight. An
    RNN's step t (scope ``t<k>``) gives a column of hidden units ``h<k>.N<j>``,
    each W_xh x_t + W_hh h_(t-1) + b and its tanh in one box, and its outputs ``y<k>``.
    """
    reader = _Reader(root)
    neuron_scopes = [s for s, nodes in reader.by_scope.items() if any(map(_weighted_sum, nodes))]
    layer_of = {s: (_NEURON_INDEX.split(s)[0] if _NEURON_INDEX.search(s) else s)
                for s in neuron_scopes}
    layers = list(dict.fromkeys(layer_of.values()))
    for path in neuron_scopes:
        nodes = reader.by_scope[path]
        name, index = _neuron_name(path, layers.index(layer_of[path]))
        sums = [n for n in nodes if _weighted_sum(n)]
        bias = next((i for i in sums[0].inputs if i.__class__ is Parameter), None)
        if not _NEURON_INDEX.search(path) and bias is not None and bias.label.endswith(".b"):
            name = bias.label[:-2]  # a neuron on its own: named as its parameters are (N0, P)
        outputs = reader.outputs_of(nodes) or nodes[-1:]
        last = outputs[-1]
        reader.add(Unit(path, "neuron", name, f"layer:{layer_of[path]}", index, outputs, sums,
                        bias,
                        "" if _weighted_sum(last) else ACTIVATIONS.get(last.op, last.op), nodes))
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
            w = _weight_of(node)
            for i in node.inputs if w is not None else ():
                if i is not w and i._rule is None and i.__class__ is not Parameter \
                        and i not in claimed and i not in reader.producer:
                    features.setdefault((w, f"t{step.group(1)}" if step else ""), []).append(i)
                    claimed.add(i)
    counters: dict[str, int] = {}
    for (_, step), leaves in features.items():
        k = counters[step] = counters.get(step, -1) + 1
        label = leaves[0].label if len(leaves) == 1 else ""
        name = label or (f"x{step[1:]}" + (f".{k}" if k else "") if step else f"x{k}")
        reader.add(Unit(f"input:{step}:{k}", "input", name, f"inputs:{step}", k, leaves))


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
        own = [n for n in nodes if n in _ancestors(outputs, inside)]
        kind = "penalty" if "penalty" in path else "loss" if "loss" in path else "block"
        if reader.root in outputs:
            kind = "loss"
        name = outputs[0].label or ("loss" if reader.root in outputs else path or "output")
        unit = Unit(f"{path}:{j}", kind, name, f"block:{path}",
                    source.index if source is not None else j, outputs, nodes=own)
        unit.activation = _block_kind(own)
        reader.add(unit)


def _ancestors(outputs: list[Value], inside: set[Value]) -> set[Value]:
    """The nodes of ``inside`` that ``outputs`` depend on (``outputs`` included)."""
    seen: set[Value] = set()
    stack = [v for v in outputs if v in inside]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(i for i in node.inputs if i in inside)
    return seen


def _block_kind(nodes: list[Value]) -> str:
    """What a block computes, from its ops: a normalization (a sqrt of a variance), a
    dropout mask (a product with a constant), or an activation."""
    ops = {n.op for n in nodes}
    if "sqrt" in ops or ("div" in ops and "sub" in ops):
        return "norm"
    if ops == {"mul"} and any(i.__class__ is Constant for n in nodes for i in n.inputs):
        return "dropout"
    if len(ops) == 1 and next(iter(ops)) in ACTIVATIONS:
        return ACTIVATIONS[next(iter(ops))]
    return ""


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
                      f"h{k}.N{first.index}", f"hidden:t{k}", first.index, unit.outputs, sums,
                      next((p.bias for p in parts if p.bias is not None), None),
                      ACTIVATIONS.get(unit.outputs[-1].op, unit.outputs[-1].op),
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
    for unit in reader.units:  # the output layer read by a step: y_t
        step = _STEP.search(unit.key)
        if unit.kind == "neuron" and step and not unit.name.startswith("h"):
            k = step.group(1)
            layer = [u for u in reader.units if u.column == unit.column]
            unit.name = f"y{k}" if len(layer) == 1 else f"y{k}.N{unit.index}"


def _connect(reader: _Reader) -> Network:
    """The edges between units: a weight where a neuron multiplies another unit's value
    by a Parameter, a plain link for any other use; then the columns, in order."""
    weights: dict[tuple[int, int, int], Weight] = {}
    links: dict[tuple[int, int], tuple[Unit, Unit]] = {}
    for unit in reader.units:
        for node in unit.nodes:
            w = _weight_of(node) if unit.kind == "neuron" else None
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


@dataclass
class Progress:
    """One moment of a pass, for the stepper: the unit being computed, whose values
    are known (None: all), and the gradients known so far (None: every unit's
    ``grad``). An unknown number shows as "?" in a row kept in place, so the
    layout is the same in every frame."""

    current: Unit | None = None
    values: set[int] | None = None      # ids of units whose value is shown
    grads: dict[int, Any] | None = None  # unit id -> its gradient, for those known


def _value_text(unit: Unit, numbers: Summary, progress: Progress | None) -> str:
    if progress is not None and progress.values is not None and id(unit) not in progress.values:
        return "?"
    return _number(unit.data, numbers)


def _grad_text(unit: Unit, numbers: Summary, progress: Progress | None) -> str:
    if progress is None or progress.grads is None:
        return _number(unit.grad, numbers)
    known = progress.grads.get(id(unit))
    return "?" if known is None else _number(known, numbers)


def _unit_label(unit: Unit, numbers: Summary, grads: bool,
                progress: Progress | None = None) -> str:
    """A unit's box: its name (and activation function), value, gradient and bias.
    An input is one line, so that 30 features fit in one column."""
    name = escape(shorten(unit.name, LABEL_LIMIT))
    value = escape(_value_text(unit, numbers, progress))
    if unit.kind == "input":
        cells = [f'<td align="left"><b>{name}</b> <font color="{INK["data"]}">{value}</font></td>']
        if grads:
            cells.append(f'<td align="left"><font color="{INK["grad"]}">'
                         f'δ {escape(_grad_text(unit, numbers, progress))}</font></td>')
        return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1"><tr>'
                + "".join(cells) + "</tr></table>>")
    if unit.kind == "block":
        return _block_label(unit, numbers, grads, progress)
    head = name
    if unit.activation:
        head += f' <font color="{INK["muted"]}">{escape(unit.activation)}</font>'
    rows = [f'<tr><td align="left"><b>{head}</b></td></tr>',
            _row(f"{'a' if unit.kind == 'neuron' else 'v'} = {value}", INK["data"])]
    if grads:
        rows.append(_row(f"δ = {escape(_grad_text(unit, numbers, progress))}", INK["grad"]))
    if unit.bias is not None:
        rows.append(_row(f"b = {escape(_number(unit.bias.data, numbers))}", INK["muted"]))
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            + "".join(rows) + "</table>>")


def block_statistics(unit: Unit) -> dict[str, Any]:
    """What a block's box shows besides its value, read from its ops.

    A normalization (batch norm, layer norm): ``μ`` and ``σ²`` (the input of
    ``sqrt(σ² + eps)``), or in eval the running ``μ`` and ``σ`` that the graph holds
    as constants. Dropout: ``mask``, the factor each sample was multiplied by
    (0 where the unit was dropped).
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
        elif node.op == "mul" and unit.activation == "dropout":
            stats["mask"] = next(i.data for i in node.inputs if i.__class__ is Constant)
    return stats


def _block_label(unit: Unit, numbers: Summary, grads: bool,
                 progress: Progress | None = None) -> str:
    """A thin box for one feature of a layer without weights: batch norm's statistics,
    dropout's mask (a dropped unit crossed out), an activation's function."""
    stats = block_statistics(unit)
    kind = unit.activation
    if kind == "norm":
        kind = "BN" if "μ" in stats and np.ndim(stats["μ"]) == 0 and len(unit.nodes) < 12 \
            else "norm"
    head = f"{kind or 'v'} {unit.index}"
    rows = []
    dropped = False
    if "mask" in stats:
        mask = numbers.pick(stats["mask"])
        if isinstance(mask, tuple) or np.ndim(stats["mask"]) and numbers.sample is None:
            kept = float(np.mean(np.asarray(stats["mask"]) != 0))
            rows.append(_row(f"kept in {kept:.0%}", INK["muted"]))
        else:
            dropped = mask == 0
    for key in ("μ", "σ²", "σ"):
        if key in stats:
            label = f"running {key}" if stats.get("running") else key
            rows.append(_row(f"{label} = {escape(_number(stats[key], numbers))}", INK["muted"]))
    value = escape(_value_text(unit, numbers, progress))
    rows.append(_row(f"v = {value}", INK["data"]))
    if grads:
        rows.append(_row(f"δ = {escape(_grad_text(unit, numbers, progress))}", INK["grad"]))
    title = f"<s>{escape(head)}</s> dropped" if dropped else escape(head)
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
            f'<tr><td align="left"><font point-size="8"><b>{title}</b></font></td></tr>'
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


def _rank_gap(net: Network) -> str:
    """The gap between columns, in inches: wide (1.6) for a few columns, so the
    weights fan out readably, narrower for many (an RNN unrolled over 10 steps),
    so the whole view stays within about 2,200 pixels."""
    ranks = len(set(net.ranks)) + 1  # and the legend
    gap = (21.0 - 1.05 * ranks) / max(ranks - 1, 1)
    return f"{min(1.6, max(0.35, gap)):.2f}"


def _batch_note(net: Network, numbers: Summary) -> str:
    """What a number means when the graph holds many samples ("" for one sample)."""
    size = np.size(net.columns[0][0].data)
    if size <= 1:
        return ""
    if numbers.sample is not None:
        return f"{size} samples: sample {numbers.sample % size}"
    return f"{size} samples: {'mean' if numbers.summary == 'mean' else '[min, max]'}"


def find_unit(net: Network, focus: str) -> Unit:
    """The unit ``focus`` names: its scope (``"layers.1.neurons.3"``) or its name (``"L1.N3"``)."""
    for column in net.columns:
        for unit in column:
            if focus in (unit.key, unit.name):
                return unit
    examples = [u.key for column in net.columns for u in column if u.kind == "neuron"][:3]
    raise ValueError(f"focus={focus!r} names no neuron of this network; give a neuron's scope "
                     f"or name, e.g. {', '.join(repr(e) for e in examples)}")


def draw_network(root: Value, *, fmt: str = ".3g", grads: bool | None = None,
                 color_by: str = "data", sample: int | None = None, summary: str = "mean",
                 legend: bool = True, title: str | None = None,
                 focus: str | None = None) -> Diagram:
    """The network view of ``root``'s graph (see the module docstring); ``viz.draw``
    with ``view="network"`` calls this.

    ``color_by="grad"`` sizes each weight's edge by |∂loss/∂w| instead of |w|
    (its colour stays the sign of w). ``sample``/``summary`` pick what a batch
    shows, as in the op view. ``focus`` opens one neuron (its scope, such as
    ``"layers.1.neurons.3"``, or its name ``"L1.N3"``) to its ops: the products
    w_i x_i, their sum z, the activation, with the chain rule on every edge, the
    rest of the network around it as neurons.
    """
    if color_by not in ("data", "grad"):
        raise ValueError(f"color_by is 'data' or 'grad' in the network view, got {color_by!r}")
    numbers = Summary(sample, summary, fmt)
    net = read_neurons(root)
    if grads is None:
        grads = any(np.any(u.grad != 0) for column in net.columns for u in column)
    opened = find_unit(net, focus) if focus is not None else None
    return render(net, numbers, grads=grads, color_by=color_by, legend=legend, title=title,
                  opened=opened)


def read_neurons(root: Value) -> Network:
    """``read_network``, refusing a graph in which it finds no neuron."""
    net = read_network(root)
    if not net.weights:
        raise ValueError("the network view found no neuron in this graph (no scope holds a "
                         "weighted sum of Parameters); draw it with view='ops'")
    return net


def render(net: Network, numbers: Summary, *, grads: bool, color_by: str = "data",
           legend: bool = True, title: str | None = None, opened: Unit | None = None,
           progress: Progress | None = None) -> Diagram:
    """The network view of ``net`` as a Diagram (``draw_network`` reads the graph and
    calls this; the stepper calls it once per frame with its ``progress``)."""

    graph = Diagram(
        name="network",
        graph_attr={"rankdir": "LR", "fontname": FONT, "bgcolor": "white", "newrank": "true",
                    "nodesep": "0.06", "ranksep": _rank_gap(net), "pad": "0.2",
                    "splines": "line",
                    "outputorder": "edgesfirst"},
        node_attr={"fontname": FONT, "fontsize": "9", "shape": "box", "style": "rounded,filled",
                   "height": "0", "width": "0",
                   "margin": "0.04,0.02", "penwidth": "0.8", "color": INK["line"]},
        edge_attr={"arrowhead": "none"})
    if title:
        graph.attr(label=escape(shorten(title, 120)), labelloc="t", labeljust="l",
                   fontsize="12")

    ids: dict[int, str] = {}
    for rank in sorted(set(net.ranks)):
        units = [u for column, r in zip(net.columns, net.ranks) if r == rank for u in column]
        with graph.subgraph(name=f"rank{rank}") as sub:
            sub.attr(rank="same")
            for k, unit in enumerate(units):
                ids[id(unit)] = name = f"u{rank}_{k}"
                fill = INK["input"] if unit.kind == "input" else INK.get(unit.kind, INK["neuron"])
                extra = {"color": OPENED, "penwidth": "2"} if unit is opened else {}
                if progress is not None and unit is progress.current:
                    extra = {"color": HIGHLIGHT, "penwidth": "3"}
                sub.node(name, _unit_label(unit, numbers, grads, progress), fillcolor=fill,
                         tooltip=_unit_tooltip(unit, numbers, grads), **extra)
            # invisible edges down the column keep units in index order
            for k in range(len(units) - 1):
                sub.edge(f"u{rank}_{k}", f"u{rank}_{k + 1}", style="invis")

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
    if opened is not None:
        _draw_opened(graph, opened, net, ids, numbers, grads)
    if legend:
        with graph.subgraph(name="legend") as sub:
            sub.attr(rank="same")
            sub.node("legend", _legend(color_by, grads, _batch_note(net, numbers)),
                     shape="plaintext", style="",
                     fontsize="9")
        graph.edge(ids[id(net.columns[-1][0])], "legend", style="invis")
    return graph


def _draw_opened(graph: Diagram, unit: Unit, net: Network, ids: dict[int, str],
                 numbers: Summary, grads: bool) -> None:
    """Draw ``unit``'s ops as a card right of the network, tied to its box by a dashed
    line, so the network keeps its layout (op boxes among the columns would stretch
    them). One row per op, inputs first: each product w_i x_i, the sum z, the
    activation; its value and gradient; and the chain rule along each edge back to an
    input, ∂loss/∂input += ∂loss/∂op · ∂op/∂input, with the numbers of one sample
    (``sample``, else the first), so every product can be checked by hand."""
    from viz.scene import local_derivatives  # the rule table's local derivatives

    k = numbers.sample or 0
    outputs = unit.outputs
    output = outputs[k % len(outputs)] if len(outputs) > 1 else outputs[0]
    size = np.size(unit.data)
    at = k % size if size > 1 else 0

    def num(x: Any) -> str:  # one sample's number: the card's arithmetic is exact
        x = x[at] if isinstance(x, np.ndarray) else x
        return escape(format_number(float(x), numbers.fmt))

    own = [n for n in unit.nodes if n in _ancestors([output], set(unit.nodes))]
    producer = {v: u for column in net.columns for u in column for v in u.outputs}

    def name_of(v: Value) -> str:
        if v is output:
            return unit.name
        if v in unit.z:
            return "z"
        if v in producer:
            return producer[v].name
        w = _weight_of(v)
        if w is not None:
            x = next(i for i in v.inputs if i is not w)
            return f"{_short(w)}·{producer[x].name if x in producer else 'x'}"
        if v.__class__ is Parameter:
            return _short(v)
        return v.label or num(v.data)

    def td(text: str, color: str = "#111827") -> str:
        return f'<td align="left" balign="left"><font color="{color}">{text}</font></td>'

    rows = ["<tr>" + td("<b>op</b>") + td("<b>value</b>")
            + (td("<b>∂loss/∂op</b>") + td("<b>back along each edge: ∂loss/∂input += "
                                            "∂loss/∂op × ∂op/∂input</b>") if grads else "")
            + "</tr>"]
    for node in own:
        if node.op == "add_n":
            formula = " + ".join(name_of(i) for i in node.inputs[:3]) + (
                " + …" if len(node.inputs) > 3 else "")
        elif node is output and len(node.inputs) == 1:
            formula = f"{unit.activation or node.op}({name_of(node.inputs[0])})"
        else:  # a product: its factors' numbers
            formula = " × ".join(num(i.data) for i in node.inputs)
        cells = td(f"<b>{escape(name_of(node))}</b> = {escape(formula)}") + \
            td(num(node.data), INK["data"])
        if grads:
            chain = []
            locals_ = local_derivatives(node)
            if node.op == "add_n":
                chain.append(f"each term: ∂z/∂term = 1, so ∂loss/∂term = {num(node.grad)}")
            else:
                for i, local in zip(node.inputs, locals_):
                    if i.__class__ is Constant:
                        continue
                    g, d = float(np.ravel(node.grad)[at] if np.ndim(node.grad) else node.grad), \
                        float(np.ravel(local)[at] if np.ndim(local) else local)
                    chain.append(f"{escape(name_of(i))}: {num(node.grad)} × {num(local)} = "
                                 f"{escape(format_number(g * d, numbers.fmt))}")
            cells += td(num(node.grad), INK["grad"]) + td("<br/>".join(chain), "#1d4ed8")
        rows.append(f"<tr>{cells}</tr>")
    where = f" (sample {at} of {size})" if size > 1 else ""
    label = ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="2" '
             f'color="#e5e7eb"><tr><td colspan="4" align="left"><font color="{OPENED}">'
             f'<b>{escape(unit.name)} opened: its ops{where}</b></font></td></tr>'
             + "".join(rows) + "</table>>")
    graph.node("opened", label, shape="box", style="rounded", color=OPENED, penwidth="1.5",
               fontsize="9")
    graph.edge(ids[id(unit)], "opened", style="dashed", color=OPENED, constraint="false",
               arrowhead="none")
    graph.edge(ids[id(net.columns[-1][0])], "opened", style="invis")  # right of the network


def _short(w: Value) -> str:
    """A weight's name inside its own neuron's card: ``w3`` for ``L1.N3.w3``."""
    return (w.label or "w").rsplit(".", 1)[-1]


def pass_frames(root: Value, direction: str, *, fmt: str = ".3g", sample: int | None = None,
                summary: str = "mean", color_by: str = "data", legend: bool = True,
                title: str | None = None) -> Iterator[tuple[Unit, str, Diagram]]:
    """The network view one unit at a time, as (unit, caption, diagram) per step.

    Backward goes from the loss through the output layer to the inputs, finishing
    one column before the next, each in index order; forward the other way. A
    unit's δ is complete when its turn comes: every unit it feeds came before. The
    gradients are computed afresh (``autograd.grad``), so no ``.grad`` changes.
    """
    if direction not in ("forward", "backward"):
        raise ValueError(f"direction is 'forward' or 'backward', got {direction!r}")
    numbers = Summary(sample, summary, fmt)
    net = read_neurons(root)
    columns = sorted(zip(net.ranks, range(len(net.columns)), net.columns),
                     key=lambda item: (item[0], item[1]))
    units = [u for _, _, column in columns for u in column]
    if direction == "backward":  # the last column first; columns of one rank in order
        units = [u for _, _, column in sorted(columns, key=lambda c: (-c[0], c[1]))
                 for u in column]
    from autograd.engine import grad  # fresh gradients, as the op view's stepper takes

    outputs = [v for u in units for v in u.outputs]
    fresh = dict(zip(map(id, outputs), (g.data for g in grad(root, outputs))))
    gradient = {id(u): _gather([fresh[id(v)] for v in u.outputs]) for u in units}
    feeds: dict[int, int] = {}
    for w in net.weights:
        feeds[id(w.source)] = feeds.get(id(w.source), 0) + 1
    known: dict[int, Any] = {}
    values: set[int] = set()
    total = len(units)
    for i, unit in enumerate(units):
        if direction == "backward":
            known[id(unit)] = gradient[id(unit)]
            shown = _number(gradient[id(unit)], numbers)
            if unit.outputs[0] is root:
                rule = "1 (the seed)"
            elif feeds.get(id(unit)):
                rule = f"Σ_k w_k · f'(z_k) · δ_k = {shown}"
            else:
                rule = f"∂loss/∂{unit.name} = {shown}"
            caption = f"backward {i + 1}/{total}: δ {unit.name} = {rule}"
            progress = Progress(unit, None, dict(known))
        else:
            values.add(id(unit))
            shown = _number(unit.data, numbers)
            if unit.kind == "neuron":
                rule = f"{unit.activation or 'linear'}(b + Σ w · x) = {shown}"
            else:
                rule = shown + (" (an input)" if unit.kind == "input" else "")
            caption = f"forward {i + 1}/{total}: {unit.name} = {rule}"
            progress = Progress(unit, set(values), None)
        graph = render(net, numbers, grads=direction == "backward", color_by=color_by,
                       legend=legend, title=caption if title is None else title,
                       progress=progress)
        yield unit, caption, graph
