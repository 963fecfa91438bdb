"""Graphs the page's tests share (a helper module, not a test file).

``seed()`` is the course's f = (x + y) z at x = -2, y = 5, z = -4, without
``backward()`` (the page computes gradients afresh); ``small_mlp()`` is
bench/viz.py's MLP case made small: MLP(2, sizes) on n points, MSE plus an L2
penalty, the loss labelled "loss". ``course_model(name, n, small)`` is one of the
course's models on a batch of ``n`` (``COURSE``): the moons MLP 2-16-16-1 with a hinge
loss, the breast-cancer-sized MLP 30-16-1, a Sequential with batch norm and dropout, an
RNN over 10 steps; ``small=True`` gives each a few units a layer.
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


COURSE = ("mlp", "cancer", "bn", "rnn")


def course_model(name: str, n: int = 12, small: bool = False) -> Value:
    """The loss of one of the course's models on ``n`` random samples (no backward())."""
    rng = np.random.default_rng(1)
    hidden = 4 if small else 16
    if name == "mlp":
        X = rng.normal(size=(n, 2))
        model = nn.MLP(2, [hidden, hidden, 1], seed=0)
        return losses.hinge(model(batch(X)), np.sign(X[:, 0] * X[:, 1] + 1e-9))
    if name == "cancer":
        X = rng.normal(size=(n, 30))
        model = nn.MLP(30, [hidden, 1], seed=0)
        return losses.bce_with_logits(model(batch(X)), (X[:, 0] > 0).astype(float))
    if name == "bn":
        X = rng.normal(size=(n, 2))
        model = nn.Sequential(nn.Layer(2, hidden // 2, "linear", seed=0),
                              nn.BatchNorm1d(hidden // 2), nn.Activation("relu"),
                              nn.Dropout(0.3, seed=1), nn.Layer(hidden // 2, 1, "linear", seed=2))
        return losses.bce_with_logits(model(batch(X)), (X[:, 1] > 0).astype(float))
    if name == "rnn":
        from autograd.nn import RNN
        steps = 4 if small else 10
        xs = [Value(rng.normal(size=n)) for _ in range(steps)]
        return losses.mse(RNN(1, hidden // 2, 1, seed=0).many_to_one(xs), np.ones(n))
    raise ValueError(name)
