"""viz.common.names: what every view calls an unlabelled Value."""

from __future__ import annotations

import re

import numpy as np
import pytest

import viz
from autograd.engine import Constant, Value, topological_order
from autograd.nn import MLP
from autograd.rnn import RNN


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


def test_an_unlabelled_value_gets_a_stable_made_up_name():
    x = Value(0.5, "x")
    y = (x * 2.0).tanh()
    y.backward()
    source = viz.draw(y).source
    # named by its op's role, the output "out" (no parameters: not a model's loss)
    assert "<i>prod</i>" in source and "∂f" not in source
    assert "∂out/∂prod = 1 - out² = " in source  # tanh's rule, in the diagram's names and notation
