"""What the autograd.nn tests share (a helper module, not a test file).

``X4`` is four samples of three features; ``per_sample`` runs a model once per row,
``grads`` gathers parameters' gradients, ``total`` sums Values, and ``small_model()``
is the Sequential (Layer, BatchNorm1d, Layer) whose state the state-dict and
model-file tests save and load.
"""

from __future__ import annotations

import numpy as np

from autograd.engine import Value
from autograd.nn import BatchNorm1d, Layer, Sequential

X4 = np.array([[0.5, -1.0, 0.3], [1.5, 0.25, -0.7], [-0.3, 2.0, 0.1], [0.9, 0.1, 1.2]])


def per_sample(model, X):
    """Run ``model`` once per row of X, each feature a scalar Value."""
    return [model([Value(v) for v in row]) for row in X]


def grads(params):
    return np.array([p.grad for p in params], dtype=float)


def total(values):
    out = values[0]
    for v in values[1:]:
        out = out + v
    return out


def small_model():
    return Sequential(Layer(2, 3, "tanh", seed=0, label="L0"), BatchNorm1d(3),
                      Layer(3, 1, "linear", seed=1, label="L1"))
