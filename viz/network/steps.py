"""The network view's passes, a unit at a time, with each unit's rule and its numbers.

Backward goes from the loss through the output layer to the inputs, finishing
one column before the next, each in index order; forward goes the other way. A
unit's δ is complete when its turn comes: every unit it feeds came before.

Each step says what its unit computes, with the numbers of one sample (or, for a
batch shown as its mean, the formula and the result): ``viz.unit_rules`` writes
the rules. δ is ∂loss/∂(the unit's value) everywhere, the number in the unit's box::

    backward 14/36: δ L1.N8 = -0.00755
    δ L1.N8 = ∂loss/∂L1.N8:
    0.31 × 1 × (-0.0244) = -0.00755   (L2.N0.w8 into L2.N0, f' = 1, linear)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.engine import Value
from autograd.language import tr
from viz.common.chain import DIRECTIONS, fresh_gradients
from viz.common.text import Summary
from viz.network.draw import NetworkProgress, render
from viz.network.rules import Numbers, UnitRules
from viz.network.units import Network, Unit, batch_size, read_neurons
from viz.render.diagram import Diagram

__all__ = ["UnitStep", "unit_steps", "pass_frames", "NETWORK_OPTIONS", "batch_size"]

# What the network view reads of viz.draw()'s options (pass_frames' keywords).
NETWORK_OPTIONS = ("fmt", "sample", "summary", "color_by", "legend", "title")


@dataclass(frozen=True)
class UnitStep:
    """One step of the network view's pass: the unit, the caption, the rule's lines and
    the number the step reveals (the unit's δ backward, its value forward)."""

    unit: Unit
    direction: str
    caption: str
    rule: tuple[str, ...]
    known: Any


def unit_steps(root: Value, direction: str, numbers: Summary, net: Network | None = None,
               gradients: dict[Value, Any] | None = None,
               rules: UnitRules | None = None) -> tuple[Network, list[UnitStep]]:
    """The network (read from ``root``'s graph unless given) and its pass's steps, with
    ``numbers``' sample. The gradients are ``gradients`` (d root / d node) if given, else
    computed afresh (``viz.scene.fresh_gradients``), so no ``.grad`` changes."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction is 'forward' or 'backward', got {direction!r}")
    net = net or read_neurons(root)
    if rules is None:
        rules = UnitRules(net, root, gradients if gradients is not None
                          else fresh_gradients(root))
    n = Numbers(numbers, batch_size(net))
    # by rank (the last first, backward); columns of one rank in their order
    sign = -1 if direction == "backward" else 1
    places = sorted(range(len(net.columns)), key=lambda c: (sign * net.ranks[c], c))
    units = [u for c in places for u in net.columns[c]]
    steps = []
    for i, unit in enumerate(units):
        if direction == "backward":
            known = rules.delta(unit, n)
            what = f"δ {unit.name} = {n.text(known)}" + (
                tr(" (the seed)") if unit.outputs[0] is root else "")
            caption = tr("backward {k}/{n}: {what}", k=i + 1, n=len(units), what=what)
            steps.append(UnitStep(unit, direction, caption, rules.backward(unit, n), known))
        else:
            what = f"{unit.name} = {n.text(unit.data)}" + (
                tr(" (an input)") if unit.kind == "input" else "")
            caption = tr("forward {k}/{n}: {what}", k=i + 1, n=len(units), what=what)
            steps.append(UnitStep(unit, direction, caption, rules.forward(unit, n), unit.data))
    return net, steps


def pass_frames(root: Value, direction: str, *, fmt: str = ".3g", sample: int | None = None,
                summary: str = "mean", color_by: str = "data", legend: bool = True,
                title: str | None = None) -> tuple[int, Callable[[int], tuple[Unit, str, Diagram]]]:
    """The network view one unit at a time, for ``viz.step_backward(view="network")``:
    how many steps, and a function drawing step k's (unit, caption, diagram) when asked.
    The graph is read and checked here, before any step is drawn."""
    numbers = Summary(sample, summary, fmt)
    fresh = fresh_gradients(root) if direction == "backward" else {}
    net, steps = unit_steps(root, direction, numbers, gradients=fresh or None)

    def frame(k: int) -> tuple[Unit, str, Diagram]:
        """Step k: its unit current, what steps 0 to k made known filled in."""
        step, done = steps[k], steps[:k + 1]
        if direction == "backward":
            progress = NetworkProgress(step.unit, None, {id(s.unit): s.known for s in done})
        else:
            progress = NetworkProgress(step.unit, {id(s.unit) for s in done}, None)
        graph = render(net, numbers, grads=direction == "backward", color_by=color_by,
                       legend=legend, title=step.caption if title is None else title,
                       progress=progress, grad_of=fresh.__getitem__)
        return step.unit, step.caption, graph

    return len(steps), frame
