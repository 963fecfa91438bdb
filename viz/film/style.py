"""The film's colours and sizes: one sign convention for every number it draws.

As on the network view's weights (and TensorFlow Playground): **blue is positive,
orange negative**, white zero. A weight's line takes the colour of its sign and a
width and opacity that grow with its size; a neuron's heat map colours its output
over the input plane the same way; the prediction's background is blue where the
model says class 1 and orange where it says class 0, and so are the data points.

``film.js`` draws frames with the same formulas (``weightStroke``, ``shade``); the
browser tests check that both give the same colours and widths.
"""

from __future__ import annotations

import numpy as np

from autograd.fonts import KOREAN_FONTS

__all__ = ["POSITIVE", "NEGATIVE", "ZERO", "INK", "FONT", "shade", "hex_colour", "weight_stroke",
           "WIDTH_MIN", "WIDTH_MAX"]

POSITIVE = "#2166ac"   # blue: a positive weight or output, class 1
NEGATIVE = "#e66101"   # orange: a negative one, class 0
ZERO = "#ffffff"
INK = {"text": "#111827", "muted": "#4b5563", "line": "#9ca3af", "frame": "#d1d5db",
       "train": "#1f2937", "val": "#dc2626", "best": "#15803d", "cursor": "#111827",
       "panel": "#f9fafb", "dead": "#6b7280", "saturated": "#7c3aed", "link": "#d1d5db"}
# as viz.common.style's: the symbols Helvetica lacks in DejaVu Sans, Hangul in a Korean font
FONT = ",".join(("Helvetica", "Arial", "Liberation Sans", "DejaVu Sans", *KOREAN_FONTS,
                 "sans-serif"))

WIDTH_MIN, WIDTH_MAX = 0.4, 4.5   # a weight line's width at 0 and at the scale's top


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


_POS, _NEG, _ZERO = _rgb(POSITIVE), _rgb(NEGATIVE), _rgb(ZERO)


def shade(values: np.ndarray, scale: float) -> np.ndarray:
    """RGB bytes (``values.shape + (3,)``) for ``values`` on a diverging scale: white at
    0, blue at ``+scale`` and beyond, orange at ``-scale`` and beyond."""
    t = np.clip(np.asarray(values, dtype=float) / (scale if scale > 0 else 1.0), -1.0, 1.0)
    t = np.nan_to_num(t)
    end = np.where(t[..., None] >= 0, _POS, _NEG)
    rgb = _ZERO + (end - _ZERO) * np.abs(t)[..., None]
    return np.floor(rgb + 0.5).astype(np.uint8)  # halves up, as the page's Math.round


def hex_colour(rgb: np.ndarray) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def weight_stroke(w: float, scale: float) -> tuple[str, float, float]:
    """A weight's line: (colour of its sign, width, opacity), both growing with |w| up to
    ``scale`` (the film's size of a large weight)."""
    size = min(1.0, abs(w) / scale) if scale > 0 else 0.0
    colour = POSITIVE if w >= 0 else NEGATIVE
    return colour, WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * size, 0.2 + 0.8 * size
