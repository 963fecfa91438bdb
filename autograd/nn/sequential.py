"""``Sequential``: modules applied one after another, the output of each the input of the next.

Any ``Module`` can be an item (layers, normalization, activations, dropout,
another ``Sequential``); in the torch form it is one ``nn.Sequential``.
"""

from __future__ import annotations

from typing import Any

from autograd.nn.linear import Layer
from autograd.nn.module import Module
from autograd.nn.torch_format import _TorchUnit

__all__ = ["Sequential"]


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Layer(2, 8), BatchNorm1d(8), ...)``.

    Sub-modules are named ``layers.0``, ``layers.1``, ... like MLP's; a ``Layer`` made
    without a label is labelled after its place (item 4: ``L4.N0.w0``, ...).
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules; item {i} is {type(m).__name__}")
        for i, m in enumerate(modules):
            if isinstance(m, Layer) and not m._labelled:
                m._relabel(f"L{i}")
        self.layers = list(modules)

    def forward(self, x: Any) -> Any:
        for module in self.layers:
            x = module(x)
        return x

    _torch_container = True

    def _torch_units(self) -> list[_TorchUnit]:
        units = []
        for i, module in enumerate(self.layers):
            try:
                units.extend(module._torch_units())
            except TypeError as e:
                raise TypeError(f"Sequential item {i}: {e}") from None
        return units

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(map(repr, self.layers)) + ")"
