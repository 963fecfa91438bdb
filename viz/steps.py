"""What each step of a pass computes: its node, a caption, and the rule with its numbers.

The stepper (``viz.stepper``) draws one diagram per step and the interactive
page (``viz.page``) one diagram for all of them; both read the steps from here,
so a frame and a page say the same thing. A backward step at ``x``, in a graph
whose output is ``f``, spells out the chain rule over the edges leaving ``x``::

    ∂f/∂x = ∂f/∂q · ∂q/∂x            (one term per edge: x + x has two)
    ∂q/∂x = 1                         (the rule's local derivative, in the diagram's names)
    = -4 · 1                          (the numbers)
    = -4

A forward step gives the op's formula with its inputs' numbers instead. For a
batch, the numbers are per sample, so the lines give the formula and the result.

>>> from autograd.engine import Value
>>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> step = op_steps(f, Options(), "backward")[4]
>>> step.caption, step.rule
('backward 5/5: ∂f/∂x = -4', ('∂f/∂x = ∂f/∂q · ∂q/∂x', '∂q/∂x = 1', '= -4 · 1', '= -4'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Constant, Value, topological_order
from autograd.ops import RULES
from viz.order import backward_order, forward_order
from viz.scene import (
    Options,
    check_size,
    derivative_text,
    display_names,
    factor,
    fresh_gradients,
    local_derivatives,
    substitute,
)
from viz.scope import users

__all__ = ["Step", "op_steps", "DIRECTIONS", "MAX_TERMS"]

DIRECTIONS = ("forward", "backward")
MAX_TERMS = 4  # terms of a sum written out in a rule; the rest are "…"


@dataclass(frozen=True)
class Step:
    """One step of a pass: the node it computes, what the caption says, the rule it
    applies with its numbers, one line per item (``rule[0]`` the formula), and the
    number it makes known (d root / d node backward, the node's value forward)."""

    node: Value
    direction: str      # "forward" or "backward"
    caption: str        # "backward 2/5: ∂f/∂z = 3"
    rule: tuple[str, ...]
    known: Any = None


def op_steps(root: Value, options: Options, direction: str,
             gradients: dict[Value, Any] | None = None) -> list[Step]:
    """The op view's steps of a pass over ``root``'s graph, in ``viz.order``'s order,
    constants left out (they are known from the start). The gradients are
    ``gradients`` if given, else computed afresh (``viz.scene.fresh_gradients``): the
    steps are the same whether or not ``backward()`` has run, and no ``.grad`` changes."""
    if not isinstance(root, Value):
        raise TypeError(f"stepping needs a Value (the output of a computation), "
                        f"got {type(root).__name__}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction is 'forward' or 'backward', got {direction!r}")
    check_size(root, options.max_nodes, options.hide_constants)
    backward = direction == "backward"
    nodes = [n for n in (backward_order(root) if backward else forward_order(root))
             if n.__class__ is not Constant]
    order = topological_order(root)
    names, _ = display_names(order, options.fmt)
    if backward:
        exact = gradients if gradients is not None else fresh_gradients(root, order)
        readers = users(order)
    steps = []
    total = len(nodes)
    for k, node in enumerate(nodes):
        if backward:
            what, rule = _backward(node, root, names, exact, readers.get(node, []), options)
        else:
            what, rule = _forward(node, names, options)
        steps.append(Step(node, direction, f"{direction} {k + 1}/{total}: {what}", rule,
                          exact[node] if backward else node.data))
    return steps


def _batched(*xs: Any) -> bool:
    return any(isinstance(x, np.ndarray) for x in xs)


def _forward(node: Value, names: dict[Value, str],
             options: Options) -> tuple[str, tuple[str, ...]]:
    how = options.numbers
    value = how.text(node.data)
    if not node.inputs:
        return f"{names[node]} = {value} (given)", (f"{names[node]} = {value}", "given")
    text = RULES[node.op].formula_for(len(node.inputs))
    formula = substitute(text, node, names)
    rule = [f"{names[node]} = {formula}"]
    if not _batched(node.data, *(i.data for i in node.inputs)):
        numbers = {i: factor(how.text(i.data)) for i in node.inputs}
        rule.append("= " + substitute(text, node, {**numbers, node: names[node]}))
    rule.append(f"= {value}")
    return f"{names[node]} = {formula} = {value}", tuple(rule)


def _backward(node: Value, root: Value, names: dict[Value, str], exact: dict[Value, Any],
              readers: list[Value], options: Options) -> tuple[str, tuple[str, ...]]:
    how = options.numbers
    f, x = names[root], names[node]
    value = how.text(exact[node])
    if node is root:
        return (f"∂{f}/∂{x} = {value} (the seed)",
                (f"∂{f}/∂{x} = 1", "the seed: backward starts from the output"))
    what = f"∂{f}/∂{x} = {value}"
    if len(readers) > 1:
        what += f", the sum over the {len(readers)} edges leaving {x}"
    # one term per edge: a reader that takes x twice (x * x) gives two
    edges = [(reader, p) for reader in dict.fromkeys(readers)
             for p, inp in enumerate(reader.inputs) if inp is node]
    terms, locals_, numbers = [], [], []
    batched = _batched(exact[node])
    for reader, p in edges[:MAX_TERMS]:
        lhs = f"∂{names[reader]}/∂{x}"
        terms.append(f"∂{f}/∂{names[reader]} · {lhs}")
        local = local_derivatives(reader)[p]
        formula = derivative_text(reader, p, names)
        shown = how.text(local)
        locals_.append(f"{lhs} = {formula} = {shown}" if formula and formula != shown
                       else f"{lhs} = {shown}")
        batched = batched or _batched(local, exact[reader])
        out = how.text(exact[reader])
        numbers.append(f"{factor(out) if numbers else out} · {factor(shown)}")
    more = len(edges) - MAX_TERMS
    tail = f" + … ({more} more)" if more > 0 else ""
    rule = [f"∂{f}/∂{x} = " + " + ".join(terms) + tail, *dict.fromkeys(locals_)]
    if batched:
        rule.append(f"summed over the batch: = {value}" if not _batched(exact[node])
                    else f"= {value}")
    else:
        rule += ["= " + " + ".join(numbers) + tail, f"= {value}"]
    return what, tuple(rule)
