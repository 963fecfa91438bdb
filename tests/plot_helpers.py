"""What the tests of autograd.plots share: a history, two-class points, PNG and line checks."""

from __future__ import annotations

import io

import numpy as np

HISTORY = {"train_loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.7, 0.6, 0.65],
           "train_accuracy": [0.6, 0.8, 0.9, 0.95], "val_accuracy": [0.55, 0.7, 0.8, 0.78]}
X2 = np.array([[-1.0, -1.0], [-0.5, 0.5], [0.5, -0.5], [1.0, 1.0]])
Y2 = np.array([0, 0, 1, 1])


def png(fig):
    """The figure saved as PNG: a real image of some size."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    return data


def lines(ax):
    """The curves of ``ax`` by label."""
    return {line.get_label(): line.get_ydata() for line in ax.get_lines()}
