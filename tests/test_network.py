"""The network view: neurons as boxes, weights as edges, readable at the course's sizes."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import viz
from autograd import Value, add_n, batch, grad, losses, nn, regularizers
from autograd.engine import scope
from autograd.rnn import RNN
from viz.network.draw import WEIGHT_COLORS
from viz.network.units import block_statistics, read_network

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
PX_PER_PT = 96 / 72  # the SVG is in points; a browser shows it at 96 px per inch


def mlp_loss(penalty: bool = True):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = np.sign(X[:, 0] * X[:, 1])
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = losses.mse(model(batch(X)), y)
    if penalty:
        loss = loss + regularizers.l2(model, 1e-3)
    loss.backward()
    return model, X, y, loss


def breast_cancer_sized_loss():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 30))
    y = (X[:, 0] > 0).astype(float)
    model = nn.MLP(30, [16, 1], seed=0)
    loss = losses.bce_with_logits(model(batch(X)), y)
    loss.backward()
    return loss


def rnn_loss(steps: int = 10):
    rnn = RNN(1, 8, 1, seed=0)
    X = np.random.default_rng(2).normal(size=(20, steps, 1))
    loss = losses.mse(rnn(X)[-1], np.ones(20))
    loss.backward()
    return rnn, loss


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def size_px(root: ET.Element) -> tuple[float, float]:
    return (float(root.get("width").removesuffix("pt")) * PX_PER_PT,
            float(root.get("height").removesuffix("pt")) * PX_PER_PT)


def node_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn node's bounding box (x0, y0, x1, y1) from its outline's coordinates."""
    boxes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        outline = next(iter(g.iter(f"{SVG}path")), None) or next(iter(g.iter(f"{SVG}polygon")),
                                                                  None)
        if outline is not None:
            text = outline.get("d") or outline.get("points")
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
            xs, ys = numbers[0::2], numbers[1::2]
        else:  # a plain-text node (the legend): its lines' extent, 0.6 em per character
            lines = list(g.iter(f"{SVG}text"))
            xs = [float(t.get("x")) for t in lines] + [
                float(t.get("x")) + 0.6 * float(t.get("font-size")) * len(t.text or "")
                for t in lines]
            ys = [float(t.get("y")) - float(t.get("font-size")) for t in lines] + [
                float(t.get("y")) for t in lines]
        boxes[g.find(f"{SVG}title").text] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def overlaps(boxes: dict[str, tuple[float, float, float, float]]) -> list[tuple[str, str]]:
    items = sorted(boxes.items(), key=lambda kv: kv[1][0])
    found = []
    for i, (a, (_, ay0, ax1, ay1)) in enumerate(items):
        for b, (bx0, by0, _, by1) in items[i + 1:]:
            if bx0 >= ax1:
                break
            if ay0 < by1 and by0 < ay1:
                found.append((a, b))
    return found


def test_read_network_finds_neurons_in_index_order_and_names_them():
    _, _, _, loss = mlp_loss()
    net = read_network(loss)
    names = [[u.name for u in column] for column in net.columns]
    assert names[0] == ["x0", "x1"]
    assert names[1] == [f"L0.N{j}" for j in range(16)]
    assert names[2] == [f"L1.N{j}" for j in range(16)]
    assert names[3] == ["L2.N0"]
    assert "loss" in names[-1]
    assert not any(re.fullmatch(r"v\d+", n) for column in names for n in column)
    # the activation and the value are the neuron's own
    unit = net.columns[1][3]
    assert unit.activation == "ReLU" and unit.outputs[0].op == "relu"
    assert unit.bias is not None and unit.bias.label == "L0.N3.b"


def test_every_weight_is_one_edge_and_a_penalty_adds_none():
    model, _, _, loss = mlp_loss(penalty=True)
    net = read_network(loss)
    assert len(net.weights) == 2 * 16 + 16 * 16 + 16 * 1
    assert {id(w.w) for w in net.weights} == {id(p) for p in model.parameters()
                                              if not p.label.endswith(".b")}
    penalty = [u for column in net.columns for u in column if u.kind == "penalty"]
    assert len(penalty) == 1
    into = [s for s, t in net.links if t is penalty[0]]
    out_of = [t for s, t in net.links if s is penalty[0]]
    assert into == [] and [t.kind for t in out_of] == ["loss"]
    assert not any(w.target is penalty[0] for w in net.weights)


def test_a_graph_built_sample_by_sample_reads_as_the_batch_does():
    model, X, y, _ = mlp_loss(penalty=False)
    batched = read_network(losses.mse(model(batch(X)), y))
    per_sample = read_network(losses.mse([model([Value(a), Value(b)]) for a, b in X], list(y)))
    assert [[u.name for u in c] for c in per_sample.columns] == \
        [[u.name for u in c] for c in batched.columns]
    for column_a, column_b in zip(batched.columns, per_sample.columns):
        for a, b in zip(column_a, column_b):
            np.testing.assert_allclose(np.mean(a.data), np.mean(b.data), rtol=1e-12)
    assert len(per_sample.weights) == len(batched.weights)


@needs_dot
@pytest.mark.parametrize("make", [lambda: mlp_loss()[3], breast_cancer_sized_loss,
                                  lambda: rnn_loss()[1]], ids=["mlp-2-16-16-1", "mlp-30-16-1",
                                                              "rnn-10-steps"])
def test_the_course_models_fit_the_screen_with_readable_text_and_no_overlaps(make):
    root = parse(viz.draw(make(), view="network").pipe("svg"))
    width, height = size_px(root)
    assert width <= 2400 and height <= 1400, (width, height)
    sizes = [float(t.get("font-size")) * PX_PER_PT for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 10
    assert overlaps(node_boxes(root)) == []


@needs_dot
def test_weights_are_coloured_by_sign_sized_by_magnitude_with_w_and_grad_in_the_tooltip():
    model, _, _, loss = mlp_loss()
    root = parse(viz.draw(loss, view="network").pipe("svg"))
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    drawn = []
    for g in edges:
        anchor = g.find(f".//{SVG}a")
        tip = anchor.get(f"{XLINK}title") if anchor is not None else ""
        match = re.match(r"(\S+) = (\S+)\n∂loss/∂w = (\S+)", tip)
        if match:
            path = g.find(f".//{SVG}path")
            drawn.append((match.group(1), float(match.group(2)), float(match.group(3)),
                          path.get("stroke"), float(path.get("stroke-width", "1"))))
    params = {p.label: p for p in model.parameters()}
    assert len(drawn) == 304
    for label, w, g, stroke, _ in drawn:
        assert w == pytest.approx(params[label].data, rel=1e-2, abs=1e-3)
        assert g == pytest.approx(params[label].grad, rel=1e-2, abs=1e-6)
        assert stroke == WEIGHT_COLORS["positive" if params[label].data >= 0 else "negative"]
    by_size = sorted(drawn, key=lambda d: abs(params[d[0]].data))
    widths = [d[4] for d in by_size]
    assert widths == sorted(widths) and widths[-1] > 3 * widths[0]
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "w > 0" in legend and "w < 0" in legend and "edge width: |w|" in legend


@needs_dot
def test_color_by_grad_sizes_edges_by_the_weight_gradient():
    model, _, _, loss = mlp_loss()
    source = viz.draw(loss, view="network", color_by="grad").source
    widths = {}
    for line in source.splitlines():
        match = re.search(r'penwidth=(\S+) tooltip="([^ ]+) = ', line)
        if match:
            widths[match.group(2)] = float(match.group(1))
    params = {p.label: p for p in model.parameters()}
    ranked = sorted(widths, key=lambda label: abs(params[label].grad))
    assert [widths[label] for label in ranked] == sorted(widths.values())
    assert "edge width: |∂loss/∂w|" in source


def test_batch_norm_blocks_show_the_batch_statistics_and_dropout_its_mask():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    model = nn.Sequential(nn.Layer(2, 4, activation="linear", seed=0), nn.BatchNorm1d(4),
                          nn.Activation("relu"), nn.Dropout(0.5, seed=3),
                          nn.Layer(4, 1, activation="linear", seed=1))
    loss = losses.mse(model(batch(X)), np.ones(32))
    loss.backward()
    net = read_network(loss)
    kinds = [[(u.kind, u.activation) for u in column][0] for column in net.columns]
    assert kinds == [("input", ""), ("neuron", ""), ("block", "BN"), ("block", "ReLU"),
                     ("block", "drop"), ("neuron", ""), ("loss", "")]
    layer0 = model.layers[0].weight_matrix() @ X.T  # the first layer's outputs, (4, 32)
    for j, unit in enumerate(net.columns[2]):
        stats = block_statistics(unit)
        assert stats["μ"] == pytest.approx(layer0[j].mean())
        assert stats["σ²"] == pytest.approx(layer0[j].var())
    masks = [block_statistics(u)["mask"] for u in net.columns[4]]
    np.testing.assert_array_equal(np.array(masks).T != 0, model.layers[3].mask != 0)
    # sample k: a unit dropped in that sample says so, one kept its factor 1/(1 - p)
    k = int(np.flatnonzero(masks[0] == 0)[0])
    source = viz.draw(loss, view="network", sample=k).source
    assert "m = 0 (dropped)" in source and "m = 2<" in source


def test_the_rnn_unrolls_left_to_right_with_w_hh_only_between_consecutive_steps():
    rnn, loss = rnn_loss(steps=10)
    net = read_network(loss)
    hidden = [c for c in net.columns if c[0].name.startswith("h")]
    assert [c[0].name.split("[")[0] for c in hidden] == [f"h{t}" for t in range(1, 11)]
    assert all([u.name for u in c] == [f"{c[0].name.split('[')[0]}[{j}]" for j in range(8)]
               for c in hidden)
    step = {id(u): t for t, c in enumerate(hidden, start=1) for u in c}
    recurrent = [w for w in net.weights if w.w.label.startswith("hh.")]
    assert len(recurrent) == 9 * 8 * 8  # W_hh once per pair of consecutive steps
    assert all(step[id(w.target)] == step[id(w.source)] + 1 for w in recurrent)
    ranks = {id(c[0]): r for c, r in zip(net.columns, net.ranks)}
    assert [ranks[id(c[0])] for c in hidden] == sorted(ranks[id(c[0])] for c in hidden)
    # each step's input sits just before its hidden column
    inputs = [c for c in net.columns if c[0].kind == "input"]
    assert [c[0].name for c in inputs] == [f"x{t}" for t in range(1, 11)]
    for t, column in enumerate(inputs, start=1):
        assert ranks[id(column[0])] == ranks[id(hidden[t - 1][0])] - 1


def test_a_hand_built_neuron_in_a_scope_is_drawn_too():
    x = [Value(1.0, "a"), Value(-2.0, "b")]
    w = [nn.Parameter(0.5, "w0"), nn.Parameter(0.25, "w1")]
    with scope("neuron"):
        out = nn.add_n([nn.Parameter(0.1, "b")] + [wi * xi for wi, xi in zip(w, x)]).tanh()
    out.backward()
    net = read_network(out)
    assert [u.name for u in net.columns[0]] == ["a", "b"]
    assert net.columns[1][0].activation == "tanh"


def test_the_network_view_refuses_a_graph_without_neurons_and_a_bad_view():
    x = Value(2.0)
    with pytest.raises(ValueError, match="no neuron.*view='ops'"):
        viz.draw(x * x, view="network")
    with pytest.raises(ValueError, match="view is 'ops' or 'network'"):
        viz.draw(x * x, view="neurons")
    with pytest.raises(ValueError, match="color_by"):
        viz.draw(mlp_loss()[3], view="network", color_by="size")


@needs_dot
def test_save_writes_the_network_view(tmp_path):
    path = viz.save(mlp_loss()[3], tmp_path / "net.svg", view="network")
    text = path.read_text()
    assert "L1.N15" in text and "x1" in text


def test_focus_opens_one_neuron_to_its_ops_with_the_chain_rule_of_one_sample():
    model, X, _, loss = mlp_loss()
    source = viz.draw(loss, view="network", focus="layers.1.neurons.3", sample=0).source
    assert source == viz.draw(loss, view="network", focus="L1.N3", sample=0).source
    card = source[source.index("opened [label="):]
    card = card[:card.index("</table>>")]
    assert "L1.N3: its ops (sample 0 of 100)" in card
    for j in range(16):
        assert f"w{j}·L0.N{j} = w{j} × L0.N{j} = " in card
    assert "z = b + Σ of the 16 products above" in card and "L1.N3 = max(0, z) = max(0, " in card
    # the chain rule along w0's edge, with sample 0's numbers: ∂loss/∂(w0 x) × x
    neuron = model.layers[1].neurons[3]
    product = next(v for v in read_network(loss).columns[2][3].nodes
                   if v.op == "mul" and neuron.w[0] in v.inputs)
    x = next(i for i in product.inputs if i is not neuron.w[0])
    g, xv = grad(loss, [product])[0].data[0], x.data[0]
    assert (f"∂loss/∂w0 += ({g:.4g}) × {xv:.4g} = {g * xv:.4g} (sample 0's part of the "
            f"sum)") in card
    # every other neuron is still one box, and the opened one is tied to its card
    assert source.count('">ReLU &#160;b ') == 32
    assert "style=dashed" in source


def test_a_focus_on_a_batch_mean_writes_formulas_not_products_of_means():
    loss = mlp_loss()[3]
    source = viz.draw(loss, view="network", focus="L1.N3").source
    card = source[source.index("opened [label="):]
    card = card[:card.index("</table>>")]
    assert "L1.N3: its ops (the 100 samples' mean)" in card
    assert "w0·L0.N0 = w0 × L0.N0<" in card  # no numbers after the formula
    assert not re.search(r"\d × [\d(]", card)


def test_focus_names_a_neuron_or_says_which_ones_exist():
    loss = mlp_loss()[3]
    with pytest.raises(ValueError, match="focus='L9.N0' names no neuron.*'layers.0.neurons.0'"):
        viz.draw(loss, view="network", focus="L9.N0")
    with pytest.raises(ValueError, match="pass view='network'"):
        viz.draw(loss, focus="L1.N3")


def test_stepping_backward_goes_from_the_loss_column_to_the_inputs_a_unit_at_a_time():
    model, X, y, _ = mlp_loss(penalty=False)
    loss = losses.mse(model(batch(X)), y)  # backward has not run on this graph
    frames = list(viz.step_backward(loss, view="network"))
    net = read_network(loss)
    rank = {id(u): r for column, r in zip(net.columns, net.ranks) for u in column}
    units = {id(v): u for column in net.columns for u in column for v in u.outputs}
    stepped = [units[id(f.node)] for f in frames]
    assert len(stepped) == sum(len(c) for c in net.columns) == len({id(u) for u in stepped})
    assert stepped[0].kind == "loss" and frames[0].caption.endswith("δ loss = 1 (the seed)")
    ranks = [rank[id(u)] for u in stepped]
    assert ranks == sorted(ranks, reverse=True)  # one column finished before the next
    layer1 = [u.name for u in stepped if u.name.startswith("L1.")]
    assert layer1 == [f"L1.N{j}" for j in range(16)]
    assert [u.name for u in stepped[-2:]] == ["x0", "x1"]
    # frame k shows the gradients of the units stepped so far, the others as "?"
    reference = {p.label: p.grad for p in model.parameters()}
    k = 5
    source = frames[k].source
    assert source.count("δ = ?") == sum(u.kind != "input" for u in stepped[k + 1:])
    assert f"backward {k + 1}/{len(frames)}: δ {stepped[k].name}" in frames[k].caption
    (fresh,) = grad(loss, stepped[k].outputs)
    assert f"δ = {np.mean(fresh.data):.3g}" in source  # computed afresh: .grad is still 0
    assert {p.label: p.grad for p in model.parameters()} == reference  # .grad untouched


def test_stepping_forward_fills_in_the_network_input_layer_first():
    loss = mlp_loss()[3]
    frames = list(viz.step_forward(loss, view="network"))
    assert frames[0].caption.startswith("forward 1/") and "x0 = " in frames[0].caption
    assert frames[2].caption.startswith("forward 3/") and "L0.N0 = " in frames[2].caption
    assert frames[-1].caption.endswith(f"loss = {loss.data:.3g}")
    assert "a = ?" in frames[2].source and "a = ?" not in frames[-1].source
    with pytest.raises(TypeError, match="network view's stepper takes"):
        viz.step_backward(loss, view="network", collapse="layer")


def test_a_perceptron_and_a_lone_neuron_are_named_as_their_parameters():
    p = nn.Perceptron(2, init="xavier", seed=0)
    net = read_network(p.net([Value(1.0, "x1"), Value(-1.0, "x2")]))
    assert [[u.name for u in c] for c in net.columns] == [["x1", "x2"], ["P"]]
    assert sorted(w.w.label for w in net.weights) == ["P.w0", "P.w1"]
    out = nn.Neuron(3, activation="tanh", seed=0)([1.0, 2.0, 3.0])
    net = read_network(out)
    assert [[u.name for u in c] for c in net.columns] == [["x0", "x1", "x2"], ["N0"]]
    assert net.columns[1][0].activation == "tanh"


def test_layer_norm_is_told_from_batch_norm_by_what_its_statistics_read():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(8, 3))
    for norm, kind in ((nn.LayerNorm(3), "LN"), (nn.BatchNorm1d(3), "BN")):
        model = nn.Sequential(nn.Layer(3, 3, activation="linear", seed=0), norm,
                              nn.Layer(3, 1, activation="linear", seed=1))
        net = read_network(losses.mse(model(batch(X)), np.zeros(8)))
        assert [u.activation for u in net.columns[2]] == [kind] * 3
        mu = block_statistics(net.columns[2][0])["μ"]
        h = model.layers[0].weight_matrix() @ X.T  # (3 features, 8 samples)
        np.testing.assert_allclose(mu, h.mean(axis=0) if kind == "LN" else h[0].mean())
    # one sample through layer norm: still LN
    ln = nn.Sequential(nn.Layer(3, 3, activation="linear", seed=0), nn.LayerNorm(3))
    net = read_network(add_n(ln([Value(1.0), Value(2.0), Value(-1.0)])))
    assert [u.activation for u in net.columns[2]] == ["LN"] * 3


def test_a_model_is_drawn_as_its_architecture_and_keeps_its_state():
    model = nn.Sequential(nn.Layer(2, 4, "linear", seed=0), nn.BatchNorm1d(4),
                          nn.Activation("relu"), nn.Dropout(0.5, seed=1),
                          nn.Layer(4, 1, "linear", seed=2))
    model(batch(np.random.default_rng(0).normal(size=(6, 2))))  # some running statistics
    before = model.state_dict()
    masks = model.layers[3]._rng.bit_generator.state
    source = viz.draw(model).source
    assert model.state_dict() == before and model.layers[3]._rng.bit_generator.state == masks
    # every neuron and layer, each weight an edge by its sign, no values or gradients
    for name in ("L0.N3", "L1.BN2", "L2.ReLU1", "L3.drop0", "L4.N0"):
        assert f"<b>{name}</b>" in source
    assert source.count(WEIGHT_COLORS["positive"] + "cc") + source.count(
        WEIGHT_COLORS["negative"] + "cc") == 2 * 4 + 4
    assert "γ = 1, β = 0" in source and "a = " not in source and "δ" not in source
    # a model of the course and a trained estimator's model_ draw as well
    assert "<b>h3[1]</b>" in viz.draw(RNN(1, 2, 1, seed=0)).source
    assert "<b>L2.N0</b>" in viz.draw(nn.MLP(2, [3, 3, 1], seed=0)).source
    with pytest.raises(TypeError, match="cannot tell how many inputs Dropout"):
        viz.draw(nn.Dropout(0.3))
