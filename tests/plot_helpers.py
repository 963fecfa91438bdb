"""What the tests of autograd.plots share: a history, two-class points, PNG and line checks."""

from __future__ import annotations

import io

import numpy as np

HISTORY = {"train_loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.7, 0.6, 0.65],
           "train_accuracy": [0.6, 0.8, 0.9, 0.95], "val_accuracy": [0.55, 0.7, 0.8, 0.78]}
X2 = np.array([[-1.0, -1.0], [-0.5, 0.5], [0.5, -0.5], [1.0, 1.0]])
Y2 = np.array([0, 0, 1, 1])


def png(fig):
    """The figure saved as PNG (a real image), and read back: ``at(ax, x, y)`` gives the
    colour its pixels show at data point (x, y) of ``ax``, as RGB in 0..1."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float) / 255

    def at(ax, x, y):
        px, py = ax.transData.transform((x, y))
        return pixels[pixels.shape[0] - 1 - int(round(py)), int(round(px))]

    return at


def close(color, expected, tol=0.08):
    """Whether an RGB pixel is the colour ``expected`` (any matplotlib colour)."""
    from matplotlib.colors import to_rgb

    return bool(np.all(np.abs(np.asarray(color) - np.asarray(to_rgb(expected))) <= tol))


def lines(ax):
    """The curves of ``ax`` by label."""
    return {line.get_label(): line.get_ydata() for line in ax.get_lines()}
