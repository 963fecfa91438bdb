"""Each unit's step in the network view, as the rule it applies with one sample's numbers.

A unit's value comes from its own rule (forward): a neuron's weighted sum and
activation, batch norm's standardisation, dropout's mask. Its δ is
∂loss/∂(its value), the number in its box; backward, it is the sum of what
every reader of the value sends back, each by the reader's own rule::

    neuron k, through weight w:   w · f'(z_k) · δ_k        (f': k's activation's derivative)
    an activation layer:          f'(x) · δ
    dropout:                      m · δ                    (m = 1/(1 - p) where kept, else 0)
    batch or layer norm:          ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m + ∂loss/∂μ / m
    anything else (a loss):       its ops' local derivatives, multiplied along each path

Every factor is a number the picture shows (a weight, a box's δ, a value) or one
the rule works out from them in a line of its own, so each product can be
checked by hand. A batch's rule uses one sample's numbers; in summary mode (the
batch mean), no rule is written as a product of means: the formula and the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value, topological_order
from autograd.ops import RULES
from viz.common.chain import MAX_TERMS, factor, local_derivatives, substitute, unwrapped
from viz.common.names import ACTIVATION_SYMBOLS, display_names
from viz.common.scope import users
from viz.common.text import Summary, format_number
from viz.network.units import Network, Unit, ancestors, weight_of

__all__ = ["Numbers", "UnitRules", "weight_name", "MAX_PATHS"]

MAX_PATHS = 6   # paths through a loss's ops written out; more are summed in one line

_MATRIX = re.compile(r"^(?:.*\.)?([A-Za-z]\w*)\.N(\d+)\.w(\d+)$")
_LAYER = re.compile(r"^L\d+$")


def weight_name(w: Value) -> str:
    """How a rule names a weight: its label (``L1.N3.w0``); an RNN's as the matrix entry it
    is (``xh.N4.w0`` -> ``W_xh[4,0]``, row 4, column 0), so W_xh and W_hh never share a name."""
    match = _MATRIX.match(w.label or "")
    if match is None or _LAYER.match(match.group(1)):
        return w.label or "w"
    return f"W_{match.group(1)}[{match.group(2)},{match.group(3)}]"


class Numbers:
    """The numbers a pass shows: one sample's (``exact``), or a batch's summary.

    ``summary.sample`` picks the sample (its numbers are exact: every rule can be
    written out with them); without one, a batch shows its mean (or range) and the
    rules give formulas and results only. A graph of one sample is always exact."""

    def __init__(self, summary: Summary, size: int) -> None:
        self.summary, self.size, self.fmt = summary, size, summary.fmt
        self.exact = summary.sample is not None or size <= 1
        self.at = (summary.sample or 0) % max(size, 1)

    def of(self, x: Any) -> float:
        """The sample's number of ``x`` (a batch), or ``x`` itself."""
        return float(np.ravel(x)[self.at % np.size(x)]) if np.ndim(x) else float(x)

    def text(self, x: Any) -> str:
        """``x`` as the boxes show it: the sample's number, else the batch's summary."""
        if self.exact or not isinstance(x, np.ndarray):
            return format_number(self.of(x), self.fmt)
        return self.summary.text(x).removeprefix("mean ")

    def factor(self, x: Any) -> str:
        """The sample's number as a factor: in parentheses when negative."""
        return factor(format_number(self.of(x), self.fmt))

    def pick(self, values: Sequence[Value]) -> Value:
        """The Value holding the sample: one of a graph built sample by sample, or the batch."""
        return values[self.at % len(values)] if len(values) > 1 else values[0]

    def note(self, x: Any) -> tuple[str, ...]:
        """The line that says whose numbers a rule about ``x`` uses (none for a number the
        whole batch shares, such as the loss)."""
        if self.size <= 1 or np.ndim(x) == 0:
            return ()
        if self.exact:
            return (f"numbers of sample {self.at} of {self.size}",)
        what = "mean" if self.summary.summary == "mean" else "[min, max]"
        return (f"the {what} over the {self.size} samples: each sample's rule is the "
                f"formula above with its own numbers",)


@dataclass(frozen=True)
class _Term:
    """What one reader sends back: its lines (the last one ends in its number) and value."""

    lines: tuple[str, ...]
    value: float


class UnitRules:
    """The rules of a network's units, forward and backward, with any sample's numbers.

    ``grads`` is d loss / d node for every node of the graph (``fresh_gradients``)."""

    def __init__(self, net: Network, root: Value, grads: Mapping[Value, Any]) -> None:
        self.net, self.root, self.grads = net, root, grads
        order = topological_order(root)
        self.users = users(order)
        self.names = display_names(order)[0]
        self.home: dict[Value, Unit] = {}   # the unit an op belongs to (the first, if shared)
        self.owner: dict[Value, Unit] = {}  # the unit a value is the value of
        for unit in (u for column in net.columns for u in column):
            for node in (*unit.nodes, *unit.outputs):
                self.home.setdefault(node, unit)
            self.owner.update((v, unit) for v in unit.outputs)

    # -- forward ---------------------------------------------------------------------------
    def forward(self, unit: Unit, n: Numbers) -> tuple[str, ...]:
        """How ``unit``'s value is computed, with the sample's numbers."""
        out = n.pick(unit.outputs)
        note = n.note(out.data)
        if unit.kind == "input":
            return (f"{unit.name} = {n.text(out.data)}", "an input: given") + note
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
        defined += [f"{names[z]} = {'b + ' if _bias(z) is not None else ''}Σ w·x" for z in sums]
        lines = [",  ".join(defined) + ("" if after else " (linear)")]
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
        bias = _bias(z)
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
        lines = [f"{name} = {what}, a term a line:"] + ([f"b = {head[0]}"] if head else [])
        for t, w, x in terms:
            if w is None:
                lines.append(f"+ {n.factor(t.data)}")
            else:
                lines.append(f"+ {n.factor(w.data)} × {n.factor(x.data)} = {n.text(t.data)}"
                             f"   ({weight_name(w)} · {self.net_name(x)})")
        lines.append(f"= {n.text(z.data)}")
        return lines

    def _norm_forward(self, unit: Unit, out: Value, n: Numbers) -> tuple[str, ...]:
        parts = _norm_parts(out, unit)
        if parts is None:
            return self._op_forward(unit.name, out, n)
        x, mu, var, sigma, gamma, beta = parts
        what = "batch" if unit.activation == "BN" else "sample's features"
        lines = [f"{unit.name} = γ · (x - μ) / σ + β,  σ = sqrt(σ² + ε)"]
        if var is None:
            lines.append(f"μ and σ: the running statistics (eval): μ = {n.text(mu.data)}, "
                         f"σ = {n.text(sigma.data)}")
        else:
            lines.append(f"μ = {n.text(mu.data)}, σ² = {n.text(var.data)}: over the {what}; "
                         f"σ = {n.text(sigma.data)}")
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
            return (f"{name} = {out.op} of {names[out.inputs[0]]} over the {n.size} samples",
                    f"= {n.text(out.data)}")
        formula = substitute(RULES[out.op].formula_for(len(out.inputs)), out, names)
        lines = [f"{name} = {formula}"]
        batch = any(isinstance(i.data, np.ndarray) for i in out.inputs)
        scalar_out = not isinstance(out.data, np.ndarray)
        if n.exact and not (batch and scalar_out):
            numbers = {i: n.factor(i.data) for i in out.inputs}
            lines.append("= " + unwrapped(substitute(RULES[out.op].formula_for(
                len(out.inputs)), out, {**numbers, out: name})))
        elif batch and scalar_out:
            lines.append(f"over the {n.size} samples")
        lines.append(f"= {n.text(out.data)}")
        return tuple(lines)

    def net_name(self, node: Value) -> str:
        """A node as the network view names it: its unit, a weight, a number."""
        unit = self.home.get(node)
        if unit is not None and node in unit.outputs:
            return unit.name
        if node.__class__ is Parameter:
            return weight_name(node)
        if node.__class__ is Constant:
            return "c" if isinstance(node.data, np.ndarray) else format_number(node.data)
        return self.names[node]

    # -- backward --------------------------------------------------------------------------
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
            return ("δ = ∂loss/∂loss = 1", "the seed: backward starts from the loss")
        terms = self.terms(out, n)
        delta = self.grads[out]
        if not terms:
            return (f"δ {unit.name} = 0: nothing reads it",)
        many = len(terms) > 1
        head = f"δ {unit.name} = ∂loss/∂{unit.name}" + (", the sum of what each reader sends "
                                                          "back:" if many else ":")
        if not n.exact:
            kinds = [t.lines[0] for t in terms]
            return (head, *dict.fromkeys(kinds), f"= {n.text(delta)}") + n.note(delta)
        lines = [head]
        for term in terms:
            lines += term.lines if many else [term.lines[0].removeprefix("+ "), *term.lines[1:]]
        result = format_number(n.of(delta), n.fmt)
        if many:
            lines.append(f"= {result}  (the sum)")
        elif not lines[-1].endswith(f"= {result}"):
            lines.append(f"= {result}")
        if unit.kind == "penalty":
            lines += self._penalty_sends(unit, out, n)
        return tuple(lines) + n.note(delta)

    def _penalty_sends(self, unit: Unit, out: Value, n: Numbers) -> list[str]:
        """What a penalty adds to each weight's gradient, δ times its ops' derivatives
        (λ·w for L2, λ·sign(w) for L1): written out for its first weights."""
        weights = [w for node in unit.nodes for w in node.inputs
                   if w.__class__ is Parameter and w not in unit.nodes]
        weights = list(dict.fromkeys(weights))
        lines = [f"it adds to each of its {len(weights)} weights' gradients, along its ops:"]
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
            lines.append(f"… and so for the other {len(weights) - 3}")
        return lines

    def terms(self, out: Value, n: Numbers) -> list[_Term]:
        """What each reader of ``out`` sends back to it (one term per weight; one per
        reader for any other unit)."""
        edges = [(c, p) for c in dict.fromkeys(self.users.get(out, ()))
                 for p, i in enumerate(c.inputs) if i is out]
        terms: list[_Term] = []
        # A normalization reads x twice, in x - μ and in μ itself: one term for both
        # (its layer's ops are shared by all its features, so found by their shape).
        for c, p in list(edges):
            xhat = next((u for u in self.users.get(c, ()) if u.op == "div" and u.inputs[0] is c),
                        None) if c.op == "sub" and p == 0 else None
            value = self._value_above(xhat) if xhat is not None else None
            if value is None or _norm_parts(value, self.owner[value]) is None:
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

    def _weight_term(self, product: Value, unit: Unit, n: Numbers) -> _Term:
        """Neuron k reads the value through weight w: w · f'(z_k) · δ_k, f' the product of
        the local derivatives from the weighted sum to k's value (its activation's)."""
        w = weight_of(product)
        value = self._reached(product, unit)
        paths = self._paths(product, value, unit, skip_first=True)
        slope = sum(float(np.prod([n.of(local) for local in locals_])) for locals_, _ in paths)
        d_text, d = self._delta_factor(unit, value, n)
        term = n.of(w.data) * slope * d
        if not n.exact:
            return _Term(("through each weight into a neuron k: w · f'(z_k) · δ_k",), term)
        f = self._slope_text(value, unit)
        line = (f"+ {n.factor(w.data)} × {factor(format_number(slope, n.fmt))} × {d_text} = "
                f"{format_number(term, n.fmt)}   ({weight_name(w)} into {unit.name}, f' {f})")
        return _Term((line,), term)

    def _slope_text(self, value: Value, unit: Unit) -> str:
        """f'(z) of a neuron, as its activation's rule writes it (``= 1`` if linear)."""
        node = value
        if node.op in ("add", "add_n") or not node.inputs:
            return "= 1, linear"
        names = {node: unit.name, **{i: "z" for i in node.inputs}}
        return "= " + substitute(RULES[node.op].derivative(0), node, names)

    def _activation_term(self, edge: tuple[Value, int], unit: Unit, n: Numbers) -> _Term:
        node, p = edge
        slope = local_derivatives(node)[p]
        d_text, d = self._delta_factor(unit, node, n)
        term = n.of(slope) * d
        names = {node: unit.name, **{i: "x" for i in node.inputs}}
        formula = substitute(RULES[node.op].derivative(p), node, names)
        if not n.exact:
            return _Term((f"through {unit.name}: f'(x) · δ, f'(x) = {formula}",), term)
        x = n.of(node.inputs[0].data)
        return _Term((f"through {unit.name}: f'(x) · δ {unit.name},  f'(x) = {formula}"
                      f" = {format_number(n.of(slope), n.fmt)} at x = {format_number(x, n.fmt)}",
                      f"= {factor(format_number(n.of(slope), n.fmt))} × {d_text} = "
                      f"{format_number(term, n.fmt)}"), term)

    def _drop_term(self, node: Value, unit: Unit, n: Numbers) -> _Term:
        m = next(i for i in node.inputs if i.__class__ is Constant)
        d_text, d = self._delta_factor(unit, node, n)
        mask = n.of(m.data)
        term = mask * d
        if not n.exact:
            return _Term((f"through {unit.name}: m · δ (m = 1/(1 - p) where kept, else 0)",),
                         term)
        why = (f"kept: m = 1/(1 - p), p = {format_number(1 - 1 / mask, n.fmt)}" if mask
               else "dropped in this sample: m = 0")
        return _Term((f"through {unit.name}: m · δ {unit.name}  ({why})",
                      f"= {format_number(mask, n.fmt)} × {d_text} = "
                      f"{format_number(term, n.fmt)}"), term)

    def _norm_term(self, sub: Value, value: Value, unit: Unit, n: Numbers) -> _Term:
        """Batch or layer norm: x reaches y = ``value`` through x̂ = (x - μ) / σ (``sub`` is
        x - μ), and through μ and σ², which every value of the batch (or of the sample's
        features) shares."""
        x, mu, var, sigma, gamma, _ = _norm_parts(value, unit)  # type: ignore[misc]
        xhat = next(u for u in self.users[sub] if u.op == "div")
        g_xhat, g_mu = self.grads[xhat], self.grads[mu]
        d_text, _ = self._delta_factor(unit, value, n)
        gamma_text = n.factor(gamma.data) if gamma is not None else "1"
        if var is None:  # eval: running statistics, constants
            term = n.of(g_xhat) / n.of(sigma.data)
            return _Term((f"through {unit.name} (running statistics): ∂loss/∂x = γ · δ / σ",
                          f"= {gamma_text} × {d_text} / {n.factor(sigma.data)} = "
                          f"{format_number(term, n.fmt)}"), term)
        m = _count(mu)
        g_var = self.grads[var]
        d = n.of(sub.data)
        term = n.of(g_xhat) / n.of(sigma.data) + n.of(g_var) * 2 * d / m + n.of(g_mu) / m
        over = "batch" if unit.activation == "BN" else "sample's features"
        head = (f"through {unit.name}: ∂loss/∂x = ∂loss/∂x̂ / σ + ∂loss/∂σ² · 2(x - μ)/m "
                f"+ ∂loss/∂μ / m  (μ, σ² over the {over}, m = {m})")
        if not n.exact:
            return _Term((head,), term)
        return _Term((
            head,
            f"∂loss/∂x̂ = γ · δ {unit.name} = {gamma_text} × {d_text} = {n.text(g_xhat)}",
            f"∂loss/∂σ² = Σ ∂loss/∂x̂ · (x - μ) · (-½)(σ² + ε)^(-3/2) = {n.text(g_var)}; "
            f"∂loss/∂μ = -Σ ∂loss/∂x̂ / σ = {n.text(g_mu)}  (sums over the {over})",
            f"= {n.factor(g_xhat)} / {n.factor(sigma.data)} + {n.factor(g_var)} × 2 × "
            f"{factor(format_number(d, n.fmt))} / {m} + {n.factor(g_mu)} / {m}",
            f"= {format_number(term, n.fmt)}"), term)

    def _path_term(self, edges: list[tuple[Value, int]], unit: Unit, n: Numbers) -> _Term:
        """Any other reader (a loss, a penalty): the product of the local derivatives
        along each path through its ops, times its δ; summed over the paths."""
        value = self._reached(edges[0][0], unit)
        paths = [path for c, p in edges for path in self._paths(c, value, unit, position=p)]
        d_text, d = self._delta_factor(unit, value, n)
        total = d * sum(float(np.prod([n.of(x) for x in locals_])) for locals_, _ in paths)
        head = f"through {unit.name}'s ops: the product of the local derivatives on each path"
        if not n.exact:
            return _Term((head,), total)
        lines = [head]
        if len(paths) > MAX_PATHS:
            lines.append(f"= {format_number(total, n.fmt)}  (the sum over {len(paths)} paths; "
                         f"the op view shows each)")
            return _Term(tuple(lines), total)
        products = []
        for locals_, ops in paths:
            factors = [factor(format_number(n.of(x), n.fmt)) for x in locals_]
            if d_text != "1":
                factors.append(d_text)
            products.append(" × ".join(factors))
            lines.append(f"{' → '.join(ops)}: {products[-1]}")
        lines.append(f"= {' + '.join(products)} = {format_number(total, n.fmt)}"
                     if len(paths) > 1 else f"= {format_number(total, n.fmt)}")
        return _Term(tuple(lines), total)

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


def _bias(z: Value) -> Value | None:
    """The bias of a weighted sum: the Parameter among its terms."""
    return next((i for i in z.inputs if i.__class__ is Parameter), None)


def _count(mu: Value) -> int:
    """How many values a mean μ averages: a batch's samples, or the terms of Σ / m."""
    if mu.op == "mean":
        return int(np.size(mu.inputs[0].data))
    return len(mu.inputs[0].inputs)


def _norm_parts(value: Value, unit: Unit) -> tuple[Any, ...] | None:
    """A normalization's y = x̂ · γ + β, x̂ = (x - μ) / σ, σ = sqrt(σ² + ε), read back from
    y: (x, μ, σ², σ, γ, β); σ² is None with running statistics, γ and β without affine."""
    node, gamma, beta = value, None, None
    if node.op == "add" and node.inputs[1].__class__ is Parameter:
        node, beta = node.inputs[0], node.inputs[1]
    if node.op == "mul" and node.inputs[1].__class__ is Parameter:
        node, gamma = node.inputs[0], node.inputs[1]
    if node.op != "div" or node.inputs[0].op != "sub":
        return None
    diff, sigma = node.inputs
    x, mu = diff.inputs
    var = None
    if sigma.op == "sqrt" and sigma.inputs[0].op == "add":
        var = sigma.inputs[0].inputs[0]
    elif sigma.__class__ is not Constant:
        return None
    return x, mu, var, sigma, gamma, beta
