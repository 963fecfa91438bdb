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

What the boxes are, and where they come from in the graph, is ``viz.units``'s
job; this module draws them, opens one neuron with ``focus=``, and steps through
a pass a unit at a time (``viz.network_steps``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value
from viz.diagram import Diagram
from viz.scene import local_derivatives
from viz.text import LABEL_LIMIT, Summary, cell_mark, escape, format_number, shorten, tooltip
from viz.units import (
    Network,
    Unit,
    ancestors,
    block_statistics,
    find_unit,
    gather,
    read_neurons,
    weight_of,
)

__all__ = ["draw_network", "render", "unit_names", "cards", "opened_card", "Progress",
           "WEIGHT_COLORS"]

FONT = "Helvetica,Arial,sans-serif"
# Blue for positive and orange for negative weights: the two hues stay apart for
# the common forms of colour blindness (unlike red and green).
WEIGHT_COLORS = {"positive": "#2166ac", "negative": "#e66101"}
INK = {"data": "#15803d", "grad": "#b91c1c", "muted": "#4b5563", "line": "#6b7280",
       "neuron": "#f3f4f6", "input": "#dbeafe", "block": "#fef3c7", "loss": "#bbf7d0",
       "penalty": "#ede9fe"}
HIGHLIGHT = "#f59e0b"  # the stepper's current unit, as in the op view
OPENED = "#d97706"  # the border of a neuron opened with focus=, and of its ops
MIN_WIDTH, MAX_WIDTH = 0.6, 4.0  # an edge's pen width for the smallest and largest |w|


def _number(x: Any, numbers: Summary) -> str:
    """``x`` as the op view shows it (``Summary.text``), without the "mean" on every
    box: the legend says what a batch's numbers are."""
    return numbers.text(x).removeprefix("mean ")


def _magnitude(x: Any, numbers: Summary) -> float:
    shown = numbers.pick(x)
    if isinstance(shown, tuple):
        shown = max(abs(shown[0]), abs(shown[1]))
    return abs(shown) if math.isfinite(shown) else 0.0


def _row(text: str, color: str, cell_id: str | None = None) -> str:
    return (f'<tr><td align="left"{cell_mark(cell_id)}><font color="{color}">{text}</font>'
            f'</td></tr>')


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


def stored_grad(value: Value) -> Any:
    """A Value's ``.grad``: where the diagrams read gradients unless told otherwise (the
    page passes gradients it computed afresh, so it never needs ``backward()``)."""
    return value.grad


def _unit_grad(unit: Unit, grad_of: Callable[[Value], Any]) -> Any:
    return gather([grad_of(v) for v in unit.outputs])


def _grad_text(unit: Unit, numbers: Summary, progress: Progress | None,
               grad_of: Callable[[Value], Any] = stored_grad) -> str:
    if progress is None or progress.grads is None:
        return _number(_unit_grad(unit, grad_of), numbers)
    known = progress.grads.get(id(unit))
    return "?" if known is None else _number(known, numbers)


def _unit_label(unit: Unit, numbers: Summary, grads: bool,
                progress: Progress | None = None, mark: str | None = None,
                grad_of: Callable[[Value], Any] = stored_grad) -> str:
    """A unit's box: its name (and activation function), value, gradient and bias.
    An input is one line, so that 30 features fit in one column. With ``mark`` (the
    page's SVG ids), the value's cell is ``<mark>_d`` and the gradient's ``<mark>_g``."""
    name = escape(shorten(unit.name, LABEL_LIMIT))
    value = escape(_value_text(unit, numbers, progress))
    data_id, grad_id = (f"{mark}_d", f"{mark}_g") if mark else (None, None)
    if unit.kind == "input":
        cells = [f'<td align="left"><b>{name}</b></td>',
                 f'<td align="left"{cell_mark(data_id)}><font color="{INK["data"]}">'
                 f'{value}</font></td>']
        if grads:
            cells.append(f'<td align="left"{cell_mark(grad_id)}><font color="{INK["grad"]}">'
                         f'δ {escape(_grad_text(unit, numbers, progress, grad_of))}'
                         '</font></td>')
        return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1"><tr>'
                + "".join(cells) + "</tr></table>>")
    if unit.kind == "block":
        return _block_label(unit, numbers, grads, progress, mark, grad_of)
    head = name
    if unit.activation:
        head += f' <font color="{INK["muted"]}">{escape(unit.activation)}</font>'
    rows = [f'<tr><td align="left"><b>{head}</b></td></tr>',
            _row(f"{'a' if unit.kind == 'neuron' else 'v'} = {value}", INK["data"], data_id)]
    if grads:
        rows.append(_row(f"δ = {escape(_grad_text(unit, numbers, progress, grad_of))}",
                         INK["grad"], grad_id))
    if unit.bias is not None:
        rows.append(_row(f"b = {escape(_number(unit.bias.data, numbers))}", INK["muted"]))
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            + "".join(rows) + "</table>>")


def _block_label(unit: Unit, numbers: Summary, grads: bool,
                 progress: Progress | None = None, mark: str | None = None,
                 grad_of: Callable[[Value], Any] = stored_grad) -> str:
    """A thin box for one feature of a layer without weights: batch norm's statistics,
    dropout's mask (a dropped unit crossed out), an activation's function."""
    stats = block_statistics(unit)
    head = f"{unit.activation or 'v'} {unit.index}"
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
    rows.append(_row(f"v = {value}", INK["data"], mark and f"{mark}_d"))
    if grads:
        rows.append(_row(f"δ = {escape(_grad_text(unit, numbers, progress, grad_of))}",
                         INK["grad"], mark and f"{mark}_g"))
    title = f"<s>{escape(head)}</s> dropped" if dropped else escape(head)
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
            f'<tr><td align="left"><font point-size="8"><b>{title}</b></font></td></tr>'
            + "".join(rows) + "</table>>")


def _unit_tooltip(unit: Unit, numbers: Summary, grads: bool,
                  grad_of: Callable[[Value], Any] = stored_grad) -> str:
    parts = [unit.key if unit.kind == "neuron" else unit.name,
             f"value {_number(unit.data, numbers)}"]
    if grads:
        parts.append(f"gradient ∂loss/∂value {_number(_unit_grad(unit, grad_of), numbers)}")
    if unit.z:
        parts.append(f"z (weighted sum) {_number(gather([z.data for z in unit.z]), numbers)}")
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


def unit_names(net: Network) -> dict[int, str]:
    """Each unit's DOT name, by ``id(unit)``: ``u<rank>_<k>``, the k-th unit of its rank."""
    names: dict[int, str] = {}
    for rank in sorted(set(net.ranks)):
        units = [u for column, r in zip(net.columns, net.ranks) if r == rank for u in column]
        names.update((id(unit), f"u{rank}_{k}") for k, unit in enumerate(units))
    return names


def render(net: Network, numbers: Summary, *, grads: bool, color_by: str = "data",
           legend: bool = True, title: str | None = None, opened: Unit | None = None,
           progress: Progress | None = None, marks: bool = False,
           grad_of: Callable[[Value], Any] = stored_grad) -> Diagram:
    """The network view of ``net`` as a Diagram (``draw_network`` reads the graph and
    calls this; the stepper calls it once per frame with its ``progress``).

    ``marks=True`` (the interactive page): each unit's SVG id is its DOT name
    (``u<rank>_<k>``), its numbers' ``u<rank>_<k>_d`` and ``_g``, a weight's edge
    ``w<k>`` in ``net.weights``' order and a link ``k<k>``; its tooltips leave the
    gradients out (the page reveals them a step at a time). ``grad_of`` gives each
    Value's gradient (default: its ``.grad``)."""

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

    ids = unit_names(net)
    for rank in sorted(set(net.ranks)):
        units = [u for column, r in zip(net.columns, net.ranks) if r == rank for u in column]
        with graph.subgraph(name=f"rank{rank}") as sub:
            sub.attr(rank="same")
            for unit in units:
                name = ids[id(unit)]
                fill = INK["input"] if unit.kind == "input" else INK.get(unit.kind, INK["neuron"])
                extra = {"color": OPENED, "penwidth": "2"} if unit is opened else {}
                if progress is not None and unit is progress.current:
                    extra = {"color": HIGHLIGHT, "penwidth": "3"}
                sub.node(name, _unit_label(unit, numbers, grads, progress, marks and name or None,
                                           grad_of),
                         fillcolor=fill,
                         # a page's steps reveal gradients one at a time; a tooltip cannot wait
                         tooltip=_unit_tooltip(unit, numbers, grads and not marks, grad_of),
                         **extra, **({"id": name} if marks else {}))
            # invisible edges down the column keep units in index order
            for k in range(len(units) - 1):
                sub.edge(f"u{rank}_{k}", f"u{rank}_{k + 1}", style="invis")

    scale = max((_magnitude(grad_of(w.w) if color_by == "grad" else w.w.data, numbers)
                 for w in net.weights), default=0.0) or 1.0
    for k, weight in enumerate(net.weights):
        w, g = weight.w.data, grad_of(weight.w)
        size = _magnitude(g if color_by == "grad" else w, numbers) / scale
        sign = numbers.pick(w)
        color = WEIGHT_COLORS["positive" if sign >= 0 else "negative"]
        tip = f"{weight.w.label or 'w'} = {_number(w, numbers)}"
        if grads and not marks:
            tip += f"\n∂loss/∂w = {_number(g, numbers)}"
        graph.edge(ids[id(weight.source)], ids[id(weight.target)], color=color + "cc",
                   penwidth=f"{MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * size:.2f}",
                   tooltip=tooltip(tip), **({"id": f"w{k}"} if marks else {}))
    for k, (source, target) in enumerate(net.links):
        graph.edge(ids[id(source)], ids[id(target)], color=INK["line"], penwidth="0.8",
                   arrowhead="normal", arrowsize="0.5", **({"id": f"k{k}"} if marks else {}))
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
    """Draw ``unit``'s card (``opened_card``) right of the network, tied to its box by a
    dashed line, so the network keeps its layout (op boxes among the columns would
    stretch them)."""
    graph.node("opened", opened_card(unit, net, numbers, grads), shape="box", style="rounded",
               color=OPENED, penwidth="1.5", fontsize="9")
    graph.edge(ids[id(unit)], "opened", style="dashed", color=OPENED, constraint="false",
               arrowhead="none")
    graph.edge(ids[id(net.columns[-1][0])], "opened", style="invis")  # right of the network


def cards(net: Network, numbers: Summary, grads: bool,
          grad_of: Callable[[Value], Any] = stored_grad) -> tuple[Diagram, list[Unit]]:
    """Every neuron's card in one diagram, one below the other (the interactive page's
    drill-down: one ``dot`` run for all of them); the card of the k-th neuron listed
    has the SVG id ``c<k>``, its cells ``opened_card``'s with the mark ``c<k>``."""
    graph = Diagram(name="cards", graph_attr={"rankdir": "LR", "fontname": FONT,
                                              "bgcolor": "white", "nodesep": "0.3", "pad": "0.1"},
                    node_attr={"fontname": FONT, "fontsize": "9"})
    neurons = [u for column in net.columns for u in column if u.kind == "neuron"]
    for k, unit in enumerate(neurons):
        graph.node(f"c{k}", opened_card(unit, net, numbers, grads, grad_of, f"c{k}"), shape="box",
                   style="rounded",
                   color=OPENED, penwidth="1.5", id=f"c{k}")
    return graph, neurons


def opened_card(unit: Unit, net: Network, numbers: Summary, grads: bool,
                grad_of: Callable[[Value], Any] = stored_grad, mark: str | None = None) -> str:
    """``unit``'s ops as an HTML-like label: one row per op, inputs first (each product
    w_i x_i, the sum z, the activation), its value and gradient, and the chain rule
    along each edge back to an input, ∂loss/∂input += ∂loss/∂op · ∂op/∂input, with the
    numbers of one sample (``sample``, else the first), so every product can be
    checked by hand. With ``mark``, row r's cells have the SVG ids ``<mark>_f<r>``
    (formula), ``_d<r>`` (value), ``_g<r>`` (gradient) and ``_e<r>`` (chain rule)."""
    k = numbers.sample or 0
    outputs = unit.outputs
    output = outputs[k % len(outputs)] if len(outputs) > 1 else outputs[0]
    size = np.size(unit.data)
    at = k % size if size > 1 else 0

    def num(x: Any) -> str:  # one sample's number: the card's arithmetic is exact
        x = x[at] if isinstance(x, np.ndarray) else x
        return escape(format_number(float(x), numbers.fmt))

    own = [n for n in unit.nodes if n in ancestors([output], set(unit.nodes))]
    producer = {v: u for column in net.columns for u in column for v in u.outputs}

    def name_of(v: Value) -> str:
        if v is output:
            return unit.name
        if v in unit.z:
            return "z"
        if v in producer:
            return producer[v].name
        w = weight_of(v)
        if w is not None:
            x = next(i for i in v.inputs if i is not w)
            return f"{_short(w)}·{producer[x].name if x in producer else 'x'}"
        if v.__class__ is Parameter:
            return _short(v)
        return v.label or num(v.data)

    def td(text: str, color: str = "#111827", cell: str = "") -> str:
        ident = cell_mark(f"{mark}_{cell}") if mark and cell else ""
        return (f'<td align="left" balign="left"{ident}><font color="{color}">{text}</font>'
                f'</td>')

    rows = ["<tr>" + td("<b>op</b>") + td("<b>value</b>")
            + (td("<b>∂loss/∂op</b>") + td("<b>back along each edge: ∂loss/∂input += "
                                            "∂loss/∂op × ∂op/∂input</b>") if grads else "")
            + "</tr>"]
    for r, node in enumerate(own):
        if node.op == "add_n":
            formula = " + ".join(name_of(i) for i in node.inputs[:3]) + (
                " + …" if len(node.inputs) > 3 else "")
        elif node is output and len(node.inputs) == 1:
            formula = f"{unit.activation or node.op}({name_of(node.inputs[0])})"
        else:  # a product: its factors' numbers
            formula = " × ".join(num(i.data) for i in node.inputs)
        cells = td(f"<b>{escape(name_of(node))}</b> = {escape(formula)}", cell=f"f{r}") + \
            td(num(node.data), INK["data"], f"d{r}")
        if grads:
            chain = []
            g_node = grad_of(node)
            locals_ = local_derivatives(node)
            if node.op == "add_n":
                chain.append(f"each term: ∂z/∂term = 1, so ∂loss/∂term = {num(g_node)}")
            else:
                for i, local in zip(node.inputs, locals_):
                    if i.__class__ is Constant:
                        continue
                    g, d = float(np.ravel(g_node)[at] if np.ndim(g_node) else g_node), \
                        float(np.ravel(local)[at] if np.ndim(local) else local)
                    chain.append(f"{escape(name_of(i))}: {num(g_node)} × {num(local)} = "
                                 f"{escape(format_number(g * d, numbers.fmt))}")
            cells += td(num(g_node), INK["grad"], f"g{r}") + \
                td("<br/>".join(chain), "#1d4ed8", f"e{r}")
        rows.append(f"<tr>{cells}</tr>")
    where = f" (sample {at} of {size})" if size > 1 else ""
    label = ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="2" '
             f'color="#e5e7eb"><tr><td colspan="4" align="left"><font color="{OPENED}">'
             f'<b>{escape(unit.name)} opened: its ops{where}</b></font></td></tr>'
             + "".join(rows) + "</table>>")
    return label


def _short(w: Value) -> str:
    """A weight's name inside its own neuron's card: ``w3`` for ``L1.N3.w3``."""
    return (w.label or "w").rsplit(".", 1)[-1]
