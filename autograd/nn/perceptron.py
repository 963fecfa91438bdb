"""Rosenblatt's ``Perceptron``: a step of a weighted sum, trained by the perceptron rule.

It has the weights of a neuron but no useful derivative, so it learns by
``update``/``fit`` (a correction on every mistake), not by backpropagation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.data import Seed, _rng
from autograd.engine import Parameter, Value, add_n, no_grad
from autograd.nn._checks import _choice, _size
from autograd.nn.linear import INITS, _initial_weights, _linear_unit
from autograd.nn.module import Module, _features
from autograd.nn.torch_format import _TorchUnit

__all__ = ["Perceptron"]


class Perceptron(Module):
    """Rosenblatt's perceptron: ``y = step(w . x + b)``, 1 if ``w . x + b > 0`` else 0.

    The step has no useful derivative, so the perceptron does not learn by
    backpropagation but by the perceptron learning rule, for a target t in {0, 1}:

        w_i <- w_i + lr * (t - y) * x_i,     b <- b + lr * (t - y)

    It changes the weights only on a mistake, and converges when the classes
    are linearly separable. ``net(x)`` gives ``w . x + b`` as a Value (on the
    graph); calling the perceptron gives the step output as numbers (0.0 or 1.0,
    or an array of them for a batch).

    >>> p = Perceptron(2)
    >>> p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])[-1]   # AND: no mistakes
    0
    >>> [p([a, b]) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    [0.0, 0.0, 0.0, 1.0]
    """

    def __init__(self, nin: int, *, lr: float = 1.0, init: str = "zeros",
                 seed: Seed = None) -> None:
        self.nin = _size(nin, "nin")
        self.lr = float(lr)
        weights = _initial_weights(_rng(seed), _choice(init, "init", INITS), self.nin, 1,
                                   self.nin)
        self.w = [Parameter(w, f"P.w{i}") for i, w in enumerate(weights)]
        self.b = Parameter(0.0, "P.b")

    def net(self, x: Any) -> Value:
        """The weighted sum ``w . x + b``, as a Value (one "+" node, as a neuron's)."""
        return add_n([self.b] + [wi * xi for wi, xi in zip(self.w, _features(x, self.nin, self))])

    def forward(self, x: Any) -> Any:
        with no_grad():
            z = self.net(x).data
        return (z > 0).astype(float) if isinstance(z, np.ndarray) else float(z > 0)

    def update(self, x: Any, target: Any) -> int:
        """One step of the perceptron rule on one sample (or, for a batch, the sum of
        the per-sample corrections); returns how many samples were misclassified."""
        x = _features(x, self.nin, self)
        t = np.asarray(target, dtype=float)
        if not np.all((t == 0) | (t == 1)):
            raise ValueError(f"perceptron targets are 0 or 1, got {target!r:.60}")
        error = t - self(x)  # +1: should have fired, -1: should not have, 0: right
        if not np.any(error):
            return 0
        for wi, xi in zip(self.w, x):
            xi = xi.data if isinstance(xi, Value) else xi
            wi.data = float(wi.data + self.lr * np.sum(error * xi))
        self.b.data = float(self.b.data + self.lr * np.sum(error))
        return int(np.count_nonzero(error))

    def fit(self, X: Any, y: Any, epochs: int = 100) -> list[int]:
        """Apply the rule sample by sample, epoch after epoch, until an epoch makes
        no mistake (or ``epochs`` run out). Returns the mistakes of each epoch."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.nin or len(y) != len(X):
            raise ValueError(f"fit needs X of shape (n_samples, {self.nin}) and n_samples "
                             f"targets; got X {X.shape} and {len(y)} targets")
        history = []
        for _ in range(_size(epochs, "epochs")):
            history.append(sum(self.update(xi.tolist(), ti) for xi, ti in zip(X, y)))
            if history[-1] == 0:
                break
        return history

    def _torch_units(self) -> list[_TorchUnit]:
        return [_linear_unit([self.w], [self.b], self.nin)]  # the step is not a module

    def __repr__(self) -> str:
        return f"Perceptron({self.nin})"
