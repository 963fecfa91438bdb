"""Fully connected layers: ``Neuron``, ``Layer`` (``W @ x + b``, then an activation) and ``MLP``.

Here too are what they are built with: the activations (``ACTIVATIONS``,
applied by ``_activate``), the weight initialisations (``INITS``) and the torch
form of a linear layer (``nn.Linear``) and of an activation (``nn.ReLU``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.data import Seed, _rng
from autograd.engine import Parameter, Value, add_n, scope
from autograd.nn._checks import _choice, _finite_number, _size
from autograd.nn.module import Module, _features
from autograd.nn.torch_format import _TorchKey, _TorchUnit

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS", "INITS"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
"""The activations a ``Neuron``, ``Layer`` or ``MLP`` layer can use."""

INITS = ("uniform", "xavier", "glorot", "he", "zeros")
"""Weight initialisations: ``uniform`` U(-1, 1) (micrograd's), ``xavier``/``glorot``
U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), ``he`` N(0, 2 / fan_in), ``zeros``."""


def _initial_weights(rng: np.random.Generator, init: str, fan_in: int, fan_out: int,
                     n: int) -> list[float]:
    if init == "uniform":
        w = rng.uniform(-1.0, 1.0, n)
    elif init in ("xavier", "glorot"):
        a = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-a, a, n)
    elif init == "he":
        w = rng.normal(0.0, math.sqrt(2.0 / fan_in), n)
    else:
        w = np.zeros(n)
    return w.tolist()  # plain floats: the engine's fast path


def _activate(x: Any, kind: str, negative_slope: float) -> Any:
    if kind == "relu":
        return x.relu()
    if kind == "linear":
        return x
    if kind == "tanh":
        return x.tanh()
    if kind == "sigmoid":
        return x.sigmoid()
    return x.leaky_relu(negative_slope)


def _linear_unit(rows: Sequence[Sequence[Parameter]], biases: Sequence[Parameter] | None,
                 nin: int) -> _TorchUnit:
    """``nn.Linear(nin, len(rows))``: row j of ``weight`` is neuron j's weights."""
    nout = len(rows)
    keys = [_TorchKey("weight", (nout, nin), [w for row in rows for w in row])]
    if biases is not None:
        keys.append(_TorchKey("bias", (nout,), list(biases)))
    return _TorchUnit(f"nn.Linear({nin}, {nout}{'' if biases is not None else ', bias=False'})",
                      keys)


_TORCH_ACTIVATIONS = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()",
                      "linear": "nn.Identity()"}


def _activation_unit(kind: str, negative_slope: float) -> _TorchUnit:
    code = _TORCH_ACTIVATIONS.get(kind) or f"nn.LeakyReLU({negative_slope!r})"
    return _TorchUnit(code, [])


# -- neurons, layers, MLP -------------------------------------------------------------

class Neuron(Module):
    """One unit: ``out = activation(b + w_0 x_0 + w_1 x_1 + ...)``.

    ``w`` and ``b`` are Parameters labelled ``{label}.w0``, ..., ``{label}.b``
    (inside an MLP, ``L0.N3.w1``). ``init`` picks the weights' distribution
    (see ``INITS``); the bias starts at 0.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> out = n([1.0, 2.0])
    >>> out.op, [p.label for p in n.parameters()]
    ('tanh', ['N0.w0', 'N0.w1', 'N0.b'])
    """

    def __init__(self, nin: int, activation: str = "relu", *, init: str = "uniform",
                 seed: Seed = None, bias: bool = True, fan_out: int = 1,
                 negative_slope: float = 0.01, label: str = "N0") -> None:
        self.nin = _size(nin, "nin")
        self.activation = _choice(activation, "activation", ACTIVATIONS)
        self.negative_slope = float(negative_slope)
        init = _choice(init, "init", INITS)
        weights = _initial_weights(_rng(seed), init, self.nin, _size(fan_out, "fan_out"),
                                   self.nin)
        self.w = [Parameter(w, f"{label}.w{i}") for i, w in enumerate(weights)]
        self.b = Parameter(0.0, f"{label}.b") if bias else None

    def forward(self, x: Any) -> Value:
        return self._activate(self._net(_features(x, self.nin, self)))

    def _net(self, x: list[Any]) -> Value:
        # one "+" node for the whole sum, as the textbook neuron is drawn
        products = [wi * xi for wi, xi in zip(self.w, x)]
        return add_n([self.b, *products] if self.b is not None else products)

    def _activate(self, act: Value) -> Value:
        return _activate(act, self.activation, self.negative_slope)

    def _torch_units(self) -> list[_TorchUnit]:
        units = [_linear_unit([self.w], None if self.b is None else [self.b], self.nin)]
        if self.activation != "linear":
            units.append(_activation_unit(self.activation, self.negative_slope))
        return units

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs.

    Returns a list of ``nout`` Values, or a single Value when ``nout == 1``
    (micrograd's convention; ``squeeze=False`` always gives a list).
    Parameters are labelled ``{label}.N{j}.w{i}`` and ``{label}.N{j}.b``; without a
    ``label``, ``L0``, or ``L<k>`` as item k of a ``Sequential`` (so two layers of one
    model never label their weights alike).
    """

    def __init__(self, nin: int, nout: int, activation: str = "relu", *,
                 init: str = "uniform", seed: Seed = None, bias: bool = True,
                 negative_slope: float = 0.01, label: str | None = None,
                 squeeze: bool = True) -> None:
        self._labelled = label is not None
        label = "L0" if label is None else label
        self.nin = _size(nin, "nin")
        self.nout = _size(nout, "nout")
        self.activation = _choice(activation, "activation", ACTIVATIONS)
        self.squeeze = squeeze
        rng = _rng(seed)  # one generator for all neurons: reproducible from one seed
        self.neurons = [Neuron(nin, activation, init=init, seed=rng, bias=bias, fan_out=nout,
                               negative_slope=negative_slope, label=f"{label}.N{j}")
                        for j in range(self.nout)]

    def _relabel(self, label: str) -> None:
        """Label the parameters ``{label}.N{j}.w{i}`` and ``{label}.N{j}.b``."""
        for j, neuron in enumerate(self.neurons):
            for i, w in enumerate(neuron.w):
                w.label = f"{label}.N{j}.w{i}"
            if neuron.b is not None:
                neuron.b.label = f"{label}.N{j}.b"

    def forward(self, x: Any) -> Value | list[Value]:
        x = _features(x, self.nin, self)
        out = []
        for j, neuron in enumerate(self.neurons):
            with scope(neuron._name or f"neurons.{j}"):
                out.append(neuron._activate(neuron._net(x)))
        return out[0] if self.squeeze and len(out) == 1 else out

    def weight_matrix(self) -> np.ndarray:
        """The weights as an ``(nout, nin)`` array W (a copy): row j holds neuron j's
        weights, so the layer computes ``W @ x + b``."""
        return np.array([[w.data for w in neuron.w] for neuron in self.neurons])

    def set_weight_matrix(self, W: Any) -> None:
        """Set every weight from an ``(nout, nin)`` array (row j: neuron j). The shape
        and values are checked before any weight changes."""
        try:
            W = np.asarray(W)
        except ValueError:  # rows of different lengths
            W = np.asarray(W, dtype=object)
        if W.shape != (self.nout, self.nin):
            raise ValueError(f"{self!r}.set_weight_matrix needs an array of shape "
                             f"({self.nout}, {self.nin}), got {W.shape}")
        rows = [[_finite_number(v, f"W[{j}, {i}]") for i, v in enumerate(row)]
                for j, row in enumerate(W.tolist())]
        for neuron, row in zip(self.neurons, rows):
            for w, value in zip(neuron.w, row):
                w.data = value

    def _torch_units(self) -> list[_TorchUnit]:
        has_bias = self.neurons[0].b is not None
        units = [_linear_unit([n.w for n in self.neurons],
                              [n.b for n in self.neurons] if has_bias else None, self.nin)]
        if self.activation != "linear":
            units.append(_activation_unit(self.activation, self.neurons[0].negative_slope))
        return units

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: fully connected layers, one after another.

    ``MLP(2, [16, 16, 1])`` has two relu hidden layers of 16 and a linear output
    layer, and returns a single Value for its one output (as micrograd's MLP,
    whose demo training loop runs unchanged on it). ``activation`` is the hidden
    layers' activation, or a list with one activation per layer (then it covers
    the output layer too); ``output_activation`` is the last layer's
    (default "linear").

    >>> model = MLP(3, [4, 4, 1], activation="tanh", init="xavier", seed=0)
    >>> model.activations
    ['tanh', 'tanh', 'linear']
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | Sequence[str] = "relu",
                 *, output_activation: str | None = None, init: str = "uniform",
                 seed: Seed = None, negative_slope: float = 0.01) -> None:
        self.nin = _size(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [self.nin] + [_size(n, "each layer size in nouts") for n in nouts]
        if isinstance(activation, str):
            activations = [activation] * (len(nouts) - 1) + [output_activation or "linear"]
        else:
            if output_activation is not None:
                raise ValueError("give output_activation, or a list of activations that "
                                 "includes the output layer, not both")
            activations = list(activation)
            if len(activations) != len(nouts):
                raise ValueError(f"activation lists one per layer: {len(nouts)} layers, "
                                 f"got {len(activations)} activations")
        self.activations = [_choice(a, "activation", ACTIVATIONS) for a in activations]
        rng = _rng(seed)
        self.layers = [Layer(sizes[i], sizes[i + 1], self.activations[i], init=init, seed=rng,
                             negative_slope=negative_slope, label=f"L{i}")
                       for i in range(len(nouts))]

    def forward(self, x: Any) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    _torch_container = True

    def _torch_units(self) -> list[_TorchUnit]:
        return [unit for layer in self.layers for unit in layer._torch_units()]

    def __repr__(self) -> str:
        sizes = [layer.nout for layer in self.layers]
        return f"MLP({self.nin}, {sizes}, activations={self.activations})"
