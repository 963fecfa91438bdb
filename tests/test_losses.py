"""autograd.losses: values by hand, stability, gradients, and batched == per-sample."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from autograd import losses
from autograd.engine import Value, batch
from autograd.gradcheck import gradcheck

SCORES = np.array([0.8, -1.7, 0.05, 2.4, -0.3])
SIGNS = np.array([1.0, -1.0, -1.0, 1.0, 1.0])
BINARY = (SIGNS + 1) / 2
REGRESSION = np.array([1.0, -2.0, 0.5, 2.0, 0.0])

BINARY_LOSSES = {
    "l1": (losses.l1, REGRESSION, lambda s, t: np.abs(s - t)),
    "mse": (losses.mse, REGRESSION, lambda s, t: (s - t) ** 2),
    "hinge": (losses.hinge, SIGNS, lambda s, t: np.maximum(0, 1 - s * t)),
    "bce_with_logits": (losses.bce_with_logits, BINARY,
                        lambda s, t: -(t * np.log(1 / (1 + np.exp(-s)))
                                       + (1 - t) * np.log(1 - 1 / (1 + np.exp(-s))))),
}


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_loss_values_match_the_formula_for_each_reduction(name):
    fn, targets, formula = BINARY_LOSSES[name]
    expected = formula(SCORES, targets)
    outputs = [Value(s) for s in SCORES]
    assert fn(outputs, targets).data == pytest.approx(expected.mean(), abs=1e-14)
    assert fn(outputs, targets, reduction="sum").data == pytest.approx(expected.sum(), abs=1e-14)
    each = fn(outputs, targets, reduction="none")
    assert [v.data for v in each] == pytest.approx(list(expected), abs=1e-14)
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'"):
        fn(outputs, targets, reduction="avg")


def test_small_losses_by_hand():
    assert losses.l1([Value(1.0), Value(-2.0)], [0.0, 1.0]).data == 2.0  # (1 + 3) / 2
    assert losses.mse([Value(1.0), Value(-2.0)], [0.0, 1.0]).data == 5.0  # (1 + 9) / 2
    assert losses.l2 is losses.mse
    assert losses.hinge([Value(2.0), Value(0.5), Value(0.5)], [1, 1, -1],
                        reduction="sum").data == 0.0 + 0.5 + 1.5
    assert losses.bce_with_logits(Value(0.0), 0).data == pytest.approx(math.log(2), abs=1e-15)
    assert losses.cross_entropy([Value(1.0), Value(2.0), Value(3.0)], 0).data == \
        pytest.approx(math.log(math.e + math.e ** 2 + math.e ** 3) - 1.0, abs=1e-14)


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_batched_equals_per_sample(name):
    fn, targets, _ = BINARY_LOSSES[name]
    for reduction in ("mean", "sum"):
        singles = [Value(s) for s in SCORES]
        loss = fn(singles, targets, reduction=reduction)
        loss.backward()
        batch_out = Value(SCORES)
        batched = fn(batch_out, targets, reduction=reduction)
        batched.backward()
        assert abs(batched.data - loss.data) < 1e-12
        np.testing.assert_allclose(batch_out.grad, [v.grad for v in singles], rtol=0, atol=1e-12)


def test_a_list_of_output_batches_pairs_with_the_columns_of_a_2d_target():
    outputs = np.array([[0.5, 1.0], [-1.0, 2.0], [0.25, -0.5]])
    targets = np.array([[1.0, 0.0], [0.0, 2.5], [1.0, -1.0]])
    cols = batch(outputs)
    rows = [[Value(v) for v in row] for row in outputs]
    batched, single = losses.mse(cols, targets), losses.mse(rows, targets)
    assert batched.data == pytest.approx(np.mean((outputs - targets) ** 2), abs=1e-15)
    assert abs(batched.data - single.data) < 1e-12
    batched.backward(), single.backward()
    for j in range(2):
        np.testing.assert_allclose(cols[j].grad, [r[j].grad for r in rows], atol=1e-12)


@pytest.mark.parametrize("name", BINARY_LOSSES)
def test_loss_gradients_pass_gradcheck(name):
    fn, targets, _ = BINARY_LOSSES[name]
    singles = [Value(s) for s in SCORES]
    assert gradcheck(lambda *xs: fn(list(xs), targets), singles)
    assert gradcheck(lambda x: fn(x, targets, reduction="sum"), [Value(SCORES)])


def test_bce_with_logits_is_stable_for_huge_logits():
    for z, y, expected in [(1000.0, 0, 1000.0), (1000.0, 1, 0.0), (-1000.0, 1, 1000.0),
                           (-1000.0, 0, 0.0), (40.0, 1, math.exp(-40))]:
        x = Value(z)
        loss = losses.bce_with_logits(x, y)
        assert loss.data == pytest.approx(expected, rel=1e-12, abs=1e-16)
        loss.backward()
        assert math.isfinite(x.grad)
    batch_loss = losses.bce_with_logits(Value(np.array([-800.0, 0.0, 800.0])), [1, 1, 0],
                                        reduction="none")
    np.testing.assert_allclose(batch_loss.data, [800.0, math.log(2), 800.0])


@pytest.mark.parametrize("z", [-30.0, -2.0, 0.0, 0.7, 30.0])
def test_bce_with_logits_gradient_is_sigmoid_minus_target_even_at_zero(z):
    for y in (0.0, 0.3, 1.0):
        x = Value(z)
        losses.bce_with_logits(x, y).backward()
        assert x.grad == pytest.approx(1 / (1 + math.exp(-z)) - y, abs=1e-15)


def test_cross_entropy_is_stable_and_its_gradient_is_softmax_minus_one_hot():
    z = [Value(1000.0), Value(0.0), Value(999.0)]
    loss = losses.cross_entropy(z, 2)
    assert loss.data == pytest.approx(math.log(1 + math.exp(-1000) + math.exp(-1)) + 1.0,
                                      rel=1e-14)
    loss.backward()
    e = np.exp(np.array([1000.0, 0.0, 999.0]) - 1000.0)
    softmax = e / e.sum()
    np.testing.assert_allclose([v.grad for v in z], softmax - [0, 0, 1], atol=1e-15)


def test_cross_entropy_batched_equals_per_sample_and_passes_gradcheck():
    logits = np.array([[0.2, 1.5, -0.3], [2.0, -1.0, 0.0], [0.1, 0.1, 0.4], [-2.0, 3.0, 1.0]])
    targets = np.array([1, 0, 2, 2])
    rows = [[Value(v) for v in row] for row in logits]
    cols = batch(logits)
    for reduction in ("mean", "sum"):
        for v in [v for r in rows for v in r] + cols:
            v.grad = 0.0
        single = losses.cross_entropy(rows, targets, reduction=reduction)
        batched = losses.cross_entropy(cols, targets, reduction=reduction)
        assert abs(single.data - batched.data) < 1e-12
        single.backward(), batched.backward()
        for k in range(3):
            np.testing.assert_allclose(cols[k].grad, [r[k].grad for r in rows], atol=1e-12)
    each = losses.cross_entropy(cols, targets, reduction="none")
    expected = [math.log(np.exp(r).sum()) - r[t] for r, t in zip(logits, targets)]
    np.testing.assert_allclose(each.data, expected, atol=1e-14)
    assert gradcheck(lambda *c: losses.cross_entropy(list(c), targets), cols)
    assert gradcheck(lambda *v: losses.cross_entropy(list(v), 2), rows[0])


def test_loss_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="labels must be -1 or \\+1, got 0.0 .*2 \\* y - 1"):
        losses.hinge([Value(1.0), Value(2.0)], [0, 1])
    with pytest.raises(ValueError, match="targets must be in \\[0, 1\\], got -1"):
        losses.bce_with_logits(Value(np.zeros(2)), np.array([-1.0, 1.0]))
    with pytest.raises(ValueError, match="3 outputs but 2 targets"):
        losses.mse([Value(1.0)] * 3, [1.0, 2.0])
    with pytest.raises(ValueError, match="holds 4 sample\\(s\\) but the target holds 3"):
        losses.mse(Value(np.zeros(4)), np.zeros(3))
    with pytest.raises(TypeError, match="outputs must be a Value"):
        losses.l1("scores", [1.0])
    with pytest.raises(ValueError, match="class indices 0..2"):
        losses.cross_entropy([Value(1.0), Value(2.0), Value(3.0)], 3)
    with pytest.raises(ValueError, match="batch of 2 samples needs 2 class indices"):
        losses.cross_entropy([Value(np.zeros(2)), Value(np.ones(2))], np.array([0, 1, 1]))


def test_losses_open_a_named_scope():
    assert losses.hinge(Value(0.3), 1).scope == "hinge loss"
    assert losses.cross_entropy([Value(0.3), Value(0.1)], 1).scope == "cross_entropy loss"


def test_docstring_examples_run():
    import autograd.losses

    assert doctest.testmod(autograd.losses).failed == 0
