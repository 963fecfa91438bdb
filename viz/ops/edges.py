"""The edges of the op view and the chain rule written on them.

Each edge from an input into the op that uses it carries the rule's local
derivative and, once the output's gradient is known, the product backward sends
to the input (``∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4``), with the numbers of the
sample shown; a batch's mean gets the result alone. A step of the scene builder
(``viz.ops.builder.Builder``).
"""

from __future__ import annotations

import numpy as np

from autograd.engine import Constant, Value
from autograd.language import tr
from autograd.ops import RULES
from viz.common.chain import derivative_text, edge_gradient, factor
from viz.common.scope import is_penalty
from viz.common.text import Summary, is_finite, math_text
from viz.ops.scene import Edge, OpNode, Options

__all__ = ["EdgeLabels"]


class EdgeLabels:
    """The op nodes and the labelled edges of a scene: a part of ``Builder``, whose graph
    and options it reads (below) and whose ``grad``, ``local``, ``known_data``,
    ``hidden`` and ``cluster_of`` it calls."""

    opts: Options
    how: Summary
    order: list[Value]
    root: Value
    index: dict[Value, int]
    home: dict[Value, str]
    names: dict[Value, str]
    uses: dict[Value, int]
    box_name: dict[Value, str]
    group_of: dict[Value, tuple[str, ...]]
    edge_labels: bool
    current: Value | None
    forward: bool

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
        contribution = edge_gradient(node, position, out_grad)
        root_name = names[self.root]
        chain = f"∂{root_name}/∂{names[node]} · {lhs}"
        per_sample = isinstance(out_grad, np.ndarray) or isinstance(local, np.ndarray)
        if per_sample and not isinstance(inp.data, np.ndarray):
            text = tr("Σ over the batch of {chain} = {value}", chain=chain,
                      value=how.text(contribution))
        elif how.sample is not None or not per_sample:
            text = (f"{chain} = {how.text(out_grad)} · {factor(value)} "
                    f"= {how.text(contribution)}")
        else:  # a mean of products is not the product of means: show the result alone
            text = f"{chain} = {how.text(contribution)}"
        if self.uses[inp] == 1:
            text = f"∂{root_name}/∂{names[inp]} = {text}"
        edge.product = text
        edge.bad = edge.bad or not is_finite(contribution)
