"""Recorded trainings the film tests share (a helper module, not a test file): small
versions of the course's models, each recorded by fit, built once per run."""

from __future__ import annotations

from functools import cache

import numpy as np
from sklearn.datasets import load_breast_cancer, make_moons
from sklearn.preprocessing import StandardScaler

from autograd import data, losses, nn, optim
from autograd.training import EarlyStopping, Recorder, fit


@cache
def moons_mlp() -> Recorder:
    """MLP(2, [6, 6, 1]) on 60 moons with validation: heat maps and a prediction."""
    X, y = make_moons(80, noise=0.2, random_state=0)
    model = nn.MLP(2, [6, 6, 1], seed=0)
    rec = Recorder(grid=20)
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X[:60], y[:60],
        val=(X[60:], y[60:]), epochs=25, batch_size=20, verbose=False, record=rec)
    return rec


@cache
def cancer_mlp() -> Recorder:
    """MLP(30, [8, 1]) on the breast cancer data: statistics, no plane."""
    cancer = load_breast_cancer()
    X = StandardScaler().fit_transform(cancer.data)[:200]
    y = (1 - cancer.target)[:200]
    model = nn.MLP(30, [8, 1], seed=0)
    rec = Recorder()
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.01), X, y,
        epochs=8, batch_size=50, verbose=False, record=rec)
    return rec


@cache
def bn_dropout() -> Recorder:
    """Linear -> BatchNorm1d -> ReLU -> Dropout -> Linear, early stopping marking its best."""
    X, y = make_moons(90, noise=0.25, random_state=1)
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Layer(2, 5, "linear", seed=rng, squeeze=False),
                          nn.BatchNorm1d(5), nn.Activation("relu"), nn.Dropout(0.3, seed=1),
                          nn.Layer(5, 1, "linear", seed=rng))
    rec = Recorder(grid=20)
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X[:60], y[:60],
        val=(X[60:], y[60:]), epochs=40, batch_size=20, verbose=False, record=rec,
        early_stopping=EarlyStopping(patience=6))
    return rec


@cache
def rnn() -> Recorder:
    """RNN(1, 3, 1) over 6 steps: the gradient per time step."""
    X, y = data.make_first_symbol_sequences(40, length=6, seed=0)
    model = nn.RNN(1, 3, 1, seed=0, returns="last")
    rec = Recorder()
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X, y,
        epochs=6, verbose=False, record=rec)
    return rec


RECORDINGS = {"moons": moons_mlp, "cancer": cancer_mlp, "bn-dropout": bn_dropout, "rnn": rnn}
