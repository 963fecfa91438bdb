"""The interactive page's content: each view drawn once, each step of a pass a small state.

A page shows the op view (every op, ``viz.draw``) and, for a graph with
neurons, the network view (``view="network"``). Each is drawn once as SVG, in
its finished state: every value and gradient written in, so the layout never
moves and a browser without scripts still shows the whole diagram. A step of
the pass is then a few ids, applied by the page's script (``viz/assets/page.js``):

- ``marks``: the elements the step computes (a box, its op; a neuron), highlighted;
- ``edges``: the edges it reads along, highlighted;
- and ``View.reveal``: for each number that is not known from the start, the first
  step it shows at (a value at its forward step, a gradient at its backward step).

With ``direction="both"`` the forward pass comes first and the backward pass
follows on the same picture: the gradient rows are there, blank, from step 1.
A step also carries its caption and its rule with the numbers
(``viz.steps``, ``viz.network_steps``), for the side panel; and the index of
the matching step in the other view, so switching views keeps one's place.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Constant, Value, topological_order
from viz.diagram import render
from viz.dot import to_digraph
from viz.network import cards, unit_names
from viz.network import render as render_network
from viz.network_steps import NETWORK_OPTIONS, UnitStep, unit_steps
from viz.scene import (
    Options,
    Progress,
    TooLargeError,
    build_scene,
    check_size,
    display_names,
    fresh_gradients,
)
from viz.steps import DIRECTIONS, op_steps
from viz.text import Summary, format_number
from viz.units import Network, Unit, read_neurons

__all__ = ["Page", "View", "PageStep", "build_page", "view_state", "clean_svg", "ids_of", "VIEWS",
           "PASSES", "NETWORK_OPTIONS"]

VIEWS = ("ops", "network")
PASSES = ("both", "forward", "backward")


@dataclass
class PageStep:
    """One step as the page applies it (see the module docstring)."""

    caption: str
    rule: tuple[str, ...]
    marks: list[str]
    edges: list[str]
    link: int = -1     # the matching step of the other view (-1: none)


@dataclass
class View:
    """One diagram of the page and its steps."""

    name: str                  # "ops" or "network"
    svg: str
    steps: list[PageStep]
    reveal: dict[str, int]     # element id -> the first step it shows at
    cards: dict[str, str] = field(default_factory=dict)  # a neuron's id -> its card's id
    titles: dict[str, str] = field(default_factory=dict)  # a neuron's id -> its name
    cards_svg: str = ""


@dataclass
class Page:
    """Everything the page shows; ``viz.html`` turns it into HTML."""

    title: str
    views: list[View]
    start: str                 # the view shown first
    end: str                   # what the last step says: the pass is over
    notes: list[str] = field(default_factory=list)  # e.g. why a view is missing

    def view(self, name: str) -> View:
        return next(v for v in self.views if v.name == name)


def build_page(root: Value, *, view: str = "ops", direction: str = "both",
               title: str | None = None, **options: Any) -> Page:
    """The page for ``root``'s graph: ``view`` first, the other view beside it when it
    can be drawn; the steps of ``direction`` ("both": forward, then backward).
    ``options`` are ``viz.draw``'s (the network view reads ``NETWORK_OPTIONS``)."""
    if not isinstance(root, Value):
        raise TypeError(f"a page needs a Value (the output of a computation), "
                        f"got {type(root).__name__}")
    if view not in VIEWS:
        raise ValueError(f"view is 'ops' or 'network', got {view!r}")
    if direction not in PASSES:
        raise ValueError(f"direction is 'both', 'forward' or 'backward', got {direction!r}")
    if "focus" in options:
        raise TypeError("a page opens neurons itself: click one in its network view "
                        "(focus= is for viz.draw)")
    unknown = sorted(set(options) - set(Options.__dataclass_fields__) - {"numbers"})
    if unknown:
        raise TypeError(f"unknown draw options: {', '.join(unknown)} (viz.draw's options are "
                        f"{', '.join(f for f in Options.__dataclass_fields__ if f != 'numbers')})")
    passes = DIRECTIONS if direction == "both" else (direction,)
    if view == "ops":  # refuse a graph too big to draw before walking all of it
        opts = Options(**options)
        check_size(root, opts.max_nodes, opts.hide_constants)
    # d root / d node for every node, once for both views (None: a forward page)
    exact = fresh_gradients(root) if "backward" in passes else None
    views: dict[str, View] = {}
    notes: list[str] = []
    net: Network | None = None
    op_nodes: list[tuple[str, Value]] = []
    units: list[tuple[str, Unit]] = []
    # The two views are made side by side: while dot lays one out, Python reads the other.
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = {name: pool.submit(_op_view if name == "ops" else _network_view, root, passes,
                                  exact, options)
                for name in (view, *(v for v in VIEWS if v != view))}
    for name, future in made.items():
        try:
            if name == "ops":
                views[name], op_nodes = future.result()
            else:
                views[name], net, units = future.result()
        except (TooLargeError, ValueError) as error:
            if name == view:
                raise
            if name == "ops":  # (a graph without neurons just has no network view)
                reason = str(error).split(". ", 1)[0].removesuffix(".")
                notes.append(f"The op view is left out: {reason}.")
    if net is not None and len(views) == 2:
        _link(views["ops"], views["network"], net, op_nodes, units)
    # the output's name as the view shown first calls it: v3 in the op view, loss in the network
    name = "loss" if view == "network" and not root.label else display_names(
        topological_order(root), options.get("fmt", ".4g"))[0][root]
    value = root.data if isinstance(root.data, float) else None
    page_title = title or (f"{name} = {format_number(value, options.get('fmt', '.4g'))}"
                           if value is not None else name)
    last = passes[-1]
    end = ("End of the backward pass: every gradient is known." if last == "backward"
           else "End of the forward pass: every value is known.")
    return Page(page_title, list(views.values()), view, end, notes)


# -- the op view -----------------------------------------------------------------------

def _op_view(root: Value, passes: tuple[str, ...], exact: dict[Value, Any] | None,
             options: dict[str, Any]) -> tuple[View, list[tuple[str, Value]]]:
    """The op view, and each step's (direction, node)."""
    opts = Options(**options)
    steps = [s for d in passes for s in op_steps(root, opts, d, exact)]
    order = topological_order(root)
    progress = Progress(grads=exact) if exact is not None else Progress(forward=True)
    scene = build_scene(root, opts, progress)
    svg = clean_svg(render(to_digraph(scene, marks=True), "svg").decode("utf-8"), "o")

    # when each node's value and gradient become known
    shown_data: dict[Value, int] = {}
    shown_grad: dict[Value, int] = {}
    for t, step in enumerate(steps):
        (shown_grad if step.direction == "backward" else shown_data)[step.node] = t
    if "forward" not in passes:
        shown_data = {}  # every value is known from the start
    reveal: dict[str, int] = {}
    drawn = scene.drawn
    for node, name in drawn.items():
        if node.__class__ is Constant or not name.startswith("n"):
            continue
        if node in shown_data:
            reveal[f"{name}_d"] = shown_data[node]
        if node in shown_grad:
            reveal[f"{name}_g"] = reveal[f"{name}_p"] = shown_grad[node]
    for group in scene.groups:
        for k, value in enumerate(group.output_values):
            if value in shown_data:
                reveal[f"{group.name}_{k}d"] = shown_data[value]
            if value in shown_grad:
                reveal[f"{group.name}_{k}g"] = shown_grad[value]
    into: dict[Value, list[str]] = {}   # a node's op: the edges into it and out of it
    leaving: dict[Value, list[str]] = {}  # the edges leaving a node's box
    for k, edge in enumerate(scene.edges):
        if edge.value is None:
            continue
        into.setdefault(edge.value, []).append(f"e{k}")
        if edge.input is not None:
            leaving.setdefault(edge.input, []).append(f"e{k}")
            if edge.value in shown_data:
                reveal[f"e{k}_l"] = shown_data[edge.value]
            if edge.value in shown_grad:
                reveal[f"e{k}_p"] = shown_grad[edge.value]
    ops = {op.name for op in scene.ops}
    titles = {g.name: g.title for g in scene.groups}
    names = display_names(order, opts.fmt)[0] if titles else {}
    index = {node: i for i, node in enumerate(order)}
    page_steps = []
    for step in steps:
        node = step.node
        box = drawn.get(node)
        marks = [box] if box else []
        rule = step.rule
        if box in titles:  # a collapsed box: say which value inside it this is
            rule = (f"inside {titles[box]}: {names[node]}", *rule)
        if step.direction == "forward":
            op = f"op{index[node]}" if node.inputs else ""
            marks += [op] if op in ops else []
            edges = into.get(node, [])
        else:
            edges = leaving.get(node, [])
        page_steps.append(PageStep(step.caption, rule, _prefix("o", marks),
                                   _prefix("o", edges)))
    ids = set(ids_of(svg))
    return (View("ops", svg, page_steps,
                 {"o" + k: t for k, t in reveal.items() if "o" + k in ids}),
            [(s.direction, s.node) for s in steps])


def _prefix(prefix: str, ids: list[str]) -> list[str]:
    return [prefix + i for i in ids]


# -- the network view ------------------------------------------------------------------

def _network_view(root: Value, passes: tuple[str, ...], exact: dict[Value, Any] | None,
                  options: dict[str, Any]) -> tuple[View, Network, list[tuple[str, Unit]]]:
    """The network view, the network it draws, and each step's (direction, unit)."""
    picked = {k: v for k, v in options.items() if k in NETWORK_OPTIONS}
    numbers = Summary(picked.get("sample"), picked.get("summary", "mean"),
                      picked.get("fmt", ".3g"))
    net = read_neurons(root)
    steps: list[UnitStep] = []
    for d in passes:
        steps += unit_steps(root, d, numbers, net, exact)[1]
    backward = exact is not None
    color_by = picked.get("color_by") or "data"
    # the gradients computed afresh, as the op view's: no need for backward() to have run
    fresh = exact or {}
    graph = render_network(net, numbers, grads=backward, color_by=color_by,
                           legend=picked.get("legend") is not False, title=picked.get("title"),
                           marks=True, grad_of=fresh.__getitem__)
    svg = clean_svg(render(graph, "svg").decode("utf-8"), "w")
    names = unit_names(net)
    reveal: dict[str, int] = {}
    for t, step in enumerate(steps):
        name = names[id(step.unit)]
        if step.direction == "forward":
            reveal[f"w{name}_d"] = t
        else:
            reveal[f"w{name}_g"] = t
    weights_in: dict[int, list[str]] = {}
    weights_out: dict[int, list[str]] = {}
    for k, w in enumerate(net.weights):
        weights_in.setdefault(id(w.target), []).append(f"w{k}")
        weights_out.setdefault(id(w.source), []).append(f"w{k}")
    for k, (source, target) in enumerate(net.links):
        weights_in.setdefault(id(target), []).append(f"k{k}")
        weights_out.setdefault(id(source), []).append(f"k{k}")
    page_steps = [PageStep(s.caption, s.rule, ["w" + names[id(s.unit)]],
                           _prefix("w", (weights_in if s.direction == "forward"
                                         else weights_out).get(id(s.unit), [])))
                  for s in steps]
    card_graph, neurons = cards(net, numbers, grads=backward, grad_of=fresh.__getitem__)
    cards_svg = clean_svg(render(card_graph, "svg").decode("utf-8"), "c")
    # a card's numbers show with its neuron's: the formulas and values at its forward
    # step, the gradients and the chain rule at its backward step
    when = {(s.direction, id(s.unit)): t for t, s in enumerate(steps)}
    card_of = {f"cc{k}": unit for k, unit in enumerate(neurons)}
    for ident in ids_of(cards_svg):
        card, _, cell = ident.partition("_")
        if cell and card in card_of:
            direction = "forward" if cell[0] in "fd" else "backward"
            t = when.get((direction, id(card_of[card])))
            if t is not None:
                reveal[ident] = t
    view = View("network", svg, page_steps, reveal,
                cards={"w" + names[id(u)]: f"cc{k}" for k, u in enumerate(neurons)},
                titles={"w" + names[id(u)]: u.name for u in neurons}, cards_svg=cards_svg)
    return view, net, [(s.direction, s.unit) for s in steps]


# -- between the views -----------------------------------------------------------------

def _link(ops: View, network: View, net: Network, op_nodes: list[tuple[str, Value]],
          unit_list: list[tuple[str, Unit]]) -> None:
    """Each step's ``link``: the step of the other view in the same pass that computes
    the same unit (an op's neuron; a weight's neuron; a neuron's activation)."""
    home: dict[Value, Unit] = {}
    for column in net.columns:
        for unit in column:
            for v in (*unit.nodes, *unit.outputs, *unit.z):
                home[v] = unit
            if unit.bias is not None:
                home[unit.bias] = unit
    for w in net.weights:
        home.setdefault(w.w, w.target)
    unit_at = {(d, id(u)): t for t, (d, u) in enumerate(unit_list)}
    node_at = {(d, n): t for t, (d, n) in enumerate(op_nodes)}
    for step, (d, node) in zip(ops.steps, op_nodes):
        unit = home.get(node)
        step.link = unit_at.get((d, id(unit)), -1) if unit is not None else -1
    for step, (d, unit) in zip(network.steps, unit_list):
        step.link = node_at.get((d, unit.outputs[0]), -1)


# -- SVG for a page --------------------------------------------------------------------

_IDS = re.compile(r'\bid="([^"]+)"')
_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
# A number's cell (viz.text.cell_mark): Graphviz wraps it in a link to "#"; the page
# keeps the group with its id and drops the link.
_MARKED = re.compile(r'<g id="a_([^"]+)"><a xlink:href="#" xlink:title="[^"]*">\n?(.*?)</a>\n</g>',
                     re.DOTALL)
_FONT = re.compile(r' font-family="[^"]*"')


def clean_svg(svg: str, prefix: str) -> str:
    """Graphviz's SVG, ready to inline in a page: no prolog, comments or ``<title>``s
    (the node names dot shows on hover; tooltips stay), marked cells as ``<g id>``s, the
    font left to the page's style, and every id prefixed (two views share a page)."""
    svg = _PROLOG.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
    svg = _TITLE.sub("", svg)
    svg = _MARKED.sub(lambda m: f'<g id="{m.group(1)}">{m.group(2)}</g>', svg)
    svg = _FONT.sub("", svg)
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', "<svg", svg, count=1)
    return _IDS.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)


def ids_of(svg: str) -> list[str]:
    """The ids in ``svg``, in order."""
    return _IDS.findall(svg)


def view_state(view: View) -> dict[str, Any]:
    """A view's steps and marks, JSON-ready, for the page's script."""
    return {"name": view.name,
            "steps": [{"caption": s.caption, "rule": list(s.rule), "marks": s.marks,
                       "edges": s.edges, "link": s.link} for s in view.steps],
            "reveal": view.reveal, "cards": view.cards, "titles": view.titles}
