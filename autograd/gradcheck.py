"""Check backward against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograd.engine import Value, grad, no_grad

__all__ = ["gradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """Backward and finite differences disagree; the message names the worst input."""


def gradcheck(fn: Callable[..., Value], inputs: Sequence[Value], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare ``backward`` with central differences ``(f(x+eps) - f(x-eps)) / 2eps``.

    ``fn(*inputs)`` must return a Value. A batch output is reduced to one number
    by a fixed random weighting of its samples, so no sample's error can hide.
    Each input (each sample, for a batch input) passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Returns True, or raises ``GradcheckError`` naming the worst input, both
    gradients and their difference.
    """
    inputs = list(inputs)
    for i, v in enumerate(inputs):
        if not isinstance(v, Value):
            raise TypeError(f"gradcheck inputs must be Values; input {i} is {type(v).__name__}")
    weights: dict[int, np.ndarray] = {}

    def scalar_output() -> Value:
        out = fn(*inputs)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}")
        if isinstance(out.data, np.ndarray):
            n = out.data.size
            if n not in weights:
                weights[n] = np.random.default_rng(0).uniform(0.5, 1.5, n)
            out = (out * weights[n]).sum()
        return out

    analytic = [np.atleast_1d(np.asarray(g.data, dtype=float))
                for g in grad(scalar_output(), inputs)]
    worst: tuple[float, int, int, float, float] | None = None
    with no_grad():
        for i, v in enumerate(inputs):
            original = v.data
            flat = np.atleast_1d(np.array(original, dtype=float))
            for k in range(flat.size):
                values = []
                for sign in (1.0, -1.0):
                    shifted = flat.copy()
                    shifted[k] += sign * eps
                    v.data = shifted if isinstance(original, np.ndarray) else float(shifted[0])
                    try:
                        values.append(float(scalar_output().data))
                    finally:
                        v.data = original
                numeric = (values[0] - values[1]) / (2 * eps)
                a = float(analytic[i][k])
                excess = abs(a - numeric) - (atol + rtol * abs(numeric))
                if not np.isfinite(a) or not np.isfinite(numeric) or excess > 0:
                    if worst is None or not excess <= worst[0]:
                        worst = (excess, i, k, a, numeric)
    if worst is not None:
        _, i, k, a, numeric = worst
        v = inputs[i]
        name = f"input {i}" + (f" ({v.label!r})" if v.label else "")
        where = f", sample {k}" if isinstance(v.data, np.ndarray) else ""
        raise GradcheckError(f"gradcheck failed at {name}{where}: backward gives {a!r}, "
                             f"finite differences give {numeric!r} "
                             f"(difference {abs(a - numeric):.3g}, allowed "
                             f"{atol + rtol * abs(numeric):.3g})")
    return True
