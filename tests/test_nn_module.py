"""autograd.nn.module: Module's names, scopes, modes, input checks and state dict."""

from __future__ import annotations

import numpy as np
import pytest
from nn_helpers import small_model

from autograd.engine import Parameter, Value, scope, topological_order
from autograd.nn import (
    MLP,
    BatchNorm1d,
    Dropout,
    IncompatibleKeys,
    Layer,
    LayerNorm,
    Module,
    Neuron,
    Sequential,
    StateDictError,
)

# -- names, scopes, modes --------------------------------------------------------------

def test_named_parameters_are_stable_dotted_paths():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert "layers.0.neurons.3.w.1" in names and names[-1] == "layers.2.neurons.0.b"
    assert names == [n for n, _ in MLP(2, [16, 16, 1], seed=5).named_parameters()]
    assert [id(p) for _, p in model.named_parameters()] == [id(p) for p in model.parameters()]


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


# -- a module's input ------------------------------------------------------------------

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


# -- state_dict, load_state_dict -------------------------------------------------------

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


def test_load_state_dict_calls_a_huge_integer_a_value_error_not_an_overflow():
    model = Neuron(1, seed=0)
    with pytest.raises(ValueError, match=r"w.0 must be a finite number, got an integer of at "
                       r"least 400 digits"):
        model.load_state_dict({"w.0": 10 ** 400, "b": 0.0})
