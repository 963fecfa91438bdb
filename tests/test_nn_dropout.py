"""autograd.nn.dropout: Dropout's masks, scaling, seeds, modes and gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_helpers import X4, total

from autograd.engine import Value, batch
from autograd.gradcheck import gradcheck
from autograd.nn import Dropout


def test_dropout_in_eval_is_the_identity():
    d = Dropout(0.5, seed=0).eval()
    x = [Value(1.0), Value(2.0), Value(3.0)]
    assert d(x) is x and d(x) is x


def test_dropout_keeps_or_scales_and_preserves_the_expectation():
    d = Dropout(0.25, seed=0)
    n = 40_000
    (y,) = d([Value(np.full(n, 2.0))])
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], 2.0 / 0.75)
    sigma = 2.0 / 0.75 * math.sqrt(0.25 * 0.75 / n)  # standard error of the mean
    assert abs(y.data.mean() - 2.0) < 4 * sigma
    assert abs(kept.mean() - 0.75) < 4 * math.sqrt(0.25 * 0.75 / n)
    np.testing.assert_array_equal(d.mask[:, 0], kept)  # one mask per sample


def test_dropout_is_seeded_and_batched_equals_per_sample():
    d1, d2 = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    singles = [d1([Value(v) for v in row]) for row in X4]
    xb = batch(X4)
    outs = d2(xb)
    for j in range(3):
        np.testing.assert_allclose(outs[j].data, [s[j].data for s in singles], atol=1e-12)
    total([o.sum() for o in outs]).backward()
    np.testing.assert_array_equal(xb[0].grad, d2.mask[:, 0] * 2.0)


def test_dropout_edge_probabilities_and_bad_p():
    x = [Value(1.5), Value(-2.0)]
    assert Dropout(0.0)(x) is x
    assert [v.data for v in Dropout(1.0, seed=0)(x)] == [0.0, 0.0]
    for p in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="dropout probability"):
            Dropout(p)


def test_dropout_gradient_is_mask_over_keep_probability_and_passes_gradcheck():
    x = [Value(v) for v in (0.3, -0.8, 1.1, 0.6)]
    weights = [1.0, -2.0, 0.5, 3.0]

    def f(*_):
        d = Dropout(0.5, seed=3)  # a fresh seeded layer: the same masks at every evaluation
        return total([o * w for o, w in zip(d(x), weights)])

    assert gradcheck(f, x)
    d = Dropout(0.5, seed=3)
    total([o * w for o, w in zip(d(x), weights)]).backward()
    assert 0 < d.mask.sum() < 4
    assert [v.grad for v in x] == list(d.mask / 0.5 * np.array(weights))
