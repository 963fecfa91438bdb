"""How good is a model? Classification and regression metrics, as scikit-learn defines them.

Every function takes the true values first and the predictions second. Both
may be numpy arrays, lists, a ``Value`` (a batch Value holds one number per
sample in ``.data``) or a list of scalar Values.

Classification metrics compare *labels*: threshold probabilities or scores
first (``autograd.training.predict`` does), e.g. ``(p >= 0.5).astype(int)``.

With ``TP``, ``FP``, ``FN`` the true positives, false positives and false negatives:

    precision = TP / (TP + FP)      of the samples called positive, how many are
    recall    = TP / (TP + FN)      of the positive samples, how many were found
    f1        = 2 TP / (2 TP + FP + FN) = 2 precision recall / (precision + recall)

When a denominator is 0 (no positive predictions for precision, no positive
labels for recall, neither for f1) the result is ``zero_division``, 0.0 by
default, as in scikit-learn (which also warns; we document it instead).

>>> y_true = [1, 0, 1, 1, 0, 0]
>>> y_pred = [1, 0, 0, 1, 1, 0]
>>> accuracy(y_true, y_pred), precision(y_true, y_pred), recall(y_true, y_pred)
(0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
>>> confusion_matrix(y_true, y_pred).tolist()
[[2, 1], [1, 2]]
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import Value

__all__ = ["accuracy", "precision", "recall", "f1", "confusion_matrix", "mse", "mae", "r2",
           "as_numpy"]


# -- inputs ----------------------------------------------------------------------------

def as_numpy(x: Any, name: str = "input") -> np.ndarray:
    """A 1-D numpy array from an array, a list, a Value, or a list of scalar Values.

    A column ``(n, 1)`` is flattened. A list holding one batch Value (a model
    with one output) gives that Value's data.
    """
    if isinstance(x, Value):
        return np.atleast_1d(np.asarray(x.data, dtype=float)).copy()
    if isinstance(x, (list, tuple)) and any(isinstance(v, Value) for v in x):
        if not all(isinstance(v, Value) for v in x):
            raise TypeError(f"{name} mixes Values and other objects; give all Values or none")
        batches = [v for v in x if isinstance(v.data, np.ndarray)]
        if batches and len(x) == 1:
            return np.asarray(x[0].data, dtype=float).copy()
        if batches:
            raise TypeError(f"{name} is a list of {len(x)} batch Values (one per model output?); "
                            f"a metric needs one number per sample: pass predicted labels, "
                            f"e.g. the argmax over the outputs")
        return np.array([v.data for v in x], dtype=float)
    a = np.asarray(x)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        hint = (" (scores for several classes? take the argmax over axis 1 first)"
                if a.ndim == 2 else "")
        raise ValueError(f"{name} must be 1-D, one entry per sample; got shape {a.shape}{hint}")
    return a


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t, p = as_numpy(y_true, "y_true"), as_numpy(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true and y_pred must have the same length, "
                         f"got {len(t)} and {len(p)}")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty: a metric needs at least one sample")
    return t, p


def _labels(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """The pair as class labels; scores and probabilities are refused with a hint."""
    t, p = _pair(y_true, y_pred)
    if (t.dtype.kind in "biuf") != (p.dtype.kind in "biuf"):
        raise TypeError(f"y_true and y_pred hold different kinds of label ({_plain(t[0])!r} vs "
                        f"{_plain(p[0])!r}); give both as numbers or both as names")
    for name, a in (("y_true", t), ("y_pred", p)):
        if a.dtype.kind == "f":
            if np.isnan(a).any():
                raise ValueError(f"{name} contains NaN; a class label must be a number or name")
            fractional = a != np.round(a)
            if fractional.any():
                raise ValueError(f"{name} holds non-integer values such as "
                                 f"{float(a[fractional][0])!r}: class labels expected. For "
                                 f"probabilities or scores, threshold first, e.g. "
                                 f"(p >= 0.5).astype(int), or use predict(model, X)")
    return t, p


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python value it holds (for readable messages)."""
    return v.item() if isinstance(v, np.generic) else v


def _regression(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t, p = _pair(y_true, y_pred)
    try:
        t, p = t.astype(float), p.astype(float)
    except (TypeError, ValueError):
        raise TypeError("regression metrics need numbers in y_true and y_pred") from None
    return t, p


def _check_zero_division(zero_division: Any) -> float:
    if isinstance(zero_division, bool) or not isinstance(zero_division, numbers.Real):
        raise TypeError(f"zero_division must be a number (0.0, 1.0 or nan), "
                        f"got {zero_division!r}")
    return float(zero_division)


# -- classification --------------------------------------------------------------------

def accuracy(y_true: Any, y_pred: Any) -> float:
    """The fraction of samples whose predicted label equals the true one.

    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    t, p = _labels(y_true, y_pred)
    return float(np.mean(t == p))


def confusion_matrix(y_true: Any, y_pred: Any, labels: Sequence[Any] | None = None
                     ) -> np.ndarray:
    """Counts of (true label, predicted label) pairs: ``C[i, j]`` = samples of class
    ``labels[i]`` predicted as ``labels[j]``. Rows are the truth, columns the prediction.

    ``labels`` fixes the classes and their order; by default the sorted union
    of the labels in ``y_true`` and ``y_pred``. For binary 0/1 labels this is
    ``[[TN, FP], [FN, TP]]``.

    >>> confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]).tolist()
    [[1, 1], [1, 2]]
    """
    t, p = _labels(y_true, y_pred)
    classes = _classes(t, p, labels)
    index = {c: i for i, c in enumerate(classes.tolist())}
    k = len(classes)
    known = np.isin(t, classes) & np.isin(p, classes)  # samples outside `labels` are left out
    ti = np.array([index[v] for v in t[known].tolist()], dtype=int)
    pi = np.array([index[v] for v in p[known].tolist()], dtype=int)
    return np.bincount(ti * k + pi, minlength=k * k).reshape(k, k)


def _classes(t: np.ndarray, p: np.ndarray, labels: Sequence[Any] | None) -> np.ndarray:
    if labels is not None:
        classes = np.asarray(labels)
        if classes.ndim != 1 or len(classes) == 0:
            raise ValueError(f"labels must be a non-empty list of classes, got {labels!r}")
        if len(np.unique(classes)) != len(classes):
            raise ValueError(f"labels has repeated classes: {list(labels)}")
        return classes
    try:
        return np.unique(np.concatenate([t, p]))
    except TypeError:
        raise TypeError("y_true and y_pred mix label types that cannot be compared "
                        "(e.g. numbers and strings)") from None


def _counts(y_true: Any, y_pred: Any, labels: Sequence[Any] | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per class: true positives, false positives, false negatives, and the classes."""
    t, p = _labels(y_true, y_pred)
    classes = _classes(t, p, labels)
    tp = np.array([np.sum((t == c) & (p == c)) for c in classes])
    fp = np.array([np.sum((t != c) & (p == c)) for c in classes])
    fn = np.array([np.sum((t == c) & (p != c)) for c in classes])
    return tp, fp, fn, classes


def _ratio(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(num.shape, zero_division)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _score(kind: str, y_true: Any, y_pred: Any, average: str | None, pos_label: Any,
           zero_division: Any) -> Any:
    zero_division = _check_zero_division(zero_division)
    if average not in ("binary", "macro", None):
        raise ValueError(f"average must be 'binary', 'macro' or None (one score per class), "
                         f"got {average!r}")
    tp, fp, fn, classes = _counts(y_true, y_pred)
    if kind == "precision":
        per_class = _ratio(tp, tp + fp, zero_division)
    elif kind == "recall":
        per_class = _ratio(tp, tp + fn, zero_division)
    else:
        per_class = _ratio(2 * tp, 2 * tp + fp + fn, zero_division)
    if average is None:
        return per_class
    if average == "macro":
        return float(per_class.mean())
    present = classes.tolist()
    if len(present) > 2:
        raise ValueError(f"average='binary' needs two classes, but the labels are {present}; "
                         f"use average='macro' (the mean over classes) or None (per class)")
    if pos_label not in present:
        if len(present) == 2:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present}; "
                             f"pass pos_label= the positive class")
        # Only the negative class occurs: no positive labels and no positive predictions.
        return zero_division
    return float(per_class[present.index(pos_label)])


def precision(y_true: Any, y_pred: Any, average: str | None = "binary", pos_label: Any = 1,
              zero_division: float = 0.0) -> Any:
    """Precision ``TP / (TP + FP)``: of the samples predicted positive, the fraction that are.

    ``average="binary"`` scores the class ``pos_label``; ``"macro"`` is the
    unweighted mean of every class's precision (each class in turn the positive
    one); ``None`` returns the per-class array (classes sorted). With no
    positive predictions (``TP + FP = 0``) the result is ``zero_division`` (0.0).

    >>> precision([1, 1, 0, 0], [1, 0, 1, 1])
    0.3333333333333333
    >>> precision([1, 1, 0], [0, 0, 0])     # nothing predicted positive
    0.0
    """
    return _score("precision", y_true, y_pred, average, pos_label, zero_division)


def recall(y_true: Any, y_pred: Any, average: str | None = "binary", pos_label: Any = 1,
           zero_division: float = 0.0) -> Any:
    """Recall (sensitivity) ``TP / (TP + FN)``: of the positive samples, the fraction found.

    ``average`` as in ``precision``. With no positive labels (``TP + FN = 0``)
    the result is ``zero_division`` (0.0).

    >>> recall([1, 1, 0, 0], [1, 0, 1, 1])
    0.5
    >>> recall([0, 0, 0], [1, 0, 0])        # no positive labels
    0.0
    """
    return _score("recall", y_true, y_pred, average, pos_label, zero_division)


def f1(y_true: Any, y_pred: Any, average: str | None = "binary", pos_label: Any = 1,
       zero_division: float = 0.0) -> Any:
    """F1, the harmonic mean of precision and recall: ``2 TP / (2 TP + FP + FN)``.

    ``average="macro"`` is the mean of the per-class F1 scores (not the F1 of
    the mean precision and recall). When ``2 TP + FP + FN = 0`` (no positive
    labels and no positive predictions) the result is ``zero_division`` (0.0);
    when precision and recall are both 0 it is 0.

    >>> f1([1, 1, 0, 0], [1, 0, 1, 1])      # precision 1/3, recall 1/2
    0.4
    """
    return _score("f1", y_true, y_pred, average, pos_label, zero_division)


# -- regression ------------------------------------------------------------------------

def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error ``mean((y - y_hat)^2)``.

    >>> mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    """
    t, p = _regression(y_true, y_pred)
    return float(np.mean((t - p) ** 2))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error ``mean(|y - y_hat|)``.

    >>> mae([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])
    1.0
    """
    t, p = _regression(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination ``R^2 = 1 - SS_res / SS_tot``.

    ``SS_res = sum((y - y_hat)^2)``, ``SS_tot = sum((y - mean(y))^2)``. 1 is a
    perfect fit, 0 is no better than always predicting the mean, and it is
    negative for worse. When ``y_true`` is constant (``SS_tot = 0``) the result
    is 1.0 for a perfect prediction and 0.0 otherwise, as in scikit-learn.

    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), r2([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    (1.0, 0.0)
    """
    t, p = _regression(y_true, y_pred)
    ss_res = float(np.sum((t - p) ** 2))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot
