"""Batched values: one graph, a 1-D array of samples in every node."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import (
    RULES,
    Value,
    add_n,
    batch,
    detect_anomaly,
    grad,
    gradcheck,
    sum_abs,
    sum_squares,
)

X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 2.0], [0.9, 0.1]])


def test_batch_splits_columns_into_values():
    columns = batch(X)
    assert len(columns) == 2
    np.testing.assert_array_equal(columns[1].data, X[:, 1])
    X[0, 1] = -1.0  # the Values hold copies, never views of the caller's data
    assert columns[1].data is not X[:, 1]
    with pytest.raises(ValueError, match="shape"):
        batch(np.zeros((2, 2, 2)))


def test_scalar_parameter_gets_the_sum_over_the_batch():
    x1, x2 = batch(X)
    w, b = Value(0.7, "w"), Value(-0.2, "b")
    out = (x1 * w + x2 * b).tanh()
    out.sum().backward()
    per_sample = (1 - np.tanh(X[:, 0] * 0.7 - 0.2 * X[:, 1]) ** 2)
    assert w.grad == pytest.approx(np.sum(per_sample * X[:, 0]))
    assert b.grad == pytest.approx(np.sum(per_sample * X[:, 1]))
    assert isinstance(w.grad, float)
    np.testing.assert_allclose(x1.grad, per_sample * 0.7)


def test_mean_gives_the_batch_mean_gradient():
    (x1, _) = batch(X)
    w = Value(2.0)
    loss = ((x1 * w - 1.0) ** 2).mean()
    loss.backward()
    assert loss.data == pytest.approx(np.mean((X[:, 0] * 2 - 1) ** 2))
    assert w.grad == pytest.approx(np.mean(2 * (X[:, 0] * 2 - 1) * X[:, 0]))


def test_each_node_owns_its_gradient_array():
    x1, x2 = batch(X)
    s = x1 + x2  # + passes its gradient on unchanged to both inputs
    f = s * 2.0
    f.backward()
    np.testing.assert_array_equal(x1.grad, np.full(4, 2.0))
    x1.grad *= 10  # changing one node's gradient in place leaves the others alone
    np.testing.assert_array_equal(x2.grad, np.full(4, 2.0))
    np.testing.assert_array_equal(s.grad, np.full(4, 2.0))
    f.backward()  # a second backward adds to each gradient once
    np.testing.assert_array_equal(x1.grad, np.full(4, 22.0))
    np.testing.assert_array_equal(x2.grad, np.full(4, 4.0))


def _build(name, a, b):
    """One op of the rule table applied to a (and b), inside a small graph."""
    binary = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
              "div": lambda: a / b, "pow": lambda: a ** 3 * b, "powv": lambda: a ** b,
              "leaky_relu": lambda: (a - 2).leaky_relu(0.1) * b, "neg": lambda: -a * b,
              "add_n": lambda: add_n([a, b * a, 2.0, b]),
              "sum_squares": lambda: sum_squares([a, b * a, 2.0, b]),
              "sum_abs": lambda: sum_abs([a - 1.0, b * a, -2.0, b])}
    return binary[name]() if name in binary else getattr(a, name)() * b


@pytest.mark.parametrize("name", sorted(set(RULES) - {"sum", "mean"}))
def test_every_op_agrees_with_the_per_sample_path(name):
    data = np.array([0.3, 1.7, 2.5])
    a, b = Value(data), Value(1.3)
    out = _build(name, a, b)
    out.sum().backward()
    b_total = 0.0
    for s, v in enumerate(data):
        a_s, b_s = Value(v), Value(1.3)
        single = _build(name, a_s, b_s)
        single.backward()
        assert out.data[s] == pytest.approx(single.data, rel=1e-12, abs=1e-15)
        assert a.grad[s] == pytest.approx(a_s.grad, rel=1e-12, abs=1e-15)
        b_total += b_s.grad
    assert b.grad == pytest.approx(b_total, rel=1e-12)
    assert gradcheck(lambda p, q: _build(name, p, q), [Value(data), Value(1.3)])


def test_numpy_array_on_the_left_defers_to_value():
    y = np.array([1.0, -1.0, 1.0])
    v = Value(np.array([0.5, 0.5, 2.0]))
    out = y * v
    assert isinstance(out, Value)
    np.testing.assert_array_equal(out.data, [0.5, -0.5, 2.0])
    assert isinstance(y + v, Value) and isinstance(y - v, Value) and isinstance(y / v, Value)


def test_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match=r"3.*4"):
        Value(np.ones(3), "x") + Value(np.ones(4), "y")
    # add_n names the first batch and the first one of another length
    with pytest.raises(ValueError,
                       match=r"\(3,\) \(the Value 'x'\) and shape \(4,\) \(the Value 'z'\)"):
        add_n([Value(np.ones(3), "x"), Value(1.0), Value(np.ones(3), "y"), Value(np.ones(4), "z")])


def test_domain_error_names_the_sample():
    with pytest.raises(ValueError, match="sample 2"):
        Value(np.array([1.0, 2.0, -3.0]), "x").log()


def test_bad_batch_shapes():
    with pytest.raises(ValueError, match="1-D"):
        Value(np.ones((2, 3)))
    with pytest.raises(ValueError, match="1-D"):
        Value(np.array([]))


def test_gradcheck_on_a_batched_graph():
    x1, x2 = batch(X)
    w1, w2 = Value(0.4), Value(-0.6)
    assert gradcheck(lambda a, b, p, q: ((a * p + b * q).sigmoid() * a).mean(), [x1, x2, w1, w2])


def test_second_derivative_on_a_batch():
    x = Value(np.array([0.5, 1.0, 2.0]))
    (dx,) = grad((x ** 3).sum(), [x], create_graph=True)
    np.testing.assert_allclose(dx.data, 3 * x.data ** 2)
    (d2x,) = grad(dx.sum(), [x])
    np.testing.assert_allclose(d2x.data, 6 * x.data)


def test_detect_anomaly_on_a_batch():
    x = Value(np.array([1.0, 800.0]), "x")
    with pytest.warns(RuntimeWarning, match="overflow"):  # numpy's own warning for arrays
        with detect_anomaly(), pytest.raises(FloatingPointError, match="exp"):
            x.exp()
        assert math.isinf(x.exp().data[1])  # outside the block: inf, as numpy gives


# -- create_graph on batches: a scalar input of a batched node ------------------------

def test_create_graph_gives_a_scalar_input_the_total_over_the_batch():
    # sum, +, -, relu, abs and "times a number" have constant local derivatives, so
    # the gradient reaching w * x is still a plain array: w gets sum_i g_i x_i
    w, x = Value(0.5), Value(np.array([1.0, 2.0, 3.0]))
    for out, expected in [((w * x).sum(), 6.0), ((-w * x).sum(), -6.0),
                          ((w * x).relu().mean(), 2.0), (abs(w * x - 10.0).sum() * 3.0, -18.0)]:
        (dw,) = grad(out, [w], create_graph=True)
        assert dw.data == pytest.approx(expected, abs=1e-15)
        assert grad(out, [w])[0].data == pytest.approx(expected, abs=1e-15)
    # and the gradient is on the graph: d/dx of dw = sum_i x_i is 1 per sample
    (dw,) = grad((w * x).sum(), [w], create_graph=True)
    (ddx,) = grad(dw, [x])
    np.testing.assert_array_equal(ddx.data, [1.0, 1.0, 1.0])


def test_create_graph_matches_backward_for_a_batched_linear_model_and_batchnorm():
    from autograd import losses, nn

    rng = np.random.default_rng(3)
    Xs, ys = rng.normal(size=(6, 2)), np.sign(rng.normal(size=6))
    model = nn.Sequential(nn.Layer(2, 2, activation="linear", seed=1), nn.BatchNorm1d(2),
                          nn.Layer(2, 1, activation="linear", seed=2))
    params = model.parameters()
    for loss_fn in (losses.l1, losses.hinge, losses.mse):
        out = loss_fn(model(batch(Xs)), ys)
        plain = [g.data for g in grad(out, params)]
        on_graph = [g.data for g in grad(out, params, create_graph=True)]
        np.testing.assert_allclose(on_graph, plain, rtol=1e-12, atol=1e-14)


# -- shapes: a batch of 1 is not broadcast, seeds must fit ------------------------------

def test_a_batch_of_one_does_not_broadcast_against_a_longer_batch():
    a, b = Value(np.array([2.0]), "a"), Value(np.ones(3), "b")
    with pytest.raises(ValueError, match=r"\(1,\).*'a'.*\(3,\).*'b'"):
        a * b
    with pytest.raises(ValueError, match=r"\(1,\).*\(3,\)"):
        add_n([a, b])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        b + np.ones(2)


def test_a_wrong_length_seed_is_refused_before_any_grad_changes():
    x = Value(np.array([1.0, 2.0, 3.0]), "x")
    out = x * x
    out.label = "out"
    with pytest.raises(ValueError, match=r"seed has shape \(4,\).*'out' has shape \(3,\)"):
        out.backward(np.ones(4))
    assert out.grad == 0.0 and x.grad == 0.0
    out.backward(np.array([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 12.0])


def test_a_batch_output_is_seeded_with_ones_per_sample():
    x = Value(np.array([1.0, 2.0]))
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
