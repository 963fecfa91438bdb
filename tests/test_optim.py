"""autograd.optim: SGD (momentum, Nesterov, weight decay), Adam, AdamW, RMSprop, schedules.

The PyTorch-named optimizers and schedules are checked against torch.optim's documented
update rules, written out again here in numpy (PyTorch itself is not a dependency).
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from autograd import losses, regularizers
from autograd.engine import Parameter, Value, batch
from autograd.nn import MLP
from autograd.optim import (
    SGD,
    Adam,
    AdamW,
    RMSprop,
)

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


@pytest.mark.parametrize("make, steps", [
    (lambda ps: Adam(ps, lr=0.1), 300),
    (lambda ps: RMSprop(ps, lr=0.01, momentum=0.9, centered=True), 500),
], ids=["adam", "rmsprop-centered-momentum"])
def test_optimizer_minimises_a_quadratic(make, steps):
    x = Parameter(5.0)
    opt = make([x])
    for _ in range(steps):
        loss = (x - 2.0) * (x - 2.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert abs(x.data - 2.0) < 1e-2


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.05, momentum=0.9),
    lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    lambda ps: Adam(ps, lr=0.01, weight_decay=1e-3),
    lambda ps: AdamW(ps, lr=0.01, weight_decay=0.1),
    lambda ps: RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
])
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


# Gradients for three parameters over five steps: signs change, sizes differ by 100x.
W0 = np.array([1.0, -0.5, 2.0])
G_SEQ = [np.array([0.5, -1.0, 0.02]), np.array([0.1, -2.0, -0.03]),
         np.array([-0.4, 0.3, 0.05]), np.array([0.7, -0.1, 0.01]),
         np.array([-0.2, 1.5, -0.04])]


def run(opt, ps, lrs=None):
    """Feed G_SEQ to ``opt`` (setting ``opt.lr = lrs[t]`` first, if given); the weights after
    each step."""
    out = []
    for t, g in enumerate(G_SEQ):
        if lrs is not None:
            opt.lr = lrs[t]
        for p, gi in zip(ps, g):
            p.grad = float(gi)
        opt.step()
        out.append(np.array([p.data for p in ps]))
    return out


def torch_sgd(lr, momentum, dampening, weight_decay, nesterov):
    """torch.optim.SGD's documented algorithm."""
    theta, b, out = W0.copy(), None, []
    for t, g in enumerate(G_SEQ, start=1):
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = g if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
        out.append(theta)
    return out


@pytest.mark.parametrize("momentum, dampening, weight_decay, nesterov", [
    (0.9, 0.0, 0.0, True),
    (0.9, 0.0, 0.05, True),
    (0.5, 0.0, 0.0, False),
    (0.9, 0.3, 0.05, False),  # dampening: not on the first step, (1 - 0.3) g after
    (0.0, 0.0, 0.05, False),
])
def test_sgd_matches_torchs_algorithm(momentum, dampening, weight_decay, nesterov):
    ps = [Parameter(w) for w in W0]
    opt = SGD(ps, lr=0.1, momentum=momentum, weight_decay=weight_decay, dampening=dampening,
              nesterov=nesterov)
    for ours, theirs in zip(run(opt, ps), torch_sgd(0.1, momentum, dampening, weight_decay,
                                                    nesterov)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_nesterov_looks_ahead_by_the_velocity_by_hand():
    ps = with_grads([1.0], [1.0])
    opt = SGD(ps, lr=0.1, momentum=0.9, nesterov=True)
    opt.step()  # v = 1, g = 1 + 0.9 * 1 = 1.9, w = 1 - 0.19
    assert ps[0].data == pytest.approx(0.81, abs=1e-15)
    opt.step()  # v = 0.9 + 1 = 1.9, g = 1 + 0.9 * 1.9 = 2.71, w = 0.81 - 0.271
    assert ps[0].data == pytest.approx(0.539, abs=1e-15)


def test_nesterov_needs_momentum_and_no_dampening():
    with pytest.raises(ValueError, match=r"nesterov=True needs momentum > 0.*momentum=0,"):
        SGD([Parameter(1.0)], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"dampening = 0.*dampening=0.5"):
        SGD([Parameter(1.0)], lr=0.1, momentum=0.9, dampening=0.5, nesterov=True)
    with pytest.raises(TypeError, match="nesterov must be True or False, got str"):
        SGD([Parameter(1.0)], lr=0.1, momentum=0.9, nesterov="yes")
    with pytest.raises(ValueError, match=r"dampening must be in \[0, 1\]"):
        SGD([Parameter(1.0)], lr=0.1, momentum=0.9, dampening=1.5)


def torch_adamw(lrs, beta1, beta2, eps, weight_decay):
    """torch.optim.AdamW's documented algorithm (amsgrad off), lr = lrs[t - 1] at step t."""
    theta, m, v, out = W0.copy(), np.zeros(3), np.zeros(3), []
    for t, g in enumerate(G_SEQ, start=1):
        lr = lrs[t - 1]
        theta = theta - lr * weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def test_adamw_matches_torchs_algorithm_with_a_changing_rate():
    lrs = [0.1, 0.1, 0.05, 0.02, 0.01]  # the decay is scaled by the current rate
    ps = [Parameter(w) for w in W0]
    opt = AdamW(ps, lr=0.1, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.3)
    for ours, theirs in zip(run(opt, ps, lrs), torch_adamw(lrs, 0.8, 0.95, 1e-6, 0.3)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_adamw_decay_is_decoupled_from_adams_l2_penalty():
    # Weights with no gradient of the loss: only the decay acts on them.
    w0 = [2.0, 0.01]
    ps = with_grads(w0, [0.0, 0.0])
    opt = AdamW(ps, lr=0.1, weight_decay=0.3)
    for _ in range(5):
        opt.step()  # every weight shrinks by the same factor, whatever its size
    np.testing.assert_allclose([p.data for p in ps], np.array(w0) * 0.97 ** 5,
                               rtol=1e-15, atol=0)
    # Adam's L2 term joins g and is divided by sqrt(v) = |0.3 w|: each weight moves by
    # lr = 0.1, so the small one overshoots zero.
    ps = with_grads(w0, [0.0, 0.0])
    Adam(ps, lr=0.1, weight_decay=0.3).step()
    assert [p.data for p in ps] == pytest.approx([1.9, -0.09], abs=1e-6)
    assert AdamW([Parameter(1.0)]).weight_decay == 0.01  # PyTorch's default


def test_adamw_without_decay_is_adam():
    finals = []
    for make in (lambda ps: AdamW(ps, lr=0.1, weight_decay=0.0), lambda ps: Adam(ps, lr=0.1)):
        ps = [Parameter(w) for w in W0]
        finals.append(run(make(ps), ps)[-1])
    np.testing.assert_array_equal(finals[0], finals[1])
    assert not np.allclose(finals[0], W0)


def torch_rmsprop(lr, alpha, eps, weight_decay, momentum, centered):
    """torch.optim.RMSprop's documented algorithm."""
    theta, v, g_ave, b, out = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), []
    for g in G_SEQ:
        if weight_decay != 0:
            g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g ** 2
        v_tilde = v
        if centered:
            g_ave = alpha * g_ave + (1 - alpha) * g
            v_tilde = v_tilde - g_ave ** 2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
        out.append(theta)
    return out


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_rmsprop_matches_torchs_algorithm(momentum, centered, weight_decay):
    ps = [Parameter(w) for w in W0]
    opt = RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=weight_decay,
                  momentum=momentum, centered=centered)
    for ours, theirs in zip(run(opt, ps), torch_rmsprop(0.01, 0.9, 1e-6, weight_decay,
                                                        momentum, centered)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_rmsprop_first_step_by_hand():
    ps = with_grads([1.0, 1.0], [2.0, -0.5])
    RMSprop(ps, lr=0.01, alpha=0.75, eps=0.0).step()  # v = g^2 / 4: the step is 2 lr sign(g)
    assert [p.data for p in ps] == pytest.approx([0.98, 1.02], abs=1e-15)
    ps = with_grads([1.0], [2.0])
    RMSprop(ps, lr=0.01, alpha=0.75, eps=0.0, centered=True).step()
    # v = 1, a = 0.5: s = 1 - 0.25, the step is 0.01 * 2 / sqrt(0.75)
    assert ps[0].data == pytest.approx(1.0 - 0.02 / math.sqrt(0.75), abs=1e-15)


def test_centered_rmsprop_stays_finite_when_the_gradient_never_changes():
    # With g fixed, v - a^2 shrinks like alpha^t and rounding takes it below 0 (at step 53
    # for these numbers); the square root of that would be nan.
    ps = with_grads([1.0], [1e-3])
    opt = RMSprop(ps, lr=1e-9, alpha=0.5, eps=1e-8, centered=True)
    for _ in range(80):
        opt.step()
    assert math.isfinite(ps[0].data)


def test_new_optimizers_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\), got 1.0"):
        RMSprop([Parameter(1.0)], alpha=1.0)
    with pytest.raises(ValueError, match=r"eps must be in \[0, inf\]"):
        RMSprop([Parameter(1.0)], eps=-1e-8)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        RMSprop([Parameter(1.0)], momentum=-0.1)
    with pytest.raises(TypeError, match="centered must be True or False, got int"):
        RMSprop([Parameter(1.0)], centered=1)
    with pytest.raises(ValueError, match=r"weight_decay must be in \[0, inf\]"):
        AdamW([Parameter(1.0)], weight_decay=-0.01)
    with pytest.raises(ValueError, match="empty parameter list"):
        AdamW([])


def test_docstring_examples_run():
    import autograd.optim

    assert doctest.testmod(autograd.optim).failed == 0


def test_the_schedules_keep_their_old_names_here():
    import autograd.optim
    import autograd.schedules

    for name in autograd.schedules.__all__:
        assert getattr(autograd.optim, name) is getattr(autograd.schedules, name)
    with pytest.raises(AttributeError, match="no attribute 'Nesterov'"):
        autograd.optim.Nesterov  # noqa: B018
