"""Stepping through a pass, one node at a time, in either view.

``step_backward(f)`` gives one :class:`Frame` per node (``Frames``, a list drawn as
it is read), in an order that follows the math (``viz.ops.order.backward_order``:
from the loss through the output layer to the input layer, a neuron's ops in
reverse, each weight right after the op that uses it): the current node
highlighted, the gradients known so far filled in, the rest blank. A node's
gradient is complete when backward reaches it, since every node that uses it
came earlier; the frame highlights the edges whose products it sums::

    ∂f/∂x = Σ over the edges leaving x of  ∂f/∂(consumer) · ∂(consumer)/∂x

``step_forward(f)`` does the same for the forward pass, in the mirror order
(``viz.ops.order.forward_order``: input layer first), filling in values.
Constants are known from the start and get no frame. ``view="network"`` steps
the network view a unit at a time (``viz.network.steps``).

>>> from autograd.engine import Value
>>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> [frame.caption for frame in step_backward(f)][:2]
['backward 1/5: ∂f/∂f = 1 (the seed)', 'backward 2/5: ∂f/∂z = 3']

In Jupyter, frames display one by one like any diagram; ``viz.show_steps(frames)``
gives a slider with buttons, and ``viz.show`` the interactive page (``viz.page``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import graphviz
import numpy as np

from autograd.engine import Constant, Value, topological_order
from autograd.language import get_language, language
from viz.network.steps import NETWORK_OPTIONS, pass_frames
from viz.ops.builder import build_scene
from viz.ops.dot import to_digraph
from viz.ops.scene import OpsProgress, Options
from viz.ops.steps import op_steps
from viz.render.diagram import render

__all__ = ["Frame", "Frames", "step_backward", "step_forward"]


@dataclass(frozen=True)
class Frame:
    """One step of a pass: the diagram at that moment and what happened in it."""

    graph: graphviz.Digraph = field(repr=False)
    index: int         # 0-based position in the pass
    total: int         # frames in the pass
    direction: str     # "forward" or "backward"
    node: Value        # the node this step computes
    caption: str       # e.g. "backward 2/5: ∂f/∂z = 3"
    root: Value | None = field(default=None, repr=False)  # the output the pass starts from
    view: str = "ops"  # "ops" or "network"
    options: dict[str, Any] = field(default_factory=dict, repr=False)  # draw()'s, as given
    lang: str = "en"   # the language its words are in (autograd.language)

    @property
    def source(self) -> str:
        """The frame's DOT text."""
        return self.graph.source

    def svg(self) -> str:
        """The frame as SVG text (runs Graphviz's ``dot``)."""
        return render(self.graph, "svg").decode("utf-8")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.graph._repr_mimebundle_(include=include, exclude=exclude)


class Frames(Sequence[Frame]):
    """The frames of a pass: a list you can index, slice, take ``len()`` of and loop over,
    each frame drawn when it is first looked at (a pass of 1,400 steps costs nothing
    until shown). ``step_backward`` and ``step_forward`` return one."""

    def __init__(self, total: int, make: Callable[[int], Frame], lang: str = "en") -> None:
        self._total, self._make, self._lang = total, make, lang
        self._made: dict[int, Frame] = {}

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, k: int) -> Frame: ...
    @overload
    def __getitem__(self, k: slice) -> list[Frame]: ...

    def __getitem__(self, k: int | slice) -> Frame | list[Frame]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._total))]
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"frames are indexed by an int or a slice, got {type(k).__name__}")
        if not -self._total <= k < self._total:
            raise IndexError(f"frame {k} of a pass of {self._total} steps")
        k = int(k) % self._total
        if k not in self._made:  # drawn now, in the language of the step_* call
            with language(self._lang):
                self._made[k] = self._make(k)
        return self._made[k]

    def __repr__(self) -> str:
        return f"<Frames: {self._total} steps>"


def step_backward(root: Value, view: str = "ops", *, lang: str | None = None,
                  **options: Any) -> Frames:
    """One frame per node in ``viz.order.backward_order``; ``options`` are ``viz.draw``'s.

    Returns ``Frames``, a list drawn as it is read. The gradients are d root / d node
    computed afresh (``autograd.grad``), so the frames are the same whether or not
    ``backward()`` has run, and no ``.grad`` is changed. ``view="network"`` steps the
    network view a neuron at a time instead: from the loss through the output layer
    to the inputs. A batch's frames show one sample's numbers (``sample=k``), or its
    mean (the default; then no rule is written as a product of means).
    ``lang``, "en" or "ko", is the language of the words the frames draw (captions, legends,
    the rules' words; the math stays as it is); by default the one ``viz.set_language`` set.
    """
    with language(lang):
        return _frames(root, "backward", view, options)


def step_forward(root: Value, view: str = "ops", *, lang: str | None = None,
                 **options: Any) -> Frames:
    """One frame per node in ``viz.order.forward_order`` (inputs first), as ``Frames``;
    ``options`` as ``viz.draw``'s. ``view="network"``: a neuron at a time, input layer
    first.
    ``lang``, "en" or "ko", is the language of the words the frames draw (captions, legends,
    the rules' words; the math stays as it is); by default the one ``viz.set_language`` set.
    """
    with language(lang):
        return _frames(root, "forward", view, options)


def _frames(root: Value, direction: str, view: str, options: dict[str, Any]) -> Frames:
    if view != "ops":
        return _network_frames(root, direction, view, options)
    opts = Options(**options)
    steps = op_steps(root, opts, direction)  # checked now, not at the first frame
    constants = {n for n in topological_order(root) if n.__class__ is Constant}

    def frame(k: int) -> Frame:
        """Step k's diagram: its node current, what steps 0 to k made known filled in."""
        step, done = steps[k], steps[:k + 1]
        if step.direction == "backward":
            progress = OpsProgress(grads={s.node: s.known for s in done}, current=step.node,
                                caption=step.caption)
        else:
            progress = OpsProgress(data=constants | {s.node for s in done}, current=step.node,
                                forward=True, caption=step.caption)
        return Frame(to_digraph(build_scene(root, opts, progress)), k, len(steps),
                     step.direction, step.node, step.caption, root, "ops", options,
                     get_language())

    return Frames(len(steps), frame, get_language())


def _network_frames(root: Value, direction: str, view: str,
                    options: dict[str, Any]) -> Frames:
    """The network view's frames (``viz.network_steps.pass_frames``), checked before any."""
    if view != "network":
        raise ValueError(f"view is 'ops' or 'network', got {view!r}")
    if not isinstance(root, Value):
        raise TypeError(f"stepping needs a Value (the output of a computation), "
                        f"got {type(root).__name__}")
    unknown = sorted(set(options) - set(NETWORK_OPTIONS))
    if unknown:
        raise TypeError(f"the network view's stepper takes {', '.join(NETWORK_OPTIONS)}; "
                        f"got {', '.join(unknown)}")
    total, draw = pass_frames(root, direction, **options)

    def frame(k: int) -> Frame:
        unit, caption, graph = draw(k)
        return Frame(graph, k, total, direction, unit.outputs[0], caption, root, "network",
                     options, get_language())

    return Frames(total, frame, get_language())
