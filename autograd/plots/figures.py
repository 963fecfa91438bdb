"""What every plot shares: pyplot imported on first use (headless: Agg), a figure that
pyplot does not keep open and is laid out the same way once drawn, and the colours."""

from __future__ import annotations

import os
import sys
from typing import Any

from autograd.fonts import with_hangul_font

MISSING_MATPLOTLIB = ("autograd.plots needs matplotlib, which is not installed. Install the "
                      "optional extra with `pip install autograd-viz[notebooks]`, or just "
                      "`pip install matplotlib`.")

# Train in blue, validation in orange, test in green, everywhere.
SPLIT_COLOURS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c"}
SPLIT_NAMES = {"train": "train", "training": "train", "val": "val", "valid": "val",
               "validation": "val", "test": "test"}
# Class colours: blue and red for two classes (the ends of the score colour map).
CLASS_COLOURS = ["#2166ac", "#b2182b", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                 "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]


def pyplot() -> Any:
    """matplotlib.pyplot, imported on first use, on the Agg backend when there is no display."""
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(MISSING_MATPLOTLIB) from error
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") \
            and _headless():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _headless() -> bool:
    if sys.platform in ("darwin", "win32"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def figure(plt: Any, nrows: int, ncols: int, figsize: tuple[float, float], **kwargs: Any
           ) -> tuple[Any, Any]:
    """A new figure of ``nrows`` x ``ncols`` axes (always a 2-D array of them)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, **kwargs)
    # Closed at once: pyplot forgets it, so Jupyter shows it once (as the returned
    # value), and nothing accumulates. Drawing and saving still work.
    plt.close(fig)
    return fig, axes


def finished(fig: Any) -> Any:
    """``fig`` laid out, its Korean texts given a font with Hangul first (the layout
    measures the texts as they will be drawn); returns ``fig``."""
    with_hangul_font(fig)
    fig.tight_layout()
    return fig


def lighten(colour: str, amount: float = 0.7) -> tuple[float, float, float]:
    """``colour`` mixed with white: ``amount`` 0 is the colour, 1 is white."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1.0 - c) * amount for c in to_rgb(colour))
