"""A confusion matrix as a heatmap: ``plot_confusion_matrix``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.language import language, tr
from autograd.plots.figures import figure, finished, pyplot

__all__ = ["plot_confusion_matrix"]


def plot_confusion_matrix(cm: Any, labels: Sequence[Any] | None = None,
                          normalize: bool = False, title: str | None = None,
                          cmap: str = "Blues", lang: str | None = None) -> Any:
    """A heatmap of a confusion matrix: rows are the true class, columns the prediction.

    ``cm`` is a square matrix of counts, e.g. from ``sklearn.metrics.confusion_matrix``.
    Each cell shows its count; with ``normalize=True`` the colour and the second
    line give the fraction of its row (the recall of each class on the diagonal).
    The default title states the accuracy (the diagonal's share).

    Its words (titles, axes, legends) are in ``lang`` ("en" or "ko"; default: the
    language ``autograd.language.set_language`` set).

    >>> fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
    >>> fig.axes[0].get_title()
    'Confusion matrix (accuracy 93.0%)'
    """
    with language(lang):
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

        plt = pyplot()
        size = 3.2 + 0.55 * k
        fig, axes = figure(plt, 1, 1, (size + 1.0, size))
        ax = axes[0, 0]
        image = ax.imshow(shade, cmap=cmap, vmin=0, vmax=1 if normalize else max(shade.max(), 1))
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label(tr("fraction of the true class") if normalize else tr("samples"))
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
        ax.set_xlabel(tr("predicted label"))
        ax.set_ylabel(tr("true label"))
        if title is None:
            title = tr("Confusion matrix (accuracy {accuracy})",
                       accuracy=f"{np.trace(cm) / total:.1%}") if total else tr("Confusion matrix")
        ax.set_title(title)
        return finished(fig)
