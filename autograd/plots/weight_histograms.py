"""Histograms of weights, group by group: ``plot_weight_histograms``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.language import language, tr
from autograd.plots.figures import figure, finished, pyplot

__all__ = ["plot_weight_histograms"]


def plot_weight_histograms(weights: Any, bins: int = 41, zero_tol: float = 1e-3,
                           title: str | None = None, lang: str | None = None) -> Any:
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

    Its words (titles, axes, legends) are in ``lang`` ("en" or "ko"; default: the
    language ``autograd.language.set_language`` set).

    >>> fig = plot_weight_histograms({"dense": [0.5, -0.2, 0.0, 0.0], "sparse": [0.0] * 4})
    >>> [ax.get_title() for ax in fig.axes]
    ['dense', 'sparse']
    """
    with language(lang):
        groups = _weight_groups(weights)
        if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
            raise ValueError(f"bins must be a positive int, got {bins!r}")
        limit = max(float(np.abs(w).max()) for w in groups.values())
        limit = limit * 1.05 if limit > 0 else 1.0
        edges = np.linspace(-limit, limit, int(bins) + 1)

        plt = pyplot()
        from matplotlib.ticker import MaxNLocator

        cols = min(len(groups), 3)
        rows = math.ceil(len(groups) / cols)
        fig, axes = figure(plt, rows, cols, (4.4 * cols, 3.3 * rows), sharex=True)
        for ax, (name, w) in zip(axes.ravel(), groups.items()):
            counts, _, _ = ax.hist(w, bins=edges, color="#4c72b0", edgecolor="white",
                                   linewidth=0.5)
            ax.set_ylim(0, max(counts.max(), 1) * 1.4)  # headroom: the summary box sits above bars
            ax.axvline(0.0, color="0.3", linewidth=0.8)
            dead = float(np.mean(np.abs(w) < zero_tol))
            ax.text(0.97, 0.95, f"n = {w.size}\n"
                    + tr("mean |w| = {mean}", mean=f"{np.abs(w).mean():.3g}")
                    + f"\n|w| < {zero_tol:g}: {dead:.0%}", transform=ax.transAxes, ha="right",
                    va="top", fontsize=9, bbox={"boxstyle": "round", "fc": "white", "ec": "0.8"})
            ax.set_title(name)
            ax.set_xlabel(tr("weight"))
            ax.set_ylabel(tr("count"))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        for ax in axes.ravel()[len(groups):]:
            ax.set_visible(False)
        if title:
            fig.suptitle(title)
        return finished(fig)


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
