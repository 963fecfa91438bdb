"""What a loss or a penalty sends back: the product of its ops' local derivatives along
each path, with one sample's numbers (for a penalty, what it adds to each weight's
gradient: λ·w for L2). A part of ``viz.network.rules.UnitRules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Parameter, Value
from autograd.language import tr
from viz.common.chain import factor, local_derivatives
from viz.common.text import format_number
from viz.network.numbers import Numbers, weight_name
from viz.network.units import Unit, UnitGraph

__all__ = ["PathRules", "Term", "MAX_PATHS"]

MAX_PATHS = 6   # paths through a loss's ops written out; more are summed in one line


@dataclass(frozen=True)
class Term:
    """What one reader sends back: its lines (the last one ends in its number) and value."""

    lines: tuple[str, ...]
    value: float


class PathRules(UnitGraph):
    """Paths through a unit's ops and what they carry back (a part of ``UnitRules``)."""

    def _delta_factor(self, unit: Unit, value: Value, n: Numbers) -> tuple[str, float]:
        raise NotImplementedError  # BackwardRules: a reader's δ as a factor

    def _penalty_sends(self, unit: Unit, out: Value, n: Numbers) -> list[str]:
        """What a penalty adds to each weight's gradient, δ times its ops' derivatives
        (λ·w for L2, λ·sign(w) for L1): written out for its first weights."""
        weights = [w for node in unit.nodes for w in node.inputs
                   if w.__class__ is Parameter and w not in unit.nodes]
        weights = list(dict.fromkeys(weights))
        lines = [tr("it adds to each of its {n} weights' gradients, along its ops:",
                    n=len(weights))]
        d_text, d = self._delta_factor(unit, out, n)
        for w in weights[:3]:
            reader = next(r for r in self.users[w] if r in set(unit.nodes))
            paths = [path for q, i in enumerate(reader.inputs) if i is w
                     for path in self._paths(reader, out, unit, position=q)]
            factors = [[factor(format_number(n.of(x), n.fmt)) for x in locals_]
                       for locals_, _ in paths]
            part = d * sum(float(np.prod([n.of(x) for x in locals_])) for locals_, _ in paths)
            text = " + ".join(" × ".join(f + ([d_text] if d_text != "1" else []))
                              for f in factors)
            lines.append(f"{weight_name(w)}: {text} = {format_number(part, n.fmt)}")
        if len(weights) > 3:
            lines.append(tr("… and so for the other {n}", n=len(weights) - 3))
        return lines

    def _path_term(self, edges: list[tuple[Value, int]], unit: Unit, n: Numbers) -> Term:
        """Any other reader (a loss, a penalty): the product of the local derivatives
        along each path through its ops, times its δ; summed over the paths."""
        value = self._reached(edges[0][0], unit)
        paths = [path for c, p in edges for path in self._paths(c, value, unit, position=p)]
        d_text, d = self._delta_factor(unit, value, n)
        total = d * sum(float(np.prod([n.of(x) for x in locals_])) for locals_, _ in paths)
        head = tr("through {name}'s ops: the product of the local derivatives on each path",
                  name=unit.name)
        if not n.exact:
            return Term((head,), total)
        lines = [head]
        if len(paths) > MAX_PATHS:
            lines.append(tr("= {x}  (the sum over {n} paths; the op view shows each)",
                            x=format_number(total, n.fmt), n=len(paths)))
            return Term(tuple(lines), total)
        products = []
        for locals_, ops in paths:
            factors = [factor(format_number(n.of(x), n.fmt)) for x in locals_]
            if d_text != "1":
                factors.append(d_text)
            products.append(" × ".join(factors))
            lines.append(f"{' → '.join(ops)}: {products[-1]}")
        lines.append(f"= {' + '.join(products)} = {format_number(total, n.fmt)}"
                     if len(paths) > 1 else f"= {format_number(total, n.fmt)}")
        return Term(tuple(lines), total)

    def _paths(self, start: Value, end: Value, unit: Unit, position: int = 0,
               skip_first: bool = False) -> list[tuple[list[Any], list[str]]]:
        """Every path from op ``start`` (entered at input ``position``) up to ``end`` inside
        ``unit``: the local derivative of each op on it (``start``'s left out with
        ``skip_first``), and the ops' names. Iterative: no recursion over the graph."""
        inside = set(unit.nodes) | set(unit.outputs)
        found: list[tuple[list[Any], list[str]]] = []
        stack = [(start, position, [], [])]
        while stack:
            node, p, locals_, ops = stack.pop()
            skip = skip_first and node is start
            locals_ = locals_ if skip else [*locals_, local_derivatives(node)[p]]
            ops = [*ops, self.net_name(node)]
            if node is end:
                found.append((locals_, ops))
                continue
            for reader in dict.fromkeys(self.users.get(node, ())):
                if reader in inside:
                    stack += [(reader, q, locals_, ops) for q, i in enumerate(reader.inputs)
                              if i is node]
        return found[::-1]
