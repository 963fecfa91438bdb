"""Pictures of training: loss curves, decision boundaries, confusion matrices, weights.

matplotlib is an optional extra (``pip install autograd-viz[notebooks]``); it
is imported only when a function here is called, and without a display (a
server, CI) the non-interactive Agg backend is used.

Every function returns a ``matplotlib.figure.Figure``. The figure is not kept
open by pyplot: in Jupyter it shows once as the cell's result, and in a script
you save it with ``fig.savefig("loss.png")``. So a loop that makes hundreds of
figures does not pile them up in memory.

>>> fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
>>> fig.savefig("confusion.png")                                     # doctest: +SKIP
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from autograd.engine import Value

__all__ = ["plot_history", "plot_decision_boundary", "plot_confusion_matrix",
           "plot_weight_histograms"]

_MISSING_MATPLOTLIB = ("autograd.plots needs matplotlib, which is not installed. Install the "
                       "optional extra with `pip install autograd-viz[notebooks]`, or just "
                       "`pip install matplotlib`.")

# Train in blue, validation in orange, test in green, everywhere.
_SPLIT_COLOURS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c"}
_SPLIT_NAMES = {"train": "train", "training": "train", "val": "val", "valid": "val",
                "validation": "val", "test": "test"}
# Class colours: blue and red for two classes (the ends of the score colour map).
_CLASS_COLOURS = ["#2166ac", "#b2182b", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]


def _pyplot() -> Any:
    """matplotlib.pyplot, imported on first use, on the Agg backend when there is no display."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(_MISSING_MATPLOTLIB) from error
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") \
            and _headless():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _headless() -> bool:
    if sys.platform in ("darwin", "win32"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _figure(plt: Any, nrows: int, ncols: int, figsize: tuple[float, float], **kwargs: Any
            ) -> tuple[Any, Any]:
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, **kwargs)
    # Closed at once: pyplot forgets it, so Jupyter shows it once (as the returned
    # value), and nothing accumulates. Drawing and saving still work.
    plt.close(fig)
    return fig, axes


# -- loss and metric curves ------------------------------------------------------------

def plot_history(history: Any, metrics: Sequence[str] | None = None,
                 best_epoch: int | None = None, title: str | None = None) -> Any:
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

    >>> fig = plot_history({"train_loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.7, 0.6],
    ...                     "train_accuracy": [0.6, 0.8, 0.9]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'accuracy']
    """
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

    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = _figure(plt, 1, len(order), (5.0 * len(order), 3.8))
    for ax, metric in zip(axes[0], order):
        for k, (split, name, values) in enumerate(panels[metric]):
            epochs = np.arange(1, len(values) + 1)
            colour = _SPLIT_COLOURS.get(split, _CLASS_COLOURS[(k + 3) % len(_CLASS_COLOURS)])
            label = {"train": "train", "val": "validation", "test": "test"}.get(split, name)
            ax.plot(epochs, values, color=colour, linewidth=2, label=label,
                    linestyle="--" if split == "test" else "-",
                    marker="o" if len(values) <= 25 else None, markersize=4)
        if best_epoch is not None:
            ax.axvline(best_epoch + 1, color="0.35", linestyle="--", linewidth=1.2,
                       label=f"best epoch ({best_epoch + 1})")
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


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
            items.append((f"{key}_{outer}" if key in _SPLIT_NAMES else f"{outer}_{key}", value))
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
    if rest and head.lower() in _SPLIT_NAMES:
        return _SPLIT_NAMES[head.lower()], rest
    rest, _, tail = name.rpartition("_")
    if rest and tail.lower() in _SPLIT_NAMES:
        return _SPLIT_NAMES[tail.lower()], rest
    return "", name


def _best_epoch(history: Any) -> int | None:
    best = history.get("best_epoch") if isinstance(history, Mapping) \
        else getattr(history, "best_epoch", None)
    if isinstance(best, numbers.Integral) and not isinstance(best, bool):
        return int(best)
    return None


# -- decision boundary -----------------------------------------------------------------

def plot_decision_boundary(predict_fn: Callable[[np.ndarray], Any], X: Any, y: Any,
                           resolution: int = 200, padding: float = 0.1,
                           threshold: float | None = None,
                           class_names: Sequence[str] | None = None,
                           feature_names: Sequence[str] = ("x1", "x2"),
                           title: str = "Decision boundary") -> Any:
    """The regions a 2-D classifier assigns to each class, with the data on top.

    ``predict_fn`` is called once with an ``(m, 2)`` array of grid points
    (``m = resolution ** 2``) and may return

    - class labels, shape ``(m,)`` of whole numbers: the regions are coloured
      by class and the boundaries drawn between them;
    - one score per point, shape ``(m,)`` or ``(m, 1)``, e.g. a probability or a
      logit: the score is shaded and the boundary drawn where it crosses
      ``threshold`` (default 0.5 if every score is in [0, 1], else 0);
    - several scores per point, shape ``(m, k)`` or a list of k batch Values:
      the argmax is the class.

    Values are accepted (their ``.data`` is used). ``X`` is ``(n, 2)``, ``y`` its
    labels. For a model on the engine: ``lambda G: predict(model, G)``.

    >>> fig = plot_decision_boundary(lambda G: (G[:, 0] > 0).astype(int),
    ...                              [[-1.0, 0.0], [1.0, 0.0]], [0, 1], resolution=20)
    >>> fig.axes[0].get_title()
    'Decision boundary'
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"plot_decision_boundary needs X of shape (n_samples, 2), "
                         f"got {X.shape}")
    y = np.asarray(y).ravel()
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral) \
            or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2, got {resolution!r}")

    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * np.where(hi > lo, hi - lo, 1.0)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    out = _grid_output(predict_fn(grid), len(grid))

    classes = np.unique(y)
    scores = None
    if out.ndim == 2:  # several scores per point: the argmax is the class
        scores, out = out, out.argmax(axis=1).astype(float)
    labels_mode = scores is not None or np.array_equal(out, np.round(out))
    if labels_mode:
        classes = np.unique(np.concatenate([classes, out]))
    if len(classes) > len(_CLASS_COLOURS):
        raise ValueError(f"plot_decision_boundary draws at most {len(_CLASS_COLOURS)} classes, "
                         f"got {len(classes)}")
    names = [f"class {_plain_label(c)}" for c in classes] if class_names is None \
        else [str(name) for name in class_names]
    if len(names) < len(classes):
        raise ValueError(f"class_names has {len(names)} names for {len(classes)} classes "
                         f"{[_plain_label(c) for c in classes]}")

    plt = _pyplot()
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap, TwoSlopeNorm

    fig, axes = _figure(plt, 1, 1, (6.4, 5.2))
    ax = axes[0, 0]
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    if labels_mode:
        index = np.searchsorted(classes, out).reshape(gx.shape)
        light = ListedColormap([_lighten(_CLASS_COLOURS[k]) for k in range(len(classes))])
        ax.imshow(index, extent=extent, origin="lower", cmap=light, aspect="auto",
                  interpolation="nearest", vmin=-0.5, vmax=len(classes) - 0.5)
        for k in range(len(classes)):
            if scores is not None and k < scores.shape[1]:
                # Where class k's score ties with the best other score: a smooth line.
                others = np.delete(scores, k, axis=1).max(axis=1)
                edge = (scores[:, k] - others).reshape(gx.shape)
            else:
                edge = (index == k).astype(float) - 0.5
            if edge.min() < 0 < edge.max():
                ax.contour(gx, gy, edge, levels=[0.0], colors="k", linewidths=1.2)
    else:
        values = out.reshape(gx.shape)
        if threshold is None:
            threshold = 0.5 if values.min() >= 0 and values.max() <= 1 else 0.0
        low, high = min(values.min(), threshold - 1e-9), max(values.max(), threshold + 1e-9)
        cmap = LinearSegmentedColormap.from_list(
            "class_scores", [_lighten(_CLASS_COLOURS[0], 0.45), "#f7f7f7",
                             _lighten(_CLASS_COLOURS[1], 0.45)])
        shade = ax.contourf(gx, gy, values, levels=20, cmap=cmap,
                            norm=TwoSlopeNorm(vcenter=threshold, vmin=low, vmax=high))
        if values.min() < threshold < values.max():
            ax.contour(gx, gy, values, levels=[threshold], colors="k", linewidths=1.6)
        bar = fig.colorbar(shade, ax=ax, shrink=0.85)
        bar.set_label(f"score (boundary at {threshold:g})")
    for k, c in enumerate(classes):
        mask = y == c
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], s=22, color=_CLASS_COLOURS[k],
                       edgecolors="white", linewidths=0.6, label=names[k], zorder=3)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title)
    ax.legend(loc="best", framealpha=0.9)
    fig.tight_layout()
    return fig


def _grid_output(out: Any, m: int) -> np.ndarray:
    """predict_fn's result as ``(m,)`` floats or ``(m, k)`` scores."""
    if isinstance(out, Value):
        out = out.data
    elif isinstance(out, (list, tuple)) and out and all(isinstance(v, Value) for v in out):
        datas = [v.data for v in out]
        out = np.column_stack(datas) if isinstance(datas[0], np.ndarray) else np.array(datas)
    try:
        out = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("predict_fn must return numbers (labels or scores) for each grid point, "
                        f"got {type(out).__name__}") from None
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim not in (1, 2) or len(out) != m:
        raise ValueError(f"predict_fn got {m} grid points (an ({m}, 2) array) and must return "
                         f"one label or score per point, but returned shape {out.shape}")
    if not np.isfinite(out).all():
        raise ValueError("predict_fn returned NaN or infinite values")
    return out


def _plain_label(c: Any) -> Any:
    """1.0 -> 1 for display; anything else as it is."""
    if isinstance(c, (float, np.floating)) and float(c).is_integer():
        return int(c)
    return c.item() if isinstance(c, np.generic) else c


def _lighten(colour: str, amount: float = 0.7) -> tuple[float, float, float]:
    """``colour`` mixed with white: ``amount`` 0 is the colour, 1 is white."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1.0 - c) * amount for c in to_rgb(colour))


# -- confusion matrix ------------------------------------------------------------------

def plot_confusion_matrix(cm: Any, labels: Sequence[Any] | None = None,
                          normalize: bool = False, title: str | None = None,
                          cmap: str = "Blues") -> Any:
    """A heatmap of a confusion matrix: rows are the true class, columns the prediction.

    ``cm`` is a square matrix of counts, e.g. from ``sklearn.metrics.confusion_matrix``.
    Each cell shows its count; with ``normalize=True`` the colour and the second
    line give the fraction of its row (the recall of each class on the diagonal).
    The default title states the accuracy (the diagonal's share).

    >>> fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
    >>> fig.axes[0].get_title()
    'Confusion matrix (accuracy 93.0%)'
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"a confusion matrix is square (k x k), got shape {cm.shape}")
    if not np.issubdtype(cm.dtype, np.number) or (cm < 0).any():
        raise ValueError("a confusion matrix holds counts (numbers >= 0)")
    k = cm.shape[0]
    labels = [str(c) for c in range(k)] if labels is None else [str(c) for c in labels]
    if len(labels) != k:
        raise ValueError(f"{len(labels)} labels for a {k} x {k} confusion matrix")
    total = cm.sum()
    rows = cm.sum(axis=1, keepdims=True)
    fraction = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
    shade = fraction if normalize else cm

    plt = _pyplot()
    size = 3.2 + 0.55 * k
    fig, axes = _figure(plt, 1, 1, (size + 1.0, size))
    ax = axes[0, 0]
    image = ax.imshow(shade, cmap=cmap, vmin=0, vmax=1 if normalize else max(shade.max(), 1))
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("fraction of the true class" if normalize else "samples")
    dark = shade > (0.5 if normalize else shade.max() / 2)
    for i in range(k):
        for j in range(k):
            count = f"{cm[i, j]:g}" if cm.dtype.kind == "f" else f"{cm[i, j]}"
            text = f"{count}\n{fraction[i, j]:.0%}" if normalize else count
            ax.text(j, i, text, ha="center", va="center", fontsize=11 if k <= 6 else 8,
                    color="white" if dark[i, j] else "black")
    ax.set_xticks(range(k), labels, rotation=30 if max(map(len, labels)) > 6 else 0,
                  ha="right" if max(map(len, labels)) > 6 else "center")
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    if title is None:
        title = "Confusion matrix" + (f" (accuracy {np.trace(cm) / total:.1%})" if total else "")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# -- weight histograms -----------------------------------------------------------------

def plot_weight_histograms(weights: Any, bins: int = 41, zero_tol: float = 1e-3,
                           title: str | None = None) -> Any:
    """Histograms of weights, one panel per group, on a shared axis: L1 makes a spike at 0.

    ``weights`` is any of

    - a mapping ``{name: weights}``, each a list of numbers or Values, an array,
      or a model (anything with ``parameters()``): e.g. ``{"no penalty": model_a,
      "L1": model_b}`` compares two models;
    - a model with a ``layers`` list (each with ``parameters()``): one panel per layer;
    - a model with ``parameters()``: one panel;
    - a plain list or array of weights: one panel.

    Each panel states the number of weights, the mean ``|w|`` and the share with
    ``|w| < zero_tol`` (dead weights: what L1 regularization produces). The bins
    are symmetric about 0, and with an odd ``bins`` one bin is centred on 0, so
    the spike of zeros stays in one bar.

    >>> fig = plot_weight_histograms({"dense": [0.5, -0.2, 0.0, 0.0], "sparse": [0.0] * 4})
    >>> [ax.get_title() for ax in fig.axes]
    ['dense', 'sparse']
    """
    groups = _weight_groups(weights)
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    limit = max(float(np.abs(w).max()) for w in groups.values())
    limit = limit * 1.05 if limit > 0 else 1.0
    edges = np.linspace(-limit, limit, int(bins) + 1)

    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    cols = min(len(groups), 3)
    rows = math.ceil(len(groups) / cols)
    fig, axes = _figure(plt, rows, cols, (4.4 * cols, 3.3 * rows), sharex=True)
    for ax, (name, w) in zip(axes.ravel(), groups.items()):
        counts, _, _ = ax.hist(w, bins=edges, color="#4c72b0", edgecolor="white",
                               linewidth=0.5)
        ax.set_ylim(0, max(counts.max(), 1) * 1.4)  # headroom: the summary box sits above bars
        ax.axvline(0.0, color="0.3", linewidth=0.8)
        dead = float(np.mean(np.abs(w) < zero_tol))
        ax.text(0.97, 0.95, f"n = {w.size}\nmean |w| = {np.abs(w).mean():.3g}\n"
                f"|w| < {zero_tol:g}: {dead:.0%}", transform=ax.transAxes, ha="right",
                va="top", fontsize=9, bbox={"boxstyle": "round", "fc": "white", "ec": "0.8"})
        ax.set_title(name)
        ax.set_xlabel("weight")
        ax.set_ylabel("count")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _weight_groups(weights: Any) -> dict[str, np.ndarray]:
    if isinstance(weights, Mapping):
        groups = {str(name): _weight_array(w, str(name)) for name, w in weights.items()}
    elif _is_model(weights) and _layers(weights):
        groups = {f"layer {i} ({type(layer).__name__})": _weight_array(layer, f"layer {i}")
                  for i, layer in enumerate(_layers(weights))}
    elif _is_model(weights):
        groups = {"parameters": _weight_array(weights, "parameters")}
    else:
        groups = {"weights": _weight_array(weights, "weights")}
    groups = {name: w for name, w in groups.items() if w.size}
    if not groups:
        raise ValueError("plot_weight_histograms: no weights to plot (every group is empty)")
    return groups


def _is_model(obj: Any) -> bool:
    return callable(getattr(obj, "parameters", None))


def _layers(model: Any) -> list[Any]:
    layers = getattr(model, "layers", None)
    if isinstance(layers, Sequence) and layers and all(_is_model(layer) for layer in layers):
        return list(layers)
    return []


def _weight_array(w: Any, name: str) -> np.ndarray:
    if _is_model(w):
        w = list(w.parameters())
    if isinstance(w, Value):
        w = [w]
    values = []
    for v in (w.ravel() if isinstance(w, np.ndarray) else w):
        data = v.data if isinstance(v, Value) else v
        values.append(np.ravel(np.asarray(data, dtype=float)))
    array = np.concatenate(values) if values else np.zeros(0)
    if not np.isfinite(array).all():
        raise ValueError(f"plot_weight_histograms: the weights of {name!r} include NaN or inf")
    return array
