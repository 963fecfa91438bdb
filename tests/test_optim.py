"""autograd.optim: SGD (momentum, weight decay), Adam, learning-rate schedules."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from autograd import losses, regularizers
from autograd.engine import Parameter, Value, batch
from autograd.nn import MLP
from autograd.optim import SGD, Adam, LinearDecay, StepDecay

X = np.array([[0.5, -1.0, 0.3], [1.5, 0.25, -0.7], [-0.3, 2.0, 0.1], [0.9, 0.1, 1.2]])
Y = np.array([1.0, -0.5, 0.25, 2.0])


def with_grads(values, grads):
    ps = [Parameter(v) for v in values]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_sgd_step_by_hand():
    ps = with_grads([1.0, -2.0], [0.5, -1.0])
    SGD(ps, lr=0.1).step()
    assert [p.data for p in ps] == [1.0 - 0.05, -2.0 + 0.1]


def test_sgd_momentum_accumulates_velocity_by_hand():
    ps = with_grads([1.0], [1.0])
    opt = SGD(ps, lr=0.1, momentum=0.9)
    opt.step()  # v = 1, w = 0.9
    assert ps[0].data == pytest.approx(0.9, abs=1e-15)
    opt.step()  # v = 0.9 * 1 + 1 = 1.9, w = 0.9 - 0.19
    assert ps[0].data == pytest.approx(0.71, abs=1e-15)


def test_sgd_weight_decay_equals_an_l2_penalty_added_to_the_loss():
    lam = 0.05
    a, b = MLP(3, [4, 1], seed=0), MLP(3, [4, 1], seed=0)
    opt_a = SGD(a.parameters(), lr=0.1, momentum=0.5)  # the penalty on the graph
    opt_b = SGD(b.parameters(), lr=0.1, momentum=0.5, weight_decay=lam)  # in the update
    xb = batch(X)
    for _ in range(5):
        loss_a = losses.mse(a(xb), Y) + regularizers.l2(a.parameters(), lam)
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
        loss_b = losses.mse(b(xb), Y)
        opt_b.zero_grad()
        loss_b.backward()
        opt_b.step()
        np.testing.assert_allclose([p.data for p in a.parameters()],
                                   [p.data for p in b.parameters()], rtol=0, atol=1e-14)
    assert a.parameters()[0].data != MLP(3, [4, 1], seed=0).parameters()[0].data


def test_adam_first_step_moves_each_weight_by_lr_against_its_gradient_sign():
    ps = with_grads([1.0, 1.0, 1.0], [0.001, -50.0, 3.0])
    Adam(ps, lr=0.01).step()  # m_hat = g, v_hat = g^2: the step is lr * g / (|g| + eps)
    assert [p.data for p in ps] == pytest.approx([0.99, 1.01, 0.99], abs=1e-7)


def test_adam_matches_its_formula_over_several_steps():
    g_seq = [np.array([0.5, -1.0]), np.array([0.1, -2.0]), np.array([-0.4, 0.3])]
    ps = [Parameter(1.0), Parameter(-1.0)]
    opt = Adam(ps, lr=0.1, betas=(0.8, 0.9), eps=1e-8, weight_decay=0.01)
    w, m, v = np.array([1.0, -1.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(g_seq, start=1):
        for p, gi in zip(ps, g):
            p.grad = float(gi)
        opt.step()
        g = g + 0.01 * w
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        w = w - 0.1 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.9 ** t)) + 1e-8)
        np.testing.assert_allclose([p.data for p in ps], w, rtol=0, atol=1e-15)


def test_adam_minimises_a_quadratic():
    x = Parameter(5.0)
    opt = Adam([x], lr=0.1)
    for _ in range(300):
        loss = (x - 2.0) * (x - 2.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert abs(x.data - 2.0) < 1e-2


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.05, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.01, weight_decay=1e-3)])
def test_optimizers_train_the_same_batched_as_per_sample(make):
    a, b = MLP(3, [5, 1], activation="tanh", seed=3), MLP(3, [5, 1], activation="tanh", seed=3)
    opt_a, opt_b = make(a.parameters()), make(b.parameters())
    xb = batch(X)
    for _ in range(4):
        loss_a = losses.mse([a(list(row)) for row in X], Y)
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
        loss_b = losses.mse(b(xb), Y)
        opt_b.zero_grad()
        loss_b.backward()
        opt_b.step()
    np.testing.assert_allclose([p.data for p in b.parameters()],
                               [p.data for p in a.parameters()], rtol=0, atol=1e-12)
    assert all(type(p.data) is float for p in b.parameters())  # never numpy scalars


def test_zero_grad_and_a_module_as_parameters():
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model, lr=0.1)
    assert opt.params == model.parameters()
    model([1.0, 2.0]).backward()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_optimizers_reject_bad_arguments():
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="parameter 1 is float"):
        SGD([Parameter(1.0), 2.0], lr=0.1)
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\]"):
        SGD([Parameter(1.0)], lr=0.0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGD([Parameter(1.0)], lr=0.1, momentum=1.0)
    with pytest.raises(TypeError, match="holds a batch"):
        Adam([Value(np.ones(3))])
    with pytest.raises(ValueError, match="betas"):
        Adam([Parameter(1.0)], betas=(0.9,))
    p = Parameter(1.0)
    p.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\)"):
        SGD([p], lr=0.1).step()


def test_step_decay_multiplies_by_gamma_every_step_size():
    opt = SGD([Parameter(1.0)], lr=1.0)
    schedule = StepDecay(opt, step_size=3, gamma=0.5)
    rates = [opt.lr]
    for _ in range(7):
        schedule.step()
        rates.append(schedule.lr)
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_linear_decay_is_micrograds_demo_schedule_then_holds():
    opt = SGD([Parameter(1.0)], lr=1.0)
    schedule = LinearDecay(opt, end_lr=0.1, total_steps=100)
    for k in range(100):
        assert opt.lr == 1.0 - 0.9 * k / 100  # micrograd's demo, exactly
        schedule.step()
    assert math.isclose(opt.lr, 0.1)
    schedule.step()
    assert math.isclose(opt.lr, 0.1)
    with pytest.raises(TypeError, match="takes an optimizer"):
        LinearDecay([Parameter(1.0)], end_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="total_steps"):
        LinearDecay(opt, end_lr=0.1, total_steps=0)


def test_docstring_examples_run():
    import autograd.optim

    assert doctest.testmod(autograd.optim).failed == 0
