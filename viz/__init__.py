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
from autograd.language import get_language, language, set_language
from autograd.nn import Module
from autograd.recorder import Recorder, Snapshot
from viz.errors import TooLargeError
from viz.film.live import Film, show_film
from viz.film.show import epoch_page, film_save, film_to_html
from viz.frames import Frame, Frames, step_backward, step_forward
from viz.network.view import draw_module, draw_network
from viz.ops.dot import draw_ops
from viz.page.html import Shown, show_steps, write_page
from viz.page.html import show as show_page
from viz.page.html import to_html as page_to_html
from viz.render import budget as budget  # viz.budget.LAYOUT_BUDGET: a render's layout work
from viz.render.diagram import FORMATS, Diagram, GraphvizNotFoundError, write

__all__ = ["draw", "save", "show", "to_html", "step_backward", "step_forward", "show_steps",
           "Frame", "Frames", "Diagram", "GraphvizNotFoundError", "TooLargeError", "FORMATS",
           "Film", "set_language", "get_language"]


def draw(root: Value | Module, *, fmt: str = ".4g", rankdir: str = "LR", grads: bool | None = None,
         edge_labels: bool | None = None, color_by: str | None = None,
         hide_constants: bool = False, clusters: bool = True,
         collapse: str | int | None = None, max_nodes: int = 2000, sample: int | None = None,
         summary: str = "mean", legend: bool | None = None,
         title: str | None = None, view: str = "ops",
         focus: str | None = None, lang: str | None = None) -> graphviz.Digraph:
    """The computational graph of ``root`` as a ``graphviz.Digraph`` (shows inline in Jupyter).

    ``root`` is the output of a computation (a Value), drawn by ``view``: every op
    (``viz.ops``) or the neurons and weights (``viz.network``); or a model from
    ``autograd.nn``, drawn as its architecture (``viz.network.view.draw_module``).

    >>> from autograd.engine import Value
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> q = x + y; q.label = "q"
    >>> f = q * z; f.label = "f"
    >>> f.backward()
    >>> dot = draw(f)                 # dot.source is the DOT text; viz.save(f, "f.svg")
    >>> "∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4" in dot.source
    True

    Args:
        fmt: format spec for every number (``".4g"``, ``".3f"``, ...).
        rankdir: ``"LR"`` (inputs left, output right), ``"TB"``, ``"RL"`` or ``"BT"``.
        grads: show gradients: d root / d node, computed afresh for this root, so a
            weight that another graph's ``backward()`` reached never shows that
            graph's ``.grad``. None (default) shows them once ``backward()`` has run
            from ``root`` (its own gradient is then 1); before, the diagram says
            they are not computed yet.
        edge_labels: local derivatives and chain-rule products on the edges; None
            shows them for graphs of up to 30 values.
        color_by: ``"grad"`` or ``"data"`` shades each value's box on a diverging
            scale (blue negative, red positive, stronger for larger magnitude),
            with a legend.
        hide_constants: leave out constant leaves (the 2 in ``x * 2``).
        clusters: group nodes made in the same named scope (``autograd.engine.scope``).
        collapse: ``"neuron"`` or ``"layer"`` folds each such scope into one box
            (an int folds scopes at that depth).
        max_nodes: refuse (``ValueError``) graphs with more values than this,
            before any layout work, suggesting ``collapse``.
        sample, summary: for batched graphs (data holding one number per sample),
            show sample ``sample``, or else the batch ``"mean"`` or ``"range"``.
        legend: explain the node colours; None shows the colour scale when
            ``color_by`` is set.
        title: a caption on top.
        view: ``"ops"`` (every op, as above) or ``"network"``: one box per neuron
            and one edge per weight, layers as columns (``viz.network``), readable
            for a whole MLP. There ``fmt``, ``grads``, ``sample``, ``summary``,
            ``legend`` and ``title`` mean the same; ``color_by="grad"`` sizes the
            weights' edges by |∂loss/∂w| instead of |w|.
        focus: in the network view, one neuron opened to its ops (its scope,
            ``"layers.1.neurons.3"``, or its name, ``"L1.N3"``), the rest as neurons.
        lang: the language of the words drawn (legend, captions, the rules' words), "en"
            or "ko"; the math stays as it is. Default: the one ``viz.set_language`` set.

    NaN and infinite values or gradients are marked in red. Values made in a
    scope whose name contains "penalty" (``with scope("l2 penalty")``) are tinted
    violet, and a weight's box shows the part of its gradient that came
    through the penalty.
    """
    with language(lang):
        if not isinstance(root, Value) and hasattr(root, "named_parameters"):  # a model
            if focus is not None or view not in ("ops", "network"):
                raise ValueError("a model is drawn as its architecture: viz.draw(model); to "
                                 "open a neuron, draw a loss the model computed, with "
                                 "view='network'")
            return draw_module(root, fmt=".3g" if fmt == ".4g" else fmt,
                               legend=legend is not False, title=title)
        if view == "network":
            return draw_network(root, fmt=fmt, grads=grads, color_by=color_by or "data",
                                sample=sample, summary=summary, legend=legend is not False,
                                title=title, focus=focus)
        if view != "ops":
            raise ValueError(f"view is 'ops' or 'network', got {view!r}")
        if focus is not None:
            raise ValueError("focus= opens a neuron of the network view: pass "
                             "view='network' too")
        return draw_ops(root, fmt=fmt, rankdir=rankdir, grads=grads, edge_labels=edge_labels,
                        color_by=color_by, hide_constants=hide_constants, clusters=clusters,
                        collapse=collapse, max_nodes=max_nodes, sample=sample, summary=summary,
                        legend=legend, title=title)


def save(root: Value | Module | graphviz.Digraph | Recorder, path: str | os.PathLike[str],
         **options: Any) -> Path:
    """Draw ``root`` (a Value, or a model: see ``draw``; or take a diagram ``draw``
    already made) and write it to ``path``.

    The extension picks the format: ``.svg``, ``.png`` or ``.pdf``. ``options``
    are ``draw``'s keyword arguments. Returns the path written.

    A ``Recorder`` is saved as its film: ``.gif`` animates it (``frames=100``,
    ``fps=10``), ``.png``/``.pdf``/``.svg`` is one epoch (``epoch=``, default the last),
    the same picture as the page's (needs matplotlib and Pillow: the ``ml`` extra).
    Each takes ``lang=`` ("en" or "ko"): the language of the words drawn.
    """
    if isinstance(root, Recorder):
        return film_save(root, path, **options)
    if isinstance(root, graphviz.Digraph):
        if options:
            raise TypeError(f"save() got draw options {sorted(options)} with a finished "
                            f"diagram; pass the Value instead to draw it with them")
        graph = root
    else:
        graph = draw(root, **options)
    return write(graph, path)


def show(source: Value | Recorder | Snapshot, **options: Any) -> Shown | Film:
    """The interactive page of ``source``, inline in Jupyter.

    - a Value: its graph's page, stepping through both passes (``viz.page.html.show``:
      ``view``, ``direction``, ``height``, ``title`` and ``draw``'s options);
    - a ``Recorder``: the film of the training (``viz.film.live.show_film``: ``height``,
      ``frames``, ``steppers``, ``title``), live while ``fit`` runs;
    - a recorded epoch, ``rec[k]``: that epoch's loss on the training data, forward and
      backward, on the network view (``samples``, ``title``, ``height``).

    Each takes ``lang=`` ("en" or "ko"): the language of the page's words.
    """
    if isinstance(source, Recorder):
        return show_film(source, **options)
    if isinstance(source, Snapshot):
        height = options.pop("height", 620)
        return Shown(epoch_page(source, **options), height)
    return show_page(source, **options)


def to_html(source: Value | Recorder | Snapshot | Any, path: str | os.PathLike[str],
            **options: Any) -> Path:
    """Write ``source``'s interactive page to ``path`` as one offline file; returns the path.

    A Value or the frames of ``step_backward``/``step_forward``: its graph's page
    (``viz.page.html.to_html``); a ``Recorder``: the film (``viz.film.show.film_to_html``:
    ``frames``, ``steppers``, ``title``, ``samples``); a recorded epoch ``rec[k]``: its
    forward and backward pass (``samples``, ``title``). Each takes ``lang=`` ("en" or
    "ko"): the language of the page's words.
    """
    if isinstance(source, Recorder):
        return film_to_html(source, path, **options)
    if isinstance(source, Snapshot):
        return write_page(epoch_page(source, **options), path)
    return page_to_html(source, path, **options)
