"""viz: diagrams of autograd's computational graphs, with the numbers of the chain rule.

>>> from autograd.engine import Value
>>> import viz
>>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> f.backward()
>>> dot = viz.draw(f)          # a graphviz.Digraph: shows inline in Jupyter
>>> # viz.save(f, "f.svg")     # or .png / .pdf
>>> # viz.show(f)              # in Jupyter: step through both passes (viz.html)
>>> # viz.to_html(f, "f.html") # the same page as one offline file
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from autograd.engine import Value
from autograd.nn import Module
from viz.frames import Frame, Frames, show_steps, step_backward, step_forward
from viz.ops.dot import draw
from viz.ops.scene import TooLargeError
from viz.page.html import show, to_html
from viz.render import budget as budget  # viz.budget.LAYOUT_BUDGET: a render's layout work
from viz.render.diagram import FORMATS, Diagram, GraphvizNotFoundError, write

__all__ = ["draw", "save", "show", "to_html", "step_backward", "step_forward", "show_steps",
           "Frame", "Frames", "Diagram", "GraphvizNotFoundError", "TooLargeError", "FORMATS"]


def save(root: Value | Module | graphviz.Digraph, path: str | os.PathLike[str],
         **options: Any) -> Path:
    """Draw ``root`` (a Value, or a model: see ``draw``; or take a diagram ``draw``
    already made) and write it to ``path``.

    The extension picks the format: ``.svg``, ``.png`` or ``.pdf``. ``options``
    are ``draw``'s keyword arguments. Returns the path written.
    """
    if isinstance(root, graphviz.Digraph):
        if options:
            raise TypeError(f"save() got draw options {sorted(options)} with a finished "
                            f"diagram; pass the Value instead to draw it with them")
        graph = root
    else:
        graph = draw(root, **options)
    return write(graph, path)
