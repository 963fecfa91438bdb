"""A training run, epoch by epoch: ``Recorder`` keeps what a film of the learning needs.

>>> from autograd import losses, nn, optim
>>> from autograd.training import Recorder, fit
>>> X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]
>>> model = nn.MLP(2, [4, 1], seed=0)
>>> rec = Recorder()
>>> history = fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.1),
...               X, y, epochs=30, verbose=False, record=rec)
>>> len(rec), rec.epochs[:3], rec.epochs[-1]
(31, [0, 1, 2], 30)
>>> rec[30].train_loss == history.train_loss[-1]      # epoch k: after k epochs of training
True
>>> rec[0].model([1.0, 0.0]).data == nn.MLP(2, [4, 1], seed=0)([1.0, 0.0]).data
True

Epoch 0 is the model before training, epoch k the model after k epochs (so
``History``'s entry k - 1). Each kept epoch (a ``Snapshot``) holds every
parameter and buffer (batch norm's running statistics), each parameter's
gradient as the epoch's last step left it, the training and validation loss,
the metrics ``fit`` reports and the learning rate. The losses and metrics of
every epoch are kept (``series``); the snapshots are thinned evenly once there
are more than ``max_frames`` of them, or than fit in ``max_bytes``: every
second one goes, then every second of those, so the kept epochs stay evenly
spread (the first, the latest and the best are always kept).

For 2-D inputs the recorder also holds a grid over the data (``grid``): a film
draws each neuron's output and the model's prediction on it, computed from a
snapshot's weights when drawn (``Snapshot.model``), so recording costs no
forward pass.

``fit(..., record=rec)`` records by itself. In a loop of one's own, call
``rec.snapshot(model, epoch=..., loss=...)`` after each epoch (and give the
recorder the data, ``Recorder(data=(X, y))``, for a film's pictures of it).
"""

from __future__ import annotations

import copy
import math
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import batch
from autograd.nn import RNN

__all__ = ["Recorder", "Snapshot", "Grid"]

MAX_FRAMES = 1000          # snapshots kept before thinning, unless told
MAX_BYTES = 256 * 2**20    # and the bytes they may take: a big model keeps fewer
GRID = 40                  # points per side of the grid over 2-D inputs


@dataclass(frozen=True)
class Grid:
    """Points over the plane of 2-D inputs, row by row: ``points[i * size + j]`` is
    ``(xs[j], ys[i])`` (the data's range and a tenth of it on each side)."""

    xs: np.ndarray
    ys: np.ndarray

    @property
    def size(self) -> int:
        return len(self.xs)

    @property
    def points(self) -> np.ndarray:
        gx, gy = np.meshgrid(self.xs, self.ys)
        return np.column_stack([gx.ravel(), gy.ravel()])

    @classmethod
    def over(cls, X: np.ndarray, size: int, padding: float = 0.1) -> Grid:
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = padding * np.where(hi > lo, hi - lo, 1.0)
        return cls(np.linspace(lo[0] - pad[0], hi[0] + pad[0], size),
                   np.linspace(lo[1] - pad[1], hi[1] + pad[1], size))


@dataclass
class _Run:
    """What every snapshot of a recording shares: the data and the loss trained on."""

    data: tuple[np.ndarray, np.ndarray] | None = None
    val: tuple[np.ndarray, np.ndarray] | None = None
    loss_fn: Callable[[Any, Any], Any] | None = None
    task: str = "classification"


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One recorded epoch: the model's state after it and what ``fit`` measured.

    ``values`` holds every parameter and buffer in ``names`` order (``state_dict()``
    gives them by name); ``grads`` each parameter's ``.grad`` as the epoch's last
    step left it (the gradient of its last mini-batch, penalty included), None for
    epoch 0, before any step.
    """

    epoch: int
    train_loss: float | None
    val_loss: float | None
    metrics: Mapping[str, float]
    lr: float | None
    values: np.ndarray
    grads: np.ndarray | None
    names: tuple[str, ...] = field(repr=False)
    _template: Any = field(repr=False)
    _run: _Run = field(repr=False, default_factory=_Run)

    def state_dict(self) -> dict[str, float]:
        """Every parameter and buffer by name, as ``Module.state_dict()`` gives them."""
        return dict(zip(self.names, self.values.tolist()))

    def gradients(self) -> dict[str, float]:
        """Each parameter's gradient by name (empty for epoch 0)."""
        if self.grads is None:
            return {}
        return dict(zip(self.names, self.grads.tolist()))

    @property
    def model(self) -> Any:
        """A new copy of the model as it was after this epoch, in eval mode."""
        twin = copy.deepcopy(self._template)
        twin.load_state_dict(self.state_dict())
        twin.eval()
        return twin

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + (0 if self.grads is None else self.grads.nbytes)

    def loss(self) -> Any:
        """This epoch's loss on the training data, with its graph (``backward()`` it to see
        the gradients): the model in eval mode, as ``fit`` evaluates an epoch, so its value
        is ``train_loss``. ``viz.show(rec[k])`` steps through it."""
        run = self._run
        if run.loss_fn is None or run.data is None:
            raise ValueError("this recording has no loss function or no data: fit gives "
                             "them, or Recorder(data=(X, y), loss_fn=...)")
        X, y = run.data
        out = run.loss_fn(self.model(batch(X)), y)
        out.label = "loss"
        return out


class Recorder:
    """What a training run did, epoch by epoch, within a bound on memory (module docstring).

    Args:
        max_frames: the most snapshots kept; past it they are thinned evenly.
        max_bytes: the most bytes the snapshots' arrays may take (a big model keeps
            fewer snapshots than ``max_frames``; at least the first and the latest).
        data: the training inputs and targets ``(X, y)``, for the pictures (``fit``
            gives its own when this is None).
        val: the validation data, likewise.
        grid: points per side of the grid over 2-D inputs.
        loss_fn, task: the loss ``fit`` trains with and its task ("classification" or
            "regression"; ``fit`` gives its own), for the pictures of an epoch's loss
            (``Snapshot.loss()``, an RNN's gradient per time step).

    ``rec[k]`` is epoch k's ``Snapshot`` (a ``KeyError`` names the nearest kept ones
    when k was thinned out), ``rec.epochs`` the kept epochs, ``rec.series(name)``
    every epoch's ``train_loss``, ``val_loss``, ``lr`` or metric, ``rec.best_epoch``
    the epoch early stopping kept (None without it).
    """

    def __init__(self, *, max_frames: int = MAX_FRAMES, max_bytes: int = MAX_BYTES,
                 data: tuple[Any, Any] | None = None, val: tuple[Any, Any] | None = None,
                 grid: int = GRID, loss_fn: Callable[[Any, Any], Any] | None = None,
                 task: str = "classification") -> None:
        self.max_frames = _whole(max_frames, "max_frames", 2)
        self.max_bytes = _whole(max_bytes, "max_bytes", 1)
        self.grid_size = _whole(grid, "grid", 2)
        if task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
        self._run = _Run(loss_fn=loss_fn, task=task)
        self.grid: Grid | None = None
        self._template: Any = None
        self._model: Any = lambda: None  # the model last recorded (weakly), its parameters
        self._params: list[Any] = []
        self.set_data(data, val)
        self.best_epoch: int | None = None
        self.stop_reason: str | None = None
        self.finished = False
        self.model_name = ""
        self.names: tuple[str, ...] = ()
        self.parameter_count = 0
        self._frames: dict[int, Snapshot] = {}  # epoch -> snapshot, in order
        self._order: dict[int, int] = {}        # epoch -> how many snapshots came before it
        self._stride = 1                        # keep every stride-th snapshot
        self._series: dict[str, list[float]] = {"epoch": [], "train_loss": [], "val_loss": [],
                                                 "lr": []}
        self._hooks: dict[int, Callable[[Recorder], None]] = {}
        self._lock = threading.RLock()

    # -- what goes in ------------------------------------------------------------------
    @property
    def data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The training data ``(X, y)`` the pictures show (None: not given)."""
        return self._run.data

    @property
    def val(self) -> tuple[np.ndarray, np.ndarray] | None:
        return self._run.val

    @property
    def loss_fn(self) -> Callable[[Any, Any], Any] | None:
        return self._run.loss_fn

    @loss_fn.setter
    def loss_fn(self, fn: Callable[[Any, Any], Any] | None) -> None:
        self._run.loss_fn = fn

    @property
    def task(self) -> str:
        return self._run.task

    @task.setter
    def task(self, task: str) -> None:
        self._run.task = task

    def set_data(self, data: tuple[Any, Any] | None,
                 val: tuple[Any, Any] | None = None) -> None:
        """The training (and validation) data the pictures show; a grid over 2-D inputs."""
        if data is not None:
            self._run.data = _pair(data, "data")
            X = self._run.data[0]
            plane = X.ndim == 2 and X.shape[1] == 2 and not isinstance(self._template, RNN)
            self.grid = Grid.over(X, self.grid_size) if plane else None
        if val is not None:
            self._run.val = _pair(val, "val")

    def snapshot(self, model: Any, *, epoch: int, loss: float | None = None,
                 val_loss: float | None = None, metrics: Mapping[str, float] | None = None,
                 lr: float | None = None) -> Snapshot:
        """Record ``model`` as it is after ``epoch`` (0: before training), with the
        losses, metrics and learning rate of that epoch. Epochs must increase."""
        if not hasattr(model, "named_parameters") or not hasattr(model, "load_state_dict"):
            raise TypeError(f"Recorder.snapshot() takes a model from autograd.nn, got "
                            f"{type(model).__name__}")
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch must be a whole number >= 0, got {epoch!r}")
        epoch = int(epoch)
        with self._lock:
            if self._series["epoch"] and epoch <= self._series["epoch"][-1]:
                raise ValueError(f"epoch {epoch} comes after epoch {self._series['epoch'][-1]}: "
                                 f"snapshots are taken in order of increasing epochs")
            if self._template is None:
                self._begin(model)
            values, grads = self._read(model, epoch)
            shot = Snapshot(epoch, _number(loss, "loss"), _number(val_loss, "val_loss"),
                            {k: float(v) for k, v in (metrics or {}).items()},
                            _number(lr, "lr"), values, grads, self.names, self._template,
                            self._run)
            self._append_series(shot)
            self._order[epoch] = len(self._series["epoch"]) - 1
            self._frames[epoch] = shot
            self._thin()
        self._call_hooks()
        return shot

    def mark_best(self, epoch: int) -> None:
        """Mark ``epoch`` as the one early stopping keeps (it stays through thinning)."""
        with self._lock:
            if epoch not in self._frames:
                raise KeyError(f"epoch {epoch} is not recorded")
            self.best_epoch = epoch

    def finish(self, stop_reason: str | None = None) -> None:
        """Say that training is over (``fit`` calls it): a film now shows its last frame."""
        with self._lock:
            self.finished = True
            self.stop_reason = stop_reason
            self._thin()
        self._call_hooks()

    def register_hook(self, hook: Callable[[Recorder], None]) -> Callable[[], None]:
        """Call ``hook(recorder)`` after every snapshot and at ``finish``; returns a function
        that removes it. (A live film in Jupyter updates itself this way.)"""
        key = id(hook)
        self._hooks[key] = hook

        def remove() -> None:
            self._hooks.pop(key, None)
        return remove

    # -- what comes out ----------------------------------------------------------------
    @property
    def epochs(self) -> list[int]:
        """The kept epochs, in order."""
        with self._lock:
            return list(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, epoch: object) -> bool:
        return epoch in self._frames

    def __iter__(self) -> Iterator[Snapshot]:
        with self._lock:
            return iter(list(self._frames.values()))

    def __getitem__(self, epoch: int) -> Snapshot:
        with self._lock:
            if epoch in self._frames:
                return self._frames[epoch]
            kept = list(self._frames)
        if not kept:
            raise KeyError("nothing is recorded yet: pass record= to fit, or call snapshot()")
        if not isinstance(epoch, (int, np.integer)) or isinstance(epoch, bool):
            raise TypeError(f"a recorder is indexed by epoch (an int), got {epoch!r}")
        if not kept[0] <= epoch <= kept[-1]:
            raise KeyError(f"epoch {epoch} is not recorded: the recording runs from epoch "
                           f"{kept[0]} to {kept[-1]}")
        after = next(k for k in kept if k > epoch)
        before = kept[kept.index(after) - 1]
        raise KeyError(f"epoch {epoch} was thinned out (max_frames={self.max_frames}); the "
                       f"nearest kept epochs are {before} and {after}")

    @property
    def latest(self) -> Snapshot:
        with self._lock:
            if not self._frames:
                raise KeyError("nothing is recorded yet")
            return next(reversed(self._frames.values()))

    def series(self, name: str) -> tuple[list[int], list[float]]:
        """``(epochs, values)`` of ``train_loss``, ``val_loss``, ``lr`` or a metric
        (``train_accuracy``, ...) for every recorded epoch, thinned or not (an epoch
        without that value is left out)."""
        with self._lock:
            if name not in self._series or name == "epoch":
                raise KeyError(f"no series {name!r}; recorded: {', '.join(self.series_names)}")
            pairs = [(e, v) for e, v in zip(self._series["epoch"], self._series[name])
                     if not math.isnan(v)]
        return [e for e, _ in pairs], [v for _, v in pairs]

    @property
    def series_names(self) -> list[str]:
        """The series with at least one value: train_loss, val_loss, lr, the metrics."""
        with self._lock:
            return [n for n, values in self._series.items()
                    if n != "epoch" and any(not math.isnan(v) for v in values)]

    @property
    def nbytes(self) -> int:
        """The bytes the snapshots' arrays and the series take."""
        with self._lock:
            return (sum(s.nbytes for s in self._frames.values())
                    + 8 * sum(len(v) for v in self._series.values()))

    def __repr__(self) -> str:
        span = f"epochs {self.epochs[0]}..{self.epochs[-1]}" if self._frames else "empty"
        return f"<Recorder {self.model_name or 'of nothing yet'}: {len(self)} snapshots, {span}>"

    # -- inside ------------------------------------------------------------------------
    def _begin(self, model: Any) -> None:
        """The first snapshot: the names, and a template of the model for ``Snapshot.model``
        (a copy without the graph of its last call, which an RNN keeps)."""
        params = list(model.named_parameters())
        buffers = [name for name, _ in model.named_buffers()]
        self.names = tuple([name for name, _ in params] + buffers)
        self.parameter_count = len(params)
        memo: dict[int, Any] = {}
        for _, module in model.named_modules():
            hidden = vars(module).get("_hidden")
            if isinstance(hidden, list):
                memo[id(hidden)] = []
        self._template = copy.deepcopy(model, memo)
        self.model_name = repr(model)
        if isinstance(model, RNN):  # its inputs are sequences, not points of a plane
            self.grid = None

    def _read(self, model: Any, epoch: int) -> tuple[np.ndarray, np.ndarray | None]:
        if self._model() is not model:  # the same model's parameters are the same objects
            self._model, self._params = weakref.ref(model), model.parameters()
        params = self._params
        if len(params) != self.parameter_count:
            raise ValueError(f"Recorder.snapshot(): the model has {len(params)} parameters, "
                             f"the recording {self.parameter_count}: record one model per "
                             f"recorder")
        n = len(self.names)
        values = np.empty(n)
        values[:len(params)] = [p.data for p in params]
        if n > len(params):
            values[len(params):] = [v for _, v in model.named_buffers()]
        values.flags.writeable = False  # a record: never changed after the fact
        if epoch == 0:
            return values, None
        try:
            grads = np.array([p.grad for p in params], dtype=float)
        except (TypeError, ValueError):  # a batched .grad: not a step fit takes
            raise ValueError("Recorder.snapshot(): a parameter's .grad is not one number; "
                             "parameters are scalars in autograd.nn") from None
        grads.flags.writeable = False
        return values, grads

    def _append_series(self, shot: Snapshot) -> None:
        nan = math.nan
        row = {"epoch": shot.epoch, "lr": nan if shot.lr is None else shot.lr,
               "train_loss": nan if shot.train_loss is None else shot.train_loss,
               "val_loss": nan if shot.val_loss is None else shot.val_loss, **shot.metrics}
        count = len(self._series["epoch"])
        for name in row:
            if name not in self._series:
                self._series[name] = [nan] * count
        for name, values in self._series.items():
            values.append(float(row.get(name, nan)))

    def _limit(self) -> int:
        """How many snapshots fit in ``max_frames`` and ``max_bytes`` (at least 2)."""
        each = max(1, self.latest.nbytes)
        return max(2, min(self.max_frames, self.max_bytes // each))

    def _thin(self) -> None:
        """Keep every stride-th snapshot (by order of arrival), the first, the latest and
        the best; double the stride while more than ``_limit()`` remain."""
        if not self._frames:
            return
        keep = {next(iter(self._frames)), next(reversed(self._frames)), self.best_epoch}
        limit = self._limit()
        while True:
            drop = [e for e in self._frames
                    if self._order[e] % self._stride and e not in keep]
            for e in drop:
                del self._frames[e], self._order[e]
            if len(self._frames) <= limit:
                return
            self._stride *= 2

    def _call_hooks(self) -> None:
        for hook in list(self._hooks.values()):
            hook(self)


def _whole(value: Any, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    return int(value)


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}") from None


def _pair(data: Sequence[Any], name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` as arrays: X (n_samples, n_features) (or a batch of sequences), y one
    target per sample."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} is a pair (X, y), got {type(data).__name__}")
    X, y = np.array(data[0], dtype=float), np.array(data[1])
    if X.ndim == 1:
        X = X[:, None]
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"{name}: X has {len(X)} samples and y {len(y)}")
    return X, y
