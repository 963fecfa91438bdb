"""autograd.nn.normalization: BatchNorm1d and LayerNorm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_helpers import X4, grads, per_sample, total

from autograd.engine import Value, batch
from autograd.gradcheck import gradcheck
from autograd.nn import BatchNorm1d, LayerNorm

# -- BatchNorm1d -----------------------------------------------------------------------

def test_batchnorm_training_output_has_mean_0_and_variance_1():
    bn = BatchNorm1d(3)
    outs = bn(batch(X4))
    for j, y in enumerate(outs):
        var = X4[:, j].var()
        assert abs(y.data.mean()) < 1e-12
        assert y.data.var() == pytest.approx(var / (var + 1e-5), rel=1e-12)


def test_batchnorm_running_statistics_update_by_hand():
    bn = BatchNorm1d(1, momentum=0.9)
    bn([[1.0], [2.0], [3.0], [4.0]])  # mean 2.5, variance (2.25 + .25 + .25 + 2.25) / 4 = 1.25
    assert bn.running_mean[0] == pytest.approx(0.9 * 0.0 + 0.1 * 2.5, abs=1e-15)  # 0.25
    assert bn.running_var[0] == pytest.approx(0.9 * 1.0 + 0.1 * 1.25, abs=1e-15)  # 1.025
    bn([[0.0], [2.0]])  # mean 1, variance 1
    assert bn.running_mean[0] == pytest.approx(0.9 * 0.25 + 0.1 * 1.0, abs=1e-15)  # 0.325
    assert bn.running_var[0] == pytest.approx(0.9 * 1.025 + 0.1 * 1.0, abs=1e-15)  # 1.0225


def test_batchnorm_eval_uses_running_stats():
    bn = BatchNorm1d(2, eps=1e-5)
    bn.running_mean, bn.running_var = [1.0, -2.0], [4.0, 0.25]
    bn.gamma[0].data, bn.beta[0].data = 2.0, 0.5
    bn.eval()
    y = bn([Value(3.0), Value(-1.0)])  # one sample is fine in eval
    assert y[0].data == pytest.approx(2.0 * (3.0 - 1.0) / math.sqrt(4.0 + 1e-5) + 0.5, abs=1e-15)
    assert y[1].data == pytest.approx((-1.0 + 2.0) / math.sqrt(0.25 + 1e-5), abs=1e-15)
    # independent of the other samples, and the running statistics stay put
    outs = bn(batch(np.array([[3.0, -1.0], [100.0, 7.0]])))
    assert outs[0].data[0] == y[0].data and outs[1].data[0] == y[1].data
    assert bn.running_mean == [1.0, -2.0] and bn.running_var == [4.0, 0.25]


def test_batchnorm_batched_equals_list_of_samples():
    a, b = BatchNorm1d(3), BatchNorm1d(3)
    for bn in (a, b):
        for j in range(3):
            bn.gamma[j].data, bn.beta[j].data = 1.0 + 0.5 * j, -0.3 * j
    rows = [[Value(v) for v in row] for row in X4]
    out_rows = a(rows)
    xb = batch(X4)
    out_cols = b(xb)
    weights = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.0], [2.0, 0.1, 0.4], [-0.6, 1.5, 1.0]])
    total([v * w for row, ws in zip(out_rows, weights) for v, w in zip(row, ws)]).backward()
    total([(col * weights[:, j]).sum() for j, col in enumerate(out_cols)]).backward()
    for j in range(3):
        np.testing.assert_allclose(out_cols[j].data, [r[j].data for r in out_rows], atol=1e-12)
        np.testing.assert_allclose(xb[j].grad, [r[j].grad for r in rows], atol=1e-12)
    np.testing.assert_allclose(grads(b.parameters()), grads(a.parameters()), atol=1e-12)
    np.testing.assert_allclose(b.running_mean, a.running_mean, atol=1e-15)
    np.testing.assert_allclose(b.running_var, a.running_var, atol=1e-15)


def test_batchnorm_gradients_pass_gradcheck():
    bn = BatchNorm1d(2)
    bn.gamma[0].data, bn.beta[1].data = 1.5, 0.2
    xb = batch(X4[:, :2])
    rows = [[Value(v) for v in row] for row in X4[:, :2]]
    assert gradcheck(lambda *_: bn(xb)[0] * 2.0 + bn(xb)[1], bn.parameters() + xb)
    assert gradcheck(lambda *_: total([r[0] * (i + 1) + r[1] for i, r in enumerate(bn(rows))]),
                     bn.parameters() + [v for row in rows for v in row])


def test_batchnorm_rejects_what_it_cannot_normalize():
    bn = BatchNorm1d(2)
    with pytest.raises(ValueError, match="needs a batch.*one sample"):
        bn([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        bn([[1.0, 2.0]])
    with pytest.raises(ValueError, match="expects 2 input features, got 3"):
        bn(batch(X4))
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm1d(2, momentum=1.5)


# -- LayerNorm -------------------------------------------------------------------------

def test_layernorm_normalizes_each_sample_over_its_features():
    ln = LayerNorm(3)
    for row in X4:
        y = np.array([v.data for v in ln(list(row))])
        var = row.var()
        assert abs(y.mean()) < 1e-12
        assert y.var() == pytest.approx(var / (var + 1e-5), rel=1e-12)


def test_layernorm_is_independent_of_the_batch_and_batched_equals_per_sample():
    ln = LayerNorm(3)
    for j in range(3):
        ln.gamma[j].data, ln.beta[j].data = 0.5 + j, 0.1 * j
    singles = per_sample(ln, X4)
    xb = batch(X4)
    outs = ln(xb)
    for j in range(3):
        np.testing.assert_allclose(outs[j].data, [s[j].data for s in singles], atol=1e-12)
    alone = ln(batch(X4[2:3]))  # the same sample in a batch of one
    assert [o.data[0] for o in alone] == pytest.approx([o.data[2] for o in outs], abs=1e-15)
    ln.zero_grad()
    total([o.sum() * (j + 1) for j, o in enumerate(outs)]).backward()
    g_batch = grads(ln.parameters())
    ln.zero_grad()
    total([s[j] * (j + 1) for s in singles for j in range(3)]).backward()
    np.testing.assert_allclose(g_batch, grads(ln.parameters()), atol=1e-12)


def test_layernorm_gradients_pass_gradcheck():
    ln = LayerNorm(3)
    ln.gamma[1].data = 2.0
    xb = batch(X4)
    assert gradcheck(lambda *_: total([o * (j + 1) for j, o in enumerate(ln(xb))]),
                     ln.parameters() + xb)
