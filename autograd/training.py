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

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.callbacks import EarlyStopping, History
from autograd.engine import Value, batch, no_grad
from autograd.nn import BatchNorm1d
from autograd.recorder import Recorder
from autograd.scores import SCORES

__all__ = ["History", "EarlyStopping", "Recorder", "fit", "predict", "predict_proba",
           "outputs_of"]
# (History and EarlyStopping live in autograd.callbacks, Recorder in autograd.recorder,
# the scores in autograd.scores)

LossFn = Callable[[Any, Any], Value]


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
            scores[name] = SCORES[name](t, p)
    return loss, scores


def fit(model: Any, loss_fn: LossFn, optimizer: Any, X: Any, y: Any, *,
        val: tuple[Any, Any] | None = None, epochs: int = 100, batch_size: int | None = None,
        drop_last: bool = False, early_stopping: EarlyStopping | None = None,
        regularizer: Callable[[list[Value]], Value] | None = None,
        metrics: Sequence[str] | None = None, task: str = "classification",
        shuffle: bool = True, seed: int | None = 0, scheduler: Any = None,
        verbose: bool = True, record: Recorder | None = None) -> History:
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

    ``record``, a ``Recorder``, keeps the model after every epoch (and before the
    first, as epoch 0), for a film of the training (``viz.show(record)``); its
    epoch k is this History's entry k - 1. A recorder that already holds epochs
    goes on from its last one.

    Ctrl-C stops cleanly: the history of the completed epochs is returned (every
    series the same length, whenever the interrupt came) and, with early
    stopping, the best weights are restored; without it the model keeps the
    weights it had. Any other error raised while training propagates with the
    history so far attached as its ``history`` attribute.
    """
    X, y = _check_data(X, y, "fit")
    val = _check_settings(X, val, task, epochs)
    batches = _batches(model, len(X), batch_size, drop_last)
    metric_names = _metric_names(metrics, task)

    rng = np.random.default_rng(seed)
    # Every series exists from the start, so cutting them to the shortest
    # (after an interrupt) also sees the ones not yet appended to.
    sets = ("train", "val") if val is not None else ("train",)
    history = History(metrics={f"{s}_{name}": [] for s in sets for name in metric_names})
    params = model.parameters()
    start = _start_recording(record, model, loss_fn, (X, y), val, task, metric_names, optimizer)
    bar = _progress(epochs, verbose)
    try:
        for epoch in range(epochs):
            if hasattr(model, "train"):
                model.train()
            order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
            for rows in batches(order):
                loss = loss_fn(model(batch(X[rows])), y[rows])
                if regularizer is not None:
                    loss = loss + regularizer(params)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            lr = getattr(optimizer, "lr", None)  # the rate this epoch trained with
            if scheduler is not None:
                scheduler.step()
            reason = _end_of_epoch(epoch, model, loss_fn, (X, y), val, task, metric_names,
                                   history, early_stopping, bar)
            if record is not None:
                _record_epoch(record, model, start + epoch + 1, history, lr,
                              early_stopping is not None and early_stopping.best_epoch == epoch)
            if reason:
                history.stop_reason = reason
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
        if record is not None:
            record.finish(history.stop_reason)
    history._even_up(val is not None)
    if early_stopping is not None and early_stopping.restore_best \
            and early_stopping.best_state is not None:
        model.load_state_dict(early_stopping.best_state)
        history.best_epoch = early_stopping.best_epoch
    _eval_mode(model)
    return history


def _start_recording(record: Recorder | None, model: Any, loss_fn: LossFn,
                     train: tuple[np.ndarray, np.ndarray],
                     val: tuple[np.ndarray, np.ndarray] | None, task: str,
                     metric_names: Sequence[str], optimizer: Any) -> int:
    """Give ``record`` the data and, unless it goes on from earlier epochs, the model before
    training as epoch 0 (evaluated as every epoch is); the epoch it goes on from."""
    if record is None:
        return 0
    if not isinstance(record, Recorder):
        raise TypeError(f"record must be an autograd.training.Recorder, got "
                        f"{type(record).__name__}")
    if record.loss_fn is None:
        record.loss_fn, record.task = loss_fn, task
    if record.data is None:
        record.set_data(train, val)
    elif record.val is None and val is not None:
        record.set_data(None, val)
    if len(record):
        return record.latest.epoch
    history = History()
    _eval_mode(model)
    train_loss, train_scores = _evaluate(model, loss_fn, *train, task, metric_names)
    val_loss, val_scores = (None, {}) if val is None else _evaluate(
        model, loss_fn, *val, task, metric_names)
    history._record(train_loss, train_scores, val_loss, val_scores)
    _record_epoch(record, model, 0, history, getattr(optimizer, "lr", None), False)
    return 0


def _record_epoch(record: Recorder, model: Any, epoch: int, history: History,
                  lr: float | None, best: bool) -> None:
    """The model after ``epoch``, with the history's latest numbers."""
    record.snapshot(model, epoch=epoch, loss=history.train_loss[-1],
                    val_loss=history.val_loss[-1] if history.val_loss else None,
                    metrics={name: values[-1] for name, values in history.metrics.items()},
                    lr=lr)
    if best:
        record.mark_best(epoch)


def _check_settings(X: np.ndarray, val: tuple[Any, Any] | None, task: str, epochs: int
                    ) -> tuple[np.ndarray, np.ndarray] | None:
    """The validation data, checked, and the task and number of epochs checked."""
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    if val is None:
        return None
    Xv, yv = _check_data(*val, "fit(val=...)")
    if Xv.shape[1] != X.shape[1]:
        raise ValueError(f"fit: validation data has {Xv.shape[1]} features, training "
                         f"data {X.shape[1]}")
    return Xv, yv


def _batches(model: Any, n: int, batch_size: int | None, drop_last: bool
             ) -> Callable[[np.ndarray], list[np.ndarray]]:
    """The rows of each batch of an epoch, from the epoch's order of the n samples;
    checked before any weight changes."""
    size = n if batch_size is None else batch_size
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    stop = n - n % size if drop_last else n  # the end of the last batch trained on
    if stop == 0:
        raise ValueError(f"fit: drop_last=True with batch_size={size} and {n} samples leaves "
                         f"no full batch to train on")
    _check_batchnorm_batches(model, n, size, stop)
    return lambda order: [order[start:start + size] for start in range(0, stop, size)]


def _metric_names(metrics: Sequence[str] | None, task: str) -> list[str]:
    names = list(metrics) if metrics is not None else (
        ["accuracy"] if task == "classification" else ["mse"])
    for name in names:
        if name not in SCORES:
            raise ValueError(f"unknown metric {name!r}; choose from accuracy, precision, "
                             "recall, f1, mse, mae, r2")
    return names


def _end_of_epoch(epoch: int, model: Any, loss_fn: LossFn, train: tuple[np.ndarray, np.ndarray],
                  val: tuple[np.ndarray, np.ndarray] | None, task: str,
                  metric_names: Sequence[str], history: History,
                  early_stopping: EarlyStopping | None, bar: Any) -> str:
    """Evaluate the model on both sets, record the epoch and show it; why training must
    stop now, or ""."""
    _eval_mode(model)
    train_loss, train_scores = _evaluate(model, loss_fn, *train, task, metric_names)
    val_loss, val_scores = (None, {}) if val is None else _evaluate(
        model, loss_fn, *val, task, metric_names)
    history._record(train_loss, train_scores, val_loss, val_scores)
    if bar is not None:
        bar.update(1)
        bar.set_postfix(loss=f"{train_loss:.4f}", **(
            {"val_loss": f"{val_loss:.4f}"} if val_loss is not None else {}))
    if not math.isfinite(train_loss):
        return f"the training loss became {train_loss} at epoch {epoch}: lower the learning rate"
    watched = train_loss if val_loss is None else val_loss
    if early_stopping is not None and early_stopping.update(epoch, watched, model):
        return f"early stopping: no improvement for {early_stopping.patience} epochs"
    return ""


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
