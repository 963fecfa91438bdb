"""The network view's drawings: a graph's network (``draw(..., view="network")``), with
one neuron opened to its ops (``focus=``), and a model's architecture (``draw(model)``).

``viz.network.draw`` lays out the units, ``viz.network.card`` writes an opened neuron's
card; these put them together.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from autograd.engine import Value, batch
from autograd.nn import RNN, Module, Perceptron, Sequential
from viz.common.chain import fresh_gradients, gradients_ready
from viz.common.text import Summary
from viz.network.card import opened_card
from viz.network.draw import OPENED, render, unit_names
from viz.network.units import find_unit, read_neurons
from viz.render.diagram import Diagram

__all__ = ["draw_network", "draw_module"]


def draw_network(root: Value, *, fmt: str = ".3g", grads: bool | None = None,
                 color_by: str = "data", sample: int | None = None, summary: str = "mean",
                 legend: bool = True, title: str | None = None,
                 focus: str | None = None) -> Diagram:
    """The network view of ``root``'s graph (see the module docstring); ``viz.draw``
    with ``view="network"`` calls this.

    ``color_by="grad"`` sizes each weight's edge by |∂loss/∂w| instead of |w|
    (its colour stays the sign of w). ``sample``/``summary`` pick what a batch
    shows, as in the op view. ``focus`` opens one neuron (its scope, such as
    ``"layers.1.neurons.3"``, or its name ``"L1.N3"``) to its ops: the products
    w_i x_i, their sum z, the activation, with the chain rule on every edge, the
    rest of the network around it as neurons.

    The gradients are those of ``root``, computed afresh (``viz.scene.fresh_gradients``)
    once ``backward()`` has run from it, so a weight shared with another graph never
    shows that graph's ``.grad``; before, the legend says they are not computed yet.
    """

    if color_by not in ("data", "grad"):
        raise ValueError(f"color_by is 'data' or 'grad' in the network view, got {color_by!r}")
    numbers = Summary(sample, summary, fmt)
    net = read_neurons(root)
    if grads is None:
        grads = gradients_ready(root)
    fresh = fresh_gradients(root) if grads else {}
    grad_of = fresh.__getitem__
    opened = find_unit(net, focus) if focus is not None else None
    graph = render(net, numbers, grads=grads, color_by=color_by, legend=legend, title=title,
                   opened=opened, grad_of=grad_of)
    if opened is not None:
        graph.node("opened", opened_card(opened, net, numbers, grads, grad_of), shape="box",
                   style="rounded", color=OPENED, penwidth="1.5", fontsize="9")
        ids = unit_names(net)
        graph.edge(ids[id(opened)], "opened", style="dashed", color=OPENED,
                   constraint="false", arrowhead="none")
        graph.edge(ids[id(net.columns[-1][0])], "opened", style="invis")  # right of it
    return graph


def draw_module(module: Any, *, fmt: str = ".3g", legend: bool = True,
                title: str | None = None) -> Diagram:
    """A model from ``autograd.nn`` drawn as its architecture, as Keras' ``plot_model``
    draws one: a column per layer, each neuron with its activation function and bias,
    each weight an edge coloured by its sign and as wide as |w|; no values or gradients
    (draw a loss computed by the model for those). ``viz.draw(model)`` calls this.

    The model runs on zeros to read its graph: on a copy, so its own state (batch
    norm's running statistics, dropout's masks) never changes; an RNN unrolled over
    three steps.
    """
    if not isinstance(module, Module):
        raise TypeError(f"draw_module() takes a model from autograd.nn, got "
                        f"{type(module).__name__}")
    first = module.layers[0] if isinstance(module, Sequential) and module.layers else module
    size = next((getattr(first, a) for a in ("nin", "input_size", "num_features")
                 if hasattr(first, a)), None)
    if not isinstance(size, int):
        raise TypeError(f"viz.draw() cannot tell how many inputs {module!r} takes: draw the "
                        f"output of a computation instead, viz.draw(model(x)) or "
                        f"viz.draw(loss, view='network')")
    twin = copy.deepcopy(module)  # its running statistics and masks may change, not the model's
    zeros = batch(np.zeros((2, size)))
    if isinstance(twin, RNN):
        out = twin.many_to_one([batch(np.zeros((2, size))) for _ in range(3)])
    elif isinstance(twin, Perceptron):
        out = twin.net(zeros)
    else:
        out = twin(zeros)
    outputs = out if isinstance(out, list) else [out]
    root = outputs[0] if len(outputs) == 1 else sum(outputs[1:], outputs[0])
    net = read_neurons(root)
    numbers = Summary(None, "mean", fmt)
    return render(net, numbers, grads=False, legend=legend, values=False,
                  title=title if title is not None else repr(module))
