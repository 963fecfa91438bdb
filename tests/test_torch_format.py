"""state_dict(format="torch") and load_state_dict(..., format="torch"): the bridge to PyTorch.

PyTorch is not a dependency, so torch's side is written out here in numpy: a
``Linear`` computes ``x @ W.T + b``, an ``RNN`` ``h_t = tanh(x_t @ W_ih.T + b_ih +
h_(t-1) @ W_hh.T + b_hh)``. A forward pass built from the exported arrays alone
that equals our model's output is the proof that the names, shapes and
orientation are what torch expects.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd.engine import batch
from autograd.nn import (
    MLP,
    Activation,
    BatchNorm1d,
    Dropout,
    IncompatibleKeys,
    Layer,
    LayerNorm,
    Module,
    Neuron,
    Perceptron,
    Sequential,
    StateDictError,
)
from autograd.rnn import RNN

X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 2.0], [0.9, 0.1], [-1.1, -0.4]])
SEQS = np.array([  # (samples, steps, features)
    [[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8], [0.1, 0.1]],
    [[1.5, 0.25], [0.0, -0.5], [0.9, 0.1], [-0.7, 0.6]],
    [[-0.3, 2.0], [0.4, 0.4], [-1.2, 0.3], [0.2, -0.9]],
])


def randomize(model: Module, seed: int) -> Module:
    """Give every parameter and buffer a random value (variances positive), so that
    no value is the 0 or 1 it starts at and a swapped or transposed array shows."""
    rng = np.random.default_rng(seed)
    state = {name: (float(rng.uniform(0.5, 2.0)) if "running_var" in name
                    else float(rng.normal()))
             for name in model.state_dict()}
    model.load_state_dict(state)
    return model


def shapes(state):
    return [(name, array.shape) for name, array in state.items()]


def outputs(model, X):
    """The model's outputs for the rows of X, as an (n_samples, n_outputs) array."""
    out = model(batch(X))
    out = out if isinstance(out, list) else [out]
    return np.stack([v.data for v in out], axis=1)


def relu(z):
    return np.maximum(z, 0.0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def torch_linear(state, prefix, x):
    return x @ state[f"{prefix}.weight"].T + state[f"{prefix}.bias"]


# -- names and shapes --------------------------------------------------------------------

def test_mlp_is_a_torch_sequential_of_linear_layers_activations_taking_an_index():
    model = MLP(2, [16, 16, 1], seed=0)
    state = model.state_dict(format="torch")
    assert shapes(state) == [("0.weight", (16, 2)), ("0.bias", (16,)), ("2.weight", (16, 16)),
                             ("2.bias", (16,)), ("4.weight", (1, 16)), ("4.bias", (1,))]
    assert model.torch_equivalent() == ("nn.Sequential(nn.Linear(2, 16), nn.ReLU(), "
                                        "nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))")
    assert all(a.dtype == np.float64 for a in state.values())


def test_mlp_weight_row_j_is_neuron_js_weights():
    model = randomize(MLP(3, [4, 2], seed=0), seed=1)
    state = model.state_dict(format="torch")
    first = model.layers[0]
    assert state["0.weight"][2, 1] == first.neurons[2].w[1].data  # W[j, i]: neuron j, input i
    assert state["0.weight"][0, 2] == first.neurons[0].w[2].data
    np.testing.assert_array_equal(state["0.weight"], first.weight_matrix())
    np.testing.assert_array_equal(state["0.bias"], [n.b.data for n in first.neurons])
    np.testing.assert_array_equal(state["2.weight"], model.layers[1].weight_matrix())
    np.testing.assert_array_equal(state["2.bias"], [n.b.data for n in model.layers[1].neurons])


def test_every_mlp_activation_names_its_torch_module():
    model = MLP(2, [3, 3, 3, 1], activation=["tanh", "sigmoid", "leaky_relu", "linear"],
                negative_slope=0.2, seed=0)
    assert model.torch_equivalent() == (
        "nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.Sigmoid(), "
        "nn.Linear(3, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1))")
    assert list(model.state_dict(format="torch")) == [
        "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"]


def mixed_sequential():
    return Sequential(Layer(2, 3, "relu", seed=0), BatchNorm1d(3, momentum=0.99),
                      LayerNorm(3), Dropout(0.25, seed=0), Activation("tanh"),
                      LayerNorm(3, elementwise_affine=False), Layer(3, 2, "linear", seed=1))


def test_sequential_maps_module_by_module_as_torch_names_them():
    model = mixed_sequential()
    assert model.torch_equivalent() == (
        "nn.Sequential(nn.Linear(2, 3), nn.ReLU(), "
        "nn.BatchNorm1d(3, eps=1e-05, momentum=0.01), nn.LayerNorm(3, eps=1e-05), "
        "nn.Dropout(p=0.25), nn.Tanh(), nn.LayerNorm(3, eps=1e-05, elementwise_affine=False), "
        "nn.Linear(3, 2))")
    state = model.state_dict(format="torch")
    assert shapes(state) == [
        ("0.weight", (3, 2)), ("0.bias", (3,)),
        ("2.weight", (3,)), ("2.bias", (3,)), ("2.running_mean", (3,)), ("2.running_var", (3,)),
        ("2.num_batches_tracked", ()),
        ("3.weight", (3,)), ("3.bias", (3,)),
        ("7.weight", (2, 3)), ("7.bias", (2,))]
    assert state["2.num_batches_tracked"].dtype == np.int64 and state["2.num_batches_tracked"] == 0


def test_batchnorm_and_layernorm_arrays_hold_gamma_beta_and_the_running_statistics():
    model = randomize(mixed_sequential(), seed=2)
    state = model.state_dict(format="torch")
    bn, ln = model.layers[1], model.layers[2]
    np.testing.assert_array_equal(state["2.weight"], [g.data for g in bn.gamma])
    np.testing.assert_array_equal(state["2.bias"], [b.data for b in bn.beta])
    np.testing.assert_array_equal(state["2.running_mean"], bn.running_mean)
    np.testing.assert_array_equal(state["2.running_var"], bn.running_var)  # as kept, unscaled
    np.testing.assert_array_equal(state["3.weight"], [g.data for g in ln.gamma])
    np.testing.assert_array_equal(state["3.bias"], [b.data for b in ln.beta])


def test_nested_mlps_and_sequentials_are_flattened_into_one_torch_sequential():
    model = Sequential(MLP(2, [3, 2], seed=0), Sequential(Activation("relu"), Layer(2, 1, seed=1)))
    assert model.torch_equivalent() == ("nn.Sequential(nn.Linear(2, 3), nn.ReLU(), "
                                        "nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1), nn.ReLU())")
    assert list(model.state_dict(format="torch")) == [
        "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]


def test_a_lone_layer_is_its_torch_layer_with_unprefixed_names():
    assert shapes(Layer(2, 3, "tanh", seed=0).state_dict(format="torch")) == [
        ("weight", (3, 2)), ("bias", (3,))]
    assert Layer(2, 3, "tanh").torch_equivalent() == "nn.Linear(2, 3)"
    assert shapes(Neuron(3, seed=0).state_dict(format="torch")) == [
        ("weight", (1, 3)), ("bias", (1,))]
    no_bias = Neuron(3, bias=False, seed=0)
    assert shapes(no_bias.state_dict(format="torch")) == [("weight", (1, 3))]
    assert no_bias.torch_equivalent() == "nn.Linear(3, 1, bias=False)"
    assert shapes(Perceptron(2).state_dict(format="torch")) == [("weight", (1, 2)), ("bias", (1,))]
    assert list(BatchNorm1d(2).state_dict(format="torch")) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert list(LayerNorm(2).state_dict(format="torch")) == ["weight", "bias"]
    assert LayerNorm(2, elementwise_affine=False).state_dict(format="torch") == {}


def test_rnn_is_a_torch_rnn_named_rnn_and_a_linear_head():
    model = randomize(RNN(2, 3, 4, seed=0), seed=3)
    state = model.state_dict(format="torch")
    assert shapes(state) == [
        ("rnn.weight_ih_l0", (3, 2)), ("rnn.weight_hh_l0", (3, 3)), ("rnn.bias_ih_l0", (3,)),
        ("rnn.bias_hh_l0", (3,)), ("head.weight", (4, 3)), ("head.bias", (4,))]
    np.testing.assert_array_equal(state["rnn.weight_ih_l0"], model.xh.weight_matrix())
    np.testing.assert_array_equal(state["rnn.weight_hh_l0"], model.hh.weight_matrix())
    np.testing.assert_array_equal(state["rnn.bias_ih_l0"], [n.b.data for n in model.xh.neurons])
    np.testing.assert_array_equal(state["rnn.bias_hh_l0"], np.zeros(3))  # our one bias is b_ih
    np.testing.assert_array_equal(state["head.weight"], model.hy.weight_matrix())
    np.testing.assert_array_equal(state["head.bias"], [n.b.data for n in model.hy.neurons])
    assert model.torch_equivalent() == ('rnn = nn.RNN(2, 3, nonlinearity="tanh", '
                                        'batch_first=True); head = nn.Linear(3, 4)')


def test_exported_arrays_are_copies():
    model = randomize(Sequential(Layer(2, 2, seed=0), BatchNorm1d(2)), seed=4)
    before = model.state_dict()
    state = model.state_dict(format="torch")
    for array in state.values():
        array += 1
    assert model.state_dict() == before
    assert model.state_dict(format="torch")["0.weight"][0, 0] == state["0.weight"][0, 0] - 1


# -- torch's forward, in numpy, from the exported arrays alone ---------------------------

def test_torch_forward_of_the_exported_mlp_equals_the_models_output():
    model = randomize(MLP(2, [5, 4, 3, 2], activation=["relu", "tanh", "leaky_relu", "sigmoid"],
                          negative_slope=0.1, seed=0), seed=5)
    s = model.state_dict(format="torch")
    h = relu(torch_linear(s, "0", X))
    h = np.tanh(torch_linear(s, "2", h))
    z = torch_linear(s, "4", h)
    h = np.where(z > 0, z, 0.1 * z)
    y = sigmoid(torch_linear(s, "6", h))
    np.testing.assert_allclose(outputs(model, X), y, rtol=1e-12, atol=1e-14)


def test_torch_forward_of_the_exported_sequential_in_eval_equals_the_models_output():
    model = randomize(mixed_sequential(), seed=6)
    model(batch(X))  # a training step moves the running statistics again
    model.eval()
    s = model.state_dict(format="torch")
    eps = 1e-5
    h = relu(torch_linear(s, "0", X))
    h = ((h - s["2.running_mean"]) / np.sqrt(s["2.running_var"] + eps) * s["2.weight"]
         + s["2.bias"])
    mu, var = h.mean(axis=1, keepdims=True), h.var(axis=1, keepdims=True)  # biased, as torch
    h = (h - mu) / np.sqrt(var + eps) * s["3.weight"] + s["3.bias"]
    h = np.tanh(h)  # 4 is Dropout: the identity in eval
    mu, var = h.mean(axis=1, keepdims=True), h.var(axis=1, keepdims=True)
    h = (h - mu) / np.sqrt(var + eps)
    y = torch_linear(s, "7", h)
    np.testing.assert_allclose(outputs(model, X), y, rtol=1e-10, atol=1e-12)


def torch_rnn(state, xs, returns="sequence"):
    """torch.nn.RNN(batch_first=True) then a Linear head, in numpy: (n, T, out)."""
    W_ih, W_hh = state["rnn.weight_ih_l0"], state["rnn.weight_hh_l0"]
    b_ih, b_hh = state["rnn.bias_ih_l0"], state["rnn.bias_hh_l0"]
    h = np.zeros((xs.shape[0], W_hh.shape[0]))
    ys = []
    for t in range(xs.shape[1]):
        h = np.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        ys.append(torch_linear(state, "head", h))
    return np.stack(ys, axis=1)


def rnn_outputs(model, xs):
    """Our RNN's y_1 .. y_T for a batch of sequences, as (n, T, out)."""
    steps = model(xs)
    return np.stack([np.stack([v.data for v in (y if isinstance(y, list) else [y])], axis=1)
                     for y in steps], axis=1)


def test_torch_recurrence_from_the_exported_rnn_equals_the_models_outputs():
    model = randomize(RNN(2, 3, 2, seed=0), seed=7)
    expected = torch_rnn(model.state_dict(format="torch"), SEQS)
    np.testing.assert_allclose(rnn_outputs(model, SEQS), expected, rtol=1e-12, atol=1e-14)


def test_loading_torchs_two_rnn_biases_adds_them():
    model = RNN(2, 3, 1, seed=0)
    state = randomize(RNN(2, 3, 1, seed=1), seed=8).state_dict(format="torch")
    state["rnn.bias_hh_l0"] = np.array([0.5, -0.25, 2.0])  # as a torch-trained RNN has
    model.load_state_dict(state, format="torch")
    np.testing.assert_array_equal([n.b.data for n in model.xh.neurons],
                                  state["rnn.bias_ih_l0"] + state["rnn.bias_hh_l0"])
    np.testing.assert_allclose(rnn_outputs(model, SEQS), torch_rnn(state, SEQS),
                               rtol=1e-12, atol=1e-14)


# -- the round trip ----------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda seed: MLP(2, [16, 16, 1], seed=seed),
    lambda seed: Sequential(Layer(2, 3, "relu", seed=seed), BatchNorm1d(3), LayerNorm(3),
                            Dropout(0.25, seed=0), Activation("tanh"), Layer(3, 2, seed=seed)),
    lambda seed: RNN(2, 3, 2, seed=seed),
], ids=["MLP", "Sequential", "RNN"])
def test_round_trip_into_a_fresh_model_predicts_bit_for_bit(make):
    trained = randomize(make(0), seed=9)
    fresh = make(1)
    assert fresh.state_dict() != trained.state_dict()
    result = fresh.load_state_dict(trained.state_dict(format="torch"), format="torch")
    assert result == IncompatibleKeys([], [])
    assert fresh.state_dict() == trained.state_dict()
    trained.eval(), fresh.eval()
    if isinstance(trained, RNN):
        np.testing.assert_array_equal(rnn_outputs(fresh, SEQS), rnn_outputs(trained, SEQS))
    else:
        np.testing.assert_array_equal(outputs(fresh, X), outputs(trained, X))


class FakeTensor:
    """What matters of a CPU torch tensor here: numpy reads it through __array__."""

    def __init__(self, array):
        self._array = np.asarray(array, dtype=np.float32)

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)


def test_load_takes_anything_numpy_can_read_such_as_float32_tensors():
    source = randomize(MLP(2, [3, 1], seed=0), seed=10)
    tensors = {k: FakeTensor(v) for k, v in source.state_dict(format="torch").items()}
    model = MLP(2, [3, 1], seed=1)
    model.load_state_dict(tensors, format="torch")
    np.testing.assert_array_equal(model.layers[0].weight_matrix(),
                                  np.float32(source.layers[0].weight_matrix()))


# -- errors: named, and the model unchanged ----------------------------------------------

def rejected(model, state, error, match):
    """Loading ``state`` raises ``error`` matching ``match`` and changes nothing."""
    before = model.state_dict()
    with pytest.raises(error, match=match):
        model.load_state_dict(state, format="torch")
    assert model.state_dict() == before


def test_a_wrong_shape_names_the_key_and_both_shapes_and_changes_nothing():
    model = mixed_sequential()
    good = randomize(mixed_sequential(), seed=11).state_dict(format="torch")
    rejected(model, {**good, "0.weight": good["0.weight"].T}, ValueError,
             r"0\.weight has shape \(2, 3\), expected \(3, 2\) \(transposed\?")
    rejected(model, {**good, "2.running_var": np.ones(4)}, ValueError,
             r"2\.running_var has shape \(4,\), expected \(3,\)")
    rejected(model, {**good, "7.bias": 1.0}, ValueError, r"7\.bias has shape \(\), expected \(2,\)")
    rejected(model, {**good, "2.num_batches_tracked": np.zeros(1)}, ValueError,
             r"num_batches_tracked has shape \(1,\), expected \(\)")


def test_a_missing_or_extra_key_is_named_and_changes_nothing():
    model = mixed_sequential()
    good = randomize(mixed_sequential(), seed=12).state_dict(format="torch")
    missing = {k: v for k, v in good.items() if k != "3.bias"}
    rejected(model, missing, StateDictError, r"1 missing key\(s\): 3\.bias")
    rejected(model, {**good, "5.weight": np.ones(3)}, StateDictError,
             r"1 unexpected key\(s\): 5\.weight")
    rnn = RNN(2, 3, 1, seed=0)
    rnn_state = rnn.state_dict(format="torch")
    del rnn_state["rnn.bias_hh_l0"]
    rejected(rnn, rnn_state, StateDictError, r"missing key\(s\): rnn\.bias_hh_l0")


def test_a_value_that_is_not_a_finite_number_is_named_and_changes_nothing():
    model = MLP(2, [3, 1], seed=0)
    good = randomize(MLP(2, [3, 1], seed=1), seed=13).state_dict(format="torch")
    bad = good["0.weight"].copy()
    bad[1, 0] = np.nan
    rejected(model, {**good, "0.weight": bad}, ValueError,
             r"0\.weight\[1, 0\] must be a finite number, got nan")
    rejected(model, {**good, "2.bias": np.array(["1.0"])}, TypeError,
             r"2\.bias must hold numbers, got an array of dtype <U3")
    rejected(model, {**good, "2.bias": np.array([True])}, TypeError, "dtype bool")


def test_rnn_biases_whose_sum_is_not_a_finite_number_are_refused_and_change_nothing():
    model = RNN(2, 3, 1, seed=0)
    state = model.state_dict(format="torch")
    state["rnn.bias_ih_l0"] = np.array([0.5, 1e308, 0.0])
    state["rnn.bias_hh_l0"] = np.array([0.5, 1e308, 0.0])  # each finite, their sum inf
    rejected(model, state, ValueError,
             r"rnn\.bias_hh_l0\[1\] is added to the bias it accompanies, and the sum, inf, "
             r"is not a finite number")
    only_hh = {k: v for k, v in state.items() if k != "rnn.bias_ih_l0"}  # adds to our bias
    model.xh.neurons[1].b.data = 1e308
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"rnn\.bias_hh_l0\[1\]"):
        model.load_state_dict(only_hh, strict=False, format="torch")
    assert model.state_dict() == before


def test_strict_false_loads_what_matches_and_reports_the_rest():
    model = MLP(2, [3, 1], seed=0)
    source = randomize(MLP(2, [3, 1], seed=1), seed=14)
    state = source.state_dict(format="torch")
    del state["2.bias"]
    state["9.weight"] = np.ones(2)
    result = model.load_state_dict(state, strict=False, format="torch")
    assert result == IncompatibleKeys(["2.bias"], ["9.weight"])
    np.testing.assert_array_equal(model.layers[0].weight_matrix(),
                                  source.layers[0].weight_matrix())
    assert model.layers[1].neurons[0].b.data == 0.0  # not in the state: kept


def test_a_state_in_the_other_form_gets_a_hint_naming_the_format():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(StateDictError, match='torch form: pass format="torch"'):
        model.load_state_dict(model.state_dict(format="torch"))
    with pytest.raises(StateDictError, match='autograd form: load them without format="torch"'):
        model.load_state_dict(model.state_dict(), format="torch")
    with pytest.raises(ValueError, match="format must be one of 'autograd', 'torch'; got 'jax'"):
        model.state_dict(format="jax")
    with pytest.raises(ValueError, match="format must be one of"):
        model.load_state_dict({}, format="pytorch")


def test_a_module_without_a_torch_equivalent_says_so():
    class Custom(Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="Custom has no torch equivalent"):
        Custom().state_dict(format="torch")
    with pytest.raises(TypeError, match="Sequential item 1: RNN has no torch equivalent"):
        Sequential(Layer(2, 2), RNN(2, 2, 1)).state_dict(format="torch")
    assert Custom().state_dict() == {}  # the autograd form still works
