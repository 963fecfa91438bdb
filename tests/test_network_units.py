"""viz.network.units: reading a graph as a network of units, weights and columns."""

from __future__ import annotations

import re

import numpy as np
import pytest
from network_helpers import mlp_loss, rnn_loss

import viz
from autograd import Value, add_n, batch, losses, nn
from autograd.engine import scope
from viz.network.units import block_statistics, read_network


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


def test_the_network_view_refuses_a_graph_without_neurons_and_a_bad_view():
    x = Value(2.0)
    with pytest.raises(ValueError, match="no neuron.*view='ops'"):
        viz.draw(x * x, view="network")
    with pytest.raises(ValueError, match="view is 'ops' or 'network'"):
        viz.draw(x * x, view="neurons")
    with pytest.raises(ValueError, match="color_by"):
        viz.draw(mlp_loss()[3], view="network", color_by="size")
