"""Learning-rate schedules (autograd.schedules), against PyTorch's lr_scheduler formulas."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from test_optim import with_grads

import autograd.schedules
from autograd.engine import Parameter
from autograd.optim import SGD
from autograd.schedules import CosineDecay, ExponentialDecay, LinearDecay, StepDecay, Warmup


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


def rates(schedule, n):
    """The optimizer's rate before any step and after each of n schedule steps."""
    out = [schedule.optimizer.lr]
    for _ in range(n):
        schedule.step()
        out.append(schedule.optimizer.lr)
    return np.array(out)


def test_exponential_decay_is_exponential_lr():
    opt = SGD([Parameter(1.0)], lr=0.3)
    t = np.arange(21)
    np.testing.assert_allclose(rates(ExponentialDecay(opt, gamma=0.8), 20), 0.3 * 0.8 ** t,
                               rtol=0, atol=1e-12)


def test_cosine_decay_is_cosine_annealing_then_holds_min_lr():
    lr0, eta_min, t_max = 0.5, 0.05, 10
    opt = SGD([Parameter(1.0)], lr=lr0)
    got = rates(CosineDecay(opt, total_steps=t_max, min_lr=eta_min), t_max + 5)
    t = np.arange(t_max + 1)
    expected = eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * t / t_max)) / 2
    np.testing.assert_allclose(got[:t_max + 1], expected, rtol=0, atol=1e-12)
    assert got[0] == lr0 and got[t_max // 2] == pytest.approx((lr0 + eta_min) / 2, abs=1e-15)
    assert list(got[t_max:]) == [eta_min] * 6  # finished: it stays at min_lr, exactly
    assert CosineDecay(SGD([Parameter(1.0)], lr=0.2), total_steps=3).lr_at(3) == 0.0


def test_warmup_is_linear_lr_rising_to_the_base_rate_then_holds():
    lr0, start, steps = 0.4, 0.25, 6
    opt = SGD([Parameter(1.0)], lr=lr0)
    schedule = Warmup(opt, steps=steps, start_factor=start)
    assert opt.lr == start * lr0  # set on construction: the first update is a warm-up one
    got = rates(schedule, steps + 4)
    t = np.arange(steps + 1)
    np.testing.assert_allclose(got[:steps + 1], lr0 * (start + (1 - start) * t / steps),
                               rtol=0, atol=1e-12)
    assert list(got[steps:]) == [lr0] * 5
    assert Warmup(SGD([Parameter(1.0)], lr=0.3), steps=2).start_factor == 1 / 3  # PyTorch's


def test_warmup_scales_the_first_updates_it_drives():
    ps = with_grads([1.0], [1.0])
    opt = SGD(ps, lr=1.0)
    schedule = Warmup(opt, steps=2, start_factor=0.5)
    trajectory = []
    for _ in range(4):
        opt.step()
        schedule.step()
        trajectory.append(ps[0].data)
    assert trajectory == [0.5, -0.25, -1.25, -2.25]  # steps of 0.5, 0.75, then 1.0


def test_new_schedules_reject_bad_arguments():
    opt = SGD([Parameter(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"gamma must be in \(0, inf\), got 0.0"):
        ExponentialDecay(opt, gamma=0.0)
    with pytest.raises(ValueError, match="total_steps must be a positive int, got 0"):
        CosineDecay(opt, total_steps=0)
    with pytest.raises(ValueError, match=r"min_lr must be in \[0, 0.1\], got 0.2"):
        CosineDecay(opt, total_steps=10, min_lr=0.2)
    with pytest.raises(ValueError, match=r"min_lr must be in \[0, 0.1\], got -0.01"):
        CosineDecay(opt, total_steps=10, min_lr=-0.01)
    with pytest.raises(ValueError, match="steps must be a positive int, got 2.5"):
        Warmup(opt, steps=2.5)
    with pytest.raises(ValueError, match=r"start_factor must be in \(0, 1\], got 0.0"):
        Warmup(opt, steps=5, start_factor=0.0)
    with pytest.raises(ValueError, match=r"start_factor must be in \(0, 1\], got 1.5"):
        Warmup(opt, steps=5, start_factor=1.5)
    with pytest.raises(TypeError, match="Warmup takes an optimizer"):
        Warmup([Parameter(1.0)], steps=5)
    assert opt.lr == 0.1  # a refused schedule leaves the rate alone


def test_docstring_examples_run():
    assert doctest.testmod(autograd.schedules).failed == 0
