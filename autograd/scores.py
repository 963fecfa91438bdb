"""The scores ``fit`` records each epoch (its ``metrics``), by name: scikit-learn's formulas.

A minimal copy of the formulas, so the core package needs no scikit-learn; to
evaluate a trained model, use ``sklearn.metrics`` (``accuracy_score``,
``precision_score``, ..., ``confusion_matrix``) on ``predict(model, X)``.
Binary labels are 0/1 with 1 the positive class; with more classes precision,
recall and F1 are the mean over the classes (sklearn's ``average="macro"``).

>>> import numpy as np
>>> t, p = np.array([1.0, 0.0, 1.0, 1.0]), np.array([1.0, 1.0, 0.0, 1.0])
>>> SCORES["accuracy"](t, p), SCORES["precision"](t, p), SCORES["recall"](t, p)
(0.5, 0.6666666666666666, 0.6666666666666666)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd.language import tr

__all__ = ["SCORES", "accuracy", "precision", "recall", "f1", "mse", "mae", "r2", "score_name"]


def accuracy(t: np.ndarray, p: np.ndarray) -> float:
    """The share of labels predicted right."""
    return float(np.mean(t == p))


def precision(t: np.ndarray, p: np.ndarray) -> float:
    """TP / (TP + FP)."""
    tp, fp, _ = _per_class(t, p)
    return _ratio(tp, tp + fp)


def recall(t: np.ndarray, p: np.ndarray) -> float:
    """TP / (TP + FN)."""
    tp, _, fn = _per_class(t, p)
    return _ratio(tp, tp + fn)


def f1(t: np.ndarray, p: np.ndarray) -> float:
    """2 TP / (2 TP + FP + FN)."""
    tp, fp, fn = _per_class(t, p)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def mse(t: np.ndarray, p: np.ndarray) -> float:
    """mean((t - p)^2)."""
    return float(np.mean((t - p) ** 2))


def mae(t: np.ndarray, p: np.ndarray) -> float:
    """mean(|t - p|)."""
    return float(np.mean(np.abs(t - p)))


def r2(t: np.ndarray, p: np.ndarray) -> float:
    """1 - SS_res / SS_tot (1 for a perfect fit of a constant target, else 0 there)."""
    ss_res, ss_tot = float(np.sum((t - p) ** 2)), float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


SCORES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1,
    "mse": mse, "mae": mae, "r2": r2,
}
"""Each score by the name ``fit(metrics=[...])`` takes, as ``score(truth, predicted)``."""


def score_name(name: str) -> str:
    """A score's name as a picture writes it, in the language in use (``"accuracy"`` is
    ``"정확도"`` in Korean); a name it does not know stays as it is."""
    words = {"accuracy": tr("accuracy"), "precision": tr("precision"), "recall": tr("recall"),
             "f1": tr("f1"), "mse": tr("mse"), "mae": tr("mae"), "r2": tr("r2"),
             "loss": tr("loss")}
    return words.get(name, name)


def _per_class(t: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives of each class (class 1 alone
    for binary labels)."""
    classes = np.unique(np.concatenate([t, p]))
    if len(classes) <= 2:
        classes = np.array([1])
    tp = np.array([np.sum((t == c) & (p == c)) for c in classes], dtype=float)
    fp = np.array([np.sum((t != c) & (p == c)) for c in classes], dtype=float)
    fn = np.array([np.sum((t == c) & (p != c)) for c in classes], dtype=float)
    return tp, fp, fn


def _ratio(num: np.ndarray, den: np.ndarray) -> float:
    """The mean of num / den over the classes, 0 where den is 0 (as sklearn's zero_division)."""
    return float(np.mean(np.divide(num, den, out=np.zeros_like(num), where=den > 0)))
