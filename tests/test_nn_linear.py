"""autograd.nn.linear: Neuron, Layer and MLP, one sample or a batch, and their training."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_helpers import X4, grads, per_sample, total
from sklearn.datasets import make_moons

from autograd import losses, optim, regularizers, schedules
from autograd.engine import Parameter, Value, batch
from autograd.gradcheck import gradcheck
from autograd.nn import MLP, Layer, Neuron

# -- labels, seeds, initialisations, activations ---------------------------------------

def test_parameters_are_labelled_by_layer_neuron_and_weight():
    model = MLP(2, [16, 16, 1], seed=0)
    named = dict(model.named_parameters())
    assert named["layers.0.neurons.3.w.1"].label == "L0.N3.w1"
    assert named["layers.0.neurons.3.b"].label == "L0.N3.b"
    assert named["layers.2.neurons.0.w.15"].label == "L2.N0.w15"
    assert all(isinstance(p, Parameter) for p in model.parameters())


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
    schedule = schedules.LinearDecay(opt, end_lr=lr / 10, total_steps=steps)
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
    schedule = schedules.LinearDecay(opt, end_lr=lr / 10, total_steps=steps)
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
