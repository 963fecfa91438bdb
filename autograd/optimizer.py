"""``Optimizer``, what every optimizer and schedule shares: the parameters it updates, its
learning rate ``lr``, ``zero_grad()``, and the checks of its settings (each names the
setting it refuses). The optimizers are in ``autograd.optim``, the schedules that change
``lr`` in ``autograd.schedules``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd.engine import Value

__all__ = ["Optimizer"]


def _number(value: Any, name: str, low: float = 0.0, low_open: bool = False,
            high: float = math.inf, high_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high or math.isnan(value):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}: {value!r}")
    return bool(value)


class Optimizer:
    """Holds the parameters and the learning rate ``lr``; subclasses define ``step()``."""

    def __init__(self, params: Any, lr: float) -> None:
        if hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()  # a Module: its parameters
        if isinstance(params, Value) or not isinstance(params, Iterable):
            raise TypeError(f"{type(self).__name__} takes a list of parameters, "
                            f"got {type(params).__name__}")
        unique: dict[int, Value] = {}
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__}: parameter {i} is "
                                f"{type(p).__name__}, not a Value")
            if isinstance(p.data, np.ndarray):
                raise TypeError(f"{type(self).__name__}: parameter {i} ({p.label or 'unlabelled'})"
                                f" holds a batch; parameters are scalars")
            unique.setdefault(id(p), p)
        if not unique:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        self.params: list[Value] = list(unique.values())
        self.lr = _number(lr, "lr", 0.0, low_open=True)
        self.step_count = 0

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (gradients accumulate otherwise)."""
        for p in self.params:
            p.grad = 0.0

    def _gradients(self) -> np.ndarray:
        try:
            return np.fromiter((p.grad for p in self.params), float, len(self.params))
        except (TypeError, ValueError):
            for p in self.params:
                if np.ndim(p.grad) != 0:
                    raise ValueError(f"{p.label or 'a parameter'} has a gradient of shape "
                                     f"{np.shape(p.grad)}, not a number") from None
            raise

    def _data(self) -> np.ndarray:
        return np.fromiter((p.data for p in self.params), float, len(self.params))

    def _write(self, values: np.ndarray) -> None:
        for p, v in zip(self.params, values.tolist()):  # tolist: plain floats
            p.data = v

    def step(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr:g})"
