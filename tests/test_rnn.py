"""autograd.nn.rnn (and autograd.rnn, which re-exports it): a vanilla tanh RNN unrolled on
the graph."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from nn_helpers import total

from autograd.engine import Value, batch, topological_order
from autograd.gradcheck import gradcheck
from autograd.nn import RNN as RNN_FROM_NN
from autograd.nn import Module
from autograd.rnn import RNN

SEQS = np.array([  # (samples, steps, features)
    [[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8]],
    [[1.5, 0.25], [0.0, -0.5], [0.9, 0.1]],
    [[-0.3, 2.0], [0.4, 0.4], [-1.2, 0.3]],
])


def tiny_rnn():
    rnn = RNN(1, 1, 1, seed=0)
    (wx,), (wh,), (wy,) = (layer.neurons[0].w for layer in (rnn.xh, rnn.hh, rnn.hy))
    wx.data, wh.data, wy.data = 0.5, -0.8, 2.0
    rnn.xh.neurons[0].b.data, rnn.hy.neurons[0].b.data = 0.1, -0.3
    return rnn


def test_forward_by_hand():
    rnn = tiny_rnn()
    ys = rnn([1.0, -2.0])
    h1 = math.tanh(0.5 * 1.0 + 0.1)
    h2 = math.tanh(0.5 * -2.0 + 0.1 - 0.8 * h1)
    assert [y.data for y in ys] == pytest.approx([2.0 * h1 - 0.3, 2.0 * h2 - 0.3], abs=1e-15)
    assert [h[0].data for h in rnn.hidden_states] == pytest.approx([h1, h2], abs=1e-15)


def test_forward_with_the_weight_matrices():
    rnn = RNN(2, 3, 2, seed=1)
    rnn.hh.set_weight_matrix(0.5 * np.eye(3)[::-1])
    W_xh, W_hh, W_hy = (layer.weight_matrix() for layer in (rnn.xh, rnn.hh, rnn.hy))
    b_h = np.array([n.b.data for n in rnn.xh.neurons])
    b_y = np.array([n.b.data for n in rnn.hy.neurons])
    h = np.zeros(3)
    for x, y in zip(SEQS[0], rnn(SEQS[0])):
        h = np.tanh(W_xh @ x + W_hh @ h + b_h)
        np.testing.assert_allclose([v.data for v in y], W_hy @ h + b_y, rtol=1e-13)
    assert W_hh[0, 2] == 0.5 and W_hh[0, 0] == 0.0


def test_backpropagation_through_time_by_hand():
    rnn = tiny_rnn()
    y = rnn.many_to_one([1.0, -2.0])
    y.backward()
    h1 = math.tanh(0.6)
    h2 = math.tanh(-0.9 - 0.8 * h1)
    dh2 = 2.0
    da2 = dh2 * (1 - h2 ** 2)
    dh1 = da2 * -0.8
    da1 = dh1 * (1 - h1 ** 2)
    wx, wh = rnn.xh.neurons[0].w[0], rnn.hh.neurons[0].w[0]
    assert wh.grad == pytest.approx(da2 * h1, abs=1e-15)
    assert wx.grad == pytest.approx(da2 * -2.0 + da1 * 1.0, abs=1e-15)
    assert rnn.gradient_norms() == pytest.approx([abs(dh1), abs(dh2)], abs=1e-15)


def test_many_to_many_many_to_one_and_one_to_many():
    rnn = RNN(2, 3, 2, seed=1)
    seq = [list(step) for step in SEQS[0]]
    outs = rnn(seq)
    assert len(outs) == 3 and all(len(y) == 2 for y in outs)
    last = rnn.many_to_one(seq)
    assert [v.data for v in last] == [v.data for v in outs[-1]]
    generated = rnn.one_to_many([0.5, -1.0], steps=4)
    zeros = rnn([[0.5, -1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    assert len(generated) == 4
    assert [[v.data for v in y] for y in generated] == [[v.data for v in y] for y in zeros]
    assert isinstance(RNN(2, 3, 1, seed=1).many_to_one(seq), Value)


def test_gradient_norm_decays_through_time_with_tanh_and_small_weights():
    rnn = RNN(1, 8, 1, init="uniform", seed=0)
    for p in rnn.hh.parameters():
        p.data *= 0.25  # small recurrent weights: ||W_hh|| < 1
    xs = list(np.random.default_rng(0).normal(size=12))
    y = rnn.many_to_one(xs)
    y.backward()
    norms = rnn.gradient_norms()
    assert len(norms) == 12
    assert all(early < late for early, late in zip(norms, norms[1:]))  # shrinks toward t = 1
    assert norms[0] < 1e-4 * norms[-1]
    before = [p.grad for p in rnn.parameters()]
    assert rnn.gradient_norms(y) == pytest.approx(norms, rel=1e-12)  # via autograd.grad
    assert [p.grad for p in rnn.parameters()] == before  # which leaves .grad alone


def test_batched_equals_per_sample():
    a, b = RNN(2, 4, 1, seed=2), RNN(2, 4, 1, seed=2)
    singles = [a.many_to_one([list(step) for step in seq]) for seq in SEQS]
    weights = [1.0, -0.5, 2.0]
    total([s * w for s, w in zip(singles, weights)]).backward()
    out = b.many_to_one(SEQS)  # a 3-D array: a batch of sequences
    np.testing.assert_allclose(out.data, [s.data for s in singles], rtol=0, atol=1e-12)
    (out * np.array(weights)).sum().backward()
    np.testing.assert_allclose([p.grad for p in b.parameters()],
                               [p.grad for p in a.parameters()], rtol=0, atol=1e-12)
    steps = [batch(SEQS[:, t, :]) for t in range(3)]  # the same as a list of batch steps
    np.testing.assert_array_equal(b.many_to_one(steps).data, out.data)


def test_rnn_gradients_pass_gradcheck():
    rnn = RNN(2, 3, 1, seed=4)
    steps = [batch(SEQS[:, t, :]) for t in range(3)]
    assert gradcheck(lambda *_: rnn.many_to_one(steps), rnn.parameters())
    assert gradcheck(lambda *_: total(rnn(steps)), [v for step in steps for v in step])


def test_names_labels_and_scopes():
    rnn = RNN(2, 4, 1, seed=0)
    names = dict(rnn.named_parameters())
    assert names["xh.neurons.3.w.0"].label == "xh.N3.w0"
    assert names["hh.neurons.1.w.2"].label == "hh.N1.w2" and "hh.neurons.1.b" not in names
    assert len(names) == (2 * 4 + 4) + 4 * 4 + (4 + 1)
    y = rnn.many_to_one([[1.0, 0.0], [0.0, 1.0]])
    scopes = {v.scope for v in topological_order(y) if v.op}
    assert "t1.xh.neurons.0" in scopes and "t2.hh.neurons.3" in scopes
    assert y.scope == "t2.hy.neurons.0"
    assert RNN_FROM_NN is RNN


def test_every_entry_point_opens_the_rnns_scope_inside_a_model():
    class Model(Module):
        def __init__(self):
            self.rnn = RNN(1, 2, 1, seed=0)

    rnn = Model().rnn
    assert rnn([1.0, 2.0])[-1].scope == "rnn.t2.hy.neurons.0"
    assert rnn.many_to_one([1.0, 2.0]).scope == "rnn.t2.hy.neurons.0"
    assert rnn.one_to_many(1.0, 3)[-1].scope == "rnn.t3.hy.neurons.0"


def test_h0_and_bad_sequences():
    rnn = tiny_rnn()
    y = rnn([1.0], h0=[0.5])[0]
    assert y.data == pytest.approx(2.0 * math.tanh(0.5 + 0.1 - 0.8 * 0.5) - 0.3, abs=1e-15)
    with pytest.raises(TypeError, match="non-empty sequence of time steps"):
        rnn([])
    with pytest.raises(ValueError, match="expects 1 input features, got 2"):
        rnn([[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"\(n_samples, steps, 2\)"):
        RNN(2, 3, 1)(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match="run the RNN"):
        RNN(1, 2, 1).gradient_norms()


def test_docstring_examples_run():
    import autograd.nn.rnn

    assert doctest.testmod(autograd.nn.rnn).failed == 0


def test_autograd_rnn_is_the_same_rnn_under_its_old_name():
    import autograd.nn.rnn
    import autograd.rnn

    assert autograd.rnn.RNN is autograd.nn.rnn.RNN is RNN_FROM_NN
    assert autograd.rnn.__all__ == ["RNN"]


def test_returns_last_makes_a_sequence_classifier_fit_can_train():
    from autograd import data, losses, optim
    from autograd.training import fit, predict

    X, y = data.make_first_symbol_sequences(200, length=5, seed=0)
    rnn = RNN(1, 4, 1, seed=0, returns="last")
    assert rnn(X[:3, :, None]).data.tolist() == RNN(1, 4, 1, seed=0).many_to_one(
        X[:3, :, None]).data.tolist()
    fit(rnn, losses.bce_with_logits, optim.Adam(rnn.parameters(), lr=0.05), X[:150], y[:150],
        epochs=40, verbose=False)
    assert (predict(rnn, X[150:]) == y[150:]).mean() >= 0.95
    assert len(rnn.one_to_many(1.0, 3)) == 3  # the other shapes keep their length
    with pytest.raises(ValueError, match='returns is "sequence"'):
        RNN(1, 2, 1, returns="first")
