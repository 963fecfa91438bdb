"""The network view's passes, a unit at a time, with backpropagation's rule and its numbers.

Backward goes from the loss through the output layer to the inputs, finishing
one column before the next, each in index order; forward goes the other way. A
unit's δ is complete when its turn comes: every unit it feeds came before.

A neuron j's backward step writes out the rule of the course's slides, with
δ_j = ∂loss/∂z_j (z_j its weighted sum, a_j = f(z_j) its activation)::

    δ_j = f'(z_j) · Σ_k w_jk δ_k      (k: the neurons j feeds)
    f'(z_j) = 1 - a_j² = 0.72          (tanh; the rule table's derivative)
    = 0.72 × (0.31 × (-0.12) + (-0.5) × 0.08)
    = -0.056

and what its box shows as δ, ∂loss/∂a_j = Σ_k w_jk δ_k. A batch's rule uses the
numbers of one sample (``sample``, else the first): a mean of products is not a
product of means, and one sample's arithmetic can be checked by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.ops import RULES
from viz.diagram import Diagram
from viz.network import Progress, _number, render
from viz.scene import factor, fresh_gradients, local_derivatives, substitute
from viz.steps import DIRECTIONS, MAX_TERMS
from viz.text import Summary, format_number
from viz.units import Network, Unit, gather, read_neurons

__all__ = ["UnitStep", "unit_steps", "pass_frames", "NETWORK_OPTIONS"]

# What the network view reads of viz.draw()'s options (pass_frames' keywords).
NETWORK_OPTIONS = ("fmt", "sample", "summary", "color_by", "legend", "title")


@dataclass(frozen=True)
class UnitStep:
    """One step of the network view's pass: the unit, the caption, the rule's lines and
    the number the step reveals (the unit's gradient backward, its value forward)."""

    unit: Unit
    direction: str
    caption: str
    rule: tuple[str, ...]
    known: Any


def unit_steps(root: Value, direction: str, numbers: Summary, net: Network | None = None,
               gradients: dict[Value, Any] | None = None) -> tuple[Network, list[UnitStep]]:
    """The network (read from ``root``'s graph unless given) and its pass's steps. The
    gradients are ``gradients`` (d root / d node) if given, else computed afresh
    (``viz.scene.fresh_gradients``), so no ``.grad`` changes."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction is 'forward' or 'backward', got {direction!r}")
    net = net or read_neurons(root)
    # by rank (the last first, backward); columns of one rank in their order
    sign = -1 if direction == "backward" else 1
    places = sorted(range(len(net.columns)), key=lambda c: (sign * net.ranks[c], c))
    units = [u for c in places for u in net.columns[c]]
    rule = _Rules(net, root, numbers, units, gradients) if direction == "backward" else None
    steps = []
    for i, unit in enumerate(units):
        head = f"{direction} {i + 1}/{len(units)}: "
        if rule is not None:
            known = rule.gradient[id(unit)]
            shown = _number(known, numbers)
            if unit.outputs[0] is root:
                what = "1 (the seed)"
            else:
                what = f"∂loss/∂{'a' if unit.kind == 'neuron' else unit.name} = {shown}"
            steps.append(UnitStep(unit, direction, f"{head}δ {unit.name} = {what}",
                                  rule.backward(unit), known))
        else:
            shown = _number(unit.data, numbers)
            if unit.kind == "neuron":
                what = f"{unit.activation or 'linear'}(b + Σ w · x) = {shown}"
            else:
                what = shown + (" (an input)" if unit.kind == "input" else "")
            steps.append(UnitStep(unit, direction, f"{head}{unit.name} = {what}",
                                  _forward_rule(unit, net, numbers), unit.data))
    return net, steps


def _sample(x: Any, at: int) -> float:
    """One sample's number of ``x`` (a batch), or ``x`` itself."""
    return float(np.ravel(x)[at % np.size(x)]) if np.ndim(x) else float(x)


def _per_sample(values: list[Value], at: int) -> Value:
    """The Value holding sample ``at``: one of a graph built sample by sample, else the batch."""
    return values[at % len(values)] if len(values) > 1 else values[0]


class _Rules:
    """What a backward step's rule needs: every unit's gradient, the δ of every weighted
    sum, and which weights leave each unit."""

    def __init__(self, net: Network, root: Value, numbers: Summary, units: list[Unit],
                 gradients: dict[Value, Any] | None) -> None:
        self.numbers, self.root = numbers, root
        self.at = numbers.sample or 0
        if gradients is None:  # only what the rules read: the units' values and sums
            wanted = [v for u in units for v in (*u.outputs, *u.z)]
            gradients = fresh_gradients(root, list(dict.fromkeys(wanted)))
        fresh = gradients
        self.gradient = {id(u): gather([fresh[v] for v in u.outputs]) for u in units}
        self.fresh = fresh
        self.fed: dict[int, list[Any]] = {id(u): [] for u in units}
        for w in net.weights:
            self.fed[id(w.source)].append(w)

    def num(self, x: Any) -> str:
        return format_number(_sample(x, self.at), self.numbers.fmt)

    def delta(self, unit: Unit) -> float:
        """∂loss/∂z of ``unit``'s weighted sum, for the sample shown."""
        return _sample(self.fresh[_per_sample(unit.z, self.at)], self.at)

    def backward(self, unit: Unit) -> tuple[str, ...]:
        if unit.outputs[0] is self.root:
            return (f"∂loss/∂{unit.name} = 1", "the seed: backward starts from the loss")
        a_grad = self.gradient[id(unit)]
        note = _sample_note(np.size(a_grad), self.numbers)
        weights = self.fed[id(unit)]
        sum_text = ""
        if weights:
            terms = [f"{factor(self.num(w.w.data))} × "
                     f"{factor(format_number(self.delta(w.target), self.numbers.fmt))}"
                     for w in weights[:MAX_TERMS]]
            more = len(weights) - MAX_TERMS
            sum_text = " + ".join(terms) + (f" + … ({more} more)" if more > 0 else "")
        lines: list[str]
        if unit.kind == "neuron" and unit.z:
            a = _per_sample(unit.outputs, self.at)
            z = _per_sample(unit.z, self.at)
            lines = ["δ_j = f'(z_j) · " + ("Σ_k w_jk δ_k" if weights else "∂loss/∂a_j"),
                     f"δ = ∂loss/∂z; j = {unit.name}"
                     + (", k: the neurons it feeds" if weights else "")]
            if a is z:
                slope = 1.0
                lines.append("f'(z_j) = 1 (a linear neuron: a_j = z_j)")
            else:
                slope = _sample(local_derivatives(a)[0], self.at)
                names = {i: "z_j" if i is z else format_number(_sample(i.data, self.at),
                                                               self.numbers.fmt)
                         for i in a.inputs}
                formula = substitute(RULES[a.op].derivative(0), a, {**names, a: "a_j"})
                lines.append(f"f'(z_j) = {formula} = {format_number(slope, self.numbers.fmt)}")
            after = self.num(a_grad)
            lines.append(f"= {factor(format_number(slope, self.numbers.fmt))} × "
                         + (f"({sum_text})" if weights else factor(after)))
            lines.append(f"= {format_number(self.delta(unit), self.numbers.fmt)}")
            if weights:
                lines.append(f"the box's δ is ∂loss/∂a_j = Σ_k w_jk δ_k = {after}")
        elif weights:
            lines = [f"∂loss/∂{unit.name} = Σ_k w_k δ_k  (k: the neurons it feeds)",
                     f"= {sum_text}", f"= {self.num(a_grad)}"]
        else:
            lines = [f"∂loss/∂{unit.name} = {self.num(a_grad)}",
                     "from what reads it (see the op view)"]
        return tuple(lines) + note


def _sample_note(size: int, numbers: Summary) -> tuple[str, ...]:
    """The line saying whose numbers a batch's rule uses (none for one sample)."""
    if size <= 1:
        return ()
    shown = "" if numbers.sample is not None else "; the boxes show the batch's " + (
        "mean" if numbers.summary == "mean" else "range")
    return (f"numbers of sample {(numbers.sample or 0) % size} of {size}{shown}",)


def _forward_rule(unit: Unit, net: Network, numbers: Summary) -> tuple[str, ...]:
    at = numbers.sample or 0
    fmt = numbers.fmt
    note = _sample_note(np.size(unit.data), numbers)
    value = format_number(_sample(unit.data, at), fmt)
    if unit.kind != "neuron" or not unit.z:
        return (f"{unit.name} = {value}",) + note
    inputs = [w for w in net.weights if w.target is unit]
    terms = [f"{factor(format_number(_sample(w.w.data, at), fmt))} × "
             f"{factor(format_number(_sample(w.source.data, at), fmt))}"
             for w in inputs[:MAX_TERMS]]
    more = len(inputs) - MAX_TERMS
    bias = [format_number(_sample(unit.bias.data, at), fmt)] if unit.bias is not None else []
    total = " + ".join(bias + terms) + (f" + … ({more} more)" if more > 0 else "")
    z = format_number(_sample(_per_sample(unit.z, at).data, at), fmt)
    f = unit.activation or ""
    lines = ["a_j = f(z_j),  z_j = b_j + Σ_i w_ij x_i",
             f"j = {unit.name}" + (f", f = {f}" if f else ", linear: a_j = z_j"),
             f"z_j = {total}", f"= {z}"]
    if f:
        lines.append(f"a_j = {f}({z}) = {value}")
    return tuple(lines) + note


def pass_frames(root: Value, direction: str, *, fmt: str = ".3g", sample: int | None = None,
                summary: str = "mean", color_by: str = "data", legend: bool = True,
                title: str | None = None) -> tuple[int, Iterator[tuple[Unit, str, Diagram]]]:
    """The network view one unit at a time, for ``viz.step_backward(view="network")``:
    how many steps, and an iterator of (unit, caption, diagram) per step, each
    diagram drawn when it is reached. The graph is read and checked here, before
    the first step."""
    numbers = Summary(sample, summary, fmt)
    net, steps = unit_steps(root, direction, numbers)
    return len(steps), _frames(net, steps, numbers, direction, color_by, legend, title)


def _frames(net: Network, steps: list[UnitStep], numbers: Summary, direction: str,
            color_by: str, legend: bool,
            title: str | None) -> Iterator[tuple[Unit, str, Diagram]]:
    known: dict[int, Any] = {}
    values: set[int] = set()
    for step in steps:
        if direction == "backward":
            known[id(step.unit)] = step.known
            progress = Progress(step.unit, None, dict(known))
        else:
            values.add(id(step.unit))
            progress = Progress(step.unit, set(values), None)
        graph = render(net, numbers, grads=direction == "backward", color_by=color_by,
                       legend=legend, title=step.caption if title is None else title,
                       progress=progress)
        yield step.unit, step.caption, graph
