"""viz.unit_rules: each unit's rule in the network view, with one sample's numbers.

For every model of the course (batched, and a few layers the course teaches on their
own) and for two samples, each step's δ, its caption and the end of its rule are one
number, the engine's gradient of the unit's value for that sample; every piece of
arithmetic a rule writes holds; and a batch shown as its mean writes no product of means.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from arithmetic import check_lines
from graphs import COURSE, course_model

from autograd import Value, batch, grad, losses, nn, regularizers
from viz.common.chain import fresh_gradients
from viz.common.text import Summary
from viz.network.rules import Numbers, UnitRules, weight_name
from viz.network.steps import unit_steps
from viz.network.units import batch_size, read_neurons


def engine_delta(loss, unit, sample):
    """∂loss/∂(the unit's value) for one sample, from autograd.grad itself."""
    values = unit.outputs
    value = values[sample % len(values)] if len(values) > 1 else values[0]
    g = grad(loss, [value])[0].data
    return float(np.ravel(g)[sample % np.size(g)]) if np.ndim(g) else float(g)


def final_number(line: str) -> float:
    return float(line.removeprefix("= ").split()[0])


def result(rule: tuple[str, ...]) -> float:
    """The number a rule ends with: after the last "=" of its last line of arithmetic."""
    last = [line for line in rule if " = " in line or line.startswith("= ")][-1]
    return final_number(last.rsplit(" = ", 1)[-1])


def layer_norm_model(n=6):
    X = np.random.default_rng(2).normal(size=(n, 3))
    model = nn.Sequential(nn.Layer(3, 3, "linear", seed=0), nn.LayerNorm(3),
                          nn.Activation("tanh"), nn.Layer(3, 1, "linear", seed=1))
    return losses.mse(model(batch(X)), np.zeros(n))


def batch_norm_in_eval(n=6):
    X = np.random.default_rng(3).normal(size=(n, 2))
    model = nn.Sequential(nn.Layer(2, 3, "linear", seed=0), nn.BatchNorm1d(3),
                          nn.Activation("sigmoid"), nn.Layer(3, 1, "linear", seed=1))
    model(batch(X))  # running statistics from one batch
    model.eval()
    return losses.mse(model(batch(X)), np.ones(n))


def sample_by_sample(n=3):
    X = np.random.default_rng(4).normal(size=(n, 2))
    model = nn.MLP(2, [3, 1], seed=0)
    return losses.mse([model(list(x)) for x in X], [1.0] * n)


MODELS = {**{name: (lambda name=name: course_model(name, n=8, small=True)) for name in COURSE},
          "layer norm": layer_norm_model, "batch norm in eval": batch_norm_in_eval,
          "sample by sample": sample_by_sample}


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("sample", [0, 5])
def test_each_backward_step_is_one_number_the_engines_for_that_sample(name, sample):
    loss = MODELS[name]()
    net, steps = unit_steps(loss, "backward", Summary(sample, fmt=".12g"))
    size = batch_size(net)
    checked = 0
    for step in steps:
        delta = engine_delta(loss, step.unit, sample % size)
        caption = float(step.caption.split(" = ")[-1].removesuffix(" (the seed)"))
        assert caption == pytest.approx(delta, rel=1e-9, abs=1e-15), step.caption
        if step.unit.outputs[0] is not loss:  # the rule ends in the same number
            assert result(step.rule) == pytest.approx(delta, rel=1e-9, abs=1e-15), step.rule
        checked += check_lines(step.rule)
    # the rules wrote their products out (all but the seed's), and they hold
    assert checked >= len(steps) - 1


@pytest.mark.parametrize("name", MODELS)
def test_each_forward_step_is_the_units_value_for_that_sample(name):
    loss = MODELS[name]()
    net, steps = unit_steps(loss, "forward", Summary(3, fmt=".12g"))
    checked = 0
    for step in steps:
        n = Numbers(Summary(3), batch_size(net))
        value = n.of(step.unit.data)
        assert float(step.caption.split(" = ")[-1].split()[0]) == pytest.approx(value, rel=1e-9)
        assert result(step.rule) == pytest.approx(value, rel=1e-9, abs=1e-15), step.rule
        checked += check_lines(step.rule)
    assert checked > 0


@pytest.mark.parametrize("name", MODELS)
def test_a_batch_mean_writes_formulas_and_results_never_a_product_of_means(name):
    loss = MODELS[name]()
    for direction in ("forward", "backward"):
        _, steps = unit_steps(loss, direction, Summary(None))
        for step in steps:
            for line in step.rule:
                assert not re.search(r"(?<![\w.])-?[\d.]+\)? [×·] \(?-?\d", line), line


def test_a_rule_with_three_significant_digits_still_multiplies_out_to_them():
    loss = course_model("mlp", n=8, small=True)
    _, steps = unit_steps(loss, "backward", Summary(2, fmt=".3g"))
    assert sum(check_lines(step.rule, rel=2e-2, absolute=2e-4) for step in steps) > 20


def test_batch_norm_sends_back_through_x_hat_and_through_mu_and_sigma_squared():
    loss = course_model("bn", n=8, small=True)
    net = read_neurons(loss)
    _, steps = unit_steps(loss, "backward", Summary(1, fmt=".12g"), net)
    step = next(s for s in steps if s.unit.name == "L0.N1")
    assert step.rule[1].startswith("through L1.BN1: ∂loss/∂x = ∂loss/∂x̂ / σ + ∂loss/∂σ² · "
                                   "2(x - μ)/m + ∂loss/∂μ / m")
    assert "(μ, σ² over the batch, m = 8)" in step.rule[1]
    assert step.rule[2].startswith("∂loss/∂x̂ = γ · δ L1.BN1 = 1 × ")
    # the three parts, written out, give the engine's gradient of the neuron's value
    assert final_number(step.rule[-2]) == pytest.approx(engine_delta(loss, step.unit, 1))


def test_dropout_and_an_activation_layer_send_back_their_own_factor():
    loss = course_model("bn", n=8, small=True)
    net = read_neurons(loss)
    drop = next(u for c in net.columns for u in c if u.activation == "drop")
    mask = drop.nodes[0].inputs[1].data
    kept, dropped = int(np.flatnonzero(mask)[0]), int(np.flatnonzero(mask == 0)[0])
    for sample, says in ((kept, "kept: m = 1/(1 - p), p = 0.3"),
                         (dropped, "dropped in this sample: m = 0")):
        _, steps = unit_steps(loss, "backward", Summary(sample, fmt=".6g"), net)
        relu = next(s for s in steps if s.unit.name == "L2.ReLU" + drop.name[-1])
        assert says in relu.rule[1]
    _, steps = unit_steps(loss, "backward", Summary(0, fmt=".6g"), net)
    bn = next(s for s in steps if s.unit.name == "L1.BN0")
    assert bn.rule[1].startswith("through L2.ReLU0: f'(x) · δ L2.ReLU0,  f'(x) = 1 if x > 0 "
                                 "else 0")


def test_an_rnn_names_each_weight_by_its_matrix_and_the_two_sums_apart():
    loss = course_model("rnn", n=4)
    _, steps = unit_steps(loss, "forward", Summary(0, fmt=".4g"))
    hidden = next(s for s in steps if s.unit.name == "h3[1]")
    assert hidden.rule[0] == "h3[1] = tanh(a),  a = z_xh + z_hh,  z_xh = b + Σ w·x,  z_hh = Σ w·x"
    assert any(line.startswith("a = z_xh + z_hh = ") for line in hidden.rule)
    assert any("(W_hh[1,0] · h2[0])" in line for line in hidden.rule)
    w_xh = Value(1.0, "xh.N4.w0")
    w_hh = Value(1.0, "hh.N4.w2")
    assert (weight_name(w_xh), weight_name(w_hh)) == ("W_xh[4,0]", "W_hh[4,2]")
    assert weight_name(Value(1.0, "L1.N3.w0")) == "L1.N3.w0"


def test_a_loss_sends_back_the_product_along_each_path_of_its_ops():
    loss = course_model("mlp", n=8, small=True)
    net = read_neurons(loss)
    rules = UnitRules(net, loss, fresh_gradients(loss))
    out = next(u for c in net.columns for u in c if u.name == "L2.N0")
    lines = rules.backward(out, Numbers(Summary(0, fmt=".6g"), 8))
    assert lines[1] == "through loss's ops: the product of the local derivatives on each path"
    assert lines[2].startswith("hinge.prod → hinge.diff → hinge.relu → loss: ")
    assert check_lines(lines, rel=1e-5) >= 1


def test_a_penalty_says_what_it_adds_to_each_weights_gradient():
    X = np.random.default_rng(0).normal(size=(6, 2))
    model = nn.MLP(2, [3, 1], seed=0)
    loss = losses.mse(model(batch(X)), np.ones(6)) + regularizers.l2(model, 0.1)
    _, steps = unit_steps(loss, "backward", Summary(0, fmt=".12g"))
    rule = next(s.rule for s in steps if s.unit.kind == "penalty")
    assert "it adds to each of its 13 weights' gradients, along its ops:" in rule
    w = model.layers[0].neurons[0].w[0]
    line = next(x for x in rule if x.startswith("L0.N0.w0: "))
    assert float(line.rsplit(" = ", 1)[1]) == pytest.approx(0.1 * w.data)  # λ w
    assert check_lines([line.split(": ", 1)[1]]) == 1
