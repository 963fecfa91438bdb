"""viz.network.draw: the network view laid out, its units' rows and its weights' lines."""

from __future__ import annotations

import re

import numpy as np
import pytest
from network_helpers import (
    PX_PER_PT,
    SVG,
    XLINK,
    breast_cancer_sized_loss,
    mlp_loss,
    node_boxes,
    overlaps,
    parse,
    rnn_loss,
    size_px,
)
from ops_helpers import needs_dot

import viz
from autograd import batch, losses, nn
from viz.network.draw import WEIGHT_COLORS
from viz.network.units import block_statistics, read_network


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


@needs_dot
def test_save_writes_the_network_view(tmp_path):
    path = viz.save(mlp_loss()[3], tmp_path / "net.svg", view="network")
    text = path.read_text()
    assert "L1.N15" in text and "x1" in text
