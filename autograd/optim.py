"""Optimizers update parameters from their gradients; schedules change the learning rate.

The loop is PyTorch's:

>>> from autograd.nn import MLP
>>> model = MLP(2, [4, 1], seed=0)
>>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
>>> sched = LinearDecay(opt, end_lr=0.01, total_steps=100)
>>> for step in range(3):
...     loss = (model([1.0, 2.0]) - 3.0) ** 2
...     opt.zero_grad()
...     loss.backward()
...     opt.step()
...     sched.step()

Parameters hold plain floats (scalar parameters; a batch only changes how big
their gradient's sum is), and every update keeps them plain floats.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd.engine import Value

__all__ = ["Optimizer", "SGD", "Adam", "Schedule", "StepDecay", "LinearDecay"]


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


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay:

        g = grad + weight_decay * w
        v = momentum * v + g            (v = g without momentum)
        w = w - lr * v

    ``weight_decay`` is exactly an L2 penalty ``weight_decay / 2 * sum w^2``
    added to the loss (the gradient of that penalty is ``weight_decay * w``).
    """

    def __init__(self, params: Any, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _number(momentum, "momentum", 0.0, high=1.0, high_open=True)
        self.weight_decay = _number(weight_decay, "weight_decay")
        self._velocity: np.ndarray | None = None

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        w = self._data()
        g = self._gradients()
        if self.weight_decay:
            g = g + self.weight_decay * w
        if self.momentum:
            self._velocity = g if self._velocity is None else self.momentum * self._velocity + g
            g = self._velocity
        self._write(w - self.lr * g)
        self.step_count += 1


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction:

        m = beta1 * m + (1 - beta1) * g,      v = beta2 * v + (1 - beta2) * g^2
        w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    ``weight_decay`` adds ``weight_decay * w`` to g first (an L2 penalty, as in
    PyTorch's Adam).
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_number(betas[0], "beta1", high=1.0, high_open=True),
                      _number(betas[1], "beta2", high=1.0, high_open=True))
        self.eps = _number(eps, "eps", 0.0, low_open=True)
        self.weight_decay = _number(weight_decay, "weight_decay")
        self._m = np.zeros(len(self.params))
        self._v = np.zeros(len(self.params))

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        b1, b2 = self.betas
        w = self._data()
        g = self._gradients()
        if self.weight_decay:
            g = g + self.weight_decay * w
        self.step_count += 1
        t = self.step_count
        self._m = b1 * self._m + (1.0 - b1) * g
        self._v = b2 * self._v + (1.0 - b2) * g * g
        m_hat = self._m / (1.0 - b1 ** t)
        v_hat = self._v / (1.0 - b2 ** t)
        self._write(w - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))


# -- learning-rate schedules -----------------------------------------------------------

class Schedule:
    """Sets ``optimizer.lr`` from the number of ``step()`` calls so far.

    Call ``step()`` once per optimizer step (or per epoch, as you count);
    ``lr_at(k)`` is the rate after k calls and ``lr`` the current one.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} takes an optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.count = 0

    def lr_at(self, k: int) -> float:
        raise NotImplementedError

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    def step(self) -> None:
        """Advance one step and set the optimizer's learning rate."""
        self.count += 1
        self.optimizer.lr = self.lr_at(self.count)


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` steps:
    ``lr_k = base_lr * gamma ** (k // step_size)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral) \
                or step_size < 1:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = _number(gamma, "gamma", 0.0, low_open=True)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** (k // self.step_size)


class LinearDecay(Schedule):
    """Move the rate in a straight line from ``base_lr`` to ``end_lr`` over
    ``total_steps`` steps, then hold it: ``lr_k = base + (end - base) * min(k, T) / T``.

    micrograd's demo schedule ``1.0 - 0.9 * k / 100`` is
    ``LinearDecay(SGD(params, lr=1.0), end_lr=0.1, total_steps=100)``.
    """

    def __init__(self, optimizer: Optimizer, end_lr: float, total_steps: int) -> None:
        super().__init__(optimizer)
        self.end_lr = _number(end_lr, "end_lr")
        if isinstance(total_steps, bool) or not isinstance(total_steps, numbers.Integral) \
                or total_steps < 1:
            raise ValueError(f"total_steps must be a positive int, got {total_steps!r}")
        self.total_steps = int(total_steps)

    def lr_at(self, k: int) -> float:
        return self.base_lr + (self.end_lr - self.base_lr) * min(k, self.total_steps) \
            / self.total_steps
