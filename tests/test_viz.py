"""viz.draw and viz.save: what the diagram of a graph must show, and how it must behave."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import viz
from autograd.engine import Constant, Parameter, Value, add_n, grad, scope, topological_order
from autograd.nn import MLP
from autograd.regularizers import l2
from autograd.rnn import RNN
from viz.common.scope import collapse_key, homes, is_penalty, levels
from viz.common.text import CAPTION_LIMIT, LABEL_LIMIT, escape, format_number
from viz.ops.dot import PALETTE

SNAPSHOTS = Path(__file__).parent / "snapshots"
ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def seed(backward: bool = True) -> tuple[Value, ...]:
    """The course's example: f = (x + y) z at x=-2, y=5, z=-4."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    if backward:
        f.backward()
    return x, y, z, q, f


def node_labels(source: str) -> dict[str, str]:
    """DOT node name -> its label text, from draw()'s output (one statement per line)."""
    labels = {}
    for line in source.splitlines():
        m = re.match(r"\s*(n\d+|op\d+|g\d+) \[label=<(.*)>", line)
        if m:
            labels[m.group(1)] = m.group(2)
    return labels


def cell(label: str, row: str) -> str:
    """The number shown in a box's "data" or "grad" row ("" when blank)."""
    m = re.search(rf">{row}</font></td><td[^>]*>(.*?)</td>", label)
    assert m, f"no {row} row in {label}"
    text = re.sub(r"<[^>]+>", "", m.group(1))
    return "" if text == "&#160;" else text


def name_of(root: Value, node: Value) -> str:
    return f"n{topological_order(root).index(node)}"


def svg_nodes(svg: str) -> dict[str, list[str]]:
    """SVG from dot -> {node name: the text lines drawn in it}."""
    ns = {"svg": "http://www.w3.org/2000/svg"}
    tree = ET.fromstring(svg)
    nodes = {}
    for group in tree.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") == "node":
            title = group.find("svg:title", ns).text
            nodes[title] = [t.text or "" for t in group.iter("{http://www.w3.org/2000/svg}text")]
    return nodes


# -- the seed example ---------------------------------------------------------------------

@needs_dot
def test_seed_svg_holds_every_value_and_gradient_in_its_own_node():
    x, y, z, q, f = seed()
    svg = viz.draw(f).pipe(format="svg").decode()
    nodes = svg_nodes(svg)
    expected = {x: ("x", "-2", "-4"), y: ("y", "5", "-4"), z: ("z", "-4", "3"),
                q: ("q", "3", "-4"), f: ("f", "-12", "1")}
    for node, (label, data, gradient) in expected.items():
        texts = [t.strip() for t in nodes[name_of(f, node)]]
        assert texts[0] == label
        assert texts[texts.index("data") + 1] == data
        assert texts[texts.index("grad") + 1] == gradient


def test_seed_dot_matches_the_snapshot():
    source = viz.draw(seed()[-1]).source
    path = SNAPSHOTS / "seed.dot"
    if os.environ.get("VIZ_UPDATE_SNAPSHOTS"):
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8"), \
        "the seed diagram changed; if on purpose, rerun with VIZ_UPDATE_SNAPSHOTS=1"


def test_two_builds_of_one_program_give_byte_identical_dot():
    assert viz.draw(seed()[-1]).source == viz.draw(seed()[-1]).source


DETERMINISM_SCRIPT = textwrap.dedent("""
    import numpy as np, viz
    from autograd.engine import Value, scope
    from autograd.nn import MLP
    from autograd.regularizers import l2
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    with scope("loss"):
        loss = (out - 1.0) ** 2
    total = loss + l2(model, 0.1)
    total.backward()
    print(viz.draw(total).source)
    print(viz.draw(total, collapse="neuron", color_by="grad").source)
""")


def test_dot_is_identical_across_processes_and_hash_seeds():
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert "cluster_" in outputs[0] and "<i>L1.N0</i>" in outputs[0]  # names from scopes


# -- names from scopes -----------------------------------------------------------------

def drawn_names(root: Value) -> dict[Value, str]:
    """Every non-constant node -> the name the diagram gives it."""
    from viz.common.names import display_names
    order = topological_order(root)
    names, _ = display_names(order, ".4g")
    return {n: names[n] for n in order if not isinstance(n, Constant)}


def assert_no_bare_number_names(names: dict[Value, str]) -> None:
    bare = sorted(name for node, name in names.items()
                  if node.scope and re.fullmatch(r"v\d+", name))
    assert not bare, bare


def test_an_mlps_values_are_named_after_their_neuron():
    model = MLP(2, [3, 2, 1], seed=0)
    x1, x2 = Value(0.5, "x1"), Value(-1.0, "x2")
    out = model([x1, x2])
    names = drawn_names(out)
    assert_no_bare_number_names(names)
    by_name = {name: node for node, name in names.items()}
    # layer 1's relu neurons: z = b + w0 a0 + w1 a1 + w2 a2, and its activation relu(z)
    for j, neuron in enumerate(model.layers[1].neurons):
        z = by_name[f"L1.N{j}.z"]
        act = by_name[f"L1.N{j}"]
        assert act.op == "relu" and act.inputs == (z,) and z.op == "add_n"
        a = [by_name[f"L0.N{i}"].data for i in range(3)]
        assert z.data == pytest.approx(neuron.b.data + sum(w.data * ai
                                                           for w, ai in zip(neuron.w, a)))
        assert by_name[f"L1.N{j}.w2x2"].inputs == (neuron.w[2], by_name["L0.N2"])
    assert names[out] == "L2.N0" and "L2.N0.z" not in by_name  # linear: the sum is the output
    assert names[x1] == "x1" and names[model.layers[0].neurons[1].b] == "L0.N1.b"


def test_a_users_label_wins_over_the_scopes_name():
    model = MLP(2, [2, 1], seed=0)
    out = model([0.5, -1.0])
    hidden = out.inputs[1].inputs[1]  # the product w0 * L0.N0: its second factor
    hidden.label = "hidden"
    names = drawn_names(out)
    assert names[hidden] == "hidden" and "L0.N0" not in names.values()
    assert "L0.N0.z" in names.values()


def test_batchnorm_statistics_are_mu_and_sigma_squared_of_their_feature():
    from autograd.engine import batch
    from autograd.nn import Activation, BatchNorm1d, Layer, Sequential
    net = Sequential(Layer(2, 3, "linear", seed=0), BatchNorm1d(3), Activation("relu"))
    X = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0], [2.0, 2.0]])
    out = net(batch(X))
    total = out[0] + out[1] + out[2]
    names = drawn_names(total)
    assert_no_bare_number_names({n: v for n, v in names.items() if n is not total})
    by_name = {name: node for node, name in names.items()}
    pre = X @ net.layers[0].weight_matrix().T  # each feature's values before the norm
    for j in range(3):
        assert by_name[f"L1.μ{j}"].data == pytest.approx(pre[:, j].mean())
        assert by_name[f"L1.σ²{j}"].data == pytest.approx(pre[:, j].var())
        assert by_name[f"L2.ReLU{j}"] is out[j]
    # made outside any scope: the output is the loss, the sums are named by role, the
    # batch inputs x0, x1
    assert names[total] == "loss" and names[total.inputs[0]] == "sum"
    assert {names.get(x) for x in topological_order(total) if not x.inputs} >= {
        "x0", "x1"}


def test_layernorm_statistics_are_mu_and_sigma_squared():
    from autograd.nn import Layer, LayerNorm, Sequential
    net = Sequential(Layer(2, 3, "linear", seed=0), LayerNorm(3))
    out = net([1.0, 2.0])
    names = drawn_names(out[0])
    by_name = {name: node for node, name in names.items()}
    pre = [v.data for v in (by_name[f"L0.N{j}"] for j in range(3))]
    assert by_name["L1.μ"].data == pytest.approx(np.mean(pre))
    assert by_name["L1.σ²"].data == pytest.approx(np.var(pre))
    assert_no_bare_number_names(names)


def test_an_rnns_hidden_states_and_outputs_are_h_t_and_y_t():
    rnn = RNN(1, 2, 1, seed=0)
    ys = rnn([1.0, 0.5, -0.5])
    total = ys[0] + ys[1] + ys[2]
    names = drawn_names(total)
    assert_no_bare_number_names({n: v for n, v in names.items() if n is not total})
    for t, h in enumerate(rnn.hidden_states, start=1):
        assert [names[v] for v in h] == [f"h{t}[0]", f"h{t}[1]"]
        assert names[ys[t - 1]] == f"y{t}"
    # a_t = W_xh x_t + W_hh h_(t-1) + b_h, from step 2 on (h_0 = 0 adds nothing)
    assert [names[v.inputs[0]] for v in rnn.hidden_states[1]] == ["a2[0]", "a2[1]"]


def test_a_graph_built_sample_by_sample_numbers_each_neurons_repeats():
    model = MLP(1, [2, 1], seed=0)
    outs = [model([x]) for x in (0.5, -1.0)]
    names = drawn_names(outs[0] + outs[1])
    assert (names[outs[0]], names[outs[1]]) == ("L1.N0", "L1.N0#2")


def top_to_bottom(root: Value, **options) -> dict[str, list[str]]:
    """Lay the diagram out with dot; each layer ("L1") and the inputs ("x"): the names of
    its neurons (or inputs) from the top of the picture down."""
    from viz.ops.dot import to_digraph
    from viz.ops.builder import build_scene
    from viz.ops.scene import Options
    scene = build_scene(root, Options(edge_labels=False, **options))
    title = {b.name: b.title for b in scene.boxes}
    title.update({g.name: g.outputs[0][0] for g in scene.groups if g.outputs})
    plain = to_digraph(scene).pipe(format="plain").decode()
    found: dict[str, list[tuple[float, str]]] = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node" and re.fullmatch(r"L\d\.N\d|x\d", title.get(parts[1], "")):
            name = title[parts[1]]
            found.setdefault(name.split(".")[0] if "." in name else "x", []).append(
                (-float(parts[3]), name))
    return {key: [name for _, name in sorted(found[key])] for key in sorted(found)}


@needs_dot
@pytest.mark.parametrize("options", [
    {}, {"clusters": False}, {"collapse": "neuron"}, {"collapse": "neuron", "clusters": False},
    {"collapse": "layer"}, {"collapse": "layer", "clusters": False}])
def test_neurons_and_inputs_are_drawn_in_index_order(options):
    model = MLP(3, [4, 8, 1], seed=0)
    x = [Value(v, f"x{i + 1}") for i, v in enumerate([0.5, -1.0, 2.0])]
    out = model(x)
    total = (out - 1.0) ** 2 + l2(model, 1e-3)  # the penalty reads every weight
    total.backward()
    drawn = top_to_bottom(total, **options)
    assert drawn["x"] == ["x1", "x2", "x3"]
    if options.get("collapse") != "layer":
        assert drawn["L0"] == [f"L0.N{j}" for j in range(4)]
        assert drawn["L1"] == [f"L1.N{j}" for j in range(8)]


# -- the chain rule on the edges ---------------------------------------------------------

def test_edges_carry_the_local_derivative_and_the_chain_rule_product():
    source = viz.draw(seed()[-1]).source
    assert "∂q/∂x = 1" in source
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4" in source
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = -4 · 1 = -4" in source
    # the rule's derivative text, in the diagram's names: d(q z)/dq = z
    assert "∂f/∂q = z = -4" in source
    assert "∂f/∂z = q = 3" in source


def test_x_times_x_draws_two_edges_each_with_its_own_share_of_the_gradient():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    y.backward()
    source = viz.draw(y).source
    assert len(re.findall(r"^\s*n0 -> op1 ", source, flags=re.M)) == 2
    # one use of two: the product is a contribution, and the box shows the sum 6
    assert source.count("∂y/∂y · ∂y/∂x") == 0  # the edge into the output needs no product
    assert cell(node_labels(source)["n0"], "grad") == "6"
    assert source.count("∂y/∂x = x = 3") == 2


@needs_dot
def test_an_add_n_node_labels_every_edge_and_names_its_formula():
    x, y, z = Value(2.0, "x"), Value(-3.0, "y"), Value(0.5, "z")
    p = y * z
    p.label = "p"
    s = add_n([x, p, z, x])  # four inputs, x twice
    s.label = "s"
    s.backward()
    source = viz.draw(s).source
    assert len(re.findall(r"^\s*n\d+ -> op\d+ ", source, flags=re.M)) == 4 + 2  # and p's two
    assert source.count("∂s/∂x = 1") == 2 and "∂s/∂p = 1" in source and "∂s/∂z = 1" in source
    assert "add_n: out = a_1 + a_2 + a_3 + a_4" in source  # the op node's tooltip
    assert cell(node_labels(source)[name_of(s, z)], "grad") == "-2"  # 1 + y
    frames = list(viz.step_forward(s))
    assert frames[-1].caption == "forward 5/5: s = x + p + z + x = 3"


def test_products_of_a_value_used_twice_add_up_to_its_gradient():
    x = Value(2.0, "x")
    a = x * 3.0
    a.label = "a"
    b = x.tanh()
    b.label = "b"
    f = a * b
    f.label = "f"
    f.backward()
    source = viz.draw(f).source
    products = [float(m) for m in re.findall(r"∂f/∂\w · ∂\w/∂x = [^=]+= (-?[\d.e+-]+)<", source)]
    assert len(products) == 2
    assert sum(products) == pytest.approx(x.grad, rel=1e-3)
    # used twice, so neither edge claims to be the whole ∂f/∂x
    assert "∂f/∂x = ∂f/" not in source


def test_an_unlabelled_value_gets_a_stable_made_up_name():
    x = Value(0.5, "x")
    y = (x * 2.0).tanh()
    y.backward()
    source = viz.draw(y).source
    # named by its op's role, the output "out" (no parameters: not a model's loss)
    assert "<i>prod</i>" in source and "∂f" not in source
    assert "∂out/∂prod = 1 - out² = " in source  # tanh's rule, in the diagram's names and notation


# -- telling things apart ----------------------------------------------------------------

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
    source = viz.draw(seed()[-1], fmt=".2f").source
    assert ">-2.00<" in source and "-4.00 · 1.00 = -4.00" in source


# -- before backward, NaN, colour ----------------------------------------------------------

def test_a_diagram_drawn_before_backward_says_gradients_are_not_computed_yet():
    f = seed(backward=False)[-1]
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


def test_the_derivative_label_shows_inf_where_the_rule_is_infinite():
    x = Value(0.0, "x")
    y = x.sqrt()
    y.label = "y"
    source = viz.draw(y, grads=False).source
    assert "∂y/∂x = 0.5/y = inf" in source


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


# -- safe labels ----------------------------------------------------------------------------

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


def test_escape_neutralises_markup_and_keeps_the_rest():
    assert escape('<b>"x"</b> & y') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y"
    assert escape("a\nb") == "a<br/>b"
    assert escape("{|}\\") == "{|}\\\\"  # Graphviz draws a doubled backslash as one
    assert escape("∂ é") == "∂ é"
    assert escape("bell\x07") == "bell\\\\x07"
    assert escape("\ud800") == "\\\\ud800"  # an unpaired surrogate cannot be UTF-8
    with pytest.raises(TypeError):
        escape(3)


def test_format_number_spells_out_special_values():
    assert [format_number(v) for v in (-4.0, 1 / 3, 1e-9, -0.0)] == ["-4", "0.3333", "1e-09", "0"]
    assert [format_number(v) for v in (float("nan"), float("inf"), -float("inf"))] == \
        ["NaN", "inf", "-inf"]


# -- options are checked ----------------------------------------------------------------------

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
        viz.draw(seed()[-1], **kwargs)


def test_draw_needs_a_value():
    with pytest.raises(TypeError, match="Value"):
        viz.draw(3.0)


# -- big graphs ---------------------------------------------------------------------------

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


# -- scopes: clusters, collapse, penalties --------------------------------------------------

def test_scope_levels_keep_an_index_with_its_name():
    assert levels("layers.0.neurons.3") == ("layers.0", "neurons.3")
    assert levels("l2 penalty") == ("l2 penalty",)
    assert levels("") == ()
    assert collapse_key("layers.0.neurons.3", "neuron") == ("layers.0", "neurons.3")
    assert collapse_key("layers.0.neurons.3", "layer") == ("layers.0",)
    assert collapse_key("layers.0.layernorm", "layer") == ("layers.0",)
    assert collapse_key("layernorm", "layer") is None
    assert collapse_key("a.b.c", 2) == ("a", "b")
    assert is_penalty("l2 penalty") and is_penalty("model.Regularization")
    assert not is_penalty("loss")


def test_a_weight_made_outside_any_scope_is_drawn_in_the_scope_that_uses_it():
    w = Parameter(1.0, "w")
    x = Value(2.0, "x")
    with scope("neurons.0"):
        h = w * x
    with scope("l2 penalty"):
        p = w * w
    home = homes(topological_order(h + p))
    assert home[w] == "neurons.0"   # the penalty reads w but does not own it
    assert home[x] == ""            # data stays outside


def dot_clusters(source: str) -> dict[str, list[str]]:
    """DOT node name -> the labels of the clusters around it, outermost first."""
    stack: list[str | None] = []
    where: dict[str, list[str]] = {}
    for line in source.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append(None)
        elif s.startswith("graph [") and stack and stack[-1] is None:
            stack[-1] = re.search(r"label=<<b>(.*?)</b>>", s).group(1)
        elif s == "}" and stack:
            stack.pop()
        else:
            m = re.match(r"(n\d+|g\d+|op\d+) \[", s)
            if m:
                where[m.group(1)] = [label for label in stack if label]
    return where


def mlp_with_penalty(lam: float = 0.1):
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    with scope("loss"):
        loss = (out - 1.0) ** 2
    total = loss + l2(model, lam)
    total.label = "L"
    total.backward()
    return model, total


def test_every_mlp_parameter_lands_in_its_neurons_cluster():
    model, total = mlp_with_penalty()
    where = dot_clusters(viz.draw(total, edge_labels=False).source)
    order = topological_order(total)
    named = list(model.named_parameters())
    assert len(named) == 3 * 3 + 2 * 4 + 1 * 3
    for name, p in named:        # e.g. layers.0.neurons.2.w.1
        layer, neuron = re.match(r"(layers\.\d+)\.(neurons\.\d+)\.", name).groups()
        assert where[f"n{order.index(p)}"] == [layer, neuron], name


def test_collapse_neuron_draws_one_box_per_neuron():
    model, total = mlp_with_penalty()
    source = viz.draw(total, collapse="neuron").source
    labels = node_labels(source)
    boxes = {name: label for name, label in labels.items() if name.startswith("g")}
    neuron_boxes = [label for label in boxes.values() if "<b>neurons." in label]
    assert len(neuron_boxes) == 3 + 2 + 1
    assert sorted(re.search(r"(\d+) parameters", b).group(1) for b in neuron_boxes) == \
        ["3", "3", "3", "3", "4", "4"]
    # the penalty and the loss are boxes too; no parameter is drawn on its own
    assert any("<b>l2 penalty</b>" in b for b in boxes.values())
    assert not any("parameter</font>" in label for label in labels.values())
    assert len(labels) < 20
    where = dot_clusters(source)
    assert all(where[g] and where[g][0].startswith("layers.")
               for g, label in boxes.items() if "<b>neurons." in label)


def test_collapse_neuron_keeps_an_rnn_steps_loose_values_inside_the_step():
    y = RNN(1, 2, 1, seed=0).many_to_one([1.0, 0.0, 1.0])
    y.backward()
    source = viz.draw(y, collapse="neuron").source
    where = dot_clusters(source)
    steps = {name: re.search(r"<b>(t\d)</b>", label).group(1)
             for name, label in node_labels(source).items()
             if name.startswith("g") and re.search(r"<b>t\d</b>", label)}
    assert sorted(steps.values()) == ["t1", "t2", "t3"]  # each step's sums and tanh
    for name, step in steps.items():
        assert where[name] == [step], (name, step)


def test_collapse_that_matches_no_scope_is_a_clear_error():
    with pytest.raises(ValueError, match="matched no scope"):
        viz.draw(seed()[-1], collapse="neuron")


def test_penalty_branch_is_tinted_and_each_weight_shows_its_share():
    lam = 0.1
    model, total = mlp_with_penalty(lam)
    source = viz.draw(total, edge_labels=False).source
    labels = node_labels(source)
    order = topological_order(total)
    for _, p in model.named_parameters():
        label = labels[f"n{order.index(p)}"]
        shown = re.search(r">penalty</font></td><td[^>]*><font[^>]*>([^<]+)<", label).group(1)
        assert shown == format_number(lam * p.data)  # d(lam/2 sum w^2)/dw = lam w
    assert PALETTE["penalty"] in source and PALETTE["penalty line"] in source
    assert re.search(r'label=<<b>l2 penalty</b>>', source)


def test_a_penalty_sums_its_weights_in_one_node_whose_edges_show_each_derivative():
    w0, w1 = Parameter(0.5, "w0"), Parameter(-2.0, "w1")
    penalty = l2([w0, w1], 0.1)
    penalty.label = "P"
    penalty.backward()
    source = viz.draw(penalty).source
    assert "sum_squares: out = a_1² + a_2²" in source
    # the rule's text, then its value; the sum is named after its scope and role
    assert "∂l2.Σw²/∂w0 = 2 × w0 = 1<" in source
    assert "∂l2.Σw²/∂w1 = 2 × w1 = -4<" in source
    assert (w0.grad, w1.grad) == pytest.approx((0.05, -0.2))  # lam * w


# -- batches --------------------------------------------------------------------------------

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


# -- saving and Graphviz ------------------------------------------------------------------

@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                           (".pdf", b"%PDF"), (".SVG", b"<?xml")])
def test_save_writes_the_format_its_extension_names(tmp_path, suffix, magic):
    path = viz.save(seed()[-1], tmp_path / f"f{suffix}")
    assert path.read_bytes().startswith(magic)


def test_save_refuses_an_unknown_extension_before_writing(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        viz.save(seed()[-1], tmp_path / "f.gif")
    with pytest.raises(ValueError, match="no extension"):
        viz.save(seed()[-1], tmp_path / "f")
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_save_takes_a_finished_diagram_and_writes_into_existing_folders_only(tmp_path):
    graph = viz.draw(seed()[-1], fmt=".3f")
    assert b">&#45;2.000<" in viz.save(graph, tmp_path / "g.svg").read_bytes()
    with pytest.raises(TypeError, match="draw options"):
        viz.save(graph, tmp_path / "h.svg", fmt=".2f")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.save(graph, tmp_path / "missing" / "g.svg")


def test_without_graphviz_the_source_works_and_rendering_says_how_to_install(
        tmp_path, monkeypatch):
    old = tmp_path / "f.svg"
    old.write_text("an older diagram")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph = viz.draw(seed()[-1])
    assert "digraph" in graph.source and isinstance(graph, graphviz.Digraph)
    for render in (lambda: viz.save(graph, old), lambda: graph.pipe(format="svg"),
                   lambda: graph._repr_mimebundle_(), lambda: graph.render(tmp_path / "r")):
        with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz") as e:
            render()
        assert "brew install graphviz" in str(e.value)
        assert isinstance(e.value, graphviz.ExecutableNotFound)
    assert old.read_text() == "an older diagram"  # a failed save never clobbers a file


def test_legend_explains_the_colours_of_what_is_drawn():
    source = viz.draw(seed()[-1], legend=True, title="f = (x + y) z").source
    assert "data: forward value" in source and "grad: ∂output/∂value (backward)" in source
    assert ">input<" in source and ">output<" in source
    assert ">parameter<" not in source and ">penalty<" not in source  # none in this graph
    assert re.search(r"<b>f = \(x \+ y\) z</b>", source)
    assert "data: forward value" not in viz.draw(seed()[-1]).source


def test_reprs_hold_no_memory_address_so_notebook_outputs_are_stable():
    f = seed()[-1]
    frame = next(iter(viz.step_backward(f)))
    assert re.fullmatch(r"<viz Diagram: \d+ DOT statements>", repr(viz.draw(f)))
    assert "0x" not in repr(frame) and "caption=" in repr(frame)


@needs_dot
def test_docstring_examples_run():
    """Every module of viz, found by walking the package, runs its examples."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(viz.__path__, "viz."):
        if info.name.endswith(("__main__", "demo")):
            continue
        module = importlib.import_module(info.name)
        assert doctest.testmod(module).failed == 0, module.__name__
    assert doctest.testmod(viz).failed == 0


def test_gradients_are_never_another_graphs():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    first = (model([Value(1.0), Value(2.0)]) - 1.0) ** 2
    second = (model([Value(-1.0), Value(0.5)]) + 2.0) ** 2   # shares every weight
    first.backward()
    source = viz.draw(second).source
    assert "gradients not computed yet" in source
    net = viz.draw(second, view="network").source
    assert "δ = " not in net   # no gradients on a graph never differentiated
    # asked for them, the diagram computes this graph's own, not the weights' .grad
    w = model.layers[0].neurons[0].w[0]
    own = grad(second, [w])[0].data
    assert own != w.grad
    assert f"<b>{format_number(own)}</b>" in viz.draw(second, grads=True).source
    # a part of a graph shows the gradients of its own output
    f = seed_f()
    f.backward()
    q = f.inputs[0]
    assert "∂q/∂x = 1" in viz.draw(q).source


def seed_f():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f
