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

One sample, one truth: a batch's page shows one sample at a time, every number
of it (boxes, captions, rules, cards) that sample's, and a selector picks
another (``samples`` of them, and the batch's mean, where no rule is written as
a product of means). The diagram is drawn once, each number cell as wide as its
widest sample; a choice is a list of texts per cell and per step (``View.cells``,
``PageStep.texts``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Constant, Value, topological_order
from autograd.language import get_language, language, tr
from viz.common.chain import DIRECTIONS, fresh_gradients
from viz.common.names import display_names
from viz.common.text import Summary, format_number
from viz.errors import TooLargeError
from viz.network.card import card_texts, cards
from viz.network.draw import cell_texts as unit_texts
from viz.network.draw import render as render_network
from viz.network.draw import unit_names
from viz.network.rules import UnitRules
from viz.network.steps import NETWORK_OPTIONS, UnitStep, unit_steps
from viz.network.units import Network, Unit, read_neurons
from viz.ops.builder import build_scene
from viz.ops.dot import cell_texts, pad_cells, to_digraph
from viz.ops.scene import OpsProgress, Options, check_size
from viz.ops.steps import op_steps
from viz.render.diagram import render

__all__ = ["Page", "View", "PageStep", "build_page", "view_state", "choice_state", "clean_svg",
           "ids_of", "VIEWS", "PASSES", "NETWORK_OPTIONS", "SAMPLES"]

VIEWS = ("ops", "network")
PASSES = ("both", "forward", "backward")
SAMPLES = 10  # the samples of a batch a page holds unless told: 0 to 9


@dataclass
class PageStep:
    """One step as the page applies it (see the module docstring)."""

    caption: str
    rule: tuple[str, ...]
    marks: list[str]
    edges: list[str]
    link: int = -1     # the matching step of the other view (-1: none)
    texts: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (caption, rule)
    #                    for each of the page's choices of sample, when it has several


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
    cells: dict[str, list[str]] = field(default_factory=dict)  # a number cell's id -> its
    #                    text for each choice of sample (the cells whose text differs)


@dataclass
class Page:
    """Everything the page shows; ``viz.html`` turns it into HTML."""

    title: str
    views: list[View]
    start: str                 # the view shown first
    end: str                   # what the last step says: the pass is over
    notes: list[str] = field(default_factory=list)  # e.g. why a view is missing
    choices: list[str] = field(default_factory=list)  # the sample selector's entries
    choice: int = 0            # the one shown first
    lang: str = "en"           # the language its words are in (autograd.language)

    def view(self, name: str) -> View:
        return next(v for v in self.views if v.name == name)


def build_page(root: Value, *, view: str = "ops", direction: str = "both",
               title: str | None = None, samples: int | Sequence[int] | None = None,
               **options: Any) -> Page:
    """The page for ``root``'s graph: ``view`` first, the other view beside it when it
    can be drawn; the steps of ``direction`` ("both": forward, then backward).
    ``options`` are ``viz.draw``'s (the network view reads ``NETWORK_OPTIONS``).

    A batch is shown one sample at a time: ``sample`` first (default 0; None: the
    batch's mean, or its range with ``summary="range"``); the page holds ``samples``
    of them for its selector (the first ``SAMPLES`` by default, or as many as given,
    or the indices given) and the batch's mean."""
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
    Options(**options)  # checked here, before any work
    if view == "ops":  # refuse a graph too big to draw before walking all of it
        opts = Options(**options)
        check_size(root, opts.max_nodes, opts.hide_constants)
    order = topological_order(root)
    size = max(np.size(node.data) for node in order)
    choices, start = _choices(size, samples, options)
    # d root / d node for every node, once for both views (None: a forward page)
    exact = fresh_gradients(root, order) if "backward" in passes else None
    views: dict[str, View] = {}
    notes: list[str] = []
    net: Network | None = None
    op_nodes: list[tuple[str, Value]] = []
    units: list[tuple[str, Unit]] = []
    # The two views are made side by side: while dot lays one out, Python reads the other;
    # each thread in this call's language (a language set for a call is the thread's own).
    lang = get_language()

    def made_in(name: str) -> Any:
        with language(lang):
            return (_op_view if name == "ops" else _network_view)(root, passes, exact, options,
                                                                  choices, start)

    with ThreadPoolExecutor(max_workers=2) as pool:
        made = {name: pool.submit(made_in, name)
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
                notes.append(tr("The op view is left out: {reason}.", reason=reason))
    if net is not None and len(views) == 2:
        _link(views["ops"], views["network"], net, op_nodes, units)
    # the output as both views call it: its label, loss, out
    fmt = options.get("fmt", ".4g")
    name = display_names(order, fmt)[0][root]
    value = root.data if isinstance(root.data, float) else None
    page_title = title or (f"{name} = {format_number(value, fmt)}" if value is not None
                           else name)
    last = passes[-1]
    end = (tr("End of the backward pass: every gradient is known.") if last == "backward"
           else tr("End of the forward pass: every value is known."))
    summary = tr("mean of the {n} samples", n=size) if options.get("summary", "mean") == \
        "mean" else tr("range of the {n} samples", n=size)
    labels = [tr("sample {k} of {n}", k=c, n=size) if c is not None else summary
              for c in choices]
    return Page(page_title, list(views.values()), view, end, notes,
                labels if len(choices) > 1 else [], start, lang)


def _choices(size: int, samples: int | Sequence[int] | None,
             options: dict[str, Any]) -> tuple[list[int | None], int]:
    """The samples a page of a batch of ``size`` holds (None: the batch's summary, last)
    and the index of the one shown first."""
    if size <= 1:
        return [None], 0
    sample = options.get("sample", 0)
    if sample is not None:
        Summary(sample).pick(np.zeros(size))  # a clear error for a bad index
        sample = int(sample) % size
    if samples is None:
        picked = list(range(min(size, SAMPLES)))
    elif isinstance(samples, (int, np.integer)) and not isinstance(samples, bool):
        if samples < 1:
            raise ValueError(f"samples is how many samples the page holds (at least 1) or "
                             f"which, got {samples!r}")
        picked = list(range(min(size, int(samples))))
    elif isinstance(samples, (list, tuple, range, np.ndarray)) and len(samples):
        picked = []
        for k in samples:
            Summary(k).pick(np.zeros(size))
            picked.append(int(k) % size)
    else:
        raise TypeError(f"samples is how many samples the page holds (an int) or which (a "
                        f"list of indices), got {samples!r}")
    choices: list[int | None] = sorted({*picked, *([] if sample is None else [sample])})
    choices.append(None)
    return choices, choices.index(sample)


def _widths(texts: list[dict[str, str]]) -> dict[str, int]:
    """For each line of each cell (``<id>:<line>``), the most characters any choice's
    text puts there: the page draws the cell that wide."""
    widths: dict[str, int] = {}
    for choice in texts:
        for key, text in choice.items():
            for k, line in enumerate(text.split("\n")):
                widths[f"{key}:{k}"] = max(widths.get(f"{key}:{k}", 0), len(line))
    return widths


def _cells(texts: list[dict[str, str]], prefix: str, ids: set[str]) -> dict[str, list[str]]:
    """Each drawn cell whose text differs between the choices: its text in each."""
    cells = {}
    for key in texts[0]:
        column = [choice.get(key, "") for choice in texts]
        if len(set(column)) > 1 and prefix + key in ids:
            cells[prefix + key] = column
    return cells


# -- the op view -----------------------------------------------------------------------

def _op_view(root: Value, passes: tuple[str, ...], exact: dict[Value, Any] | None,
             options: dict[str, Any], choices: list[int | None],
             start: int) -> tuple[View, list[tuple[str, Value]]]:
    """The op view, and each step's (direction, node)."""
    progress = OpsProgress(grads=exact, page=True) if exact is not None else \
        OpsProgress(forward=True, page=True)
    passes_of, scenes = [], []
    for choice in choices:
        opts = Options(**{**options, "sample": choice})
        passes_of.append([s for d in passes for s in op_steps(root, opts, d, exact)])
        scenes.append(build_scene(root, opts, progress))
    steps, scene = passes_of[start], scenes[start]
    texts = [cell_texts(sc) for sc in scenes]
    pad_cells(scene, _widths(texts))
    svg = clean_svg(render(to_digraph(scene, marks=True), "svg").decode("utf-8"), "o")
    order = topological_order(root)
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
    names = display_names(order, options.get("fmt", ".4g"))[0] if titles else {}
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
    if len(choices) > 1:
        for t, page_step in enumerate(page_steps):
            extra = page_step.rule[:len(page_step.rule) - len(steps[t].rule)]
            page_step.texts = [(each[t].caption, (*extra, *each[t].rule)) for each in passes_of]
    ids = set(ids_of(svg))
    return (View("ops", svg, page_steps,
                 {"o" + k: t for k, t in reveal.items() if "o" + k in ids},
                 cells=_cells(texts, "o", ids) if len(choices) > 1 else {}),
            [(s.direction, s.node) for s in steps])


def _prefix(prefix: str, ids: list[str]) -> list[str]:
    return [prefix + i for i in ids]


# -- the network view ------------------------------------------------------------------

def _network_view(root: Value, passes: tuple[str, ...], exact: dict[Value, Any] | None,
                  options: dict[str, Any], choices: list[int | None],
                  start: int) -> tuple[View, Network, list[tuple[str, Unit]]]:
    """The network view, the network it draws, and each step's (direction, unit)."""
    picked = {k: v for k, v in options.items() if k in NETWORK_OPTIONS}
    net = read_neurons(root)
    backward = exact is not None
    # the gradients computed afresh, as the op view's: no need for backward() to have run
    fresh = exact or {}
    rules = UnitRules(net, root, fresh)
    passes_of: list[list[UnitStep]] = []
    texts: list[dict[str, str]] = []   # the view's cells, for each choice
    in_cards: list[dict[str, str]] = []
    for choice in choices:
        numbers = Summary(choice, picked.get("summary", "mean"), picked.get("fmt", ".3g"))
        passes_of.append([s for d in passes
                          for s in unit_steps(root, d, numbers, net, fresh, rules)[1]])
        texts.append(unit_texts(net, numbers, fresh.__getitem__, backward))
        in_cards.append(card_texts(net, numbers, backward, fresh.__getitem__))
    steps = passes_of[start]
    numbers = Summary(choices[start], picked.get("summary", "mean"), picked.get("fmt", ".3g"))
    widths = _widths(texts + in_cards)
    graph = render_network(net, numbers, grads=backward, color_by=picked.get("color_by") or "data",
                           legend=picked.get("legend") is not False, title=picked.get("title"),
                           marks=True, grad_of=fresh.__getitem__, widths=widths)
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
                                         else weights_out).get(id(s.unit), [])),
                           texts=[(each[t].caption, each[t].rule) for each in passes_of]
                           if len(choices) > 1 else [])
                  for t, s in enumerate(steps)]
    card_graph, neurons = cards(net, numbers, grads=backward, grad_of=fresh.__getitem__,
                                widths=widths)
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
    many = len(choices) > 1
    view = View("network", svg, page_steps, reveal,
                cards={"w" + names[id(u)]: f"cc{k}" for k, u in enumerate(neurons)},
                titles={"w" + names[id(u)]: u.name for u in neurons}, cards_svg=cards_svg,
                cells={**_cells(texts, "w", set(ids_of(svg))),
                       **_cells(in_cards, "c", set(ids_of(cards_svg)))} if many else {})
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
    """A view's steps and marks, JSON-ready, for the page's script: each step's caption
    and rule as the page shows them first (its first sample)."""
    return {"name": view.name,
            "steps": [{"caption": s.caption, "rule": list(s.rule), "marks": s.marks,
                       "edges": s.edges, "link": s.link} for s in view.steps],
            "reveal": view.reveal, "cards": view.cards, "titles": view.titles}


def choice_state(view: View) -> dict[str, Any] | None:
    """What the sample selector changes in a view, JSON-ready: each step's (caption, rule)
    and each number cell's text, for every choice; None for a page of one sample."""
    if not any(s.texts for s in view.steps):
        return None
    return {"texts": [[[caption, list(rule)] for caption, rule in s.texts]
                      for s in view.steps],
            "cells": view.cells}
