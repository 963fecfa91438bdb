"""viz.network.steps: the network view's passes, a unit at a time."""

from __future__ import annotations

import numpy as np
import pytest
from network_helpers import mlp_loss

import viz
from autograd import batch, grad, losses
from viz.network.units import read_network


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
