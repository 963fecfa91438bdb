"""``Activation``: a non-linearity as a module of its own, for ``Sequential``.

It applies one of ``ACTIVATIONS`` to every feature, so a normalization layer
can sit between a linear layer and its non-linearity.
"""

from __future__ import annotations

from typing import Any

from autograd.engine import Value
from autograd.nn._checks import _choice
from autograd.nn.linear import ACTIVATIONS, _activate, _activation_unit
from autograd.nn.module import Module, _as_value, _is_samples
from autograd.nn.torch_format import _TorchUnit

__all__ = ["Activation"]


class Activation(Module):
    """An activation on its own, for ``Sequential``: ``y_j = f(x_j)`` for every feature.

    ``kind`` is one of ``ACTIVATIONS``. Put it after a normalization layer, which
    goes between a linear layer and its non-linearity:

    >>> from autograd.nn import Layer, LayerNorm, Sequential
    >>> net = Sequential(Layer(3, 4, "linear", seed=0), LayerNorm(4), Activation("tanh"))
    >>> len(net([1.0, 2.0, 3.0]))
    4
    """

    def __init__(self, kind: str = "relu", negative_slope: float = 0.01) -> None:
        self.kind = _choice(kind, "activation", ACTIVATIONS)
        self.negative_slope = float(negative_slope)

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        if isinstance(x, (list, tuple)):
            return [self._one(v) for v in x]
        return self._one(x)

    def _one(self, v: Any) -> Value:
        return _activate(_as_value(v), self.kind, self.negative_slope)

    def _torch_units(self) -> list[_TorchUnit]:
        return [_activation_unit(self.kind, self.negative_slope)]

    def __repr__(self) -> str:
        return f"Activation({self.kind!r})"
