"""``draw``: a computational graph as a Graphviz diagram of the chain rule.

Each Value is a box with its name, forward value (green) and gradient (red);
an op node (``+``, ``×``, ``tanh``, ...) sits between a Value and its inputs;
each edge into an op carries the local derivative (blue) and, after
``backward()``, the product the chain rule sends back along it (red). Header
colours tell inputs, parameters, constants and the output apart.

All user text reaches the DOT source through ``viz.text.escape`` inside
HTML-like labels (a backslash draws as a backslash), cut with "…" where it is
too long to draw; the full text of a cut name or title is the tooltip of its
box, cluster or caption (``viz.text.tooltip``). Nodes are named ``n<i>`` after their place in the
engine's topological order: the same program gives byte-identical DOT.
"""

from __future__ import annotations

import math
from typing import Any

import graphviz

from autograd.engine import Value
from autograd.language import tr
from viz.common.style import FONT, HIGHLIGHT
from viz.common.text import (
    CAPTION_LIMIT,
    LABEL_LIMIT,
    LINE_LIMIT,
    cell_mark,
    escape,
    format_number,
    pad,
    shorten,
    tooltip,
)
from viz.ops.builder import build_scene
from viz.ops.scene import Box, Edge, GroupBox, OpNode, Options, Scene, not_computed
from viz.render.diagram import Diagram

__all__ = ["draw_ops", "to_digraph", "cell_texts", "pad_cells", "PALETTE"]

PALETTE = {
    "data": "#15803d",        # forward values: green, as on the course's slides
    "grad": "#b91c1c",        # gradients: red
    "local": "#1d4ed8",       # local derivatives: blue
    "muted": "#6b7280",
    "line": "#4b5563",
    "input": "#dbeafe",       # header fills by kind
    "parameter": "#fde68a",
    "output": "#bbf7d0",
    "value": "#f3f4f6",
    "constant": "#f9fafb",
    "penalty": "#ede9fe",     # regularization branches: violet
    "penalty line": "#7c3aed",
    "cluster": "#f9fafb",
    "cluster line": "#d1d5db",
    "bad": "#dc2626",         # NaN and inf
    "negative": "#2563eb",    # the colour scale's ends
    "positive": "#dc2626",
}

KIND_NAMES = {"input": "input", "parameter": "parameter", "output": "output",
              "constant": "constant", "value": ""}

# Prettier glyphs for a few rule symbols; anything else is drawn as the rule says.
GLYPHS = {"*": "×", "/": "÷", "-": "−", "**": "^"}

SHADE_STEPS = 4  # colour levels on each side of zero


def draw_ops(root: Value, *, fmt: str = ".4g", rankdir: str = "LR", grads: bool | None = None,
             edge_labels: bool | None = None, color_by: str | None = None,
             hide_constants: bool = False, clusters: bool = True,
             collapse: str | int | None = None, max_nodes: int = 2000, sample: int | None = None,
             summary: str = "mean", legend: bool | None = None,
             title: str | None = None) -> graphviz.Digraph:
    """The op view of ``root``'s graph: ``viz.draw`` with ``view="ops"`` (the options are
    described there)."""
    options = Options(fmt=fmt, rankdir=rankdir, grads=grads, edge_labels=edge_labels,
                      color_by=color_by, hide_constants=hide_constants, clusters=clusters,
                      collapse=collapse, max_nodes=max_nodes, sample=sample, summary=summary,
                      legend=legend, title=title)
    return to_digraph(build_scene(root, options))


# -- Scene -> Digraph ------------------------------------------------------------------

def to_digraph(scene: Scene, marks: bool = False) -> Diagram:
    """Lay a :class:`viz.scene.Scene` out as Graphviz statements.

    ``marks=True`` (for the interactive page, ``viz.page``) gives every node and
    edge an SVG id (its DOT name, edges ``e<k>`` in the Scene's order) and every
    number that a step reveals an id of its own: ``<box>_d`` (data), ``<box>_g``
    (grad), ``<box>_p`` (the penalty's part), ``<group>_<k>d`` / ``_<k>g``, and
    ``e<k>_l`` / ``e<k>_p`` for an edge's local derivative and product.
    """
    opts = scene.options
    graph = Diagram(
        name="autograd",
        graph_attr={"rankdir": opts.rankdir, "fontname": FONT, "bgcolor": "white",
                    "nodesep": "0.25", "ranksep": "0.35", "pad": "0.25",
                    "newrank": "true", "remincross": "false"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "10", "color": PALETTE["line"],
                   "arrowsize": "0.7"})
    caption = _caption(scene)
    if caption:
        graph.attr(label=caption, labelloc="t", labeljust="l")
        if any(len(text) > CAPTION_LIMIT for text in scene.captions):
            graph.attr(tooltip=tooltip("\n".join(scene.captions)))

    # Each cluster's statements, then nest children into parents, deepest first (the
    # scope tree is a few levels deep; no recursion needed).
    bodies: dict[tuple[str, ...], graphviz.Digraph] = {}
    for i, path in enumerate(scene.cluster_order):
        sub = graphviz.Digraph(name=f"cluster_{i}")
        penalty = any("penalty" in level.lower() for level in path)
        sub.attr("graph", label=f"<{_cell(_text(path[-1], LABEL_LIMIT), bold=True)}>",
                 labeljust="l",
                 fontsize="11", **_full_text(path[-1], LABEL_LIMIT),
                 fontname=FONT, style="rounded,filled",
                 fillcolor="#faf5ff" if penalty else PALETTE["cluster"],
                 color=PALETTE["penalty line"] if penalty else PALETTE["cluster line"],
                 fontcolor=PALETTE["penalty line"] if penalty else PALETTE["muted"])
        bodies[path] = sub

    def home(path: tuple[str, ...]) -> graphviz.Digraph:
        return bodies[path] if path else graph

    for box in scene.boxes:
        label, attrs = _box_node(box, scene, marks)
        home(box.cluster).node(box.name, label, **attrs, **_id(box.name, marks))
    for op in scene.ops:
        _add_op(home(op.cluster), op, marks)
    for group in scene.groups:
        label, attrs = _group_node(group, marks)
        home(group.cluster).node(group.name, label, **attrs, **_id(group.name, marks))

    # A row goes in the cluster holding all its nodes (a layer's), else at the top:
    # newrank lets one rank cross clusters. The invisible edges set the order in it.
    # Inside a cluster, dot (2.43, Debian's) lays such a chain out the other way round
    # under rankdir=LR, and its second crossing pass for clusters (remincross, off
    # below) reorders it again; so a row in a cluster is chained from its last node.
    # tests/test_viz.py reads the drawn order back from dot's layout in every view.
    where = {item.name: item.cluster for item in (*scene.boxes, *scene.groups)}
    for row in scene.rows:
        paths = {where.get(name, ()) for name in row}
        path = paths.pop() if len(paths) == 1 else ()
        clustered = all(where.get(name, ()) for name in row)
        chain = row[::-1] if clustered and opts.rankdir in ("LR", "RL") else row
        sub = graphviz.Digraph()
        sub.attr(rank="same")
        for tail, head in zip(chain, chain[1:]):
            sub.edge(tail, head, style="invis")
        home(path).subgraph(sub)

    order = {path: i for i, path in enumerate(scene.cluster_order)}
    for path in sorted(bodies, key=lambda p: (len(p), order[p]), reverse=True):
        home(path[:-1]).subgraph(bodies[path])

    for k, edge in enumerate(scene.edges):
        graph.edge(edge.tail, edge.head, **_edge_attrs(edge, f"e{k}" if marks else None),
                   **_id(f"e{k}", marks))
    return graph


def cell_texts(scene: Scene) -> dict[str, str]:
    """The text of every number cell ``to_digraph(scene, marks=True)`` writes, by its id
    (``n3_d``, ``e2_p``, ``g0_1g``), as drawn: a page keeps these for each of its samples."""
    texts: dict[str, str | None] = {}
    for box in scene.boxes:
        texts.update({f"{box.name}_d": box.data, f"{box.name}_g": box.grad,
                      f"{box.name}_p": box.penalty_share})
    for group in scene.groups:
        for k, (_, data, grad) in enumerate(group.outputs):
            texts.update({f"{group.name}_{k}d": data, f"{group.name}_{k}g": grad})
    for k, edge in enumerate(scene.edges):
        texts.update({f"e{k}_l": edge.local, f"e{k}_p": edge.product})
    return {key: shorten(text, LINE_LIMIT) for key, text in texts.items() if text}


def pad_cells(scene: Scene, widths: dict[str, int]) -> None:
    """Pad each number cell of ``scene`` to ``widths[<its cell_texts id>:0]`` characters with
    figure spaces, in place: the page draws the cell once, as wide as the widest text
    any of its samples puts there."""
    def width(key: str) -> int | None:
        return widths.get(f"{key}:0")  # a cell of one line

    for box in scene.boxes:
        box.data = _padded(box.data, width(f"{box.name}_d"))
        box.grad = _padded(box.grad, width(f"{box.name}_g"))
        box.penalty_share = _padded(box.penalty_share, width(f"{box.name}_p"))
    for group in scene.groups:
        group.outputs = [(name, _padded(data, width(f"{group.name}_{k}d")),
                          _padded(grad, width(f"{group.name}_{k}g")))
                         for k, (name, data, grad) in enumerate(group.outputs)]
    for k, edge in enumerate(scene.edges):
        edge.local = _padded(edge.local, width(f"e{k}_l"))
        edge.product = _padded(edge.product, width(f"e{k}_p"))


def _padded(text: str | None, width: int | None) -> str | None:
    return text if text is None else pad(text, width)


def _id(name: str, marks: bool) -> dict[str, str]:
    """An ``id`` attribute (the element's id in the SVG) when drawing with marks."""
    return {"id": name} if marks else {}


def _text(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` for a label: cut to ``limit`` characters (ending in "…"), then escaped."""
    return escape(shorten(text, limit))


def _full_text(text: str, limit: int) -> dict[str, str]:
    """A ``tooltip`` attribute holding ``text`` when the diagram draws it cut, else none."""
    return {"tooltip": tooltip(text)} if len(text) > limit else {}


def _cell(text: str, color: str | None = None, bold: bool = False, size: int | None = None,
          italic: bool = False) -> str:
    """Already escaped ``text`` with font markup (an empty text as a no-break space:
    Graphviz refuses an empty ``<b></b>``)."""
    text = text or "&#160;"
    if bold:
        text = f"<b>{text}</b>"
    if italic:
        text = f"<i>{text}</i>"
    attrs = (f' color="{color}"' if color else "") + (f' point-size="{size}"' if size else "")
    return f"<font{attrs}>{text}</font>" if attrs else text


def _number_row(name: str, text: str | None, color: str, bad: bool, fill: str | None,
                cell_id: str | None = None) -> str:
    """A "data" or "grad" row: a small grey name, then the number (or a blank)."""
    bg = f' bgcolor="{PALETTE["bad"]}"' if bad else (f' bgcolor="{fill}"' if fill else "")
    if text is None:
        value = _cell("&#160;", PALETTE["muted"])
    else:
        value = _cell(_text(text), "white" if bad else color, bold=True)
    return (f'<tr><td align="left"{bg}>{_cell(name, PALETTE["muted"], size=10)}</td>'
            f'<td align="right"{bg}{cell_mark(cell_id)}>{value}</td></tr>')


def _table(rows: list[str]) -> str:
    """An HTML-like label: a borderless table of ``rows`` (the node draws the border)."""
    return (f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="3">'
            f'{"".join(rows)}</table>>')


def _frame(border: str, width: float, fill: str, dashed: bool = False) -> dict[str, str]:
    """Node attributes of a box: a rounded card whose margin keeps the table's square
    cell colours clear of the rounded corners."""
    return {"shape": "box", "style": "rounded,filled,dashed" if dashed else "rounded,filled",
            "margin": "0.05,0.04", "width": "0", "height": "0", "color": border,
            "penwidth": str(width), "fillcolor": fill}


def _box_node(box: Box, scene: Scene, marks: bool = False) -> tuple[str, dict[str, str]]:
    """The label and node attributes of a Value's box."""
    border, width = PALETTE["line"], 1
    if box.data_bad or box.grad_bad:
        border, width = PALETTE["bad"], 2
    if box.kind == "output":
        width = 2
    if box.highlight:
        border, width = HIGHLIGHT, 3
    fill = _shade(box.shade, scene.shade_max)
    body_bg = PALETTE["penalty"] if box.penalty else "white"
    rows = []
    if box.kind == "constant":
        value = _text(box.data or "")
        color = "white" if box.data_bad else PALETTE["muted"]
        bg = f' bgcolor="{PALETTE["bad"]}"' if box.data_bad else ""
        return (_table([f'<tr><td{bg}>{_cell(value, color)}</td></tr>']),
                _frame(border if box.data_bad else PALETTE["muted"], width, PALETTE["constant"],
                       dashed=True))
    title = _cell(_text(box.title, LABEL_LIMIT), PALETTE["muted"] if box.auto_title else None,
                  bold=not box.auto_title, italic=box.auto_title)
    tag = tr(KIND_NAMES[box.kind]) if KIND_NAMES[box.kind] else ""
    if tag:
        title += f' {_cell(tag, PALETTE["muted"], size=9)}'
    header = PALETTE[box.kind]
    rows.append(f'<tr><td colspan="2" bgcolor="{header}">{title}</td></tr>')
    mark = box.name if marks else None
    rows.append(_number_row(tr("data"), box.data, PALETTE["data"], box.data_bad,
                            fill if scene.options.color_by == "data" else None,
                            mark and f"{mark}_d"))
    if box.grad_row:
        grad = box.grad
        if grad is None and not scene.grads_shown:
            grad = "—"
        rows.append(_number_row(tr("grad"), grad, PALETTE["grad"] if box.grad else PALETTE["muted"],
                                box.grad_bad,
                                fill if scene.options.color_by == "grad" else None,
                                mark and f"{mark}_g"))
    if box.penalty_share is not None:
        rows.append(f'<tr><td align="left">{_cell(tr("penalty"), PALETTE["penalty line"], size=10)}'
                    f'</td><td align="right"{cell_mark(mark and f"{mark}_p")}>'
                    f'{_cell(_text(box.penalty_share), PALETTE["penalty line"])}</td></tr>')
    return _table(rows), {**_frame(border, width, body_bg), **_full_text(box.title, LABEL_LIMIT)}


def _group_node(group: GroupBox, marks: bool = False) -> tuple[str, dict[str, str]]:
    """The label and node attributes of a collapsed scope's box."""
    border = PALETTE["bad"] if group.bad else PALETTE["line"]
    bg = PALETTE["penalty"] if group.penalty else PALETTE["value"]
    counts = tr("{n} values", n=group.values)
    if group.parameters:
        counts += " · " + tr("{n} parameters", n=group.parameters)
    rows = [f'<tr><td colspan="3">{_cell(_text(group.title, LABEL_LIMIT), bold=True)}</td></tr>',
            f'<tr><td colspan="3">{_cell(counts, PALETTE["muted"], size=10)}</td></tr>']
    if group.outputs:
        data, grad = _cell(tr("data"), PALETTE["muted"], size=9), \
            _cell(tr("grad"), PALETTE["muted"], size=9)
        rows.append(f'<tr><td></td><td align="right">{data}</td><td align="right">{grad}'
                    f'</td></tr>')
    for k, (name, data, grad) in enumerate(group.outputs):
        cell = f"{group.name}_{k}" if marks else None
        rows.append(
            f'<tr><td align="left">{_cell(_text(name, LABEL_LIMIT), size=10)}</td>'
            f'<td align="right"{cell_mark(cell and cell + "d")}>'
            f'{_cell(_text(data) if data else "&#160;", PALETTE["data"])}'
            f'</td><td align="right"{cell_mark(cell and cell + "g")}>'
            f'{_cell(_text(grad) if grad else "&#160;", PALETTE["grad"])}</td></tr>')
    if group.penalty_percent is not None:
        share = tr("penalty: {p}% of the weights' gradient", p=f"{group.penalty_percent:.0f}")
        rows.append(f'<tr><td colspan="3">{_cell(share, PALETTE["penalty line"], size=9)}'
                    f'</td></tr>')
    if group.more_outputs:
        more = _cell(tr("+{n} more outputs", n=group.more_outputs), PALETTE["muted"], size=9)
        rows.append(f'<tr><td colspan="3">{more}'
                    f'</td></tr>')
    return _table(rows), {**_frame(border, 1, bg), **_full_text(group.title, LABEL_LIMIT)}


def _add_op(graph: graphviz.Digraph, op: OpNode, marks: bool = False) -> None:
    symbol = GLYPHS.get(op.symbol, op.symbol)
    attrs: dict[str, Any] = {
        "shape": "circle", "style": "filled", "margin": "0.02", "width": "0.36",
        "fontsize": "14" if len(symbol) <= 2 else "10",
        "fillcolor": PALETTE["penalty"] if op.penalty else "white",
        "color": HIGHLIGHT if op.highlight else PALETTE["line"],
        "penwidth": "3" if op.highlight else "1",
        "tooltip": tooltip(op.tooltip),
    }
    graph.node(op.name, f"<{escape(symbol)}>", **attrs, **_id(op.name, marks))


def _edge_attrs(edge: Edge, mark: str | None = None) -> dict[str, str]:
    attrs: dict[str, str] = {}
    lines = []
    if edge.local:
        lines.append(("l", _cell(_text(edge.local),
                                 PALETTE["bad"] if edge.bad else PALETTE["local"])))
    if edge.product:
        lines.append(("p", _cell(_text(edge.product),
                                 PALETTE["bad"] if edge.bad else PALETTE["grad"])))
    if lines and mark:  # a table, so each line can have an id (see cell_mark)
        cells = "".join(f'<tr><td{cell_mark(f"{mark}_{part}")}>{text}</td></tr>'
                        for part, text in lines)
        attrs["label"] = (f'<<table border="0" cellborder="0" cellspacing="0" '
                          f'cellpadding="0">{cells}</table>>')
    elif lines:
        attrs["label"] = f"<{'<br/>'.join(text for _, text in lines)}>"
    if edge.penalty:
        attrs["color"] = PALETTE["penalty line"]
        # A penalty reads every weight. Letting those edges rank the layout stretches
        # the model across the whole penalty sum and makes dot's crossing
        # minimisation explode (20 s instead of 1 s for a 12-12-1 MLP).
        attrs["constraint"] = "false"
    if edge.bad:
        attrs["color"] = PALETTE["bad"]
    if edge.highlight:
        attrs["color"] = HIGHLIGHT
        attrs["penwidth"] = "2.5"
    return attrs


# -- colour scale and captions ------------------------------------------------------------

def _blend(color: str, amount: float) -> str:
    """``color`` mixed with white: 0 gives white, 1 the colour itself."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 + (c - 255) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def _shade_level(x: float, top: float) -> int:
    """-SHADE_STEPS .. SHADE_STEPS: the colour level of ``x`` on a scale ending at ``top``."""
    if x == 0 or top == 0:
        return 0
    step = min(SHADE_STEPS, max(1, -int(-abs(x) / top * SHADE_STEPS // 1)))
    return step if x > 0 else -step


def _level_color(level: int) -> str:
    end = PALETTE["positive"] if level > 0 else PALETTE["negative"]
    return _blend(end, 0.7 * abs(level) / SHADE_STEPS)


def _shade(x: float | None, top: float | None) -> str | None:
    if x is None or top is None or not math.isfinite(x):
        return None
    return _level_color(_shade_level(x, top))


def _caption(scene: Scene) -> str:
    rows = []
    for i, text in enumerate(scene.captions):
        warn = text == not_computed()
        text = _cell(_text(text, CAPTION_LIMIT), PALETTE["grad"] if warn else None, bold=i == 0)
        rows.append(f'<tr><td align="left">{text}</td></tr>')
    opts = scene.options
    show_scale = opts.color_by is not None and scene.shade_max is not None \
        and opts.legend is not False
    if show_scale:
        rows.append(f'<tr><td align="left">{_scale_legend(scene)}</td></tr>')
    if opts.legend:
        rows.append(f'<tr><td align="left">{_kind_legend(scene)}</td></tr>')
    if not rows:
        return ""
    return f'<<table border="0" cellspacing="0" cellpadding="2">{"".join(rows)}</table>>'


def _scale_legend(scene: Scene) -> str:
    top = scene.shade_max or 0.0
    fmt = scene.options.fmt
    cells = "".join(f'<td bgcolor="{_level_color(level)}" width="18">&#160;</td>'
                    for level in range(-SHADE_STEPS, SHADE_STEPS + 1))
    what = tr("gradient:") if scene.options.color_by == "grad" else tr("value:")
    return (f'<table border="0" cellborder="1" cellspacing="0" cellpadding="2" '
            f'color="{PALETTE["cluster line"]}"><tr>'
            f'<td border="0">{_cell(what, PALETTE["muted"], size=10)}</td>'
            f'<td border="0">{_cell(format_number(-top, fmt), size=10)}</td>{cells}'
            f'<td border="0">{_cell(format_number(top, fmt), size=10)}</td></tr></table>')


def _kind_legend(scene: Scene) -> str:
    """What the colours mean: the kinds of box drawn, and the three kinds of number."""
    kinds = {box.kind for box in scene.boxes}
    shown = [kind for kind in ("input", "parameter", "value", "output") if kind in kinds]
    if any(b.penalty for b in scene.boxes) or any(g.penalty for g in scene.groups):
        shown.append("penalty")
    names = {"input": tr("input"), "parameter": tr("parameter"), "value": tr("value"),
             "output": tr("output"), "penalty": tr("penalty")}
    chips = "".join(f'<td bgcolor="{PALETTE[kind]}">{_cell(names[kind], size=10)}</td>'
                    for kind in shown)
    numbers = "".join(
        f'<td border="0">{_cell(text, PALETTE[key], size=10)}</td>' for key, text in (
            ("data", "&#160; " + tr("data: forward value")),
            ("grad", tr("grad: ∂output/∂value (backward)")),
            ("local", tr("edges: the chain rule"))))
    return (f'<table border="0" cellborder="1" cellspacing="3" cellpadding="3" '
            f'color="{PALETTE["cluster line"]}"><tr>{chips}{numbers}</tr></table>')
