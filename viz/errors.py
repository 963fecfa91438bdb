"""What viz raises that is its own: a diagram too large to draw, and Graphviz missing."""

from __future__ import annotations

import graphviz

__all__ = ["TooLargeError", "RenderTimeout", "GraphvizNotFoundError", "INSTALL_HELP"]


class TooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: laying it out would be slow and unreadable."""


INSTALL_HELP = (
    "Graphviz's `dot` program is needed to render a diagram, and it is not on PATH. "
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
    "or the installer from https://graphviz.org/download/ (on Windows, add its bin folder "
    "to PATH). Without it the DOT text is still available: viz.draw(root).source")


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` program is not installed; the message says how to install it.

    A subclass of ``graphviz.ExecutableNotFound`` (a RuntimeError), so code that
    already catches that keeps working.
    """

    def __init__(self, message: str = INSTALL_HELP) -> None:
        RuntimeError.__init__(self, message)


class RenderTimeout(TooLargeError):
    """``dot`` ran past the time budget (:data:`RENDER_TIMEOUT`) and was stopped."""
