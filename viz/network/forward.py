"""How each unit of the network view computes its value, with one sample's numbers.

A neuron's weighted sum (one line, or a line a term) and the ops after it (its
activation; an RNN step's sum of two sums and its tanh), batch or layer norm's
standardisation with its statistics, and any other unit's op: each in the names of
the picture, then in the sample's numbers, then its value. A part of
``viz.network.rules.UnitRules``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from autograd.engine import Value
from autograd.language import tr
from autograd.ops import RULES
from viz.common.chain import MAX_TERMS, substitute, unwrapped
from viz.common.text import format_number
from viz.network.numbers import Numbers, weight_name
from viz.network.units import Unit, UnitGraph, ancestors, bias_of, norm_parts, weight_of

__all__ = ["ForwardRules"]


class ForwardRules(UnitGraph):
    """The forward rule of each unit (a part of ``UnitRules``, whose graph it reads)."""

    def forward(self, unit: Unit, n: Numbers) -> tuple[str, ...]:
        """How ``unit``'s value is computed, with the sample's numbers."""
        out = n.pick(unit.outputs)
        note = n.note(out.data)
        if unit.kind == "input":
            return (f"{unit.name} = {n.text(out.data)}", tr("an input: given")) + note
        if unit.kind == "neuron":
            return self._neuron_forward(unit, out, n) + note
        if unit.activation in ("BN", "LN"):
            return self._norm_forward(unit, out, n) + note
        return self._op_forward(unit.name, out, n) + note

    def _neuron_forward(self, unit: Unit, out: Value, n: Numbers) -> tuple[str, ...]:
        """a = f(z), z = b + Σ w·x: the formula, each weighted sum, then each op after them
        (an RNN step: h = tanh(a), a = z_xh + z_hh)."""
        sums = self._own_sums(unit, out)
        after = self._after_sums(unit, out, sums)
        names = self._part_names(unit, out, sums, after)
        defined = [f"{names[node]} = {self._formula(node, names)}" for node in reversed(after)]
        defined += [f"{names[z]} = {'b + ' if bias_of(z) is not None else ''}Σ w·x" for z in sums]
        lines = [",  ".join(defined) + ("" if after else tr(" (linear)"))]
        for z in sums:
            lines += self._weighted_sum(z, names[z], n)
        lines += [self._op_line(node, names, n) for node in after]
        return tuple(lines)

    def _formula(self, node: Value, names: Mapping[Value, str]) -> str:
        return substitute(RULES[node.op].formula_for(len(node.inputs)), node, dict(names))

    def _op_line(self, node: Value, names: Mapping[Value, str], n: Numbers) -> str:
        """``name = formula = the formula with the sample's numbers = value``."""
        text = f"{names[node]} = {self._formula(node, names)}"
        if n.exact:
            numbers = {**names, **{i: n.factor(i.data) for i in node.inputs}}
            text += f" = {unwrapped(self._formula(node, numbers))}"
        return f"{text} = {n.text(node.data)}"

    def _own_sums(self, unit: Unit, out: Value) -> list[Value]:
        """The weighted sums ``out`` is made from (one sample's, in a graph built by sample)."""
        inside = set(unit.nodes)
        found, stack, seen = [], [out], set()
        zs = set(unit.z)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in zs:
                found.append(node)
                continue
            stack.extend(i for i in node.inputs if i in inside)
        return sorted(found, key=unit.z.index)

    def _after_sums(self, unit: Unit, out: Value, sums: list[Value]) -> list[Value]:
        """The unit's ops between its sums and its value, in the order they run."""
        mine = ancestors([out], set(unit.nodes))
        order = [node for node in unit.nodes if node in mine]  # unit.nodes: in order
        after = set(sums)
        for node in order:
            if any(i in after for i in node.inputs):
                after.add(node)
        return [node for node in order if node in after and node not in sums]

    def _part_names(self, unit: Unit, out: Value, sums: list[Value],
                    after: list[Value]) -> dict[Value, str]:
        """Names inside a unit's rule: z (an RNN step's two sums z_xh and z_hh), anything
        between the sums and the value a, the value by the unit's name."""
        names: dict[Value, str] = {}
        for z in sums:
            part = z.scope.rsplit(".neurons.", 1)[0].rsplit(".", 1)[-1] if len(sums) > 1 else ""
            names[z] = f"z_{part}" if part else "z"
        names.update((node, "a") for node in after)
        names[out] = unit.name
        for part in (*sums, *after):
            for i in part.inputs:
                names.setdefault(i, self.net_name(i))
        return names

    def _weighted_sum(self, z: Value, name: str, n: Numbers) -> list[str]:
        """z = b + Σ w x written out: one line if short, else a line per term."""
        bias = bias_of(z)
        products = [t for t in z.inputs if t is not bias]
        if not n.exact:
            return [f"{name} = {n.text(z.data)}"]
        terms = []
        for t in products:
            w = weight_of(t)
            x = next((i for i in t.inputs if i is not w), None) if w is not None else None
            terms.append((t, w, x))
        head = [format_number(n.of(bias.data), n.fmt)] if bias is not None else []
        if len(terms) <= MAX_TERMS:
            inline = " + ".join(head + [
                f"{n.factor(w.data)} × {n.factor(x.data)}" if w is not None else n.factor(t.data)
                for t, w, x in terms])
            return [f"{name} = {inline}", f"= {n.text(z.data)}"]
        what = "b + Σ w·x" if head else "Σ w·x"
        lines = [tr("{name} = {what}, a term a line:", name=name, what=what)] + (
            [f"b = {head[0]}"] if head else [])
        for t, w, x in terms:
            if w is None:
                lines.append(f"+ {n.factor(t.data)}")
            else:
                lines.append(f"+ {n.factor(w.data)} × {n.factor(x.data)} = {n.text(t.data)}"
                             f"   ({weight_name(w)} · {self.net_name(x)})")
        lines.append(f"= {n.text(z.data)}")
        return lines

    def _norm_forward(self, unit: Unit, out: Value, n: Numbers) -> tuple[str, ...]:
        parts = norm_parts(out, unit)
        if parts is None:
            return self._op_forward(unit.name, out, n)
        x, mu, var, sigma, gamma, beta = parts
        lines = [f"{unit.name} = γ · (x - μ) / σ + β,  σ = sqrt(σ² + ε)"]
        if var is None:
            lines.append(tr("μ and σ: the running statistics (eval): μ = {mu}, σ = {sigma}",
                            mu=n.text(mu.data), sigma=n.text(sigma.data)))
        else:
            stats = dict(mu=n.text(mu.data), var=n.text(var.data), sigma=n.text(sigma.data))
            lines.append(tr("μ = {mu}, σ² = {var}: over the batch; σ = {sigma}", **stats)
                         if unit.activation == "BN" else
                         tr("μ = {mu}, σ² = {var}: over the sample's features; σ = {sigma}",
                            **stats))
        g = n.factor(gamma.data) if gamma is not None else "1"
        b = format_number(n.of(beta.data), n.fmt) if beta is not None else "0"
        if n.exact:
            lines.append(f"= {g} × ({format_number(n.of(x.data), n.fmt)} - {n.factor(mu.data)})"
                         f" / {n.factor(sigma.data)} + {b}")
        lines.append(f"= {n.text(out.data)}")
        return tuple(lines)

    def _op_forward(self, name: str, out: Value, n: Numbers) -> tuple[str, ...]:
        """Any other unit: the op that makes its value, in names and then numbers."""
        names = {i: self.net_name(i) for i in out.inputs}
        names[out] = name
        if out.op in ("mean", "sum"):  # a reduction over the batch: no numbers to write out
            return (tr("{name} = {op} of {x} over the {n} samples", name=name, op=out.op,
                       x=names[out.inputs[0]], n=n.size), f"= {n.text(out.data)}")
        formula = substitute(RULES[out.op].formula_for(len(out.inputs)), out, names)
        lines = [f"{name} = {formula}"]
        batch = any(isinstance(i.data, np.ndarray) for i in out.inputs)
        scalar_out = not isinstance(out.data, np.ndarray)
        if n.exact and not (batch and scalar_out):
            numbers = {i: n.factor(i.data) for i in out.inputs}
            lines.append("= " + unwrapped(substitute(RULES[out.op].formula_for(
                len(out.inputs)), out, {**numbers, out: name})))
        elif batch and scalar_out:
            lines.append(tr("over the {n} samples", n=n.size))
        lines.append(f"= {n.text(out.data)}")
        return tuple(lines)
