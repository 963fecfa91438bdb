"""The training loop: mini-batch gradient descent with validation and early stopping.

>>> from autograd import data, losses, nn, optim, regularizers
>>> from autograd.training import EarlyStopping, fit, predict
>>> X, y = data.make_spirals(100, noise=0.05, seed=0)
>>> model = nn.MLP(2, [16, 16, 1], seed=0)
>>> history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05),
...               X, y, epochs=60, verbose=False)
>>> bool((predict(model, X) == y).mean() > 0.95)
True

Every mini-batch runs the model once, on batch Values (one per feature column),
so an epoch builds one small graph per batch instead of one per sample.
"""

from __future__ import annotations

import copy
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Value, batch, no_grad
from autograd.nn import BatchNorm1d

__all__ = ["History", "EarlyStopping", "fit", "predict", "predict_proba", "outputs_of"]

LossFn = Callable[[Any, Any], Value]


# -- the scores History records ----------------------------------------------------------
# A minimal copy of the formulas, so the core package needs no scikit-learn. For evaluating a
# model, use sklearn.metrics (accuracy_score, precision_score, ..., confusion_matrix).
# Binary labels are 0/1 with 1 the positive class; with more classes precision, recall and F1
# are the mean over the classes (sklearn's average="macro").

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


def _precision(t: np.ndarray, p: np.ndarray) -> float:
    """TP / (TP + FP)."""
    tp, fp, _ = _per_class(t, p)
    return _ratio(tp, tp + fp)


def _recall(t: np.ndarray, p: np.ndarray) -> float:
    """TP / (TP + FN)."""
    tp, _, fn = _per_class(t, p)
    return _ratio(tp, tp + fn)


def _f1(t: np.ndarray, p: np.ndarray) -> float:
    """2 TP / (2 TP + FP + FN)."""
    tp, fp, fn = _per_class(t, p)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _r2(t: np.ndarray, p: np.ndarray) -> float:
    """1 - SS_res / SS_tot (1 for a perfect fit of a constant target, else 0 there)."""
    ss_res, ss_tot = float(np.sum((t - p) ** 2)), float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


_SCORES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": lambda t, p: float(np.mean(t == p)),
    "precision": _precision,
    "recall": _recall,
    "f1": _f1,
    "mse": lambda t, p: float(np.mean((t - p) ** 2)),
    "mae": lambda t, p: float(np.mean(np.abs(t - p))),
    "r2": _r2,
}


@dataclass
class History:
    """What happened in ``fit``, epoch by epoch.

    ``train_loss`` and ``val_loss`` are the data losses (without the
    regularizer's penalty, so the two compare); ``metrics`` maps names such as
    ``"train_accuracy"`` and ``"val_accuracy"`` to per-epoch lists.
    ``best_epoch`` is the epoch (0-based) whose weights the model holds at the
    end when early stopping restored them; ``stop_reason`` says why training ended.
    Every series holds one entry per completed epoch (``epochs``), also after
    an interrupt.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stop_reason: str = "finished all epochs"

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def as_dict(self) -> dict[str, list[float]]:
        """Every per-epoch series by name: train_loss, val_loss and each metric."""
        series = {"train_loss": self.train_loss, "val_loss": self.val_loss, **self.metrics}
        return {name: values for name, values in series.items() if values}

    def _record(self, train_loss: float, train_scores: dict[str, float],
                val_loss: float | None, val_scores: dict[str, float]) -> None:
        """Append one epoch to every series, after all of its numbers are known."""
        self.train_loss.append(train_loss)
        for name, score in train_scores.items():
            self.metrics.setdefault(f"train_{name}", []).append(score)
        if val_loss is not None:
            self.val_loss.append(val_loss)
            for name, score in val_scores.items():
                self.metrics.setdefault(f"val_{name}", []).append(score)

    def _even_up(self, with_val: bool) -> None:
        """Cut every series to the shortest, so each holds the same complete epochs.

        An interrupt can land between two appends of ``_record``; cutting keeps
        the invariant ``len(series) == epochs`` for every series.
        """
        series = [self.train_loss, *self.metrics.values()]
        if with_val:
            series.append(self.val_loss)
        complete = min(len(s) for s in series)
        for s in series:
            del s[complete:]


class EarlyStopping:
    """Stop when the validation loss has not improved by ``min_delta`` for
    ``patience`` epochs; with ``restore_best`` the model gets back the weights of
    its best epoch (the course's remedy for training too long)."""

    def __init__(self, patience: int = 10, min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        if not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a whole number >= 1, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
        self.restore_best = restore_best
        self.best_loss = math.inf
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self.waited = 0

    def update(self, epoch: int, loss: float, model: Any) -> bool:
        """Record this epoch's loss; True when training should stop."""
        if loss < self.best_loss - self.min_delta:
            # The copy first: an interrupt during it must not leave best_epoch
            # pointing at weights that were never saved.
            state = copy.deepcopy(model.state_dict())
            self.best_state, self.best_loss, self.best_epoch, self.waited = state, loss, epoch, 0
            return False
        self.waited += 1
        return self.waited >= self.patience

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best})")


def _check_data(X: Any, y: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """X as a float (n_samples, n_features) array and y as an array of the same
    length, both finite; a ValueError naming the first bad entry otherwise."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: X must hold numbers ({e}); encode categories first "
                         "(e.g. sklearn.preprocessing.OneHotEncoder)") from None
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):  # class indices stay ints for cross_entropy
        try:
            y = y.astype(float)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name}: y must hold numbers (targets or class indices), "
                             f"got {y.dtype} ({e})") from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"{name}: X must be an (n_samples, n_features) array, got shape {X.shape}")
    if y.ndim == 0:
        raise ValueError(f"{name}: y must hold one target per sample, got a single number")
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{name}: no samples")
    if not np.all(np.isfinite(X)):
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"{name}: X holds NaN or inf ({X[row, col]} at row {row}, column "
                         f"{col}); impute missing values first (e.g. sklearn.impute.SimpleImputer)")
    if not np.all(np.isfinite(y)):
        # One NaN target makes the loss NaN and, through the gradient, every weight.
        bad = np.argwhere(~np.isfinite(y))
        where = f"row {bad[0][0]}" + (f", column {bad[0][1]}" if y.ndim > 1 else "")
        raise ValueError(f"{name}: y holds NaN or inf ({y[tuple(bad[0])]} at {where}; "
                         f"{len(bad)} non-finite target(s) in all); drop or fill those "
                         f"samples before training")
    return X, y


def outputs_of(model: Callable[[Any], Any], X: Any) -> np.ndarray:
    """The model's raw outputs for every row of X, as an (n_samples,) array for one
    output or (n_samples, n_outputs) for several; evaluated without a graph."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    with no_grad():
        return _as_array(model(batch(X)), len(X))


def _as_array(out: Any, n: int) -> np.ndarray:
    columns = out if isinstance(out, (list, tuple)) else [out]
    arrays = [np.broadcast_to(np.asarray(v.data if isinstance(v, Value) else v, dtype=float),
                              (n,)) for v in columns]
    return arrays[0].copy() if len(arrays) == 1 else np.stack(arrays, axis=1)


def predict_proba(model: Callable[[Any], Any], X: Any) -> np.ndarray:
    """Class probabilities: sigmoid of a single logit (P(class 1), shape (n,)), or
    the softmax over several outputs (shape (n, n_classes))."""
    _eval_mode(model)
    logits = outputs_of(model, X)
    if logits.ndim == 1:
        return 0.5 * (1.0 + np.tanh(0.5 * logits))  # the sigmoid, without overflow
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def predict(model: Callable[[Any], Any], X: Any, task: str = "classification") -> np.ndarray:
    """Predictions for every row of X as a numpy array.

    Classification: 0/1 from one logit (probability >= 0.5, i.e. logit >= 0),
    or the argmax over several outputs. ``task="regression"``: the raw outputs.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    _eval_mode(model)
    outputs = outputs_of(model, X)
    if task == "regression":
        return outputs
    if outputs.ndim == 1:
        return (outputs >= 0).astype(int)
    return outputs.argmax(axis=1)


def _eval_mode(model: Any) -> None:
    if hasattr(model, "eval"):
        model.eval()


def _labels(y: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted labels; binary targets may be 0/1 or -1/+1."""
    if outputs.ndim == 1:
        return (y > 0).astype(int), (outputs >= 0).astype(int)
    return y.astype(int), outputs.argmax(axis=1)


def _evaluate(model: Any, loss_fn: LossFn, X: np.ndarray, y: np.ndarray, task: str,
              metric_names: Sequence[str]) -> tuple[float, dict[str, float]]:
    with no_grad():
        out = model(batch(X))
        loss = float(loss_fn(out, y).data)
    scores: dict[str, float] = {}
    if metric_names:
        outputs = _as_array(out, len(X))
        if task == "classification":
            truth, predicted = _labels(y, outputs)
        else:
            truth, predicted = y, outputs
        t, p = np.ravel(truth).astype(float), np.ravel(predicted).astype(float)
        for name in metric_names:
            scores[name] = _SCORES[name](t, p)
    return loss, scores


def fit(model: Any, loss_fn: LossFn, optimizer: Any, X: Any, y: Any, *,
        val: tuple[Any, Any] | None = None, epochs: int = 100, batch_size: int | None = None,
        drop_last: bool = False, early_stopping: EarlyStopping | None = None,
        regularizer: Callable[[list[Value]], Value] | None = None,
        metrics: Sequence[str] | None = None, task: str = "classification",
        shuffle: bool = True, seed: int | None = 0, scheduler: Any = None,
        verbose: bool = True) -> History:
    """Train ``model`` by mini-batch gradient descent and return its ``History``.

    Each step: ``loss = loss_fn(model(batch(X_b)), y_b) + regularizer(params)``,
    ``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``.
    After each epoch the model is evaluated (in eval mode, without a graph) on
    the training set and on ``val``; ``early_stopping`` watches the validation
    loss (the training loss when there is no ``val``).

    X and y (and ``val``) are checked before any weight changes: matching
    lengths, every value finite (a NaN target would turn every weight into NaN),
    or a ``ValueError`` names the first bad row.

    ``batch_size=None`` uses the whole training set as one batch. When the
    samples do not divide into batches, the last batch of each epoch is smaller;
    ``drop_last=True`` skips it, as PyTorch's ``DataLoader(drop_last=True)``
    does (with shuffling a different remainder is skipped each epoch). A model
    holding a ``BatchNorm1d`` cannot train on a batch of one sample (it has no
    batch statistics), so a last batch of 1 is a ``ValueError`` before training
    starts, suggesting ``drop_last=True``.

    ``metrics`` names the scores to record each epoch: ``accuracy``, ``precision``,
    ``recall``, ``f1`` (of class 1 for binary labels, the mean over the classes for more),
    ``mse``, ``mae``, ``r2`` (default: accuracy for classification, mse for regression).
    They are sklearn.metrics' formulas; to evaluate a trained model, call sklearn.metrics
    on ``predict(model, X)``. A progress bar shows when ``verbose``
    and the output is a terminal.

    Ctrl-C stops cleanly: the history of the completed epochs is returned (every
    series the same length, whenever the interrupt came) and, with early
    stopping, the best weights are restored; without it the model keeps the
    weights it had. Any other error raised while training propagates with the
    history so far attached as its ``history`` attribute.
    """
    X, y = _check_data(X, y, "fit")
    if val is not None:
        Xv, yv = _check_data(*val, "fit(val=...)")
        if Xv.shape[1] != X.shape[1]:
            raise ValueError(f"fit: validation data has {Xv.shape[1]} features, training "
                             f"data {X.shape[1]}")
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    n = len(X)
    size = n if batch_size is None else batch_size
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    stop = n - n % size if drop_last else n  # the end of the last batch trained on
    if stop == 0:
        raise ValueError(f"fit: drop_last=True with batch_size={size} and {n} samples leaves "
                         f"no full batch to train on")
    _check_batchnorm_batches(model, n, size, stop)
    metric_names = list(metrics) if metrics is not None else (
        ["accuracy"] if task == "classification" else ["mse"])
    for name in metric_names:
        if name not in _SCORES:
            raise ValueError(f"unknown metric {name!r}; choose from accuracy, precision, "
                             "recall, f1, mse, mae, r2")

    rng = np.random.default_rng(seed)
    # Every series exists from the start, so cutting them to the shortest
    # (after an interrupt) also sees the ones not yet appended to.
    sets = ("train", "val") if val is not None else ("train",)
    history = History(metrics={f"{s}_{name}": [] for s in sets for name in metric_names})
    params = model.parameters()
    bar = _progress(epochs, verbose)
    try:
        for epoch in range(epochs):
            if hasattr(model, "train"):
                model.train()
            order = rng.permutation(n) if shuffle else np.arange(n)
            for start in range(0, stop, size):
                rows = order[start:start + size]
                loss = loss_fn(model(batch(X[rows])), y[rows])
                if regularizer is not None:
                    loss = loss + regularizer(params)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            if scheduler is not None:
                scheduler.step()
            _eval_mode(model)
            train_loss, train_scores = _evaluate(model, loss_fn, X, y, task, metric_names)
            val_loss, val_scores = (None, {}) if val is None else _evaluate(
                model, loss_fn, Xv, yv, task, metric_names)
            history._record(train_loss, train_scores, val_loss, val_scores)
            watched = train_loss if val_loss is None else val_loss
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{train_loss:.4f}", **(
                    {"val_loss": f"{val_loss:.4f}"} if val_loss is not None else {}))
            if not math.isfinite(train_loss):
                history.stop_reason = (f"the training loss became {train_loss} at epoch "
                                       f"{epoch}: lower the learning rate")
                break
            if early_stopping is not None and early_stopping.update(epoch, watched, model):
                history.stop_reason = (f"early stopping: no improvement for "
                                       f"{early_stopping.patience} epochs")
                break
    except KeyboardInterrupt:
        history.stop_reason = "interrupted (Ctrl-C)"
    except Exception as error:
        history._even_up(val is not None)
        history.stop_reason = f"stopped by {type(error).__name__} in epoch {history.epochs}"
        error.history = history  # type: ignore[attr-defined]
        if hasattr(error, "add_note"):  # Python 3.11+
            error.add_note(f"fit: {history.epochs} epoch(s) completed; the History so far "
                           f"is this exception's .history")
        raise
    finally:
        if bar is not None:
            bar.close()
    history._even_up(val is not None)
    if early_stopping is not None and early_stopping.restore_best \
            and early_stopping.best_state is not None:
        model.load_state_dict(early_stopping.best_state)
        history.best_epoch = early_stopping.best_epoch
    _eval_mode(model)
    return history


def _check_batchnorm_batches(model: Any, n: int, size: int, stop: int) -> None:
    """Refuse, before any weight changes, a batching that would hand a BatchNorm1d
    in training a batch of one sample (it would raise mid-epoch)."""
    named_modules = getattr(model, "named_modules", None)
    if named_modules is None:
        return
    found = next((name or type(model).__name__ for name, module in named_modules()
                  if isinstance(module, BatchNorm1d)), None)
    if found is None:
        return
    last = stop - (stop - 1) // size * size  # the size of the last batch trained on
    if last > 1:
        return
    if n == 1:
        raise ValueError(f"fit: the model has a BatchNorm1d ({found}), which in training needs "
                         f"at least 2 samples per batch; got 1 sample")
    if size == 1:
        raise ValueError(f"fit: batch_size=1 gives one-sample batches, but the model's "
                         f"BatchNorm1d ({found}) needs at least 2 samples per batch in training")
    raise ValueError(f"fit: {n} samples in batches of {size} leave a last batch of 1 sample, "
                     f"but the model's BatchNorm1d ({found}) needs at least 2 per batch in "
                     f"training; pass drop_last=True to skip it each epoch (as PyTorch's "
                     f"DataLoader does), or choose a batch_size that does not leave 1")


def _progress(epochs: int, verbose: bool) -> Any:
    if not verbose or not sys.stderr.isatty():
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="training", unit="epoch", leave=True)
