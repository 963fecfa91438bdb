"""How each unit's δ comes from what reads its value, with one sample's numbers.

δ is ∂loss/∂(the unit's value), the number in its box: the sum of what each reader of
the value sends back, by the reader's own rule (see ``viz.network.rules``). A part of
``viz.network.rules.UnitRules``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.engine import Constant, Value
from autograd.language import tr
from autograd.ops import RULES
from viz.common.chain import factor, local_derivatives, substitute
from viz.common.names import ACTIVATION_SYMBOLS
from viz.common.text import format_number
from viz.network.numbers import Numbers, weight_name
from viz.network.paths import PathRules, Term
from viz.network.units import Unit, count_of, norm_parts, weight_of

__all__ = ["BackwardRules"]


class BackwardRules(PathRules):
    """The backward rule of each unit (a part of ``UnitRules``, whose graph it reads)."""

    def delta(self, unit: Unit, n: Numbers) -> Any:
        """The unit's δ = ∂loss/∂(its value), for every sample (gathered for a graph built
        sample by sample)."""
        values = [self.grads[v] for v in unit.outputs]
        if len(values) == 1:
            return values[0]
        return np.array([float(np.sum(v)) for v in values])

    def backward(self, unit: Unit, n: Numbers) -> tuple[str, ...]:
        """How ``unit``'s δ comes from what reads its value, with the sample's numbers."""
        out = n.pick(unit.outputs)
        if out is self.root:
            return ("δ = ∂loss/∂loss = 1", tr("the seed: backward starts from the loss"))
        terms = self.terms(out, n)
        delta = self.grads[out]
        if not terms:
            return (tr("δ {name} = 0: nothing reads it", name=unit.name),)
        many = len(terms) > 1
        head = f"δ {unit.name} = ∂loss/∂{unit.name}" + (
            tr(", the sum of what each reader sends back:") if many else ":")
        if not n.exact:
            kinds = [t.lines[0] for t in terms]
            return (head, *dict.fromkeys(kinds), f"= {n.text(delta)}") + n.note(delta)
        lines = [head]
        for term in terms:
            lines += term.lines if many else [term.lines[0].removeprefix("+ "), *term.lines[1:]]
        result = format_number(n.of(delta), n.fmt)
        if many:
            lines.append(tr("= {x}  (the sum)", x=result))
        elif not lines[-1].endswith(f"= {result}"):
            lines.append(f"= {result}")
        if unit.kind == "penalty":
            lines += self._penalty_sends(unit, out, n)
        return tuple(lines) + n.note(delta)

    def terms(self, out: Value, n: Numbers) -> list[Term]:
        """What each reader of ``out`` sends back to it (one term per weight; one per
        reader for any other unit)."""
        edges = [(c, p) for c in dict.fromkeys(self.users.get(out, ()))
                 for p, i in enumerate(c.inputs) if i is out]
        terms: list[Term] = []
        # A normalization reads x twice, in x - μ and in μ itself: one term for both
        # (its layer's ops are shared by all its features, so found by their shape).
        for c, p in list(edges):
            xhat = next((u for u in self.users.get(c, ()) if u.op == "div" and u.inputs[0] is c),
                        None) if c.op == "sub" and p == 0 else None
            value = self._value_above(xhat) if xhat is not None else None
            if value is None or norm_parts(value, self.owner[value]) is None:
                continue
            mu = c.inputs[1]
            edges = [(r, q) for r, q in edges if r is not c and r is not mu
                     and not (mu.inputs and r is mu.inputs[0])]
            terms.append(self._norm_term(c, value, self.owner[value], n))
        by_reader: dict[int, tuple[Unit, list[tuple[Value, int]]]] = {}
        for c, p in edges:
            unit = self.home.get(c)
            if unit is not None:
                by_reader.setdefault(id(unit), (unit, []))[1].append((c, p))
        for unit, unit_edges in by_reader.values():
            if unit.kind == "neuron" and all(weight_of(c) is not None for c, _ in unit_edges):
                terms += [self._weight_term(c, unit, n) for c, _ in unit_edges]
            elif unit.activation == "drop" and len(unit_edges) == 1:
                terms.append(self._drop_term(unit_edges[0][0], unit, n))
            elif unit.activation in ACTIVATION_SYMBOLS.values() and len(unit_edges) == 1:
                terms.append(self._activation_term(unit_edges[0], unit, n))
            else:
                terms.append(self._path_term(unit_edges, unit, n))
        return terms

    def _value_above(self, node: Value) -> Value | None:
        """The unit value ``node`` leads to through ops of one reader each (x̂ · γ + β)."""
        while node not in self.owner:
            readers = list(dict.fromkeys(self.users.get(node, ())))
            if len(readers) != 1:
                return None
            node = readers[0]
        return node

    def _reached(self, start: Value, unit: Unit) -> Value:
        """The value of ``unit`` that ``start`` (one of its ops) leads to."""
        outputs, inside = set(unit.outputs), set(unit.nodes)
        stack, seen = [start], set()
        while stack:
            node = stack.pop()
            if node in outputs:
                return node
            if node in seen:
                continue
            seen.add(node)
            stack.extend(u for u in self.users.get(node, ()) if u in inside)
        return unit.outputs[0]

    def _delta_factor(self, unit: Unit, value: Value, n: Numbers) -> tuple[str, float]:
        """A reader's δ as a factor (its text and number); the loss's is 1."""
        if value is self.root:
            return "1", 1.0
        d = n.of(self.grads[value])
        return factor(format_number(d, n.fmt)), d

    def _weight_term(self, product: Value, unit: Unit, n: Numbers) -> Term:
        """Neuron k reads the value through weight w: w · f'(z_k) · δ_k, f' the product of
        the local derivatives from the weighted sum to k's value (its activation's)."""
        w = weight_of(product)
        value = self._reached(product, unit)
        paths = self._paths(product, value, unit, skip_first=True)
        slope = sum(float(np.prod([n.of(local) for local in locals_])) for locals_, _ in paths)
        d_text, d = self._delta_factor(unit, value, n)
        term = n.of(w.data) * slope * d
        if not n.exact:
            return Term((tr("through each weight into a neuron k: w · f'(z_k) · δ_k"),), term)
        f = self._slope_text(value, unit)
        line = (f"+ {n.factor(w.data)} × {factor(format_number(slope, n.fmt))} × {d_text} = "
                f"{format_number(term, n.fmt)}   "
                + tr("({w} into {name}, f' {f})", w=weight_name(w), name=unit.name, f=f))
        return Term((line,), term)

    def _slope_text(self, value: Value, unit: Unit) -> str:
        """f'(z) of a neuron, as its activation's rule writes it (``= 1`` if linear)."""
        node = value
        if node.op in ("add", "add_n") or not node.inputs:
            return tr("= 1, linear")
        names = {node: unit.name, **{i: "z" for i in node.inputs}}
        return "= " + substitute(RULES[node.op].derivative(0), node, names)

    def _activation_term(self, edge: tuple[Value, int], unit: Unit, n: Numbers) -> Term:
        node, p = edge
        slope = local_derivatives(node)[p]
        d_text, d = self._delta_factor(unit, node, n)
        term = n.of(slope) * d
        names = {node: unit.name, **{i: "x" for i in node.inputs}}
        formula = substitute(RULES[node.op].derivative(p), node, names)
        if not n.exact:
            return Term((tr("through {name}: f'(x) · δ, f'(x) = {formula}", name=unit.name,
                            formula=formula),), term)
        x = n.of(node.inputs[0].data)
        return Term((tr("through {name}: f'(x) · δ {name},  f'(x) = {formula} = {slope} at x = "
                         "{x}", name=unit.name, formula=formula,
                         slope=format_number(n.of(slope), n.fmt), x=format_number(x, n.fmt)),
                      f"= {factor(format_number(n.of(slope), n.fmt))} × {d_text} = "
                      f"{format_number(term, n.fmt)}"), term)

    def _drop_term(self, node: Value, unit: Unit, n: Numbers) -> Term:
        m = next(i for i in node.inputs if i.__class__ is Constant)
        d_text, d = self._delta_factor(unit, node, n)
        mask = n.of(m.data)
        term = mask * d
        if not n.exact:
            return Term((tr("through {name}: m · δ (m = 1/(1 - p) where kept, else 0)",
                            name=unit.name),), term)
        why = (tr("kept: m = 1/(1 - p), p = {p}", p=format_number(1 - 1 / mask, n.fmt)) if mask
               else tr("dropped in this sample: m = 0"))
        return Term((tr("through {name}: m · δ {name}  ({why})", name=unit.name, why=why),
                      f"= {format_number(mask, n.fmt)} × {d_text} = "
                      f"{format_number(term, n.fmt)}"), term)

    def _norm_term(self, sub: Value, value: Value, unit: Unit, n: Numbers) -> Term:
        """Batch or layer norm: x reaches y = ``value`` through x̂ = (x - μ) / σ (``sub`` is
        x - μ), and through μ and σ², which every value of the batch (or of the sample's
        features) shares."""
        x, mu, var, sigma, gamma, _ = norm_parts(value, unit)  # type: ignore[misc]
        xhat = next(u for u in self.users[sub] if u.op == "div")
        g_xhat, g_mu = self.grads[xhat], self.grads[mu]
        d_text, _ = self._delta_factor(unit, value, n)
        gamma_text = n.factor(gamma.data) if gamma is not None else "1"
        if var is None:  # eval: running statistics, constants
            term = n.of(g_xhat) / n.of(sigma.data)
            return Term((tr("through {name} (running statistics): ∂loss/∂x = γ · δ / σ",
                            name=unit.name),
                          f"= {gamma_text} × {d_text} / {n.factor(sigma.data)} = "
                          f"{format_number(term, n.fmt)}"), term)
        m = count_of(mu)
        g_var = self.grads[var]
        d = n.of(sub.data)
        term = n.of(g_xhat) / n.of(sigma.data) + n.of(g_var) * 2 * d / m + n.of(g_mu) / m
        over = tr("the batch") if unit.activation == "BN" else tr("the sample's features")
        head = tr("through {name}: ∂loss/∂x = ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m + ∂loss/∂μ "
                  "/ m  (μ, σ² over {over}, m = {m})", name=unit.name, over=over, m=m)
        if not n.exact:
            return Term((head,), term)
        return Term((
            head,
            f"∂loss/∂x̂ = γ · δ {unit.name} = {gamma_text} × {d_text} = {n.text(g_xhat)}",
            f"∂loss/∂σ² = Σ ∂loss/∂x̂ · (x - μ) · (-½)(σ² + ε)^(-3/2) = {n.text(g_var)}; "
            f"∂loss/∂μ = -Σ ∂loss/∂x̂ / σ = {n.text(g_mu)}  "
            + tr("(sums over {over})", over=over),
            f"= {n.factor(g_xhat)} / {n.factor(sigma.data)} + {n.factor(g_var)} × 2 × "
            f"{factor(format_number(d, n.fmt))} / {m} + {n.factor(g_mu)} / {m}",
            f"= {format_number(term, n.fmt)}"), term)
