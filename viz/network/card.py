"""A neuron opened to its ops: the network view's ``focus=`` and the page's cards.

One row per op of the unit, inputs first, as the op view writes them: each
product w·x, the weighted sum z, the activation (an RNN step: z_xh, z_hh, their
sum a, and h = tanh(a)). A row gives the op's formula from the rule table in
the card's names and then in one sample's numbers, its value, its gradient
∂loss/∂op and, along each edge back to an input, the chain rule::

    ∂loss/∂input += ∂loss/∂op × ∂op/∂input = -0.02 × 0.51 = -0.0102

Every name in a card is one thing's: a weight is its row and column of its
matrix (``W_xh[4,0]``), or the neuron's own w0, w1, ...; the sums are ``z``, ``z_xh``,
``z_hh``. A
batch shown as its mean gets the formulas and the means, no products of means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value
from autograd.language import tr
from autograd.ops import RULES
from viz.common.chain import MAX_TERMS, local_derivatives, substitute, unwrapped
from viz.common.style import FONT
from viz.common.text import (
    LABEL_LIMIT,
    LINE_LIMIT,
    Summary,
    cell_mark,
    escape,
    format_number,
    pad,
    shorten,
)
from viz.network.draw import OPENED, stored_grad
from viz.network.rules import Numbers, weight_name
from viz.network.units import Network, Unit, ancestors, batch_size, weight_of
from viz.render.diagram import Diagram

__all__ = ["opened_card", "cards", "card_texts", "card_rows"]

INK = {"text": "#111827", "data": "#15803d", "grad": "#b91c1c", "chain": "#1d4ed8"}


def _names(unit: Unit, out: Value, own: list[Value], net: Network) -> dict[Value, str]:
    """The card's name for each node it writes: unique within the card."""
    producer = {v: u for column in net.columns for u in column for v in u.outputs}
    sums = [z for z in own if z in unit.z]
    names: dict[Value, str] = {}
    for z in sums:
        part = z.scope.rsplit(".neurons.", 1)[0].rsplit(".", 1)[-1] if len(sums) > 1 else ""
        names[z] = f"z_{part}" if part else "z"
        if unit.bias is not None and unit.bias in z.inputs:
            names[unit.bias] = "b"
    def weight(w: Value) -> str:  # the neuron's own weights by their index: w0, w1, ...
        return weight_name(w).removeprefix(f"{unit.name}.")

    for node in own:
        w = weight_of(node)
        if w is not None and node not in names:
            x = next((i for i in node.inputs if i is not w), w)
            names[w] = weight(w)
            names[node] = f"{weight(w)}·{producer[x].name if x in producer else 'x'}"
    for node in own:
        names.setdefault(node, "a")
        for i in node.inputs:
            if i in producer:
                names.setdefault(i, producer[i].name)
            elif i.__class__ is Parameter:
                names.setdefault(i, weight(i))
            elif i.__class__ is Constant:
                names.setdefault(i, "c" if isinstance(i.data, np.ndarray)
                                 else format_number(i.data))
    names[out] = unit.name
    return {node: shorten(name, LABEL_LIMIT) for node, name in names.items()}


def card_rows(unit: Unit, net: Network, numbers: Summary, grads: bool,
              grad_of: Callable[[Value], Any] = stored_grad) -> list[dict[str, str]]:
    """The card's rows, each a dict of cell texts: ``f`` the formula, ``d`` the value,
    ``g`` ∂loss/∂op, ``e`` the chain rule (lines joined by newlines)."""
    n = Numbers(numbers, batch_size(net))
    out = n.pick(unit.outputs)
    mine = ancestors([out], set(unit.nodes))  # this sample's ops of the unit, in order
    own = [node for node in unit.nodes if node in mine]
    names = _names(unit, out, own, net)
    rows = []
    for node in own:
        row = {"f": _formula(node, names, n), "d": n.text(node.data)}
        if grads:
            g = grad_of(node)
            row["g"] = n.text(g)
            row["e"] = "\n".join(_chain(node, g, names, n))
        rows.append(row)
    return rows


def _formula(node: Value, names: dict[Value, str], n: Numbers) -> str:
    """``name = the rule's formula in names = the same in the sample's numbers``."""
    rule = RULES[node.op]
    inputs = node.inputs
    if rule.variadic and len(inputs) > MAX_TERMS:
        bias = [names[i] for i in inputs if i.__class__ is Parameter]
        terms = len(inputs) - len(bias)
        text = " + ".join([*bias, tr("Σ of the {n} products above", n=terms)])
        return shorten(f"{names[node]} = {text}", LINE_LIMIT)
    formula = substitute(rule.formula_for(len(inputs)), node, names)
    text = f"{names[node]} = {formula}"
    if n.exact:
        numbers = {**names, **{i: n.factor(i.data) for i in inputs}}
        text += f" = {unwrapped(substitute(rule.formula_for(len(inputs)), node, numbers))}"
    return shorten(text, LINE_LIMIT)


def _chain(node: Value, g: Any, names: dict[Value, str], n: Numbers) -> list[str]:
    """Along each edge back to an input: ∂loss/∂input += ∂loss/∂op × ∂op/∂input."""
    if not n.exact:
        return [tr("each input: ∂loss/∂input += ∂loss/∂op × ∂op/∂input (a sample's numbers: "
                   "pick a sample)")]
    if node.op == "add_n":
        return [tr("each term: ∂{op}/∂term = 1, so it gets ∂loss/∂{op} = {g}",
                   op=names[node], g=n.text(g))]
    lines = []
    batched = isinstance(node.data, np.ndarray)
    for i, local in zip(node.inputs, local_derivatives(node)):
        if i.__class__ is Constant:
            continue
        part = n.of(g) * n.of(local)
        whose = tr(" (sample {k}'s part of the sum)", k=n.at) \
            if batched and not isinstance(i.data, np.ndarray) else ""
        lines.append(shorten(f"∂loss/∂{names[i]} += {n.factor(g)} × {n.factor(local)} = "
                             f"{format_number(part, n.fmt)}{whose}", LINE_LIMIT))
    return lines


def opened_card(unit: Unit, net: Network, numbers: Summary, grads: bool,
                grad_of: Callable[[Value], Any] = stored_grad, mark: str | None = None,
                widths: dict[str, int] | None = None) -> str:
    """``unit``'s card as an HTML-like label (see the module docstring). With ``mark``,
    row r's cells have the SVG ids ``<mark>_f<r>`` (formula), ``_d<r>`` (value),
    ``_g<r>`` (gradient) and ``_e<r>`` (chain rule), padded to ``widths``."""
    size = batch_size(net)
    widths = widths or {}

    def td(text: str, color: str = INK["text"], cell: str = "") -> str:
        ident = f"{mark}_{cell}" if mark and cell else None
        lines = [escape(pad(line, widths.get(f"{ident}:{k}") if ident else None))
                 for k, line in enumerate(text.split("\n"))]
        return (f'<td align="left" balign="left"{cell_mark(ident)}><font color="{color}">'
                f'{"<br/>".join(lines)}</font></td>')

    heads = [tr("op"), tr("value")] + (["∂loss/∂op", tr("back along each edge")] if grads
                                       else [])
    rows = ["<tr>" + "".join(f'<td align="left"><b>{head}</b></td>' for head in heads)
            + "</tr>"]
    for r, row in enumerate(card_rows(unit, net, numbers, grads, grad_of)):
        cells = td(row["f"], cell=f"f{r}") + td(row["d"], INK["data"], f"d{r}")
        if grads:
            cells += td(row["g"], INK["grad"], f"g{r}") + td(row["e"], INK["chain"], f"e{r}")
        rows.append(f"<tr>{cells}</tr>")
    n = Numbers(numbers, size)
    where = tr(" (sample {k} of {n})", k=n.at, n=size) if n.exact and size > 1 else \
        tr(" (the {n} samples' mean)", n=size) if size > 1 else ""
    title = tr("{name}: its ops", name=escape(shorten(unit.name, LABEL_LIMIT)))
    return ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="3" '
            f'color="#e5e7eb"><tr><td colspan="4" align="left"><font color="{OPENED}">'
            f'<b>{title}{where}</b></font></td></tr>'
            + "".join(rows) + "</table>>")


def cards(net: Network, numbers: Summary, grads: bool,
          grad_of: Callable[[Value], Any] = stored_grad,
          widths: dict[str, int] | None = None) -> tuple[Diagram, list[Unit]]:
    """Every neuron's card in one diagram, one below the other (the interactive page's
    drill-down: one ``dot`` run for all of them); the card of the k-th neuron listed
    has the SVG id ``c<k>``, its cells ``opened_card``'s with the mark ``c<k>``."""
    graph = Diagram(name="cards", graph_attr={"rankdir": "LR", "fontname": FONT,
                                              "bgcolor": "white", "nodesep": "0.3", "pad": "0.1"},
                    node_attr={"fontname": FONT, "fontsize": "10"})
    neurons = [u for column in net.columns for u in column if u.kind == "neuron"]
    for k, unit in enumerate(neurons):
        graph.node(f"c{k}", opened_card(unit, net, numbers, grads, grad_of, f"c{k}", widths),
                   shape="box", style="rounded", color=OPENED, penwidth="1.5", id=f"c{k}")
    return graph, neurons


def card_texts(net: Network, numbers: Summary, grads: bool,
               grad_of: Callable[[Value], Any]) -> dict[str, str]:
    """The text of every cell of every card (its page id without the prefix: ``c3_d0``),
    for one sample: a page keeps these for each of its samples."""
    neurons = [u for column in net.columns for u in column if u.kind == "neuron"]
    texts = {}
    for k, unit in enumerate(neurons):
        for r, row in enumerate(card_rows(unit, net, numbers, grads, grad_of)):
            texts.update((f"c{k}_{cell}{r}", text) for cell, text in row.items())
    return texts
