"""Optimizers: each updates the parameters from their gradients, as ``torch.optim`` does.

The loop is PyTorch's:

>>> from autograd.nn import MLP
>>> model = MLP(2, [4, 1], seed=0)
>>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
>>> for step in range(3):
...     loss = (model([1.0, 2.0]) - 3.0) ** 2
...     opt.zero_grad()
...     loss.backward()
...     opt.step()

The learning-rate schedules that change ``opt.lr`` as training goes are in
``autograd.schedules``.

Parameters hold plain floats (scalar parameters; a batch only changes how big
their gradient's sum is), and every update keeps them plain floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.optimizer import Optimizer, _flag, _number

# The schedules lived here before autograd.schedules: their old names still work.
from autograd.schedules import (  # noqa: F401
    CosineDecay,
    ExponentialDecay,
    LinearDecay,
    Schedule,
    StepDecay,
    Warmup,
)

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop"]


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay, as
    ``torch.optim.SGD``:

        g = grad + weight_decay * w
        v = momentum * v + (1 - dampening) * g     (v = g on the first step)
        g = g + momentum * v   if nesterov,   else   g = v
        w = w - lr * g

    Without momentum the update is ``w = w - lr * g``. ``weight_decay`` is
    exactly an L2 penalty ``weight_decay / 2 * sum w^2`` added to the loss (the
    gradient of that penalty is ``weight_decay * w``). ``nesterov=True`` steps
    along the gradient plus the velocity it is about to add (Sutskever et al.'s
    form, as PyTorch writes it); it needs ``momentum > 0`` and ``dampening == 0``.

    >>> from autograd.engine import Parameter
    >>> w = Parameter(1.0)
    >>> w.grad = 1.0
    >>> opt = SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    >>> opt.step()  # v = 1, g = 1 + 0.9 * 1
    >>> round(w.data, 12)
    0.81
    """

    def __init__(self, params: Any, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, *, dampening: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(params, lr)
        self.momentum = _number(momentum, "momentum", 0.0, high=1.0, high_open=True)
        self.weight_decay = _number(weight_decay, "weight_decay")
        self.dampening = _number(dampening, "dampening", 0.0, high=1.0)
        self.nesterov = _flag(nesterov, "nesterov")
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            # With no velocity (or a damped one) the "look-ahead" is not
            # Nesterov's method; PyTorch refuses the same combinations.
            raise ValueError(f"nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={self.momentum:g}, dampening={self.dampening:g}")
        self._velocity: np.ndarray | None = None

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        w = self._data()
        g = self._gradients()
        if self.weight_decay:
            g = g + self.weight_decay * w
        if self.momentum:
            # The first step starts the velocity at g itself, undamped (as PyTorch does).
            self._velocity = g if self._velocity is None else \
                self.momentum * self._velocity + (1.0 - self.dampening) * g
            g = g + self.momentum * self._velocity if self.nesterov else self._velocity
        self._write(w - self.lr * g)
        self.step_count += 1


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction:

        m = beta1 * m + (1 - beta1) * g,      v = beta2 * v + (1 - beta2) * g^2
        w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    ``weight_decay`` adds ``weight_decay * w`` to g first (an L2 penalty, as in
    PyTorch's Adam). For weight decay kept out of the moments, use ``AdamW``.
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

    def _direction(self, g: np.ndarray) -> np.ndarray:
        """Advance the moments by one step of g; return ``m_hat / (sqrt(v_hat) + eps)``."""
        b1, b2 = self.betas
        self.step_count += 1
        t = self.step_count
        self._m = b1 * self._m + (1.0 - b1) * g
        self._v = b2 * self._v + (1.0 - b2) * g * g
        m_hat = self._m / (1.0 - b1 ** t)
        v_hat = self._v / (1.0 - b2 ** t)
        return m_hat / (np.sqrt(v_hat) + self.eps)

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        w = self._data()
        g = self._gradients()
        if self.weight_decay:
            g = g + self.weight_decay * w
        self._write(w - self.lr * self._direction(g))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as ``torch.optim.AdamW``:

        w = w - lr * weight_decay * w                     (the decay, outside the moments)
        m = beta1 * m + (1 - beta1) * g,      v = beta2 * v + (1 - beta2) * g^2
        w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    g is the loss's gradient alone. In ``Adam`` the decay term joins g and is
    then divided by sqrt(v), so weights with large gradients are barely
    decayed; here every weight shrinks by the same factor ``1 - lr * weight_decay``.
    The default ``weight_decay=1e-2`` is PyTorch's.

    >>> from autograd.engine import Parameter
    >>> w = Parameter(2.0)
    >>> w.grad = 0.0  # no gradient: only the decay moves w
    >>> AdamW([w], lr=0.1, weight_decay=0.5).step()
    >>> w.data  # 2 * (1 - 0.1 * 0.5)
    1.9
    """

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        w = self._data()
        direction = self._direction(self._gradients())
        self._write(w * (1.0 - self.lr * self.weight_decay) - self.lr * direction)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root mean square of it, as
    ``torch.optim.RMSprop``:

        g = grad + weight_decay * w
        v = alpha * v + (1 - alpha) * g^2
        s = v - a^2,  a = alpha * a + (1 - alpha) * g    if centered,   else   s = v
        b = momentum * b + g / (sqrt(s) + eps),   w = w - lr * b     with momentum,
        w = w - lr * g / (sqrt(s) + eps)                             without

    v, a and b start at 0. ``eps`` is added outside the square root, as PyTorch
    adds it. ``centered=True`` divides by an estimate of the gradient's standard
    deviation rather than its root mean square (Graves, 2013).

    >>> from autograd.engine import Parameter
    >>> w = Parameter(1.0)
    >>> w.grad = 2.0
    >>> RMSprop([w], lr=0.01, alpha=0.75, eps=0.0).step()  # v = 0.25 * 4, step 0.01 * 2 / 1
    >>> w.data
    0.98
    """

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        # alpha = 1 would keep v at 0 forever and divide every gradient by eps.
        self.alpha = _number(alpha, "alpha", 0.0, high=1.0, high_open=True)
        self.eps = _number(eps, "eps")
        self.weight_decay = _number(weight_decay, "weight_decay")
        self.momentum = _number(momentum, "momentum", 0.0, high=1.0, high_open=True)
        self.centered = _flag(centered, "centered")
        self._v = np.zeros(len(self.params))
        self._mean = np.zeros(len(self.params))  # a, the running mean of g (centered only)
        self._buffer = np.zeros(len(self.params))  # b (with momentum only)

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        a = self.alpha
        w = self._data()
        g = self._gradients()
        if self.weight_decay:
            g = g + self.weight_decay * w
        self._v = a * self._v + (1.0 - a) * g * g
        s = self._v
        if self.centered:
            self._mean = a * self._mean + (1.0 - a) * g
            # v - a^2 >= 0 in exact arithmetic (Cauchy-Schwarz on the same weights),
            # but rounding can take it below 0 when the gradient barely varies;
            # 0 keeps sqrt real where PyTorch's sqrt would give nan.
            s = np.maximum(self._v - self._mean * self._mean, 0.0)
        scaled = g / (np.sqrt(s) + self.eps)
        if self.momentum:
            self._buffer = self.momentum * self._buffer + scaled
            scaled = self._buffer
        self._write(w - self.lr * scaled)
        self.step_count += 1
