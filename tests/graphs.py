"""Graphs the page's tests share (a helper module, not a test file).

``seed()`` is the course's f = (x + y) z at x = -2, y = 5, z = -4, without
``backward()`` (the page computes gradients afresh); ``small_mlp()`` is
bench/viz.py's MLP case made small: MLP(2, sizes) on n points, MSE plus an L2
penalty, the loss labelled "loss".
"""

from __future__ import annotations

import numpy as np

from autograd import batch, losses, nn, regularizers
from autograd.engine import Value


def seed(label_x: str = "x") -> Value:
    x, y, z = Value(-2.0, label_x), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def small_mlp(sizes: tuple[int, ...] = (4, 4, 1), n: int = 8, penalty: bool = True,
              backward: bool = True) -> Value:
    X = np.random.default_rng(0).normal(size=(n, 2))
    model = nn.MLP(2, list(sizes), seed=0)
    loss = losses.mse(model(batch(X)), np.sign(X[:, 0] * X[:, 1]))
    if penalty:
        loss = loss + regularizers.l2(model, 1e-3)
    loss.label = "loss"
    if backward:
        loss.backward()
    return loss
