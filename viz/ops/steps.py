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
from autograd.language import tr
from autograd.ops import RULES
from viz.common.chain import (
    DIRECTIONS,
    MAX_TERMS,
    derivative_text,
    factor,
    fresh_gradients,
    local_derivatives,
    substitute,
)
from viz.common.names import display_names
from viz.common.scope import users
from viz.common.text import format_number
from viz.ops.order import backward_order, forward_order
from viz.ops.scene import Options, check_size

__all__ = ["Step", "op_steps"]



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
        caption = tr("forward {k}/{n}: {what}", k=k + 1, n=total, what=what) if not backward \
            else tr("backward {k}/{n}: {what}", k=k + 1, n=total, what=what)
        steps.append(Step(node, direction, caption, rule,
                          exact[node] if backward else node.data))
    return steps


def _batched(*xs: Any) -> bool:
    return any(isinstance(x, np.ndarray) for x in xs)


def _forward(node: Value, names: dict[Value, str],
             options: Options) -> tuple[str, tuple[str, ...]]:
    how = options.numbers
    value = how.text(node.data)
    if not node.inputs:
        return (tr("{name} = {value} (given)", name=names[node], value=value),
                (f"{names[node]} = {value}", tr("given")))
    text = RULES[node.op].formula_for(len(node.inputs))
    formula = substitute(text, node, names)
    rule = [f"{names[node]} = {formula}"]
    inputs = [i.data for i in node.inputs]
    if _batched(*inputs) and not _batched(node.data):  # a reduction: n numbers in one
        rule.append(tr("over the {n} samples", n=next(np.size(x) for x in inputs
                                                       if _batched(x))))
    elif how.sample is not None or not _batched(node.data, *inputs):
        numbers = {i: factor(how.text(i.data)) for i in node.inputs}
        rule.append("= " + substitute(text, node, {**numbers, node: names[node]}))
    rule.append(f"= {value}")
    return f"{names[node]} = {formula} = {value}", tuple(rule)


def _backward(node: Value, root: Value, names: dict[Value, str], exact: dict[Value, Any],
              readers: list[Value], options: Options) -> tuple[str, tuple[str, ...]]:
    """The chain rule at ``node``, one term per edge leaving it. With one sample's
    numbers (a sample picked, or no batch) every product is written out; a scalar that
    a batch reads (a weight) sums each sample's terms, and the rule says so; a batch
    shown as its mean gets the formula and the result."""
    how = options.numbers
    f, x = names[root], names[node]
    value = how.text(exact[node])
    if node is root:
        return (tr("∂{f}/∂{x} = {value} (the seed)", f=f, x=x, value=value),
                (f"∂{f}/∂{x} = 1", tr("the seed: backward starts from the output")))
    what = f"∂{f}/∂{x} = {value}"
    if len(readers) > 1:
        what += tr(", the sum over the {n} edges leaving {x}", n=len(readers), x=x)
    # one term per edge: a reader that takes x twice (x * x) gives two
    edges = [(reader, p) for reader in dict.fromkeys(readers)
             for p, inp in enumerate(reader.inputs) if inp is node]
    local = {(r, p): local_derivatives(r)[p] for r, p in edges}
    batch = _batched(exact[node], *local.values(), *(exact[r] for r, _ in edges))
    summed = batch and not _batched(exact[node])  # a scalar read by a batch
    one = how.sample is not None or not batch     # one sample's numbers: write them out
    terms = [f"∂{f}/∂{names[r]} · ∂{names[r]}/∂{x}" for r, _ in edges]
    formula = " + ".join(terms) if len(edges) <= MAX_TERMS else \
        tr("Σ over the {n} edges of ∂{f}/∂reader · ∂reader/∂{x}", n=len(edges), f=f, x=x)
    rule = [f"∂{f}/∂{x} = " + (tr("Σ over the batch of ({formula})", formula=formula)
                               if summed else formula)]
    products, parts = [], []
    for r, p in edges:
        lhs = f"∂{names[r]}/∂{x}"
        text = derivative_text(r, p, names)
        shown = how.text(local[r, p]) if one or not _batched(local[r, p]) else None
        written = f"{lhs} = {text}" if text else lhs
        if shown is not None and text != shown:
            written += f" = {shown}"
        if one:
            g = how.text(exact[r])
            products.append(f"{factor(g) if products else g} · {factor(shown or '')}")
            parts.append(_pick(exact[r], how) * _pick(local[r, p], how))
        if len(edges) <= MAX_TERMS or not one:
            rule.append(written)
        else:  # a line an edge: its product and what it adds
            rule.append(f"∂{f}/∂{names[r]} · {lhs} = {factor(how.text(exact[r]))} · "
                        f"{factor(shown or '')} = {format_number(parts[-1], how.fmt)}"
                        + (f"   ({lhs} = {text})" if text and text != shown else ""))
    rule = list(dict.fromkeys(rule))
    if not one:
        rule.append(tr("summed over the batch: = {value}", value=value) if summed
                    else f"= {value}")
        return what, tuple(rule)
    if len(edges) <= MAX_TERMS:
        rule.append("= " + " + ".join(products))
    if summed:
        size = max(np.size(v) for v in (*local.values(), *(exact[r] for r, _ in edges)))
        rule.append(tr("sample {k}'s terms: = {part}; summed over all {n} samples: = {value}",
                       k=how.sample % size, part=format_number(sum(parts), how.fmt), n=size,
                       value=value))
    else:
        rule.append(f"= {value}")
    return what, tuple(rule)


def _pick(x: Any, how: Any) -> float:
    """The sample's number of ``x`` (``x`` itself for a scalar)."""
    return float(how.pick(x)) if _batched(x) else float(x)
