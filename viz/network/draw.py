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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.language import tr
from viz.common.style import FONT, HIGHLIGHT
from viz.common.text import (
    CAPTION_LIMIT,
    LABEL_LIMIT,
    Summary,
    cell_mark,
    escape,
    pad,
    shorten,
    tooltip,
)
from viz.network.rules import weight_name
from viz.network.units import (
    Network,
    Unit,
    batch_size,
    block_statistics,
    gather,
)
from viz.render.diagram import Diagram

__all__ = ["render", "unit_names", "unit_rows", "cell_texts",
           "NetworkProgress", "Row", "WEIGHT_COLORS", "OPENED", "stored_grad"]

# Blue for positive and orange for negative weights: the two hues stay apart for
# the common forms of colour blindness (unlike red and green).
WEIGHT_COLORS = {"positive": "#2166ac", "negative": "#e66101"}
INK = {"data": "#15803d", "grad": "#b91c1c", "muted": "#4b5563", "line": "#6b7280",
       "neuron": "#f3f4f6", "input": "#dbeafe", "block": "#fef3c7", "loss": "#bbf7d0",
       "penalty": "#ede9fe"}
OPENED = "#0f766e"  # the border of a neuron opened with focus=, and of its card
MIN_WIDTH, MAX_WIDTH = 0.6, 4.0  # an edge's pen width for the smallest and largest |w|


def _number(x: Any, numbers: Summary) -> str:
    """``x`` as the op view shows it (``Summary.text``), without the "mean" on every
    box: the legend says what a batch's numbers are."""
    return numbers.text(x).removeprefix(tr("mean {x}", x=""))


def _magnitude(x: Any, numbers: Summary) -> float:
    shown = numbers.pick(x)
    if isinstance(shown, tuple):
        shown = max(abs(shown[0]), abs(shown[1]))
    return abs(shown) if math.isfinite(shown) else 0.0


@dataclass
class NetworkProgress:
    """One moment of a pass, for the stepper: the unit being computed, whose values
    are known (None: all), and the gradients known so far (None: every unit's
    ``grad``). An unknown number shows as "?" in a row kept in place, so the
    layout is the same in every frame."""

    current: Unit | None = None
    values: set[int] | None = None      # ids of units whose value is shown
    grads: dict[int, Any] | None = None  # unit id -> its gradient, for those known


def stored_grad(value: Value) -> Any:
    """A Value's ``.grad``: where the diagrams read gradients when told to (``draw``
    passes the gradients of the drawn output, computed afresh)."""
    return value.grad


@dataclass(frozen=True)
class Row:
    """One line of a unit's box: ``cell`` names its number's cell on a page (``d`` the
    value, ``g`` its δ, ``b`` the bias, ``p`` γ and β, ``s`` the statistics, ``m`` the
    mask; "" for none), ``text`` what it says."""

    cell: str
    text: str
    color: str


def unit_rows(unit: Unit, numbers: Summary, grads: bool, progress: NetworkProgress | None = None,
              grad_of: Callable[[Value], Any] = stored_grad, values: bool = True) -> list[Row]:
    """What ``unit``'s box says below its name, row by row (an input's rows go side by
    side): its value, its δ = ∂loss/∂value, and a neuron's bias, batch norm's γ, β and
    statistics, dropout's mask. Without ``values`` (a model drawn without data), only
    what the model holds: batch norm's γ and β."""
    if not values:
        return [row for row in _block_rows(unit, numbers) if row.cell == "p"] \
            if unit.kind == "block" else []
    known = progress is None or progress.values is None or id(unit) in progress.values
    value = _number(unit.data, numbers) if known else "?"
    if not grads:
        delta = ""
    elif progress is None or progress.grads is None:
        delta = _number(gather([grad_of(v) for v in unit.outputs]), numbers)
    else:
        found = progress.grads.get(id(unit))
        delta = "?" if found is None else _number(found, numbers)
    if unit.kind == "input":
        rows = [Row("d", value, INK["data"])]
        return rows + [Row("g", f"δ {delta}", INK["grad"])] if grads else rows
    rows = []
    if unit.kind == "block":
        rows += _block_rows(unit, numbers)
    rows.append(Row("d", f"{'a' if unit.kind == 'neuron' else 'v'} = {value}", INK["data"]))
    if grads:
        rows.append(Row("g", f"δ = {delta}", INK["grad"]))
    return rows


def _block_rows(unit: Unit, numbers: Summary) -> list[Row]:
    """A layer without weights: batch or layer norm's γ, β and statistics (the running
    ones in eval), dropout's mask for the sample (how many kept, for the batch mean)."""
    stats = block_statistics(unit)
    rows = []
    if "γ" in stats:
        rows.append(Row("p", f"γ = {_number(stats['γ'], numbers)}, "
                             f"β = {_number(stats.get('β', 0.0), numbers)}", INK["muted"]))
    spread = "σ" if "σ" in stats else "σ²"
    if "μ" in stats and spread in stats:
        text = f"μ = {_number(stats['μ'], numbers)}, {spread} = {_number(stats[spread], numbers)}"
        rows.append(Row("s", tr("running {stats}", stats=text) if stats.get("running") else text,
                        INK["muted"]))
    if "mask" in stats:
        mask = stats["mask"]
        if np.ndim(mask) and numbers.sample is None:
            kept = float(np.mean(np.asarray(mask) != 0))
            rows.append(Row("m", tr("kept in {share}", share=f"{kept:.0%}"), INK["muted"]))
        else:
            m = numbers.pick(mask)
            text = f"m = {_number(m, numbers)}"
            rows.append(Row("m", tr("{mask} (dropped)", mask=text) if m == 0 else text,
                            INK["muted"]))
    return rows


def _unit_label(unit: Unit, rows: list[Row], numbers: Summary, mark: str | None,
                widths: Mapping[str, int]) -> str:
    """A unit's box: its name (and a neuron's activation function and bias), then
    ``rows``. An input is one line, so that 30 features fit in one column. With ``mark`` (the page's
    SVG ids), row cell c's id is ``<mark>_<c>``."""
    name = escape(shorten(unit.name, LABEL_LIMIT))

    def cell(row: Row, align: str = "left") -> str:
        ident = f"{mark}_{row.cell}" if mark and row.cell else None
        text = escape(pad(row.text, widths.get(f"{ident}:0")))
        return (f'<td align="{align}"{cell_mark(ident)}><font color="{row.color}">{text}'
                f'</font></td>')

    table = '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
    if unit.kind == "input":
        return f'{table}<tr><td align="left"><b>{name}</b></td>' + "".join(
            cell(row) for row in rows) + "</tr></table>>"
    head = f"<b>{name}</b>"
    extra = [unit.activation] if unit.kind == "neuron" and unit.activation else []
    if unit.bias is not None:  # the bias on the name's line: a neuron is three lines tall
        extra.append(f"b {_number(unit.bias.data, numbers)}")
    if extra:
        head += f' <font color="{INK["muted"]}">{escape("  ".join(extra))}</font>'
    return (f'{table}<tr><td align="left">{head}</td></tr>'
            + "".join(f"<tr>{cell(row)}</tr>" for row in rows) + "</table>>")


def cell_texts(net: Network, numbers: Summary, grad_of: Callable[[Value], Any],
               grads: bool = True) -> dict[str, str]:
    """The text of every number cell of the view (its page id without the view's prefix:
    ``u2_3_d``), for one sample: a page keeps these for each of its samples."""
    ids = unit_names(net)
    texts = {f"{ids[id(u)]}_{row.cell}": row.text
             for column in net.columns for u in column
             for row in unit_rows(u, numbers, grads, None, grad_of) if row.cell}
    texts["legend_b"] = _batch_note(net, numbers)
    return texts


def _unit_tooltip(unit: Unit, numbers: Summary | None, grads: bool,
                  grad_of: Callable[[Value], Any] = stored_grad) -> str:
    """The unit's scope (what the module calls it) and, off a page, its numbers."""
    parts = [unit.key if unit.kind == "neuron" else unit.name]
    if numbers is not None:
        parts.append(tr("value {x}", x=_number(unit.data, numbers)))
        if grads:
            delta = gather([grad_of(v) for v in unit.outputs])
            parts.append(tr("δ = ∂loss/∂value {x}", x=_number(delta, numbers)))
        if unit.z:
            z = gather([z.data for z in unit.z])
            parts.append(tr("z (weighted sum) {x}", x=_number(z, numbers)))
    return tooltip("\n".join(parts))


def _legend(color_by: str, grads: bool, batch: str, shared: bool, marks: bool = False,
            batch_width: int | None = None, values: bool = True) -> str:
    width = "|∂loss/∂w|" if color_by == "grad" else "|w|"
    pos, neg = WEIGHT_COLORS["positive"], WEIGHT_COLORS["negative"]
    rows = [
        f'<tr><td align="left"><font color="{pos}">━━</font> w &gt; 0   '
        f'<font color="{neg}">━━</font> w &lt; 0</td></tr>',
        f'<tr><td align="left">{escape(tr("edge width: {what}", what=width))}</td></tr>',
    ]
    if shared:
        rows.append(f'<tr><td align="left">╌╌ {tr("one weight, shared by every step")}'
                    f'</td></tr>')
    if values:
        rows.append(f'<tr><td align="left"><font color="{INK["data"]}">a</font>: '
                    f'{tr("activation")}, <font color="{INK["data"]}">v</font>: {tr("value")}'
                    f'</td></tr>')
    if grads:
        rows.append(f'<tr><td align="left"><font color="{INK["grad"]}">δ</font>: '
                    f'∂loss/∂a (∂loss/∂v)</td></tr>')
    if batch:  # on a page, the cell the sample selector rewrites
        rows.append(f'<tr><td align="left"{cell_mark("legend_b" if marks else None)}>'
                    f'{escape(pad(batch, batch_width))}</td></tr>')
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
            + "".join(rows) + "</table>>")


def _rank_gap(net: Network) -> str:
    """The gap between columns, in inches: wide (1.6) for a few columns, so the
    weights fan out readably; narrower for more, so that up to seven columns (a
    Sequential with batch norm and dropout) stay within about 12 inches, what a
    1400-pixel window shows at a readable size; at least 0.35 (an RNN unrolled over
    10 steps then runs wider, and the page pans along it)."""
    ranks = len(set(net.ranks))
    gap = (11.5 - 1.05 * ranks) / max(ranks - 1, 1)
    return f"{min(1.6, max(0.35, gap)):.2f}"


def _batch_note(net: Network, numbers: Summary) -> str:
    """What a number means when the graph holds many samples ("" for one sample)."""
    size = batch_size(net)
    if size <= 1:
        return ""
    if numbers.sample is not None:
        return tr("sample {k} of {n}", k=numbers.sample % size, n=size)
    if numbers.summary == "mean":
        return tr("{n} samples: mean", n=size)
    return tr("{n} samples: [min, max]", n=size)


def unit_names(net: Network) -> dict[int, str]:
    """Each unit's DOT name, by ``id(unit)``: ``u<rank>_<k>``, the k-th unit of its rank."""
    names: dict[int, str] = {}
    for rank in sorted(set(net.ranks)):
        units = [u for column, r in zip(net.columns, net.ranks) if r == rank for u in column]
        names.update((id(unit), f"u{rank}_{k}") for k, unit in enumerate(units))
    return names


def render(net: Network, numbers: Summary, *, grads: bool, color_by: str = "data",
           legend: bool = True, title: str | None = None, opened: Unit | None = None,
           progress: NetworkProgress | None = None, marks: bool = False,
           grad_of: Callable[[Value], Any] = stored_grad,
           widths: Mapping[str, int] | None = None, values: bool = True) -> Diagram:
    """The network view of ``net`` as a Diagram (``draw_network`` reads the graph and
    calls this; the stepper calls it once per frame with its ``progress``).

    ``marks=True`` (the interactive page): each unit's SVG id is its DOT name
    (``u<rank>_<k>``), its number cells' ``u<rank>_<k>_<cell>`` (``Row.cell``), a
    weight's edge ``w<k>`` in ``net.weights``' order and a link ``k<k>``; its tooltips
    leave every number of a sample out (a page shows one sample at a time, and
    reveals gradients a step at a time), and ``widths`` gives the characters each
    cell is padded to (``pad``). ``grad_of`` gives each Value's gradient. Without
    ``values``, no unit shows a value or a gradient (``draw_module``)."""
    widths = widths or {}
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
        graph.attr(label=f"<{escape(shorten(title, CAPTION_LIMIT))}>", labelloc="t",
                   labeljust="l", fontsize="12")
        if len(title) > CAPTION_LIMIT:
            graph.attr(tooltip=tooltip(title))

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
                rows = unit_rows(unit, numbers, grads, progress, grad_of, values)
                sub.node(name, _unit_label(unit, rows, numbers, marks and name or None, widths),
                         fillcolor=fill,
                         tooltip=_unit_tooltip(unit, None if marks or not values else numbers,
                                               grads, grad_of),
                         **extra, **({"id": name} if marks else {}))
            # invisible edges down the column keep units in index order
            for k in range(len(units) - 1):
                sub.edge(f"u{rank}_{k}", f"u{rank}_{k + 1}", style="invis")

    by_grad = color_by == "grad" and grads  # (before backward() there is no ∂loss/∂w)
    scale = max((_magnitude(grad_of(w.w) if by_grad else w.w.data, numbers)
                 for w in net.weights), default=0.0) or 1.0
    uses: dict[Value, int] = {}
    for weight in net.weights:
        uses[weight.w] = uses.get(weight.w, 0) + 1
    for k, weight in enumerate(net.weights):
        w = weight.w.data
        size = _magnitude(grad_of(weight.w) if by_grad else w, numbers) / scale
        color = WEIGHT_COLORS["positive" if numbers.pick(w) >= 0 else "negative"]
        tip = f"{weight_name(weight.w)} = {_number(w, numbers)}"
        if grads and not marks:
            tip += "\n" + tr("∂loss/∂w = {x} (every sample's part, summed)",
                             x=_number(grad_of(weight.w), numbers))
        shared = uses[weight.w] > 1
        if shared:
            tip += "\n" + tr("the same weight at every step: drawn {n} times",
                             n=uses[weight.w])
        graph.edge(ids[id(weight.source)], ids[id(weight.target)], color=color + "cc",
                   penwidth=f"{MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * size:.2f}",
                   tooltip=tooltip(tip), **({"style": "dashed"} if shared else {}),
                   **({"id": f"w{k}"} if marks else {}))
    for k, (source, target) in enumerate(net.links):
        graph.edge(ids[id(source)], ids[id(target)], color=INK["line"], penwidth="0.8",
                   arrowhead="normal", arrowsize="0.5", **({"id": f"k{k}"} if marks else {}))
    if legend:  # under the last column (the loss): no column of its own, no extra width
        last = max(net.ranks)
        with graph.subgraph(name=f"rank{last}") as sub:
            sub.node("legend", _legend(color_by, grads, _batch_note(net, numbers) if values
                                       else "", any(n > 1 for n in uses.values()), marks,
                                       widths.get("legend_b:0"), values),
                     shape="plaintext", style="", fontsize="9")
            below = sum(1 for column, r in zip(net.columns, net.ranks) if r == last
                        for _ in column)
            sub.edge(f"u{last}_{below - 1}", "legend", style="invis")
    return graph
