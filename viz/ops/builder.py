"""``build_scene``: everything the op view of a graph shows, decided in one walk.

The builder names the values (``viz.common.names``), folds collapsed scopes and lines
up rows (``viz.ops.grouping``), shares out what came through a penalty, labels the
edges with the chain rule (``viz.ops.edges``), and fills in the boxes and captions:
a :class:`viz.ops.scene.Scene`, in the engine's topological order, so the same
program always gives the same scene.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
from viz.common.chain import edge_gradient, fresh_gradients, gradients_ready, local_derivatives
from viz.common.names import display_names
from viz.common.scope import homes, is_penalty, levels, users
from viz.common.text import Summary, is_finite, shorten
from viz.ops.edges import EdgeLabels
from viz.ops.grouping import Grouping
from viz.ops.scene import Box, OpsProgress, Options, Scene, check_size, not_computed

__all__ = ["build_scene", "Builder"]


def build_scene(root: Value, options: Options, progress: OpsProgress | None = None) -> Scene:
    """Decide everything the diagram of ``root``'s graph shows (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw() needs a Value (the output of a computation), "
                        f"got {type(root).__name__}")
    if options.collapse is None:
        check_size(root, options.max_nodes, options.hide_constants)
    return Builder(root, options, progress).scene()

class Builder(Grouping, EdgeLabels):
    """One pass of decisions over a graph; each method fills in one part of the Scene
    (the groups and rows, and the edges, in the steps it inherits)."""

    def __init__(self, root: Value, options: Options, progress: OpsProgress | None) -> None:
        self.root = root
        self.opts = options
        self.how = options.numbers
        self.order = order = topological_order(root)
        self.index = {node: i for i, node in enumerate(order)}
        self.home = homes(order)
        progress = progress or OpsProgress()
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
                    part = edge_gradient(node, position, out_grad)
                    self.penalty_share[inp] = self.penalty_share.get(inp, 0.0) + part

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
            captions.append(not_computed())
        return captions


def _kind(node: Value, root: Value) -> str:
    if node is root:
        return "output"
    if isinstance(node, Parameter):
        return "parameter"
    if isinstance(node, Constant):
        return "constant"
    return "input" if not node.inputs else "value"


def _shade_number(x: Any, how: Summary) -> float:
    picked = how.pick(x)
    if isinstance(picked, tuple):  # a [min, max] range: colour by the mean
        return float(np.mean(x))
    return picked
