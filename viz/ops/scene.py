"""What a diagram shows, decided before any DOT is written.

A :class:`Scene` holds the boxes for Values, the op nodes between them, the
edges with their chain-rule labels, the scope clusters and the captions, all as
plain text and numbers. ``viz.ops.builder.build_scene`` decides them in one walk
over the graph (in the engine's topological order, so names are stable from run
to run); ``viz.ops.dot`` only turns a Scene into Graphviz; a stepper's frame is
a Scene that knows a little more of the graph than the one before
(:class:`OpsProgress`).

The chain rule on an edge from input ``x`` into the op that makes ``q``, in a
graph whose output is ``f``::

    local:    ∂q/∂x                   (the op rule's local derivative, at this point)
    product:  ∂f/∂q · ∂q/∂x           (what backward adds to x.grad along this edge)

``x.grad`` is the sum of the products on all edges leaving ``x``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Constant, Value
from autograd.language import tr
from viz.common.scope import check_collapse
from viz.common.text import Summary
from viz.errors import TooLargeError

__all__ = ["Options", "OpsProgress", "Box", "OpNode", "GroupBox", "Edge", "Scene", "check_size"]

COLOR_BY = ("grad", "data")


def not_computed() -> str:
    """The caption of a diagram drawn before ``backward()``, drawn in red."""
    return tr("gradients not computed yet: call backward() on the output")


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
class OpsProgress:
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
