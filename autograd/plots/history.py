"""Loss and metric curves, epoch by epoch: ``plot_history``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.language import language, tr
from autograd.plots.figures import (
    CLASS_COLOURS,
    SPLIT_COLOURS,
    SPLIT_NAMES,
    figure,
    finished,
    pyplot,
)
from autograd.scores import score_name

__all__ = ["plot_history"]


def plot_history(history: Any, metrics: Sequence[str] | None = None,
                 best_epoch: int | None = None, title: str | None = None,
                 lang: str | None = None) -> Any:
    """Per-epoch curves: one panel for the losses, one per metric, train vs validation.

    ``history`` is any of

    - a mapping of per-epoch lists: ``{"train_loss": [...], "val_loss": [...],
      "train_accuracy": [...], "val_accuracy": [...]}``;
    - an object with ``as_dict()`` returning such a mapping;
    - an object with list attributes (``history.train_loss``, ``history.val_loss``)
      and mappings of them (``history.metrics = {"accuracy": {"train": [...],
      "val": [...]}}`` or ``{"train_accuracy": [...]}``), such as the
      ``History`` of ``autograd.training.fit``.

    A name's prefix (``train_``, ``val_``/``validation_``, ``test_``) or suffix
    says which split a curve belongs to; the rest names the panel. Missing
    epochs (None or NaN) leave gaps. ``metrics`` picks the metric panels to show
    (default: all); losses are always shown. ``best_epoch`` (0-based: 0 is the
    first epoch; default ``history.best_epoch`` if it exists) draws a dashed
    line, e.g. the epoch whose weights early stopping restored.

    Its words (titles, axes, legends) are in ``lang`` ("en" or "ko"; default: the
    language ``autograd.language.set_language`` set).

    >>> fig = plot_history({"train_loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.7, 0.6],
    ...                     "train_accuracy": [0.6, 0.8, 0.9]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'accuracy']
    """
    with language(lang):
        series = _history_series(history)
        if best_epoch is None:
            best_epoch = _best_epoch(history)
        panels: dict[str, list[tuple[str, str, np.ndarray]]] = {}
        for name, values in series.items():
            split, metric = _split_name(name)
            panels.setdefault(metric, []).append((split, name, values))
        order = [m for m in panels if "loss" in m] + [m for m in panels if "loss" not in m]
        if metrics is not None:
            unknown = [m for m in metrics if m not in panels]
            if unknown:
                raise ValueError(f"plot_history: no curves for metric(s) {unknown}; the history "
                                 f"has {[m for m in order if 'loss' not in m]}")
            order = [m for m in order if "loss" in m or m in metrics]

        plt = pyplot()
        from matplotlib.ticker import MaxNLocator

        fig, axes = figure(plt, 1, len(order), (5.0 * len(order), 3.8))
        for ax, metric in zip(axes[0], order):
            for k, (split, name, values) in enumerate(panels[metric]):
                epochs = np.arange(1, len(values) + 1)
                colour = SPLIT_COLOURS.get(split, CLASS_COLOURS[(k + 3) % len(CLASS_COLOURS)])
                label = {"train": tr("train"), "val": tr("validation"),
                         "test": tr("test")}.get(split, name)
                ax.plot(epochs, values, color=colour, linewidth=2, label=label,
                        linestyle="--" if split == "test" else "-",
                        marker="o" if len(values) <= 25 else None, markersize=4)
            if best_epoch is not None:
                ax.axvline(best_epoch + 1, color="0.35", linestyle="--", linewidth=1.2,
                           label=tr("best epoch ({epoch})", epoch=best_epoch + 1))
            ax.set_title(score_name(metric))
            ax.set_xlabel(tr("epoch"))
            ax.set_ylabel(score_name(metric))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            ax.legend(frameon=False)
        if title:
            fig.suptitle(title)
        return finished(fig)


def _history_series(history: Any) -> dict[str, np.ndarray]:
    """Every per-epoch series in ``history`` as ``{name: float array}``."""
    if hasattr(history, "as_dict") and callable(history.as_dict):
        source = history.as_dict()
    elif isinstance(history, Mapping):
        source = history
    elif hasattr(history, "__dict__") or hasattr(history, "__slots__"):
        names = list(getattr(history, "__dict__", {})) + list(getattr(history, "__slots__", ()))
        source = {n: getattr(history, n) for n in names
                  if not n.startswith("_") and hasattr(history, n)}
    else:
        raise TypeError(f"plot_history needs a mapping of per-epoch lists or a History object, "
                        f"got {type(history).__name__}")
    series: dict[str, np.ndarray] = {}
    for name, value in _flatten(source):
        array = _number_list(value)
        if array is not None and array.size and not np.isnan(array).all():
            series[name] = array
    if not series:
        raise ValueError(f"plot_history: found no per-epoch lists of numbers in the history "
                         f"(keys/attributes: {sorted(map(str, source))})")
    return series


def _flatten(source: Mapping[str, Any], outer: str = "") -> list[tuple[str, Any]]:
    items = []
    for key, value in source.items():
        key = str(key)
        if isinstance(value, Mapping):
            items.extend(_flatten(value, key))
        elif outer and outer != "metrics":
            # {"accuracy": {"train": [...]}} -> "train_accuracy"; {"train": {"acc": ...}} too.
            items.append((f"{key}_{outer}" if key in SPLIT_NAMES else f"{outer}_{key}", value))
        else:
            items.append((key, value))
    return items


def _number_list(value: Any) -> np.ndarray | None:
    """A float array (None -> NaN) from a list of numbers or Values; None if it is not one."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        return None
    out = []
    for v in value:
        if isinstance(v, Value):
            v = v.data
        if v is None:
            out.append(math.nan)
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            out.append(float(v))
        else:
            return None
    return np.array(out, dtype=float)


def _split_name(name: str) -> tuple[str, str]:
    """``"val_accuracy"`` -> ``("val", "accuracy")``; ``"loss"`` -> ``("", "loss")``."""
    head, _, rest = name.partition("_")
    if rest and head.lower() in SPLIT_NAMES:
        return SPLIT_NAMES[head.lower()], rest
    rest, _, tail = name.rpartition("_")
    if rest and tail.lower() in SPLIT_NAMES:
        return SPLIT_NAMES[tail.lower()], rest
    return "", name


def _best_epoch(history: Any) -> int | None:
    best = history.get("best_epoch") if isinstance(history, Mapping) \
        else getattr(history, "best_epoch", None)
    if isinstance(best, numbers.Integral) and not isinstance(best, bool):
        return int(best)
    return None
