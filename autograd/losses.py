"""Loss functions: a model's outputs and the targets in, one scalar Value out.

Every loss takes outputs in any of the shapes a model gives:

- one sample: a Value (and a number as target), or a list of Values (one per
  output, with a list of numbers);
- a list of samples: a list of Values (or of lists of Values), with as many targets;
- a batch: a batch Value (``model(autograd.batch(X))``) with an array of targets,
  or a list of batch Values (one per output) with an ``(n_samples, n_outputs)`` array.

``reduction="mean"`` (the default) averages over every sample and output,
``"sum"`` adds them up, ``"none"`` returns the per-element losses unreduced
(a Value, or a list of them, shaped like the outputs). The per-sample and the
batch forms build the same computation, so they agree to rounding.

>>> from autograd.engine import Value
>>> mse([Value(1.0), Value(2.0)], [0.0, 0.0]).data      # (1 + 4) / 2
2.5
>>> hinge(Value(0.25), -1, reduction="sum").data         # max(0, 1 + 0.25)
1.25
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.engine import Value, add_n, scope

__all__ = ["l1", "mse", "l2", "hinge", "bce_with_logits", "cross_entropy", "REDUCTIONS"]

REDUCTIONS = ("mean", "sum", "none")

Elementwise = Callable[[Value, Any], Value]


# -- shared plumbing ------------------------------------------------------------------

def _is_batch(v: Any) -> bool:
    return isinstance(v, Value) and isinstance(v.data, np.ndarray)


def _target(t: Any, name: str) -> Any:
    """A target as a float, a 1-D float array, or a Value."""
    if isinstance(t, Value):
        return t
    if isinstance(t, numbers.Real):
        return float(t)
    if isinstance(t, (list, tuple, np.ndarray)):
        arr = np.asarray(t, dtype=float) if not isinstance(t, np.ndarray) else t
        if arr.ndim == 1 and np.issubdtype(arr.dtype, np.number):
            return arr.astype(float)
    raise TypeError(f"{name}: a target is a number, a 1-D array of numbers (for a batch) or a "
                    f"Value; got {type(t).__name__}: {t!r:.60}")


def _pairs(name: str, outputs: Any, targets: Any) -> list[tuple[Value, Any]]:
    """Match every output Value with its target: (Value, float | array | Value) pairs."""
    if isinstance(outputs, Value):
        t = _target(targets, name)
        size = outputs.data.size if _is_batch(outputs) else 1
        t_size = (t.data if isinstance(t, Value) else t)
        t_size = t_size.size if isinstance(t_size, np.ndarray) else 1
        if t_size != size and t_size != 1:
            raise ValueError(f"{name}: the output holds {size} sample(s) but the target holds "
                             f"{t_size}")
        return [(outputs, t)]
    if isinstance(outputs, (list, tuple)) and outputs:
        if isinstance(targets, np.ndarray) and targets.ndim == 2 and _is_batch(outputs[0]):
            targets = list(targets.T)  # (n_samples, n_outputs): one column per output Value
        if isinstance(targets, (str, bytes)) or not isinstance(targets, (Sequence, np.ndarray)) \
                or isinstance(targets, Value):
            raise TypeError(f"{name}: {len(outputs)} outputs need a sequence of "
                            f"{len(outputs)} targets, got {type(targets).__name__}")
        if len(outputs) != len(targets):
            raise ValueError(f"{name}: {len(outputs)} outputs but {len(targets)} targets")
        return [pair for o, t in zip(outputs, targets) for pair in _pairs(name, o, t)]
    raise TypeError(f"{name}: outputs must be a Value or a non-empty list of Values, "
                    f"got {type(outputs).__name__}")


def _count(outputs: Any) -> int:
    if isinstance(outputs, Value):
        return outputs.data.size if _is_batch(outputs) else 1
    return sum(_count(o) for o in outputs)


def _structure(outputs: Any, flat: list[Value]) -> Any:
    """The per-element losses shaped like ``outputs`` (for reduction="none")."""
    it = iter(flat)

    def rebuild(o: Any) -> Any:
        return next(it) if isinstance(o, Value) else [rebuild(x) for x in o]

    return rebuild(outputs)


def _check_reduction(name: str, reduction: Any) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}; "
                         f"got {reduction!r}")


def _reduce(name: str, outputs: Any, pieces: list[Value], reduction: str) -> Any:
    if reduction == "none":
        return _structure(outputs, pieces)
    if len(pieces) == 1 and reduction == "mean":
        return pieces[0].mean()  # one node: a batch mean, or the scalar itself
    total = add_n([piece.sum() for piece in pieces])
    return total / _count(outputs) if reduction == "mean" else total


def _elementwise_loss(name: str, f: Elementwise, outputs: Any, targets: Any,
                      reduction: str, check: Callable[[Any], None] | None = None) -> Any:
    _check_reduction(name, reduction)
    pairs = _pairs(name, outputs, targets)
    if check is not None:  # one vectorized check of every target
        check(np.concatenate([np.ravel(t.data if isinstance(t, Value) else t) for _, t in pairs]))
    with scope(f"{name} loss"):
        return _reduce(name, outputs, [f(v, t) for v, t in pairs], reduction)


# -- regression -----------------------------------------------------------------------

def l1(outputs: Any, targets: Any, reduction: str = "mean") -> Any:
    """L1 loss (mean absolute error): ``mean |y_hat - y|``.

    >>> from autograd.engine import Value
    >>> l1([Value(1.0), Value(-2.0)], [0.0, 0.0]).data
    1.5
    """
    return _elementwise_loss("l1", lambda v, t: (v - t).abs(), outputs, targets, reduction)


def mse(outputs: Any, targets: Any, reduction: str = "mean") -> Any:
    """L2 loss (mean squared error): ``mean (y_hat - y)^2``.

    >>> from autograd.engine import Value
    >>> mse(Value(3.0), 1.0).data
    4.0
    """
    def squared(v: Value, t: Any) -> Value:
        d = v - t
        return d * d

    return _elementwise_loss("mse", squared, outputs, targets, reduction)


l2 = mse  # the course's name for the squared loss


# -- classification -------------------------------------------------------------------

def _check_signs(t: Any) -> None:
    t = np.asarray(t)
    bad = (t != 1.0) & (t != -1.0)
    if np.any(bad):
        value = float(t.ravel()[np.flatnonzero(bad)[0]])
        hint = " (for 0/1 labels use 2 * y - 1)" if value == 0 else ""
        raise ValueError(f"hinge: labels must be -1 or +1, got {value!r}{hint}")


def hinge(scores: Any, labels: Any, reduction: str = "mean") -> Any:
    """Hinge (max-margin, SVM) loss for labels -1/+1: ``mean max(0, 1 - y * score)``.

    A sample costs nothing once it is on the right side with a margin of 1.

    >>> from autograd.engine import Value
    >>> hinge([Value(2.0), Value(0.5)], [1, 1]).data     # (0 + 0.5) / 2
    0.25
    """
    return _elementwise_loss("hinge", lambda s, y: (1.0 - s * y).relu(), scores, labels,
                             reduction, _check_signs)


def _check_probabilities(t: Any) -> None:
    t = np.asarray(t)
    if np.any(~((t >= 0) & (t <= 1))):
        value = float(t.ravel()[np.flatnonzero(~((t >= 0) & (t <= 1)))[0]])
        hint = " (for -1/+1 labels use (y + 1) / 2)" if value == -1 else ""
        raise ValueError(f"bce_with_logits: targets must be in [0, 1], got {value!r}{hint}")


def bce_with_logits(logits: Any, targets: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy on raw scores (logits) z and targets y in [0, 1]:

        -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))]
          = z * (0.5 - y) + 0.5 * |z| + log(1 + exp(-|z|))

    The second form never takes ``exp`` of a large positive number, so it stays
    finite and accurate (to about 1e-16 absolute) for any z: a logit of 1000
    gives 1000 * (1 - y), not inf or NaN. Its gradient is ``sigmoid(z) - y``
    everywhere, including at z = 0 (where relu(z) - z * y would give -y).

    >>> from autograd.engine import Value
    >>> round(bce_with_logits(Value(0.0), 1).data, 6)    # log 2
    0.693147
    >>> bce_with_logits(Value(1000.0), 0).data
    1000.0
    """
    def bce(z: Value, y: Any) -> Value:
        a = z.abs()
        return z * (0.5 - y) + 0.5 * a + ((-a).exp() + 1.0).log()

    return _elementwise_loss("bce", bce, logits, targets, reduction, _check_probabilities)


def cross_entropy(logits: Any, targets: Any, reduction: str = "mean") -> Any:
    """Softmax cross-entropy over class logits: ``-log softmax(z)_y = logsumexp(z) - z_y``.

    ``logits`` is one sample's list of class scores (with an int class index as
    target), a list of such lists (with a list of class indices), or a batch:
    a list of batch Values, one per class (with an int array of class indices).
    The log-sum-exp subtracts the largest logit first (a plain number, which
    changes neither the value nor the gradient), so large logits cannot overflow.

    >>> from autograd.engine import Value
    >>> round(cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)   # log 2
    0.693147
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    if not isinstance(logits, (list, tuple)) or not logits:
        raise TypeError(f"{name}: logits must be a list of class scores (Values), "
                        f"or a list of such lists; got {type(logits).__name__}")
    if isinstance(logits[0], (list, tuple)):  # a list of samples
        if isinstance(targets, (str, bytes)) or not isinstance(targets, (Sequence, np.ndarray)):
            raise TypeError(f"{name}: {len(logits)} samples need a sequence of class indices, "
                            f"got {type(targets).__name__}")
        if len(targets) != len(logits):
            raise ValueError(f"{name}: {len(logits)} samples but {len(targets)} targets")
        with scope(f"{name} loss"):
            pieces = [_softmax_xent(name, list(sample), t) for sample, t in zip(logits, targets)]
            if reduction == "none":
                return pieces
            return _reduce(name, pieces, pieces, reduction)
    with scope(f"{name} loss"):
        loss = _softmax_xent(name, list(logits), targets)
        return loss if reduction == "none" else _reduce(name, loss, [loss], reduction)


def _softmax_xent(name: str, z: list[Any], target: Any) -> Value:
    if len(z) < 2:
        raise ValueError(f"{name}: needs at least 2 class logits, got {len(z)}")
    for k, v in enumerate(z):
        if not isinstance(v, Value):
            raise TypeError(f"{name}: logit {k} is {type(v).__name__}, not a Value")
    n_classes = len(z)
    batch_sizes = {v.data.size for v in z if isinstance(v.data, np.ndarray)}
    if len(batch_sizes) > 1:
        raise ValueError(f"{name}: the class logits hold batches of different lengths "
                         f"{sorted(batch_sizes)}")
    y = np.asarray(target)
    if not np.issubdtype(y.dtype, np.integer) or np.any((y < 0) | (y >= n_classes)):
        raise ValueError(f"{name}: targets are class indices 0..{n_classes - 1} (ints), "
                         f"got {target!r:.60}")
    if batch_sizes:
        n = batch_sizes.pop()
        if y.ndim != 1 or y.size != n:
            raise ValueError(f"{name}: a batch of {n} samples needs {n} class indices, got "
                             f"shape {y.shape}")
        m = np.max(np.stack([np.broadcast_to(v.data, n) for v in z]), axis=0)
        # the target logit, picked per sample by a one-hot mask (gradient 1 where picked)
        picked = z[0] * (y == 0).astype(float)
        for k in range(1, n_classes):
            picked = picked + z[k] * (y == k).astype(float)
    else:
        if y.ndim != 0:
            raise ValueError(f"{name}: one sample needs one class index, got {target!r:.60}")
        m = max(float(v.data) for v in z)
        picked = z[int(y)]
    total = (z[0] - m).exp()
    for v in z[1:]:
        total = total + (v - m).exp()
    return total.log() + m - picked
