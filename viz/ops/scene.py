"""What a diagram shows, decided before any DOT is written.

``build_scene(root, options)`` walks the graph once (in the engine's
topological order, so names are stable from run to run) and returns a
:class:`Scene`: the boxes for Values, the op nodes between them, the edges with
their chain-rule labels, the scope clusters and the captions, all as plain
text and numbers. ``viz.dot`` only turns a Scene into Graphviz; the stepper
builds one Scene per frame, each knowing a little more of the graph.

The chain rule on an edge from input ``x`` into the op that makes ``q``, in a
graph whose output is ``f``::

    local:    ∂q/∂x                   (the op rule's local derivative, at this point)
    product:  ∂f/∂q · ∂q/∂x           (what backward adds to x.grad along this edge)

``x.grad`` is the sum of the products on all edges leaving ``x``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
from autograd.ops import RULES
from viz.common.chain import (
    derivative_text,
    edge_gradient,
    factor,
    fresh_gradients,
    gradients_ready,
    local_derivatives,
)
from viz.common.names import display_names, neuron_index
from viz.common.scope import check_collapse, collapse_key, homes, is_penalty, levels, users
from viz.common.text import Summary, is_finite, math_text, shorten
from viz.errors import TooLargeError

__all__ = ["Options", "Progress", "Box", "OpNode", "GroupBox", "Edge", "Scene", "build_scene",
           "check_size"]

COLOR_BY = ("grad", "data")


@dataclass(frozen=True)
class Options:
    """The choices of :func:`viz.draw`, checked once (see its docstring for each)."""

    fmt: str = ".4g"
    rankdir: str = "LR"
    grads: bool | None = None
    edge_labels: bool | None = None
    color_by: str | None = None
    hide_constants: bool = False
    clusters: bool = True
    collapse: str | int | None = None
    max_nodes: int = 2000
    sample: int | None = None
    summary: str = "mean"
    legend: bool | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        # Summary checks fmt, sample and summary and names the bad one.
        object.__setattr__(self, "numbers", Summary(self.sample, self.summary, self.fmt))
        if self.rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir is one of 'LR', 'RL', 'TB', 'BT', got {self.rankdir!r}")
        if self.color_by not in (None, *COLOR_BY):
            raise ValueError(f"color_by is None, 'grad' or 'data', got {self.color_by!r}")
        check_collapse(self.collapse)
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int) \
                or self.max_nodes < 1:
            raise ValueError(f"max_nodes is a positive int, got {self.max_nodes!r}")
        for name in ("grads", "edge_labels", "legend"):
            if getattr(self, name) not in (None, True, False):
                raise TypeError(f"{name} is True, False or None (automatic), "
                                f"got {getattr(self, name)!r}")
        if self.title is not None and not isinstance(self.title, str):
            raise TypeError(f"title is a str, got {type(self.title).__name__}")

    numbers: Summary = field(init=False, repr=False, compare=False)


@dataclass
class Progress:
    """What a stepper frame knows so far (None means: everything, as in a plain diagram).

    ``data``: the Values whose forward value is computed; ``grads``: d root / d
    node for the nodes whose gradient is complete; ``current``: the node this
    frame is about; ``forward``: a forward-pass frame (no gradients at all).
    """

    data: set[Value] | None = None
    grads: dict[Value, Any] | None = None
    current: Value | None = None
    forward: bool = False
    caption: str = ""
    page: bool = False  # the interactive page: its sample selector says whose numbers


@dataclass
class Box:
    """A Value drawn as a box: header, forward value, gradient."""

    name: str
    kind: str                    # "input", "parameter", "constant", "output" or "value"
    title: str                   # the label, an automatic name, or "" for a constant
    auto_title: bool             # the title was made up (the Value has no label)
    data: str | None             # None: not computed yet (forward stepper)
    grad: str | None             # None: unknown (not computed yet, or not reached)
    grad_row: bool               # whether the box has a gradient row at all
    data_bad: bool = False       # NaN or inf
    grad_bad: bool = False
    shade: float | None = None   # the number the colour scale reads (color_by)
    penalty: bool = False        # made inside a regularization scope
    penalty_share: str | None = None  # the part of grad that came through a penalty
    highlight: bool = False
    cluster: tuple[str, ...] = ()


@dataclass
class OpNode:
    """The op between a Value's inputs and the Value: ``+``, ``*``, ``tanh``, ..."""

    name: str
    symbol: str
    tooltip: str
    penalty: bool = False
    highlight: bool = False
    cluster: tuple[str, ...] = ()


@dataclass
class GroupBox:
    """A collapsed scope (a neuron or a layer) drawn as one box."""

    name: str
    title: str
    values: int
    parameters: int
    outputs: list[tuple[str, str | None, str | None]]   # (name, data, grad) of what leaves it
    output_values: list[Value] = field(default_factory=list)  # the Values ``outputs`` shows
    more_outputs: int = 0
    penalty: bool = False
    bad: bool = False
    penalty_percent: float | None = None   # the penalty's share of its weights' gradients
    cluster: tuple[str, ...] = ()


@dataclass
class Edge:
    tail: str
    head: str
    value: Value | None = None   # the Value whose op this edge enters or leaves
    input: Value | None = None   # the input it carries (None: from the op to its Value)
    local: str | None = None     # "∂q/∂x = 1"
    product: str | None = None   # "∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4"
    bad: bool = False
    penalty: bool = False
    highlight: bool = False


@dataclass
class Scene:
    options: Options
    boxes: list[Box]
    ops: list[OpNode]
    groups: list[GroupBox]
    edges: list[Edge]
    captions: list[str]
    cluster_order: list[tuple[str, ...]]   # every cluster path, in order of first appearance
    grads_shown: bool
    shade_max: float | None = None         # the colour scale's end (max |shaded number|)
    # Nodes drawn side by side in one rank, in this order: a layer's neurons by index,
    # a model's inputs as they are read (x1 above x2). Left to itself, dot's crossing
    # minimisation may start a layer anywhere (neurons 4..7 before 0..3).
    rows: list[list[str]] = field(default_factory=list)
    # The DOT name each Value is drawn in: its box, or the collapsed box holding it.
    drawn: dict[Value, str] = field(default_factory=dict)


# -- the walk ------------------------------------------------------------------------

def check_size(root: Value, max_nodes: int, hide_constants: bool) -> None:
    """Raise TooLargeError as soon as ``root``'s graph shows more than ``max_nodes`` Values.

    Stops counting at ``max_nodes + 1``, so a graph of a million nodes is refused
    in the time it takes to count a few thousand.
    """
    seen = {root}
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if not (hide_constants and node.__class__ is Constant):
            count += 1
            if count > max_nodes:
                raise TooLargeError(
                    f"draw: this graph has more than {max_nodes} values to draw "
                    f"(max_nodes={max_nodes}), too many to lay out readably. For a model "
                    f"built from autograd.nn, draw its neurons and weights with "
                    f"view='network'; or fold each neuron or layer into one box with "
                    f"collapse='neuron' or collapse='layer', hide constant leaves with "
                    f"hide_constants=True, draw a smaller part of the graph, or raise "
                    f"max_nodes.")
        for child in node.inputs:
            if child not in seen:
                seen.add(child)
                stack.append(child)


def _kind(node: Value, root: Value) -> str:
    if node is root:
        return "output"
    if isinstance(node, Parameter):
        return "parameter"
    if isinstance(node, Constant):
        return "constant"
    return "input" if not node.inputs else "value"


def build_scene(root: Value, options: Options, progress: Progress | None = None) -> Scene:
    """Decide everything the diagram of ``root``'s graph shows (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw() needs a Value (the output of a computation), "
                        f"got {type(root).__name__}")
    if options.collapse is None:
        check_size(root, options.max_nodes, options.hide_constants)
    return _Builder(root, options, progress).scene()


class _Builder:
    """One pass of decisions over a graph; each method fills in one part of the Scene."""

    def __init__(self, root: Value, options: Options, progress: Progress | None) -> None:
        self.root = root
        self.opts = options
        self.how = options.numbers
        self.order = order = topological_order(root)
        self.index = {node: i for i, node in enumerate(order)}
        self.home = homes(order)
        progress = progress or Progress()
        self.progress = progress
        self.current = progress.current
        self.forward = progress.forward
        self.known_data: Callable[[Value], bool] = (lambda v: True) if progress.data is None \
            else progress.data.__contains__
        self.grad_of: Callable[[Value], Any] | None
        if progress.forward:
            self.grads_shown, self.grad_of = False, None
        elif progress.grads is not None:
            self.grads_shown, self.grad_of = True, progress.grads.get
        else:
            self.grads_shown = gradients_ready(root) if options.grads is None \
                else options.grads
            self.grad_of = fresh_gradients(root, order).get if self.grads_shown else None
        self.clusters: dict[tuple[str, ...], None] = {}
        self._locals: dict[Value, tuple[Any, ...]] = {}

    # -- small helpers ---------------------------------------------------------------
    def hidden(self, node: Value) -> bool:
        return self.opts.hide_constants and node.__class__ is Constant

    def grad(self, node: Value) -> Any:
        return self.grad_of(node) if self.grad_of is not None else None

    def local(self, node: Value) -> tuple[Any, ...]:
        if node not in self._locals:
            self._locals[node] = local_derivatives(node)
        return self._locals[node]

    def cluster_of(self, scope: str | tuple[str, ...]) -> tuple[str, ...]:
        """The cluster path a node with this scope is drawn in (registering its clusters)."""
        if not self.opts.clusters:
            return ()
        path = levels(scope) if isinstance(scope, str) else scope
        for depth in range(1, len(path) + 1):
            self.clusters.setdefault(path[:depth])
        return path

    # -- the parts -------------------------------------------------------------------
    def scene(self) -> Scene:
        self.name_values()
        self.group_values()
        self.share_penalties()
        self.edge_labels = self.opts.edge_labels if self.opts.edge_labels is not None else (
            self.opts.collapse is None and sum(not self.hidden(n) for n in self.order) <= 30)
        edges, ops = self.edges_and_ops()
        boxes = self.boxes()
        groups = self.group_boxes()
        shades = [abs(b.shade) for b in boxes if b.shade is not None and math.isfinite(b.shade)]
        return Scene(self.opts, boxes, ops, groups, edges, self.captions(), list(self.clusters),
                     self.grads_shown, shade_max=max(shades) if shades else None,
                     rows=self.rows(), drawn=dict(self.box_name))

    def name_values(self) -> None:
        """Names for headers and derivative labels, and how many edges leave each node."""
        self.full_names, self.auto = display_names(self.order, self.opts.fmt)
        # Names inside other text (an edge's chain rule) are cut like a box's header, so
        # one long label cannot stretch every edge it touches; a box keeps the full name
        # (its header is cut when drawn, the full text is its tooltip).
        self.names = {node: shorten(name) for node, name in self.full_names.items()}
        self.users = users(self.order)
        self.uses = {node: len(self.users.get(node, ())) for node in self.order}  # x * x: 2

    def group_values(self) -> None:
        """Which nodes fold into a collapsed box, and the DOT name of every drawn node."""
        opts, home = self.opts, self.home
        self.group_of: dict[Value, tuple[str, ...]] = {}
        self.inner_loose: set[tuple[str, ...]] = set()
        if opts.collapse is not None:
            matched, loose = False, set()
            for node in self.order:
                key = collapse_key(home[node], opts.collapse)
                matched = matched or key is not None
                if key is None and home[node]:
                    key = levels(home[node])[:1]  # outside any neuron (a loss): one box too
                    loose.add(key)
                if key is not None:
                    self.group_of[node] = key
            # A scope's loose values (an RNN step's sums and tanh) sit inside that scope's
            # cluster when it also holds neurons, beside them; a loss's box stands alone.
            keys = set(self.group_of.values())
            self.inner_loose = {key for key in loose if any(
                len(k) > len(key) and k[:len(key)] == key for k in keys)}
            if not matched:
                found = sorted({n.scope for n in self.order if n.scope})[:8]
                raise ValueError(f"collapse={opts.collapse!r} matched no scope in this graph "
                                 f"(its scopes: {found or 'none'}); modules record scopes such "
                                 f"as 'layers.0.neurons.3' when they build their Values")
        self.box_name: dict[Value, str] = {}
        self.group_names: dict[tuple[str, ...], str] = {}
        for node in self.order:
            key = self.group_of.get(node)
            if key is not None:
                if key not in self.group_names:
                    self.group_names[key] = f"g{len(self.group_names)}"
                self.box_name[node] = self.group_names[key]
            elif not self.hidden(node):
                self.box_name[node] = f"n{self.index[node]}"
        if opts.collapse is not None:
            loose = sum(1 for n in self.box_name if n not in self.group_of)
            if loose + len(self.group_names) > opts.max_nodes:
                raise TooLargeError(
                    f"draw: with collapse={opts.collapse!r} this graph still has "
                    f"{loose + len(self.group_names)} boxes to draw (max_nodes="
                    f"{opts.max_nodes}); collapse coarser (collapse='layer'), hide constant "
                    f"leaves with hide_constants=True, or raise max_nodes.")

    def rows(self) -> list[list[str]]:
        """The drawn nodes to keep in index order: each layer's neurons, each set of inputs.

        A neuron is drawn as its collapsed box, or else as the box of the value it
        hands on (its activation). Neurons of one layer sit at one depth of the
        graph, as do the inputs a scope (a model's first layer) reads first, so a
        row never pulls a node out of its place; inputs read outside any scope
        get none, and neither does a layer whose neurons run more than once (a
        graph built sample by sample).
        """
        box_name = self.box_name
        outputs: dict[str, list[str]] = {}  # neuron scope -> what it is drawn as
        inside: dict[str, set[Value]] = {}
        for node in self.order:
            if node.inputs and neuron_index(node.scope) is not None:
                inside.setdefault(node.scope, set()).add(node)
        for node in self.order:
            scope = node.scope
            if scope in inside and node in inside[scope] and node in box_name and not any(
                    u in inside[scope] for u in self.users.get(node, ())):
                outputs.setdefault(scope, []).append(box_name[node])
        layers: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for scope, drawn in outputs.items():
            if len(set(drawn)) == 1:
                layers.setdefault(levels(scope)[:-1], []).append((neuron_index(scope), drawn[0]))
            else:
                layers.setdefault(levels(scope)[:-1], []).append((-1, ""))  # runs twice
        rows = []
        for members in layers.values():
            members.sort()
            names = list(dict.fromkeys(name for _, name in members))
            if members[0][0] >= 0 and len(names) > 1:
                rows.append(names)
        inputs: dict[tuple[str, ...], list[str]] = {}
        for node in self.order:
            if node.inputs or node is self.root or isinstance(node, (Parameter, Constant)) \
                    or node not in box_name or node in self.group_of:
                continue
            first = self.users[node][0].scope  # the inputs of a model's first layer
            if first:
                inputs.setdefault(levels(first)[:1], []).append(box_name[node])
        rows.extend(names for names in inputs.values() if len(names) > 1)
        return rows

    def share_penalties(self) -> None:
        """How much of each node's gradient arrived through a regularization branch."""
        self.penalty_share: dict[Value, Any] = {}
        if not self.grads_shown:
            return
        home = self.home
        for node in self.order:
            if not node.inputs or not is_penalty(home[node]):
                continue
            out_grad = self.grad(node)
            if out_grad is None:
                continue
            for position, inp in enumerate(node.inputs):
                if not is_penalty(home[inp]):
                    part = edge_gradient(out_grad, self.local(node)[position], inp)
                    self.penalty_share[inp] = self.penalty_share.get(inp, 0.0) + part

    def edges_and_ops(self) -> tuple[list[Edge], list[OpNode]]:
        edges: list[Edge] = []
        ops: list[OpNode] = []
        plain: set[tuple[str, str]] = set()  # edges touching a collapsed box, drawn once

        def add_plain(tail: str, head: str, penalty: bool) -> None:
            if (tail, head) not in plain:
                plain.add((tail, head))
                edges.append(Edge(tail, head, penalty=penalty))  # no Value: a bundle

        home, box_name, group_of = self.home, self.box_name, self.group_of
        for node in self.order:
            if not node.inputs or node not in box_name:
                continue
            penalty = is_penalty(home[node])
            head_group = group_of.get(node)
            if head_group is not None:  # into a collapsed box: one plain edge per neighbour
                for inp in node.inputs:
                    if inp in box_name and group_of.get(inp) != head_group:
                        add_plain(box_name[inp], box_name[node],
                                  penalty and not is_penalty(home[inp]))
                continue
            op_name = f"op{self.index[node]}"
            for position, inp in enumerate(node.inputs):
                if inp not in box_name:
                    continue  # a hidden constant
                into_penalty = penalty and not is_penalty(home[inp])
                if inp in group_of:
                    add_plain(box_name[inp], op_name, into_penalty)
                    continue
                edge = Edge(box_name[inp], op_name, node, inp, penalty=into_penalty)
                if self.edge_labels and inp.__class__ is not Constant \
                        and self.known_data(node):
                    self.label_edge(edge, node, position, inp)
                if self.current is not None:  # backward: the paths into the current node
                    edge.highlight = node is self.current if self.forward \
                        else inp is self.current
                edges.append(edge)
            rule = RULES[node.op]
            ops.append(OpNode(op_name, rule.symbol,
                              f"{rule.name}: out = "
                              f"{math_text(rule.formula_for(len(node.inputs)))}",
                              penalty=penalty, highlight=node is self.current,
                              cluster=self.cluster_of(home[node])))
            edges.append(Edge(op_name, box_name[node], node, penalty=penalty,
                              highlight=self.forward and node is self.current))
        return edges, ops

    def label_edge(self, edge: Edge, node: Value, position: int, inp: Value) -> None:
        """The chain rule along one edge: the local derivative, and once the output's
        gradient is known, the product backward sends to the input."""
        names, how = self.names, self.how
        local = self.local(node)[position]
        formula = derivative_text(node, position, names)
        value = how.text(local)
        lhs = f"∂{names[node]}/∂{names[inp]}"
        edge.local = f"{lhs} = {formula} = {value}" if formula and formula != value \
            else f"{lhs} = {value}"
        edge.bad = not is_finite(local)
        out_grad = self.grad(node)
        seed_edge = node is self.root and isinstance(out_grad, float) and out_grad == 1.0
        if out_grad is None or seed_edge:  # into the output, the product is the local itself
            return
        contribution = edge_gradient(out_grad, local, inp)
        root_name = names[self.root]
        chain = f"∂{root_name}/∂{names[node]} · {lhs}"
        per_sample = isinstance(out_grad, np.ndarray) or isinstance(local, np.ndarray)
        if per_sample and not isinstance(inp.data, np.ndarray):
            text = f"Σ over the batch of {chain} = {how.text(contribution)}"
        elif how.sample is not None or not per_sample:
            text = (f"{chain} = {how.text(out_grad)} · {factor(value)} "
                    f"= {how.text(contribution)}")
        else:  # a mean of products is not the product of means: show the result alone
            text = f"{chain} = {how.text(contribution)}"
        if self.uses[inp] == 1:
            text = f"∂{root_name}/∂{names[inp]} = {text}"
        edge.product = text
        edge.bad = edge.bad or not is_finite(contribution)

    def boxes(self) -> list[Box]:
        boxes = []
        opts, how = self.opts, self.how
        for node in self.order:
            if node not in self.box_name or node in self.group_of:
                continue
            kind = _kind(node, self.root)
            data = how.text(node.data) if self.known_data(node) or kind == "constant" else None
            g = self.grad(node)
            box = Box(self.box_name[node], kind,
                      self.full_names[node] if kind != "constant" else "",
                      node in self.auto, data, how.text(g) if g is not None else None,
                      grad_row=not self.forward and kind != "constant",
                      data_bad=data is not None and not is_finite(node.data),
                      grad_bad=g is not None and not is_finite(g),
                      penalty=is_penalty(self.home[node]), highlight=node is self.current,
                      cluster=self.cluster_of(self.home[node]))
            if node in self.penalty_share and box.grad is not None:
                box.penalty_share = how.text(self.penalty_share[node])
            source = node.data if opts.color_by == "data" and data is not None else \
                g if opts.color_by == "grad" else None
            if source is not None:
                box.shade = _shade_number(source, how)
            boxes.append(box)
        return boxes

    def group_boxes(self) -> list[GroupBox]:
        if not self.group_names:
            return []
        group_of, how = self.group_of, self.how
        members: dict[tuple[str, ...], list[Value]] = {key: [] for key in self.group_names}
        leaving: dict[tuple[str, ...], dict[Value, None]] = {k: {} for k in self.group_names}
        for node in self.order:
            key = group_of.get(node)
            if key is not None and node.__class__ is not Constant:
                members[key].append(node)
            for inp in node.inputs:
                inner = group_of.get(inp)
                if inner is not None and inner != key:
                    leaving[inner][inp] = None
        if self.root in group_of:
            leaving[group_of[self.root]][self.root] = None
        groups = []
        for key, name in self.group_names.items():
            # What leaves a neuron is its activation; its weights leave too (to a
            # penalty), but they are counted, not listed.
            out = [n for n in leaving[key] if not isinstance(n, Parameter)] or list(leaving[key])
            outputs, bad = [], False
            for node in out[:3]:
                g = self.grad(node)
                outputs.append((self.names[node],
                                how.text(node.data) if self.known_data(node) else None,
                                how.text(g) if g is not None else None))
                bad = bad or not is_finite(node.data) or (g is not None and not is_finite(g))
            params = [m for m in members[key] if isinstance(m, Parameter)]
            groups.append(GroupBox(
                name, key[-1], len(members[key]), len(params), outputs, out[:3],
                more_outputs=max(0, len(out) - 3), penalty=is_penalty(".".join(key)), bad=bad,
                penalty_percent=self.penalty_percent(params),
                cluster=self.cluster_of(key if key in self.inner_loose else key[:-1])))
        return groups

    def penalty_percent(self, params: list[Value]) -> float | None:
        """The penalty's share of the parameters' gradient magnitude, in percent.

        sum |penalty part| / (sum |penalty part| + sum |rest|), so the two parts
        are compared even where they point in opposite directions.
        """
        shares = [(self.penalty_share[p], self.grad(p)) for p in params
                  if p in self.penalty_share and self.grad(p) is not None]
        if not shares:
            return None
        pen = sum(abs(float(np.sum(s))) for s, _ in shares)
        rest = sum(abs(float(np.sum(g - s))) for s, g in shares)
        return 100.0 * pen / (pen + rest) if pen + rest > 0 else 0.0

    def captions(self) -> list[str]:
        captions = []
        if self.opts.title:
            captions.append(self.opts.title)
        if self.progress.caption:
            captions.append(self.progress.caption)
        size = next((n.data.size for n in self.order if isinstance(n.data, np.ndarray)), 0)
        if size and not self.progress.page:
            captions.append(self.how.describe(size))
        if not self.grads_shown and not self.forward:
            captions.append("gradients not computed yet: call backward() on the output")
        return captions


def _shade_number(x: Any, how: Summary) -> float:
    picked = how.pick(x)
    if isinstance(picked, tuple):  # a [min, max] range: colour by the mean
        return float(np.mean(x))
    return picked
