"""The scores fit records (autograd.scores): scikit-learn's, without scikit-learn."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import autograd.scores
from autograd.scores import SCORES


@pytest.mark.parametrize("task, classes", [("binary", 2), ("multiclass", 3)])
def test_the_scores_history_records_are_scikit_learns(task, classes):
    from sklearn import metrics

    rng = np.random.default_rng(0)
    t, p = rng.integers(0, classes, 50).astype(float), rng.integers(0, classes, 50).astype(float)
    average = "binary" if classes == 2 else "macro"
    assert SCORES["accuracy"](t, p) == pytest.approx(metrics.accuracy_score(t, p))
    assert SCORES["precision"](t, p) == pytest.approx(
        metrics.precision_score(t, p, average=average))
    assert SCORES["recall"](t, p) == pytest.approx(metrics.recall_score(t, p, average=average))
    assert SCORES["f1"](t, p) == pytest.approx(metrics.f1_score(t, p, average=average))
    none = np.zeros(50)  # no positive predictions: 0, sklearn's zero_division=0
    assert SCORES["precision"](t, none) == pytest.approx(
        metrics.precision_score(t, none, average=average, zero_division=0))
    y, out = rng.normal(size=50), rng.normal(size=50)
    assert SCORES["mse"](y, out) == pytest.approx(metrics.mean_squared_error(y, out))
    assert SCORES["mae"](y, out) == pytest.approx(metrics.mean_absolute_error(y, out))
    assert SCORES["r2"](y, out) == pytest.approx(metrics.r2_score(y, out))


def test_a_constant_target_scores_r2_of_1_only_when_predicted_exactly():
    t = np.full(5, 2.0)
    assert SCORES["r2"](t, t) == 1.0 and SCORES["r2"](t, t + 0.1) == 0.0


def test_docstring_examples_run():
    assert doctest.testmod(autograd.scores).failed == 0
