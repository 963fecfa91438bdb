"""The regions a 2-D classifier gives each class: ``plot_decision_boundary``."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.language import language, tr
from autograd.plots.figures import CLASS_COLOURS, figure, finished, lighten, pyplot

__all__ = ["plot_decision_boundary"]


def plot_decision_boundary(predict_fn: Callable[[np.ndarray], Any], X: Any, y: Any,
                           resolution: int = 200, padding: float = 0.1,
                           threshold: float | None = None,
                           class_names: Sequence[str] | None = None,
                           feature_names: Sequence[str] = ("x1", "x2"),
                           title: str | None = None, lang: str | None = None) -> Any:
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

    Its words (titles, axes, legends) are in ``lang`` ("en" or "ko"; default: the
    language ``autograd.language.set_language`` set).

    >>> fig = plot_decision_boundary(lambda G: (G[:, 0] > 0).astype(int),
    ...                              [[-1.0, 0.0], [1.0, 0.0]], [0, 1], resolution=20)
    >>> fig.axes[0].get_title()
    'Decision boundary'
    """
    with language(lang):
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
        gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                             np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
        out = _grid_output(predict_fn(np.column_stack([gx.ravel(), gy.ravel()])), gx.size)

        classes = np.unique(y)
        scores = None
        if out.ndim == 2:  # several scores per point: the argmax is the class
            scores, out = out, out.argmax(axis=1).astype(float)
        labels_mode = scores is not None or np.array_equal(out, np.round(out))
        if labels_mode:
            classes = np.unique(np.concatenate([classes, out]))
        if len(classes) > len(CLASS_COLOURS):
            raise ValueError(f"plot_decision_boundary draws at most {len(CLASS_COLOURS)} classes, "
                             f"got {len(classes)}")
        names = [tr("class {label}", label=_plain_label(c)) for c in classes] \
            if class_names is None \
            else [str(name) for name in class_names]
        if len(names) < len(classes):
            raise ValueError(f"class_names has {len(names)} names for {len(classes)} classes "
                             f"{[_plain_label(c) for c in classes]}")

        plt = pyplot()
        fig, axes = figure(plt, 1, 1, (6.4, 5.2))
        ax = axes[0, 0]
        if labels_mode:
            _draw_classes(ax, gx, gy, np.searchsorted(classes, out).reshape(gx.shape), len(classes),
                          scores)
        else:
            _draw_scores(fig, ax, gx, gy, out.reshape(gx.shape), threshold)
        for k, c in enumerate(classes):
            mask = y == c
            if mask.any():
                ax.scatter(X[mask, 0], X[mask, 1], s=22, color=CLASS_COLOURS[k],
                           edgecolors="white", linewidths=0.6, label=names[k], zorder=3)
        ax.set_xlim(gx[0, 0], gx[0, -1])
        ax.set_ylim(gy[0, 0], gy[-1, 0])
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel(feature_names[1])
        ax.set_title(tr("Decision boundary") if title is None else title)
        ax.legend(loc="best", framealpha=0.9)
        return finished(fig)


def _draw_classes(ax: Any, gx: np.ndarray, gy: np.ndarray, index: np.ndarray, n: int,
                  scores: np.ndarray | None) -> None:
    """Each class's region in its light colour, and the boundaries between them."""
    from matplotlib.colors import ListedColormap

    light = ListedColormap([lighten(CLASS_COLOURS[k]) for k in range(n)])
    ax.imshow(index, extent=(gx[0, 0], gx[0, -1], gy[0, 0], gy[-1, 0]), origin="lower",
              cmap=light, aspect="auto", interpolation="nearest", vmin=-0.5, vmax=n - 0.5)
    for k in range(n):
        if scores is not None and k < scores.shape[1]:
            # Where class k's score ties with the best other score: a smooth line.
            others = np.delete(scores, k, axis=1).max(axis=1)
            edge = (scores[:, k] - others).reshape(gx.shape)
        else:
            edge = (index == k).astype(float) - 0.5
        if edge.min() < 0 < edge.max():
            ax.contour(gx, gy, edge, levels=[0.0], colors="k", linewidths=1.2)


def _draw_scores(fig: Any, ax: Any, gx: np.ndarray, gy: np.ndarray, values: np.ndarray,
                 threshold: float | None) -> None:
    """One score per point, shaded from class 0's colour to class 1's, and the boundary
    where it crosses ``threshold`` (default 0.5 for scores in [0, 1], else 0)."""
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm

    if threshold is None:
        threshold = 0.5 if values.min() >= 0 and values.max() <= 1 else 0.0
    low, high = min(values.min(), threshold - 1e-9), max(values.max(), threshold + 1e-9)
    cmap = LinearSegmentedColormap.from_list(
        "class_scores", [lighten(CLASS_COLOURS[0], 0.45), "#f7f7f7",
                         lighten(CLASS_COLOURS[1], 0.45)])
    shade = ax.contourf(gx, gy, values, levels=20, cmap=cmap,
                        norm=TwoSlopeNorm(vcenter=threshold, vmin=low, vmax=high))
    if values.min() < threshold < values.max():
        ax.contour(gx, gy, values, levels=[threshold], colors="k", linewidths=1.6)
    bar = fig.colorbar(shade, ax=ax, shrink=0.85)
    bar.set_label(tr("score (boundary at {threshold})", threshold=f"{threshold:g}"))


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
