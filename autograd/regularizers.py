"""Weight penalties added to the loss: ``cost = data loss + penalty(weights)``.

Each penalty is built on the graph inside a named scope ("l1 penalty",
"l2 penalty", "elastic net penalty"), so a diagram shows it as one group and
every weight's gradient includes the penalty's share. The sum over the weights
is one node (``sum_abs`` or ``sum_squares``) whose edges carry each weight's
local derivative, sign(w) or 2w.

>>> from autograd.engine import Parameter
>>> w = [Parameter(3.0), Parameter(-4.0)]
>>> l2(w, 0.1).data        # 0.1 / 2 * (9 + 16)
1.25
>>> l1(w, 0.1).data        # 0.1 * (3 + 4)
0.7000000000000001
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from autograd.engine import Value, scope, sum_abs, sum_squares

__all__ = ["l1", "l2", "elastic_net"]


def _weights(params: Any) -> list[Value]:
    """The Values to penalize: an iterable of Values, or a module's ``parameters()``."""
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Value) or not isinstance(params, Iterable):
        raise TypeError(f"a penalty takes a list of parameters (or a module), "
                        f"got {type(params).__name__}")
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"a penalty takes Values; item {i} is {type(p).__name__}")
    return params


def _strength(lam: Any, name: str) -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not lam >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {lam!r}")
    return float(lam)


def l1(params: Any, lam: float) -> Value:
    """Lasso: ``lam * sum |w|``. Its gradient ``lam * sign(w)`` pulls every weight
    toward 0 by the same step whatever its size, so small weights reach exactly 0
    (feature selection)."""
    lam = _strength(lam, "lam")
    weights = _weights(params)
    with scope("l1 penalty"):
        return lam * sum_abs(weights)


def l2(params: Any, lam: float) -> Value:
    """Ridge (weight decay): ``lam / 2 * sum w^2``, the course's form. Its gradient
    ``lam * w`` shrinks each weight in proportion to its size: large weights fast,
    small ones ever more slowly, so they get near 0 but rarely reach it."""
    lam = _strength(lam, "lam")
    weights = _weights(params)
    with scope("l2 penalty"):
        return (lam / 2) * sum_squares(weights)


def elastic_net(params: Any, l1: float, l2: float) -> Value:
    """Elastic net, both penalties: ``l1 * sum |w| + l2 / 2 * sum w^2``."""
    a, b = _strength(l1, "l1"), _strength(l2, "l2")
    weights = _weights(params)
    with scope("elastic net penalty"):
        return a * sum_abs(weights) + (b / 2) * sum_squares(weights)
