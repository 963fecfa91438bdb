"""What ``fit`` tells and asks each epoch: ``History`` records it, ``EarlyStopping`` says stop.

>>> from autograd.nn import Neuron
>>> model, stopper = Neuron(2, seed=0), EarlyStopping(patience=2)
>>> [stopper.update(epoch, loss, model) for epoch, loss in enumerate([3.0, 2.0, 2.5, 2.1])]
[False, False, False, True]
>>> stopper.best_epoch, stopper.best_loss
(1, 2.0)
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["History", "EarlyStopping"]


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
        """Record this epoch's loss; True when training should stop. At each best epoch
        so far the model's state dict is kept (``best_state``)."""
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
