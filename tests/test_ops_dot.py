"""viz.ops.dot: the op view as DOT, what its boxes and captions show."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from ops_helpers import cell, name_of, needs_dot, node_labels, seed_nodes, svg_nodes

import viz
from autograd.engine import Constant, Parameter, Value, scope, topological_order
from viz.common.text import CAPTION_LIMIT, LABEL_LIMIT, format_number
from viz.ops.dot import PALETTE


def header_color(label: str) -> str:
    return re.search(r'<td colspan="2" bgcolor="([^"]+)"', label).group(1)


def test_inputs_parameters_constants_and_the_output_look_different():
    x = Value(1.0, "x")
    w = Parameter(2.0, "w")
    h = w * x
    h.label = "h"
    out = h + 3.0
    out.label = "out"
    out.backward()
    source = viz.draw(out).source
    labels = node_labels(source)
    order = topological_order(out)
    colors = {kind: header_color(labels[f"n{order.index(v)}"])
              for kind, v in (("input", x), ("parameter", w), ("value", h), ("output", out))}
    assert len(set(colors.values())) == 4
    assert colors["parameter"] == PALETTE["parameter"]
    constant = next(v for v in order if isinstance(v, Constant))
    constant_line = next(line for line in source.splitlines()
                         if line.strip().startswith(f"n{order.index(constant)} "))
    assert "dashed" in constant_line and "grad" not in constant_line
    assert re.search(r"^\s*graph \[.*rankdir=LR", source, flags=re.M)


def test_hide_constants_leaves_constant_leaves_out():
    x = Value(1.0, "x")
    y = x * 7.5 + 2.25
    y.backward()
    shown = viz.draw(y).source
    hidden = viz.draw(y, hide_constants=True).source
    assert shown.count("dashed") == 2 and ">2.25<" in shown
    assert hidden.count("dashed") == 0 and ">2.25<" not in hidden
    assert hidden.count("-> op") == 2  # x into *, the product into +
    assert shown.count("-> op") == 4


def test_fmt_formats_every_number():
    source = viz.draw(seed_nodes()[-1], fmt=".2f").source
    assert ">-2.00<" in source and "-4.00 · 1.00 = -4.00" in source


def test_a_diagram_drawn_before_backward_says_gradients_are_not_computed_yet():
    f = seed_nodes(backward=False)[-1]
    source = viz.draw(f).source
    assert "gradients not computed yet" in source
    assert all(cell(label, "grad") == "—" for name, label in node_labels(source).items()
               if name.startswith("n"))
    assert "∂f/∂x = ∂f/∂q" not in source  # no products without gradients
    assert "∂q/∂x = 1" in source          # local derivatives are known from the forward pass
    f.backward()
    assert "not computed yet" not in viz.draw(f).source


def test_grads_true_shows_gradients_that_are_genuinely_zero():
    x = Value(-1.0, "x")
    y = x.relu()
    y.label = "y"
    x.grad, y.grad = 0.0, 0.0  # as if a backward through a dead relu ran on a bigger graph
    assert "not computed yet" in viz.draw(y).source
    source = viz.draw(y, grads=True).source
    assert "not computed yet" not in source
    assert cell(node_labels(source)["n0"], "grad") == "0"


def test_nan_and_inf_values_and_gradients_are_marked_in_red():
    big = Value(1e308, "big")
    y = big * 10.0            # overflows to inf
    y.label = "y"
    n = Value(float("nan"), "n")
    ok = Value(2.0, "ok")
    f = y * n + ok
    f.label = "f"
    f.backward()
    labels = node_labels(viz.draw(f).source)
    bad = PALETTE["bad"]
    assert cell(labels[name_of(f, y)], "data") == "inf" and bad in labels[name_of(f, y)]
    assert cell(labels[name_of(f, n)], "data") == "NaN" and bad in labels[name_of(f, n)]
    assert cell(labels[name_of(f, big)], "grad") == "NaN" and bad in labels[name_of(f, big)]
    assert bad not in labels[name_of(f, ok)]   # finite value, finite gradient 1
    g = ok * 2.0
    g.backward()
    assert bad not in viz.draw(g).source


def test_color_by_grad_shades_by_sign_and_size_and_adds_a_legend():
    a, b, c = Value(1.0, "a"), Value(1.0, "b"), Value(1.0, "c")
    f = 4.0 * a - 1.0 * b + 0.0 * c
    f.label = "f"
    f.backward()
    source = viz.draw(f, color_by="grad").source
    labels = node_labels(source)

    def grad_fill(v: Value) -> str:
        return re.search(r'<td align="left" bgcolor="([^"]+)">.{0,60}grad', labels[name_of(f, v)]
                         ).group(1)

    fa, fb = grad_fill(a), grad_fill(b)
    assert fa != fb
    assert int(fa[1:3], 16) > int(fa[5:7], 16)   # positive: red over blue
    assert int(fb[5:7], 16) > int(fb[1:3], 16)   # negative: blue over red
    # a bigger magnitude is a stronger colour (further from white)
    assert sum(int(fa[i:i + 2], 16) for i in (1, 3, 5)) < sum(
        int(fb[i:i + 2], 16) for i in (1, 3, 5))
    assert "gradient:" in source and ">4<" in source and ">-4<" in source  # the legend's ends
    assert "gradient:" not in viz.draw(f).source


HOSTILE = [
    'say "hi"',
    "<b>not bold</b>",
    "{a|b} | {c}",
    "back\\slash\\",
    "two\nlines",
    "ünïcødé ∂f/∂x αβγ",
    "]; evil [shape=box",
    "&amp; &lt;",
    "a  b   c",
    "tab\there",
    "--> n0 -> n1 //",
]


@needs_dot
def test_hostile_labels_render_literally_through_dot():
    leaves = [Value(float(i), label) for i, label in enumerate(HOSTILE)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    total.label = HOSTILE[1]
    with scope(HOSTILE[2]):
        out = total * 2.0
    out.label = HOSTILE[0]
    out.backward()
    graph = viz.draw(out, edge_labels=False)
    svg = graph.pipe(format="svg").decode()
    nodes = svg_nodes(svg)
    texts = [t.replace("\xa0", " ") for lines in nodes.values() for t in lines]
    for label in HOSTILE:
        expected = label.replace("\t", "    ").split("\n")
        for line in expected:
            assert line in texts, f"{label!r} did not come out literally"
    # nothing injected: exactly the boxes and op nodes we made
    assert len(nodes) == len(topological_order(out)) + (len(HOSTILE) - 1) + 1
    clusters = re.findall(r'<g id="clust\d+" class="cluster">\s*<title>([^<]*)</title>', svg)
    assert clusters == ["cluster_0"]


def svg_tooltips(svg: str) -> dict[str, list[str]]:
    """SVG from dot -> {node or cluster name: the tooltips (xlink:title) inside it}."""
    tree = ET.fromstring(svg)
    found = {}
    for group in tree.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") in ("node", "cluster", "graph"):
            title = group.find("{http://www.w3.org/2000/svg}title").text
            found[title] = [a.get("{http://www.w3.org/1999/xlink}title")
                            for a in group.iter("{http://www.w3.org/2000/svg}a")]
    return found


@needs_dot
def test_backslashes_in_labels_scopes_and_edges_draw_as_typed():
    # Graphviz reads \N as the node's name and \G as the graph's ("autograd"), even in
    # HTML-like labels: C:\Users\Name used to come out as C:\Usersn0ame.
    path, g_name = Value(2.0, "C:\\Users\\Name"), Value(3.0, "\\G\\n\\")
    with scope("dir\\N"):
        q = path * g_name
    q.label = "q"
    q.backward()
    svg = viz.draw(q, title="\\G in C:\\Users").pipe(format="svg").decode()
    nodes = svg_nodes(svg)
    assert nodes[name_of(q, path)][0] == "C:\\Users\\Name"
    assert nodes[name_of(q, g_name)][0] == "\\G\\n\\"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "dir\\N" in texts and "\\G in C:\\Users" in texts
    assert "∂q/∂C:\\Users\\Name = \\G\\n\\ = 3" in texts
    assert not any("autograd" in t or "n0" in t for t in texts)


@needs_dot
@pytest.mark.parametrize("char", ["x", "∂"])  # ∂ is 3 bytes: Graphviz's limit is in bytes
def test_a_label_too_long_for_graphviz_is_cut_visibly_and_whole_in_the_tooltip(char):
    long = char * 10_240  # dot used to fail: "syntax error ... longer than 16384?"
    x = Value(2.0, long)
    with scope(char * 200):
        f = x * 3.0
    f.label = "f"
    f.backward()
    svg = viz.draw(f, title="t" * 20_000).pipe(format="svg").decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    header = char * (LABEL_LIMIT - 1) + "…"
    assert svg_nodes(svg)[name_of(f, x)][0] == header
    (tip,) = svg_tooltips(svg)[name_of(f, x)]
    if char == "x":
        assert tip == long
    else:  # 30 KB of UTF-8 cannot go whole into one Graphviz string: cut at its budget
        assert tip == char * (len(tip) - 1) + "…" and len(tip) > 3000
    assert f"∂f/∂{header} = 3" in texts   # the edge's chain rule names it cut too
    assert header in texts and svg_tooltips(svg)["cluster_0"] == [char * 200]  # the scope
    assert "t" * (CAPTION_LIMIT - 1) + "…" in texts                           # the title
    caption_tip = svg_tooltips(svg)["autograd"][0]
    assert caption_tip.startswith("t" * 10_000) and caption_tip.endswith("…")


@pytest.mark.parametrize("kwargs, match", [
    ({"fmt": "%d"}, "fmt"),
    ({"fmt": 4}, "fmt"),
    ({"rankdir": "left"}, "rankdir"),
    ({"collapse": "banana"}, "collapse"),
    ({"collapse": 0}, "collapse"),
    ({"max_nodes": 0}, "max_nodes"),
    ({"color_by": "size"}, "color_by"),
    ({"summary": "median"}, "summary"),
    ({"sample": 1.5}, "sample"),
    ({"grads": "yes"}, "grads"),
])
def test_bad_options_are_clear_errors(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        viz.draw(seed_nodes()[-1], **kwargs)


def test_draw_needs_a_value():
    with pytest.raises(TypeError, match="Value"):
        viz.draw(3.0)


def test_max_nodes_refuses_a_million_node_chain_before_any_layout():
    x = Value(1.0, "x")
    for _ in range(1_000_000):
        x = -x
    start = time.perf_counter()
    with pytest.raises(ValueError, match="collapse='neuron'") as info:
        viz.draw(x)
    assert time.perf_counter() - start < 0.5
    assert isinstance(info.value, viz.TooLargeError)
    assert "max_nodes=2000" in str(info.value) and "view='network'" in str(info.value)


def test_max_nodes_counts_the_values_drawn():
    x = Value(1.0, "x")
    for _ in range(9):
        x = -x
    viz.draw(x, max_nodes=10)  # ten values: fine
    with pytest.raises(viz.TooLargeError):
        viz.draw(x, max_nodes=9)


def batched():
    x = Value(np.array([1.0, 2.0, -3.0]), "x")
    w = Parameter(0.5, "w")
    y = w * x
    y.label = "y"
    loss = y.sum()
    loss.label = "L"
    loss.backward()
    return x, w, y, loss


def test_batched_draw_shows_the_chosen_sample():
    x, w, y, loss = batched()
    for k, expected in ((0, "1"), (1, "2"), (2, "-3"), (-1, "-3")):
        labels = node_labels(viz.draw(loss, sample=k).source)
        assert cell(labels[name_of(loss, x)], "data") == expected
        assert cell(labels[name_of(loss, y)], "data") == format_number(0.5 * float(expected))
        # a parameter's gradient is the batch total, whichever sample is shown
        assert cell(labels[name_of(loss, w)], "grad") == "0"  # 1 + 2 - 3
    source = viz.draw(loss, sample=1).source
    assert "batch of 3 samples: showing sample 1" in source
    assert "∂L/∂x = ∂L/∂y · ∂y/∂x = 1 · 0.5 = 0.5" in source


def test_batched_draw_summarises_by_mean_or_range():
    x, w, y, loss = batched()
    labels = node_labels(viz.draw(loss, summary="mean").source)
    assert cell(labels[name_of(loss, x)], "data") == "mean 0"
    assert cell(labels[name_of(loss, y)], "grad") == "mean 1"
    source = viz.draw(loss, summary="range").source
    labels = node_labels(source)
    assert cell(labels[name_of(loss, x)], "data") == "[-3, 2]"
    assert cell(labels[name_of(loss, y)], "data") == "[-1.5, 1]"
    assert "Σ over the batch of ∂L/∂y · ∂y/∂w = 0" in source
    assert "min, max" in source


def test_a_sample_outside_the_batch_is_a_clear_error():
    loss = batched()[-1]
    with pytest.raises(IndexError, match="sample=3 is out of range for a batch of 3"):
        viz.draw(loss, sample=3)


def test_legend_explains_the_colours_of_what_is_drawn():
    source = viz.draw(seed_nodes()[-1], legend=True, title="f = (x + y) z").source
    assert "data: forward value" in source and "grad: ∂output/∂value (backward)" in source
    assert ">input<" in source and ">output<" in source
    assert ">parameter<" not in source and ">penalty<" not in source  # none in this graph
    assert re.search(r"<b>f = \(x \+ y\) z</b>", source)
    assert "data: forward value" not in viz.draw(seed_nodes()[-1]).source
