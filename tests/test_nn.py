"""autograd.nn: modules, MLP, Perceptron, Dropout, BatchNorm1d, LayerNorm, save/load."""

from __future__ import annotations

import doctest
import importlib
import json
import math
import os

import numpy as np
import pytest
from sklearn.datasets import make_moons

from autograd import losses, optim, regularizers
from autograd.engine import Parameter, Value, batch, scope, topological_order
from autograd.gradcheck import gradcheck
from autograd.nn import (
    MLP,
    Activation,
    BatchNorm1d,
    Dropout,
    IncompatibleKeys,
    Layer,
    LayerNorm,
    ModelFileError,
    Module,
    Neuron,
    Perceptron,
    Sequential,
    StateDictError,
)

X4 = np.array([[0.5, -1.0, 0.3], [1.5, 0.25, -0.7], [-0.3, 2.0, 0.1], [0.9, 0.1, 1.2]])


def per_sample(model, X):
    """Run ``model`` once per row of X, each feature a scalar Value."""
    return [model([Value(v) for v in row]) for row in X]


def grads(params):
    return np.array([p.grad for p in params], dtype=float)


def total(values):
    out = values[0]
    for v in values[1:]:
        out = out + v
    return out


# -- Module: names, labels, scopes, modes ------------------------------------------

def test_named_parameters_are_stable_dotted_paths():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert "layers.0.neurons.3.w.1" in names and names[-1] == "layers.2.neurons.0.b"
    assert names == [n for n, _ in MLP(2, [16, 16, 1], seed=5).named_parameters()]
    assert [id(p) for _, p in model.named_parameters()] == [id(p) for p in model.parameters()]


def test_parameters_are_labelled_by_layer_neuron_and_weight():
    model = MLP(2, [16, 16, 1], seed=0)
    named = dict(model.named_parameters())
    assert named["layers.0.neurons.3.w.1"].label == "L0.N3.w1"
    assert named["layers.0.neurons.3.b"].label == "L0.N3.b"
    assert named["layers.2.neurons.0.w.15"].label == "L2.N0.w15"
    assert all(isinstance(p, Parameter) for p in model.parameters())


def test_a_module_opens_the_scope_named_after_its_path():
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, 2.0])
    assert out.scope == "layers.1.neurons.0"
    hidden = [v for v in topological_order(out) if v.op == "relu"]
    assert [v.scope for v in hidden] == [f"layers.0.neurons.{j}" for j in range(3)]
    products = [v for v in topological_order(out) if v.op == "mul"]
    assert {v.scope for v in products} == {f"layers.0.neurons.{j}" for j in range(3)} | {
        "layers.1.neurons.0"}
    with scope("model"):
        assert model([1.0, 2.0]).scope == "model.layers.1.neurons.0"
    seq = Sequential(Layer(2, 2, label="L0"), LayerNorm(2))
    assert {v.scope for v in seq([1.0, 2.0])} == {"layers.1"}


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [4, 1], seed=0)
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_train_and_eval_set_the_flag_everywhere_and_return_the_module():
    model = Sequential(Layer(2, 3), Dropout(0.5, seed=0), BatchNorm1d(3))
    assert model.training and all(m.training for m in model.layers)
    assert model.eval() is model
    assert not model.training and not any(m.training for m in model.layers)
    assert model.train() is model and all(m.training for _, m in model.named_modules())


def test_seeded_initialisation_is_reproducible():
    a = MLP(2, [8, 1], seed=42)
    b = MLP(2, [8, 1], seed=np.random.default_rng(42))
    c = MLP(2, [8, 1], seed=43)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]
    assert all(type(p.data) is float for p in a.parameters())
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [1], seed="42")


def test_initialisations_follow_their_formulas():
    def weights(layer):
        return np.array([p.data for n in layer.neurons for p in n.w])

    uniform = weights(Layer(50, 40, init="uniform", seed=0))
    assert uniform.min() >= -1 and uniform.max() <= 1 and abs(uniform.mean()) < 0.05
    xavier = weights(Layer(50, 40, init="xavier", seed=0))
    bound = math.sqrt(6 / (50 + 40))
    assert np.abs(xavier).max() <= bound and np.abs(xavier).max() > 0.95 * bound
    assert np.array_equal(xavier, weights(Layer(50, 40, init="glorot", seed=0)))
    he = weights(Layer(400, 50, init="he", seed=0))
    assert he.std() == pytest.approx(math.sqrt(2 / 400), rel=0.03)
    biases = [n.b.data for n in Layer(5, 5, init="he", seed=0).neurons]
    assert biases == [0.0] * 5


@pytest.mark.parametrize("activation, f", [
    ("relu", lambda z: max(z, 0.0)),
    ("tanh", math.tanh),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
    ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
    ("linear", lambda z: z),
])
def test_neuron_computes_activation_of_the_weighted_sum(activation, f):
    n = Neuron(2, activation, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -2.0, 0.25
    for x in ([1.0, 0.5], [1.0, -0.5]):
        z = 0.25 + 0.5 * x[0] - 2.0 * x[1]
        assert n(x).data == pytest.approx(f(z), abs=1e-15)


def test_mlp_activations_per_layer_and_a_linear_last_layer():
    assert MLP(2, [16, 16, 1]).activations == ["relu", "relu", "linear"]
    model = MLP(2, [3, 3, 1], activation=["tanh", "sigmoid", "leaky_relu"], seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "sigmoid", "leaky_relu"]
    assert model([0.3, 0.4]).op == "leaky_relu"
    assert MLP(2, [3, 1], activation="tanh", output_activation="sigmoid").activations == \
        ["tanh", "sigmoid"]
    with pytest.raises(ValueError, match="one per layer"):
        MLP(2, [3, 1], activation=["tanh"])
    with pytest.raises(ValueError, match="'relu', 'tanh'"):
        MLP(2, [3, 1], activation="softmax")
    with pytest.raises(ValueError, match="init"):
        MLP(2, [3, 1], init="orthogonal")
    with pytest.raises(ValueError, match="nouts"):
        MLP(2, [])


def test_mlp_returns_a_single_value_for_one_output_as_micrograd():
    model = MLP(2, [16, 16, 1], seed=0)
    out = model([1.0, -1.0])
    assert isinstance(out, Value) and out.op == "add_n"  # linear: b + sum w h, no activation
    outs = MLP(2, [4, 3], seed=0)([1.0, -1.0])
    assert isinstance(outs, list) and len(outs) == 3


def test_mlp_output_matches_a_hand_computation():
    model = MLP(2, [2, 1], seed=0)
    (n0, n1), (out,) = model.layers[0].neurons, model.layers[1].neurons
    n0.w[0].data, n0.w[1].data, n0.b.data = 1.0, -1.0, 0.5
    n1.w[0].data, n1.w[1].data, n1.b.data = -2.0, 1.0, 0.0
    out.w[0].data, out.w[1].data, out.b.data = 3.0, 4.0, -1.0
    # x = (2, 1): h0 = relu(2 - 1 + 0.5) = 1.5, h1 = relu(-4 + 1) = 0, y = 3*1.5 + 0 - 1
    y = model([2.0, 1.0])
    assert y.data == 3.5
    y.backward()
    assert (n0.w[0].grad, n0.w[1].grad, n0.b.grad) == (6.0, 3.0, 3.0)  # 3 * x
    assert (n1.w[0].grad, n1.b.grad) == (0.0, 0.0)  # relu is off
    assert (out.w[0].grad, out.w[1].grad, out.b.grad) == (1.5, 0.0, 1.0)


def test_bad_input_gets_a_clear_error_naming_expected_and_given():
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="expects 2 input features, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="expects 2 input features.*string of length 2"):
        model("ab")
    with pytest.raises(TypeError, match="got a str"):
        model([1.0, "x"])
    with pytest.raises(TypeError, match="one sample.*list of 2 sequences"):
        model([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"got shape \(5, 3\)"):
        model(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="expects 2 input features, got a single number"):
        model(1.0)
    with pytest.raises(ValueError, match="different lengths"):
        model([Value(np.ones(3)), Value(np.ones(4))])


# -- batched and per-sample paths ---------------------------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_mlp_batched_equals_per_sample(activation):
    model = MLP(3, [5, 4, 2], activation=activation, seed=1)
    singles = per_sample(model, X4)
    model.zero_grad()
    total([s[0] * 0.7 - s[1] for s in singles]).backward()
    g_single = grads(model.parameters())

    outs = model(batch(X4))
    np.testing.assert_allclose(outs[0].data, [s[0].data for s in singles], rtol=0, atol=1e-12)
    np.testing.assert_allclose(outs[1].data, [s[1].data for s in singles], rtol=0, atol=1e-12)
    model.zero_grad()
    (outs[0] * 0.7 - outs[1]).sum().backward()
    np.testing.assert_allclose(grads(model.parameters()), g_single, rtol=0, atol=1e-12)
    assert all(type(p.grad) in (float, np.float64) for p in model.parameters())


def test_mlp_takes_a_2d_array_as_a_batch():
    model = MLP(3, [4, 1], seed=0)
    np.testing.assert_array_equal(model(X4).data, model(batch(X4)).data)


def test_layer_weight_matrix_is_what_the_layer_computes():
    layer = Layer(3, 2, "linear", seed=0)
    W = layer.weight_matrix()
    b = np.array([n.b.data for n in layer.neurons])
    x = np.array([0.5, -1.0, 2.0])
    assert W.shape == (2, 3)
    np.testing.assert_allclose([o.data for o in layer(x.tolist())], W @ x + b, rtol=1e-15)
    layer.set_weight_matrix(2 * W)
    np.testing.assert_array_equal(layer.weight_matrix(), 2 * W)
    assert all(isinstance(w.data, float) for n in layer.neurons for w in n.w)
    W[0, 0] = 99.0  # a copy: changing it leaves the layer alone
    assert layer.weight_matrix()[0, 0] != 99.0


@pytest.mark.parametrize("W, error, message", [
    (np.zeros((3, 2)), ValueError, r"shape \(2, 3\), got \(3, 2\)"),
    ([[1.0, 2.0, 3.0], [4.0]], ValueError, "shape"),
    ([[1.0, 2.0, np.nan], [0.0, 0.0, 0.0]], ValueError, r"W\[0, 2\] must be a finite"),
    ([["a", "b", "c"], ["d", "e", "f"]], TypeError, r"W\[0, 0\] must be a number"),
])
def test_set_weight_matrix_rejects_bad_input_and_changes_nothing(W, error, message):
    layer = Layer(3, 2, seed=0)
    before = layer.weight_matrix()
    with pytest.raises(error, match=message):
        layer.set_weight_matrix(W)
    np.testing.assert_array_equal(layer.weight_matrix(), before)


# -- gradients against finite differences -------------------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_layer_gradients_pass_gradcheck(activation):
    layer = Layer(3, 4, activation, init="xavier", seed=3)
    x = [Value(v) for v in (0.7, -1.1, 0.4)]
    weights = [1.0, -0.5, 2.0, 0.3]
    params = layer.parameters()

    def f(*_):
        return total([o * w for o, w in zip(layer(x), weights)])

    assert gradcheck(f, params + x)


def test_mlp_gradients_pass_gradcheck_on_a_batch():
    model = MLP(3, [4, 3, 1], activation="tanh", seed=2)
    xb = batch(X4)
    assert gradcheck(lambda *_: model(xb), model.parameters() + xb)


# -- training -----------------------------------------------------------------------

def moons_batched_training(model, X, y, steps, lr, momentum):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    schedule = optim.LinearDecay(opt, end_lr=lr / 10, total_steps=steps)
    xb = batch(X)
    for _ in range(steps):
        loss = losses.hinge(model(xb), y) + regularizers.l2(model.parameters(), 1e-4)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    return float(np.mean((model(xb).data > 0) == (y > 0)))


def test_mlp_learns_two_moons_to_97_percent_with_sgd_hinge_and_l2():
    X, y = make_moons(100, noise=0.1, random_state=0)
    y = 2.0 * y - 1.0
    model = MLP(2, [16, 16, 1], seed=0)
    assert moons_batched_training(model, X, y, steps=100, lr=1.0, momentum=0.0) >= 0.97


def test_per_sample_and_batched_training_reach_the_same_weights_and_accuracy():
    X, y = make_moons(100, noise=0.1, random_state=0)
    y = 2.0 * y - 1.0
    steps, lr, momentum = 25, 0.3, 0.8  # few steps: the per-sample path is the slow one
    batched = MLP(2, [16, 16, 1], seed=4)
    acc_batched = moons_batched_training(batched, X, y, steps, lr, momentum)

    model = MLP(2, [16, 16, 1], seed=4)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    schedule = optim.LinearDecay(opt, end_lr=lr / 10, total_steps=steps)
    for _ in range(steps):
        scores = per_sample(model, X)
        loss = losses.hinge(scores, y) + regularizers.l2(model.parameters(), 1e-4)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    acc_single = float(np.mean([(s.data > 0) == (t > 0) for s, t in zip(per_sample(model, X), y)]))

    assert acc_single == acc_batched >= 0.97
    np.testing.assert_allclose([p.data for p in model.parameters()],
                               [p.data for p in batched.parameters()], rtol=0, atol=1e-9)


def test_micrograd_demo_training_loop_runs_unchanged():
    # micrograd's demo.ipynb, cell for cell, with our Value and MLP (and 10 steps, not 100)
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    y = y * 2 - 1  # make y be -1 or 1
    model = MLP(2, [16, 16, 1], seed=1337)  # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))

    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]
        # forward the model to get scores
        scores = list(map(model, inputs))
        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    total_loss, acc = loss()
    first = total_loss.data
    for k in range(10):
        # forward
        total_loss, acc = loss()
        # backward
        model.zero_grad()
        total_loss.backward()
        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        if k % 1 == 0:
            print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
    assert total_loss.data < 0.5 * first and acc >= 0.8

    # the demo's decision-boundary cell, on a coarse grid
    h = 0.5
    x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
    y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    Xmesh = np.c_[xx.ravel(), yy.ravel()]
    inputs = [list(map(Value, xrow)) for xrow in Xmesh]
    scores = list(map(model, inputs))
    Z = np.array([s.data > 0 for s in scores]).reshape(xx.shape)
    assert Z.any() and not Z.all()


# -- Perceptron -----------------------------------------------------------------------

def test_perceptron_rule_updates_by_hand():
    p = Perceptron(2, lr=0.5)
    assert p([1.0, 2.0]) == 0.0  # step(0) = 0
    assert p.update([1.0, 2.0], 1) == 1  # a miss: w += 0.5 * (1 - 0) * x
    assert [w.data for w in p.w] == [0.5, 1.0] and p.b.data == 0.5
    assert p.update([1.0, 2.0], 1) == 0  # now right: nothing changes
    assert [w.data for w in p.w] == [0.5, 1.0] and p.b.data == 0.5
    assert p.update([3.0, 0.0], 0) == 1  # fires wrongly: w -= 0.5 * x
    assert [w.data for w in p.w] == [-1.0, 1.0] and p.b.data == 0.0
    assert p.net([1.0, 2.0]).data == 1.0


def test_perceptron_learns_linearly_separable_data_but_not_xor():
    inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    for targets in ([0, 0, 0, 1], [0, 1, 1, 1]):  # AND, OR
        p = Perceptron(2)
        history = p.fit(inputs, targets)
        assert history[-1] == 0 and len(history) < 100
        assert [p(x) for x in inputs] == targets
    xor = Perceptron(2)
    assert min(xor.fit(inputs, [0, 1, 1, 0], epochs=50)) > 0  # never separable
    with pytest.raises(ValueError, match="0 or 1"):
        Perceptron(2).update([1.0, 1.0], -1)


def test_perceptron_on_a_batch_sums_the_per_sample_corrections():
    p = Perceptron(2, lr=1.0)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    assert list(p(batch(X))) == [0.0, 0.0, 0.0]
    assert p.update(batch(X), np.array([1, 0, 1])) == 2
    assert [w.data for w in p.w] == [3.0, 2.0] and p.b.data == 2.0


# -- Activation ------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_activation_after_a_linear_layer_equals_the_layers_own_activation(activation):
    own = Layer(3, 4, activation, seed=0, negative_slope=0.2)
    split = Sequential(Layer(3, 4, "linear", seed=0),
                       Activation(activation, negative_slope=0.2))
    for x in (X4[0].tolist(), batch(X4)):
        np.testing.assert_allclose([v.data for v in split(x)], [v.data for v in own(x)],
                                   rtol=0, atol=1e-15)
    assert [round(v.data, 12) for v in Activation("relu")([-1.0, 2])] == [0.0, 2.0]
    with pytest.raises(ValueError, match="activation must be one of"):
        Activation("softmax")
    with pytest.raises(TypeError, match="str"):
        Activation("tanh")(["a"])


# -- Dropout ---------------------------------------------------------------------------

def test_dropout_in_eval_is_the_identity():
    d = Dropout(0.5, seed=0).eval()
    x = [Value(1.0), Value(2.0), Value(3.0)]
    assert d(x) is x and d(x) is x


def test_dropout_keeps_or_scales_and_preserves_the_expectation():
    d = Dropout(0.25, seed=0)
    n = 40_000
    (y,) = d([Value(np.full(n, 2.0))])
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], 2.0 / 0.75)
    sigma = 2.0 / 0.75 * math.sqrt(0.25 * 0.75 / n)  # standard error of the mean
    assert abs(y.data.mean() - 2.0) < 4 * sigma
    assert abs(kept.mean() - 0.75) < 4 * math.sqrt(0.25 * 0.75 / n)
    np.testing.assert_array_equal(d.mask[:, 0], kept)  # one mask per sample


def test_dropout_is_seeded_and_batched_equals_per_sample():
    d1, d2 = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    singles = [d1([Value(v) for v in row]) for row in X4]
    xb = batch(X4)
    outs = d2(xb)
    for j in range(3):
        np.testing.assert_allclose(outs[j].data, [s[j].data for s in singles], atol=1e-12)
    total([o.sum() for o in outs]).backward()
    np.testing.assert_array_equal(xb[0].grad, d2.mask[:, 0] * 2.0)


def test_dropout_edge_probabilities_and_bad_p():
    x = [Value(1.5), Value(-2.0)]
    assert Dropout(0.0)(x) is x
    assert [v.data for v in Dropout(1.0, seed=0)(x)] == [0.0, 0.0]
    for p in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="dropout probability"):
            Dropout(p)


def test_dropout_gradient_is_mask_over_keep_probability_and_passes_gradcheck():
    x = [Value(v) for v in (0.3, -0.8, 1.1, 0.6)]
    weights = [1.0, -2.0, 0.5, 3.0]

    def f(*_):
        d = Dropout(0.5, seed=3)  # a fresh seeded layer: the same masks at every evaluation
        return total([o * w for o, w in zip(d(x), weights)])

    assert gradcheck(f, x)
    d = Dropout(0.5, seed=3)
    total([o * w for o, w in zip(d(x), weights)]).backward()
    assert 0 < d.mask.sum() < 4
    assert [v.grad for v in x] == list(d.mask / 0.5 * np.array(weights))


# -- BatchNorm1d -----------------------------------------------------------------------

def test_batchnorm_training_output_has_mean_0_and_variance_1():
    bn = BatchNorm1d(3)
    outs = bn(batch(X4))
    for j, y in enumerate(outs):
        var = X4[:, j].var()
        assert abs(y.data.mean()) < 1e-12
        assert y.data.var() == pytest.approx(var / (var + 1e-5), rel=1e-12)


def test_batchnorm_running_statistics_update_by_hand():
    bn = BatchNorm1d(1, momentum=0.9)
    bn([[1.0], [2.0], [3.0], [4.0]])  # mean 2.5, variance (2.25 + .25 + .25 + 2.25) / 4 = 1.25
    assert bn.running_mean[0] == pytest.approx(0.9 * 0.0 + 0.1 * 2.5, abs=1e-15)  # 0.25
    assert bn.running_var[0] == pytest.approx(0.9 * 1.0 + 0.1 * 1.25, abs=1e-15)  # 1.025
    bn([[0.0], [2.0]])  # mean 1, variance 1
    assert bn.running_mean[0] == pytest.approx(0.9 * 0.25 + 0.1 * 1.0, abs=1e-15)  # 0.325
    assert bn.running_var[0] == pytest.approx(0.9 * 1.025 + 0.1 * 1.0, abs=1e-15)  # 1.0225


def test_batchnorm_eval_uses_running_stats():
    bn = BatchNorm1d(2, eps=1e-5)
    bn.running_mean, bn.running_var = [1.0, -2.0], [4.0, 0.25]
    bn.gamma[0].data, bn.beta[0].data = 2.0, 0.5
    bn.eval()
    y = bn([Value(3.0), Value(-1.0)])  # one sample is fine in eval
    assert y[0].data == pytest.approx(2.0 * (3.0 - 1.0) / math.sqrt(4.0 + 1e-5) + 0.5, abs=1e-15)
    assert y[1].data == pytest.approx((-1.0 + 2.0) / math.sqrt(0.25 + 1e-5), abs=1e-15)
    # independent of the other samples, and the running statistics stay put
    outs = bn(batch(np.array([[3.0, -1.0], [100.0, 7.0]])))
    assert outs[0].data[0] == y[0].data and outs[1].data[0] == y[1].data
    assert bn.running_mean == [1.0, -2.0] and bn.running_var == [4.0, 0.25]


def test_batchnorm_batched_equals_list_of_samples():
    a, b = BatchNorm1d(3), BatchNorm1d(3)
    for bn in (a, b):
        for j in range(3):
            bn.gamma[j].data, bn.beta[j].data = 1.0 + 0.5 * j, -0.3 * j
    rows = [[Value(v) for v in row] for row in X4]
    out_rows = a(rows)
    xb = batch(X4)
    out_cols = b(xb)
    weights = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.0], [2.0, 0.1, 0.4], [-0.6, 1.5, 1.0]])
    total([v * w for row, ws in zip(out_rows, weights) for v, w in zip(row, ws)]).backward()
    total([(col * weights[:, j]).sum() for j, col in enumerate(out_cols)]).backward()
    for j in range(3):
        np.testing.assert_allclose(out_cols[j].data, [r[j].data for r in out_rows], atol=1e-12)
        np.testing.assert_allclose(xb[j].grad, [r[j].grad for r in rows], atol=1e-12)
    np.testing.assert_allclose(grads(b.parameters()), grads(a.parameters()), atol=1e-12)
    np.testing.assert_allclose(b.running_mean, a.running_mean, atol=1e-15)
    np.testing.assert_allclose(b.running_var, a.running_var, atol=1e-15)


def test_batchnorm_gradients_pass_gradcheck():
    bn = BatchNorm1d(2)
    bn.gamma[0].data, bn.beta[1].data = 1.5, 0.2
    xb = batch(X4[:, :2])
    rows = [[Value(v) for v in row] for row in X4[:, :2]]
    assert gradcheck(lambda *_: bn(xb)[0] * 2.0 + bn(xb)[1], bn.parameters() + xb)
    assert gradcheck(lambda *_: total([r[0] * (i + 1) + r[1] for i, r in enumerate(bn(rows))]),
                     bn.parameters() + [v for row in rows for v in row])


def test_batchnorm_rejects_what_it_cannot_normalize():
    bn = BatchNorm1d(2)
    with pytest.raises(ValueError, match="needs a batch.*one sample"):
        bn([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        bn([[1.0, 2.0]])
    with pytest.raises(ValueError, match="expects 2 input features, got 3"):
        bn(batch(X4))
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm1d(2, momentum=1.5)


# -- LayerNorm -------------------------------------------------------------------------

def test_layernorm_normalizes_each_sample_over_its_features():
    ln = LayerNorm(3)
    for row in X4:
        y = np.array([v.data for v in ln(list(row))])
        var = row.var()
        assert abs(y.mean()) < 1e-12
        assert y.var() == pytest.approx(var / (var + 1e-5), rel=1e-12)


def test_layernorm_is_independent_of_the_batch_and_batched_equals_per_sample():
    ln = LayerNorm(3)
    for j in range(3):
        ln.gamma[j].data, ln.beta[j].data = 0.5 + j, 0.1 * j
    singles = per_sample(ln, X4)
    xb = batch(X4)
    outs = ln(xb)
    for j in range(3):
        np.testing.assert_allclose(outs[j].data, [s[j].data for s in singles], atol=1e-12)
    alone = ln(batch(X4[2:3]))  # the same sample in a batch of one
    assert [o.data[0] for o in alone] == pytest.approx([o.data[2] for o in outs], abs=1e-15)
    ln.zero_grad()
    total([o.sum() * (j + 1) for j, o in enumerate(outs)]).backward()
    g_batch = grads(ln.parameters())
    ln.zero_grad()
    total([s[j] * (j + 1) for s in singles for j in range(3)]).backward()
    np.testing.assert_allclose(g_batch, grads(ln.parameters()), atol=1e-12)


def test_layernorm_gradients_pass_gradcheck():
    ln = LayerNorm(3)
    ln.gamma[1].data = 2.0
    xb = batch(X4)
    assert gradcheck(lambda *_: total([o * (j + 1) for j, o in enumerate(ln(xb))]),
                     ln.parameters() + xb)


def test_a_network_of_every_layer_trains_batched_and_passes_gradcheck():
    net = Sequential(Layer(3, 4, "tanh", seed=0, label="L0"), BatchNorm1d(4),
                     Dropout(0.25, seed=1), LayerNorm(4), Layer(4, 1, "linear", seed=2, label="L1"))
    xb = batch(X4)
    y = np.array([1.0, -1.0, 0.5, 0.0])

    def loss(*_):
        net.layers[2].reseed(1)  # the same dropout masks at every call
        return losses.mse(net(xb), y)

    assert gradcheck(loss, net.parameters() + xb)
    opt = optim.Adam(net.parameters(), lr=0.05)
    first = loss().data
    for _ in range(30):
        value = loss()
        opt.zero_grad()
        value.backward()
        opt.step()
    assert loss().data < 0.2 * first


# -- state_dict, save, load ------------------------------------------------------------

def small_model():
    return Sequential(Layer(2, 3, "tanh", seed=0, label="L0"), BatchNorm1d(3),
                      Layer(3, 1, "linear", seed=1, label="L1"))


def test_state_dict_holds_parameters_and_buffers_by_name():
    model = small_model()
    state = model.state_dict()
    assert len(state) == 9 + 6 + 6 + 4
    assert state["layers.1.running_var.2"] == 1.0 and state["layers.0.neurons.2.b"] == 0.0
    other = small_model()
    for p in other.parameters():
        p.data += 1.0
    other.load_state_dict(state)
    assert other.state_dict() == state


def test_load_state_dict_reports_missing_and_unexpected_keys():
    model = small_model()
    before = model.state_dict()
    bad = dict(before)
    del bad["layers.0.neurons.0.w.0"]
    bad["layers.9.w"] = 1.0
    bad["layers.1.gamma.0"] = 5.0
    with pytest.raises(StateDictError, match="1 missing key.*neurons.0.w.0.*1 unexpected key.*"
                       "layers.9.w") as info:
        model.load_state_dict(bad)
    assert info.value.missing_keys == ["layers.0.neurons.0.w.0"]
    assert model.state_dict() == before  # strict: nothing changed
    result = model.load_state_dict(bad, strict=False)
    assert result == IncompatibleKeys(["layers.0.neurons.0.w.0"], ["layers.9.w"])
    assert model.state_dict()["layers.1.gamma.0"] == 5.0
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({**before, "layers.1.beta.0": float("nan")})
    with pytest.raises(TypeError, match="number"):
        model.load_state_dict({**before, "layers.1.beta.0": "1.0"})


def test_save_load_round_trip_reproduces_predictions_exactly(tmp_path):
    model = small_model()
    model(batch(X4[:, :2]))  # moves the running statistics off their defaults
    for p in model.parameters():
        p.data += 0.1 * math.pi
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text())["count"] == 25  # plain JSON, not pickle
    restored = small_model().load(path)
    assert restored.state_dict() == model.state_dict()
    model.eval(), restored.eval()
    np.testing.assert_array_equal(model(X4[:, :2]).data, restored(X4[:, :2]).data)


def corrupted_files(tmp_path, model):
    path = tmp_path / "good.json"
    model.save(path)
    text = path.read_text()
    document = json.loads(text)
    cases = {
        "truncated": text[: len(text) // 2],
        "empty": "",
        "not json": "\x00\x01binary",
        "not a model": json.dumps({"hello": "world"}),
        "wrong version": json.dumps({**document, "version": 99}),
        "count mismatch": json.dumps({**document, "count": document["count"] + 1}),
        "non-number": json.dumps({**document, "state": {**document["state"],
                                                         "layers.1.beta.0": "zero"}}),
        "duplicate": text.replace('"layers.1.beta.0"', '"layers.1.beta.1"'),
    }
    for name, body in cases.items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(body)
        yield name, bad


def test_corrupt_or_truncated_files_give_clear_errors_and_leave_the_model_unchanged(tmp_path):
    model = small_model()
    before = model.state_dict()
    messages = {}
    for name, path in corrupted_files(tmp_path, small_model()):
        with pytest.raises(ModelFileError) as info:
            model.load(path)
        messages[name] = str(info.value)
        assert model.state_dict() == before, name
    assert "truncated" in messages["truncated"] and "line" in messages["truncated"]
    assert "not an autograd-viz model file" in messages["not a model"]
    assert "version 99" in messages["wrong version"]
    assert "says it holds 26 values but holds 25" in messages["count mismatch"]
    assert "must be a number" in messages["non-number"]
    assert "appears twice" in messages["duplicate"]


def test_loading_a_file_from_a_different_model_names_the_mismatch(tmp_path):
    path = tmp_path / "mlp.json"
    MLP(2, [4, 1], seed=0).save(path)
    model = MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ModelFileError, match=r"different model \('MLP', 17 values\) than "
                       r"this MLP \(13 values\): 4 unexpected key"):
        model.load(path)
    assert model.state_dict() == before


def test_save_is_atomic_and_refuses_non_finite_values(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    good = path.read_text()
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="layers.0.neurons.0.w.0 is nan"):
        model.save(path)
    model.parameters()[0].data = 0.5

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_text() == good
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


HOSTILE_BODIES = {
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "a value nested 1,000 deep": '{"format": "autograd-viz/state_dict", "state": {"w.0": '
                                 + "[" * 1000 + "]" * 1000 + "}}",
    "a 400-digit weight": "STATE:" + "9" * 400,
    "a negative 400-digit weight": "STATE:-" + "9" * 400,
    "a 5,000-digit count": "COUNT:" + "9" * 5000,
}


@pytest.mark.parametrize("case", list(HOSTILE_BODIES))
def test_hostile_nesting_or_huge_integers_are_model_file_errors(tmp_path, case):
    model = MLP(2, [3, 1], seed=0)
    good = tmp_path / "good.json"
    model.save(good)
    document = json.loads(good.read_text())
    body = HOSTILE_BODIES[case]
    if body.startswith("STATE:"):
        document["state"]["layers.0.neurons.0.w.0"] = "HERE"
        body = json.dumps(document).replace('"HERE"', body[len("STATE:"):])
    elif body.startswith("COUNT:"):
        document["count"] = "HERE"
        body = json.dumps(document).replace('"HERE"', body[len("COUNT:"):])
    path = tmp_path / "hostile.json"
    path.write_text(body)
    before = model.state_dict()
    with pytest.raises(ModelFileError) as info:
        model.load(path)
    assert model.state_dict() == before
    message = str(info.value)
    assert message.startswith(str(path)) and len(message) < 400
    expected = {"nested 1,000 deep": "nests too deep",
                "a value nested 1,000 deep": "nests too deep",
                "a 400-digit weight": "layers.0.neurons.0.w.0 must be a finite number, got an "
                                      "integer of at least 400 digits, too large for a float",
                "a negative 400-digit weight": "integer of at least 400 digits",
                "a 5,000-digit count": "4300 digits"}[case]
    assert expected in message


def test_load_state_dict_calls_a_huge_integer_a_value_error_not_an_overflow():
    model = Neuron(1, seed=0)
    with pytest.raises(ValueError, match=r"w.0 must be a finite number, got an integer of at "
                       r"least 400 digits"):
        model.load_state_dict({"w.0": 10 ** 400, "b": 0.0})


def test_a_file_saved_from_another_class_is_refused_naming_both(tmp_path):
    path = tmp_path / "neuron.json"
    Neuron(2, seed=0).save(path)  # the same names as a Perceptron's: w.0, w.1, b
    perceptron = Perceptron(2, init="uniform", seed=1)
    before = perceptron.state_dict()
    assert set(before) == set(json.loads(path.read_text())["state"])
    with pytest.raises(ModelFileError, match=r"was saved from class Neuron, and this model is "
                       r"class Perceptron: load it into a model of class Neuron"):
        perceptron.load(path)
    assert perceptron.state_dict() == before
    perceptron.save(path)
    with pytest.raises(ModelFileError, match="saved from class Perceptron.*class Neuron"):
        Neuron(2, seed=0).load(path)
    document = json.loads(path.read_text())
    del document["module"]
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"does not name the class it was saved from"):
        perceptron.load(path)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_save_keeps_an_existing_files_mode_and_gives_a_new_file_the_umask_mode(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    existing = tmp_path / "shared.json"
    existing.write_text("old")
    existing.chmod(0o644)
    previous = os.umask(0o077)
    try:
        model.save(existing)
        model.save(tmp_path / "private.json")
        os.umask(0o022)
        model.save(tmp_path / "new.json")
        (tmp_path / "private.json").chmod(0o640)
        model.save(tmp_path / "private.json")
    finally:
        os.umask(previous)
    mode = {p.name: oct(p.stat().st_mode & 0o7777) for p in tmp_path.iterdir()}
    assert mode == {"shared.json": "0o644", "private.json": "0o640", "new.json": "0o644"}
    assert MLP(2, [3, 1], seed=5).load(existing).state_dict() == model.state_dict()


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path):
    import tracemalloc

    path = tmp_path / "huge.json"
    with open(path, "wb") as f:  # 101 MB, sparse: no disk space, no time
        f.truncate(101_000_000)
    model = MLP(2, [3, 1], seed=0)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=r"is 101,000,000 bytes, larger than a model "
                           r"file can be \(100,000,000"):
            model.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_load_reads_at_most_one_byte_past_the_limit_and_save_keeps_within_it(tmp_path,
                                                                              monkeypatch):
    import autograd.nn.serialization

    model = MLP(2, [3, 1], seed=0)
    # the model's file is 663 bytes
    monkeypatch.setattr(autograd.nn.serialization, "MAX_FILE_BYTES", 500)
    if os.path.exists("/dev/zero"):  # reports size 0 and never ends: the read must stop
        with pytest.raises(ModelFileError, match="holds more than 500 bytes"):
            model.load("/dev/zero")
    with pytest.raises(ValueError, match=r"its file would be 663 bytes, above the 500"):
        model.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


def test_a_custom_module_finds_its_parameters_and_children():
    class Net(Module):
        def __init__(self):
            self.body = Layer(2, 2, seed=0)
            self.head = Neuron(2, "linear", seed=1)
            self.scale = Parameter(2.0, "scale")
            self.shared = [self.scale]  # the same parameter twice: listed once

        def forward(self, x):
            return self.head(self.body(x)) * self.scale

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names[:2] == ["scale", "body.neurons.0.w.0"] and names[-1] == "head.b"
    assert len(names) == 1 + 6 + 3
    assert [p for _, p in net.named_parameters()] == net.parameters()
    assert net([1.0, 2.0]).inputs[0].scope == "head"


NN_MODULES = ["autograd.nn", "autograd.nn.module", "autograd.nn.serialization",
              "autograd.nn.linear", "autograd.nn.sequential", "autograd.nn.perceptron",
              "autograd.nn.activation", "autograd.nn.dropout", "autograd.nn.normalization",
              "autograd.nn.rnn"]


@pytest.mark.parametrize("name", NN_MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)

    result = doctest.testmod(module)
    assert result.failed == 0
    if name.rsplit(".", 1)[-1] in ("nn", "module", "linear", "perceptron", "activation",
                                   "normalization", "rnn"):
        assert result.attempted > 0  # the examples moved here with the code


def test_every_module_of_the_package_is_in_the_doctest_list():
    import pkgutil

    import autograd.nn

    found = {f"autograd.nn.{m.name}" for m in pkgutil.iter_modules(autograd.nn.__path__)
             if not m.name.startswith("_")}
    assert found | {"autograd.nn"} == set(NN_MODULES)


def test_the_package_keeps_every_name_it_had():
    import autograd.nn
    from autograd.engine import Parameter as EngineParameter
    from autograd.engine import add_n

    assert set(autograd.nn.__all__) == {
        "Module", "Neuron", "Layer", "MLP", "Perceptron", "Sequential", "Activation", "Dropout",
        "BatchNorm1d", "LayerNorm", "Parameter", "IncompatibleKeys", "StateDictError",
        "ModelFileError", "ACTIVATIONS", "INITS", "RNN"}
    for name in autograd.nn.__all__ + ["MAX_FILE_BYTES", "FILE_FORMAT", "FILE_VERSION", "Seed",
                                       "Value", "add_n", "batch", "no_grad", "scope",
                                       "_features", "_rng", "_size", "_as_value", "_TorchKey"]:
        assert hasattr(autograd.nn, name), name
    assert autograd.nn.Parameter is EngineParameter and autograd.nn.add_n is add_n
    assert autograd.nn.MAX_FILE_BYTES == 100_000_000


def test_the_package_modules_import_each_other_in_one_direction():
    import ast
    from pathlib import Path

    import autograd.nn

    order = ["_checks", "serialization", "module", "linear", "sequential", "perceptron",
             "activation", "dropout", "normalization", "rnn"]
    folder = Path(autograd.nn.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__") == sorted(order)
    for rank, name in enumerate(order):
        tree = ast.parse((folder / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd.nn"):
                assert node.module.startswith("autograd.nn."), f"{name} imports the package"
                used = node.module.split(".")[2]
                assert order.index(used) < rank, f"{name} imports {used}, which comes after it"
