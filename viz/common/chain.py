"""The chain rule as every view writes it, read from the engine's rule table.

What an edge of the graph carries backward and how a diagram says it, in one place
for the op view, the network view and the cards: each op's local derivatives at the
node's values (``local_derivatives``) and what one edge sends back
(``edge_gradient``); a rule's formula in the diagram's names and notation
(``substitute``, ``derivative_text``, ``factor``, ``unwrapped``); and the gradients
of a diagram's own output, computed afresh (``fresh_gradients``), once ``backward()``
has run from it (``gradients_ready``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from autograd.engine import Value, grad, topological_order
from autograd.ops import RULES
from viz.common.text import math_text

__all__ = ["DIRECTIONS", "MAX_TERMS", "gradients_ready", "fresh_gradients", "local_derivatives",
           "edge_gradient", "substitute", "derivative_text", "factor", "unwrapped"]

DIRECTIONS = ("forward", "backward")  # the two passes a step goes through
MAX_TERMS = 4  # terms of a sum a rule writes on one line; more get a line each


def gradients_ready(root: Value) -> bool:
    """Whether ``backward()`` has run from ``root``: its own gradient is not 0 (backward
    seeds it with d root/d root = 1; before it, or after ``zero_grad()``, it is 0).

    Only then does a diagram show gradients, and it computes them afresh for this
    root (``fresh_gradients``): a weight that another graph's backward reached holds
    that graph's ``.grad``, which is not this root's gradient.
    """
    g = root.grad
    return bool(np.any(g != 0)) if isinstance(g, np.ndarray) else g != 0  # NaN != 0 too


def fresh_gradients(root: Value, nodes: list[Value] | None = None) -> dict[Value, Any]:
    """d root / d node for each of ``nodes`` (default: every node ``root`` depends on),
    computed afresh by ``autograd.grad``: the same whether or not ``backward()`` has
    run, and no ``.grad`` changes. The stepper and the page show these."""
    nodes = topological_order(root) if nodes is None else nodes
    return dict(zip(nodes, (g.data for g in grad(root, nodes))))


def local_derivatives(node: Value) -> tuple[Any, ...]:
    """d node / d input for each input, from the op's rule, at the node's current values."""
    rule = RULES[node.op]
    datas = [i.data for i in node.inputs]
    with np.errstate(all="ignore"):
        try:
            return tuple(rule.local(node.data, *datas))
        except ZeroDivisionError:
            # Plain floats raise where the derivative is infinite (sqrt at 0); numpy
            # gives inf or NaN instead, which the diagram then marks in red.
            arrays = [np.asarray(d, dtype=float) for d in (node.data, *datas)]
            return tuple(_plain(d) for d in rule.local(*arrays))


def _plain(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def edge_gradient(node: Value, position: int, out_grad: Any) -> Any:
    """What backward sends along one edge, to input ``position`` of ``node`` when the
    node's gradient is ``out_grad``: the rule's own ``vjp``, summed over the batch for a
    scalar input of a batch node (a weight gets every sample's part, as ``backward()``
    adds them up). Where a float derivative is infinite (sqrt at 0) it is inf or NaN, as
    numpy gives, for the diagram to mark in red."""
    rule, inputs = RULES[node.op], node.inputs
    with np.errstate(all="ignore"):
        try:
            sent = rule.vjp(out_grad, node.data, *[i.data for i in inputs])[position]
        except ZeroDivisionError:
            arrays = [np.asarray(x, dtype=float) for x in (out_grad, node.data,
                                                          *[i.data for i in inputs])]
            sent = _plain(rule.vjp(*arrays)[position])
    if isinstance(sent, np.ndarray) and not isinstance(inputs[position].data, np.ndarray):
        return float(sent.sum())
    return sent


_NUMERIC = re.compile(r"-?\d+(\.\d*)?")


def substitute(text: str, node: Value, names: dict[Value, str]) -> str:
    """A rule's text (``"a + b"``, ``"1 - out**2"``) in the diagram's names and notation
    (``"x + y"``, ``"1 - o²"``: ``viz.text.math_text``); ``names`` may map an input to its
    number instead."""
    rule = RULES[node.op]
    inputs = node.inputs
    letters = {} if rule.variadic else dict(zip(rule.arg_names(len(inputs)), inputs))
    slots: list[str] = []

    def mark(match: re.Match[str]) -> str:
        """A letter of the rule (a, b, out; a_3 of a sum) becomes a numbered placeholder
        while the notation changes; any other word (exp, if) stays."""
        word = match.group()
        if word == "out":
            value: Value | None = node
        elif rule.variadic:
            k = _TERM.fullmatch(word)
            value = inputs[int(k.group(1)) - 1] if k and 0 < int(k.group(1)) <= len(inputs) \
                else None
        else:
            value = letters.get(word)
        if value is None:
            return word
        slots.append(names[value])
        return f"\0{len(slots) - 1}\0"

    marked = _WORD.sub(mark, text)
    return _SLOT.sub(lambda m: slots[int(m.group(1))], math_text(marked))


_WORD = re.compile(r"\b[A-Za-z_]\w*\b")
_TERM = re.compile(r"a_(\d+)")
_SLOT = re.compile("\0(\\d+)\0")


def derivative_text(node: Value, position: int, names: dict[Value, str]) -> str | None:
    """The rule's local derivative in the diagram's names, e.g. "z" for ∂(q·z)/∂q.

    None when the derivative is a plain number ("1"), which the value already says.
    """
    text = RULES[node.op].derivative(position)
    return None if _NUMERIC.fullmatch(text) else substitute(text, node, names)


def factor(text: str) -> str:
    """A number as a factor after "·": negative numbers in parentheses."""
    return f"({text})" if text.startswith("-") else text


_WRAPPED = re.compile(r"(?<=[(,] )\((-[^()]+)\)(?=[),])|(?<=\()\((-[^()]+)\)(?=[),])")


def unwrapped(text: str) -> str:
    """A negative number that is a function's argument needs no parentheses of its own:
    ``tanh((-0.3))`` is ``tanh(-0.3)``, ``max(0, (-0.8))`` is ``max(0, -0.8)``."""
    return _WRAPPED.sub(lambda m: m.group(1) or m.group(2), text)
