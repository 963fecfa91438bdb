"""Learning-rate schedules: each sets ``optimizer.lr`` from the number of steps so far.

Call the schedule's ``step()`` after the optimizer's, once per step (or once per
epoch, as you count):

>>> from autograd.nn import MLP
>>> from autograd.optim import SGD
>>> model = MLP(2, [4, 1], seed=0)
>>> opt = SGD(model.parameters(), lr=0.1)
>>> sched = LinearDecay(opt, end_lr=0.01, total_steps=100)
>>> for step in range(3):
...     loss = (model([1.0, 2.0]) - 3.0) ** 2
...     opt.zero_grad()
...     loss.backward()
...     opt.step()
...     sched.step()
>>> round(opt.lr, 12)
0.0973
"""

from __future__ import annotations

import math

from autograd.optimizer import Optimizer, _count, _number

__all__ = ["Schedule", "StepDecay", "LinearDecay", "ExponentialDecay", "CosineDecay", "Warmup"]


class Schedule:
    """Sets ``optimizer.lr`` from the number of ``step()`` calls so far.

    Call ``step()`` once per optimizer step (or per epoch, as you count);
    ``lr_at(k)`` is the rate after k calls and ``lr`` the current one.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} takes an optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.count = 0

    def lr_at(self, k: int) -> float:
        raise NotImplementedError

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    def step(self) -> None:
        """Advance one step and set the optimizer's learning rate."""
        self.count += 1
        self.optimizer.lr = self.lr_at(self.count)


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` steps:
    ``lr_k = base_lr * gamma ** (k // step_size)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = _count(step_size, "step_size")
        self.gamma = _number(gamma, "gamma", 0.0, low_open=True)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** (k // self.step_size)


class LinearDecay(Schedule):
    """Move the rate in a straight line from ``base_lr`` to ``end_lr`` over
    ``total_steps`` steps, then hold it: ``lr_k = base + (end - base) * min(k, T) / T``.

    micrograd's demo schedule ``1.0 - 0.9 * k / 100`` is
    ``LinearDecay(SGD(params, lr=1.0), end_lr=0.1, total_steps=100)``.
    """

    def __init__(self, optimizer: Optimizer, end_lr: float, total_steps: int) -> None:
        super().__init__(optimizer)
        self.end_lr = _number(end_lr, "end_lr")
        self.total_steps = _count(total_steps, "total_steps")

    def lr_at(self, k: int) -> float:
        return self.base_lr + (self.end_lr - self.base_lr) * min(k, self.total_steps) \
            / self.total_steps


class ExponentialDecay(Schedule):
    """Multiply the rate by ``gamma`` every step, as ``torch.optim.lr_scheduler.ExponentialLR``:
    ``lr_k = base_lr * gamma ** k``.

    >>> from autograd import Value, optim
    >>> opt = optim.SGD([Value(1.0)], lr=1.0)
    >>> sched = ExponentialDecay(opt, gamma=0.5)
    >>> sched.step(); sched.step()
    >>> opt.lr
    0.25
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = _number(gamma, "gamma", 0.0, low_open=True, high_open=True)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** k


class CosineDecay(Schedule):
    """Follow half a cosine from ``base_lr`` down to ``min_lr`` over ``total_steps``
    steps, then hold ``min_lr``, as ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)``:

        lr_k = min_lr + (base_lr - min_lr) * (1 + cos(pi * min(k, T) / T)) / 2

    PyTorch's scheduler keeps following the cosine past T_max, so its rate
    climbs back towards base_lr; this one stays at ``min_lr`` (as ``LinearDecay``
    stays at its end), which is what a run of more than T steps wants.

    >>> from autograd import Value, optim
    >>> opt = optim.SGD([Value(1.0)], lr=1.0)
    >>> sched = CosineDecay(opt, total_steps=4, min_lr=0.2)
    >>> sched.step(); sched.step()  # halfway: the mean of 1.0 and 0.2
    >>> round(opt.lr, 12)
    0.6
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, min_lr: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_steps = _count(total_steps, "total_steps")
        self.min_lr = _number(min_lr, "min_lr", 0.0, high=self.base_lr)

    def lr_at(self, k: int) -> float:
        progress = min(k, self.total_steps) / self.total_steps
        return self.min_lr + (self.base_lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2


class Warmup(Schedule):
    """Rise in a straight line from ``start_factor * base_lr`` to ``base_lr`` over
    ``steps`` steps, then hold it, as ``LinearLR(start_factor, end_factor=1.0,
    total_iters=steps)``:

        lr_k = base_lr * (start_factor + (1 - start_factor) * min(k, steps) / steps)

    The optimizer's rate is set to ``lr_0 = start_factor * base_lr`` at once, so
    the very first update is already a warm-up step (PyTorch's schedulers do the
    same on construction). ``start_factor`` is in (0, 1]; the default 1/3 is
    PyTorch's.

    >>> from autograd import Value, optim
    >>> opt = optim.SGD([Value(1.0)], lr=0.3)
    >>> sched = Warmup(opt, steps=2, start_factor=0.5)
    >>> opt.lr
    0.15
    >>> sched.step(); sched.step(); sched.step()
    >>> opt.lr
    0.3
    """

    def __init__(self, optimizer: Optimizer, steps: int, start_factor: float = 1.0 / 3) -> None:
        super().__init__(optimizer)
        self.steps = _count(steps, "steps")
        self.start_factor = _number(start_factor, "start_factor", 0.0, low_open=True, high=1.0)
        optimizer.lr = self.lr_at(0)

    def lr_at(self, k: int) -> float:
        factor = self.start_factor + (1.0 - self.start_factor) * min(k, self.steps) / self.steps
        return self.base_lr * factor
