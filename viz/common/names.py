"""Names for unlabelled Values, read from the scopes a model records.

``autograd.nn`` labels its parameters (``L1.N3.w0``, ``L1.N3.b``) but not the
values it computes; every module opens a scope named after its path, so a
value made in ``layers.1.neurons.3`` is known to belong to neuron 3 of layer 1.
:func:`scope_names` turns that into the names a learner reads on the slides:

=========================  ===================================  ================
scope                      value                                name
=========================  ===================================  ================
``layers.1.neurons.3``     the weighted sum z = b + Σ w_i x_i    ``L1.N3.z``
                           the activation (what leaves it)       ``L1.N3``
                           a product w_i x_i                     ``L1.N3.w0x0``
``t3`` (an RNN's step)     h_3 = tanh(a_3), its pre-activation   ``h3``, ``a3``
``t3.hy.neurons.0``        the output y_3                        ``y3``
``layers.1`` (batch norm)  μ_j, σ²_j, σ_j, x̂_j, y_j              ``L1.μ0``, ``L1.BN0``
``layers.2`` (activation)  y_j = relu(x_j)                       ``L2.ReLU0``
``layers.3`` (dropout)     y_j = x_j · m_j                       ``L3.drop0``
``mse loss``               what leaves it, the rest by role      ``mse``, ``mse.diff``
``l2 penalty``             λ/2 · Σw², Σw²                        ``l2``, ``l2.Σw²``
any other scope            what leaves it, the rest by role      ``enc``, ``enc.prod``
(none)                     the output / an input leaf            ``loss``, ``x0``
=========================  ===================================  ================

A linear neuron's sum is its output, so it is ``L1.N3`` (no ``.z``). Vector
parts get an index where there is more than one (``h3[0]``, ``L1.μ2``); a name
made twice (a graph built sample by sample runs every neuron once per sample)
is ``L1.N3``, then ``L1.N3#2``, ... A value without a scope is named by its op's
role (``prod``, ``sum``, ``exp``: see ``role``), the output ``loss`` (``out`` for a
graph without parameters), an input leaf ``x0``, ``x1``, ... (``x3`` when only
an RNN's step t3 reads it). Everything is decided in the engine's topological
order, so the same program always gets the same names.

>>> from autograd.engine import Value, topological_order
>>> from autograd.nn import MLP
>>> out = MLP(2, [2, 1], seed=0)([Value(1.0, "x1"), Value(2.0, "x2")])
>>> names = scope_names(topological_order(out))
>>> names[out], sorted(n for n in names.values() if n.startswith("L0.N1"))
('L1.N0', ['L0.N1', 'L0.N1.w0x0', 'L0.N1.w1x1', 'L0.N1.z'])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from autograd.engine import Constant, Parameter, Value
from autograd.nn import ACTIVATIONS
from autograd.ops import RULES
from viz.common.scope import levels, users
from viz.common.text import format_number

__all__ = ["display_names", "scope_names", "short_scope", "neuron_index", "weighted_sum",
           "role", "block_kind", "ACTIVATION_SYMBOLS"]

_LAYER = re.compile(r"^layers\.(\d+)$")
_NEURON = re.compile(r"^neurons\.(\d+)$")
_STEP = re.compile(r"^t(\d+)$")
_PARAMETER_LABEL = re.compile(r"^(.+)\.(?:w\d+|b)$")
_LOSS_WORD = re.compile(r"(?i)\s*\b(?:loss|penalty)$")  # "mse loss" -> "mse"

# What a block of a single activation is called (``L2.ReLU0``): the rule's own symbol,
# for the activations of autograd.nn and the functions a hand-built neuron may use.
ACTIVATION_SYMBOLS = {name: RULES[name].symbol for name in (*ACTIVATIONS, "exp", "sin")
                      if name in RULES}
# A value's role, by the rule that made it, where its scope gives it no name of its own.
_ROLES = {"sub": "diff", "add": "sum", "add_n": "sum", "mul": "prod", "div": "quot",
          "neg": "neg", "pow": "pow", "powv": "pow", "sum": "Σ", "sum_squares": "Σa²",
          "sum_abs": "Σ|a|"}


def role(node: Value) -> str:
    """What a value is, by its op: ``prod``, ``diff``, ``square`` (x · x), ``Σw²`` (a
    penalty's sum of squared weights), ``exp``, ``mean``, ... ("" for a leaf)."""
    op = node.op
    if op == "mul" and node.inputs[0] is node.inputs[1]:
        return "square"
    if op in ("sum_squares", "sum_abs") and all(i.__class__ is Parameter for i in node.inputs):
        return "Σw²" if op == "sum_squares" else "Σ|w|"
    return _ROLES.get(op, op)


def block_kind(nodes: Sequence[Value]) -> str:
    """What a scope without weights computes, from its ops: ``"BN"`` or ``"LN"`` (a
    normalization, (x - μ) / σ; the γ its module labels tells which, and
    no γ means a layer norm without affine parameters), ``"drop"`` (a dropout mask:
    products with constants only), an activation's symbol (``"ReLU"``), or ""."""
    ops = {n.op for n in nodes if n.inputs}
    if any(n.op == "div" and n.inputs[0].op == "sub" for n in nodes):  # (x - μ) / σ
        gamma = next((i for n in nodes if n.op == "mul" for i in n.inputs
                      if i.__class__ is Parameter), None)
        return "LN" if gamma is None or gamma.label.startswith("LN") else "BN"
    if ops == {"mul"} and any(i.__class__ is Constant for n in nodes for i in n.inputs):
        return "drop"
    if len(ops) == 1 and next(iter(ops)) in ACTIVATION_SYMBOLS:
        return ACTIVATION_SYMBOLS[next(iter(ops))]
    return ""


def short_scope(path: Sequence[str]) -> str:
    """Scope levels as ``autograd.nn`` labels parameters: ``layers.1`` -> ``L1``,
    ``neurons.3`` -> ``N3``, any other level as it is, joined by ".".

    >>> short_scope(("layers.1", "neurons.3")), short_scope(("t2", "xh", "neurons.0"))
    ('L1.N3', 't2.xh.N0')
    """
    out = []
    for level in path:
        layer, neuron = _LAYER.match(level), _NEURON.match(level)
        out.append(f"L{layer.group(1)}" if layer else f"N{neuron.group(1)}" if neuron else level)
    return ".".join(out)


def neuron_index(scope: str) -> int | None:
    """The j of a scope whose last level is ``neurons.j`` (None for any other scope)."""
    path = levels(scope)
    match = _NEURON.match(path[-1]) if path else None
    return int(match.group(1)) if match else None


def weighted_sum(node: Value) -> bool:
    """A neuron's b + w_1 x_1 + ...: a sum with a product of a Parameter among its terms."""
    return node.op in ("add_n", "add") and any(
        t.op == "mul" and any(i.__class__ is Parameter for i in t.inputs) for t in node.inputs)


def _mean_terms(node: Value) -> tuple[Value, ...] | None:
    """The terms ``node`` averages (a batch mean, or add_n(...) / a constant), else None."""
    if node.op == "mean":
        return node.inputs
    if node.op == "div" and node.inputs[0].op == "add_n" \
            and node.inputs[1].__class__ is Constant:
        return node.inputs[0].inputs
    return None


def _indexed(base: str, k: int, count: int, style: str = "") -> str:
    """``base`` with the index k when there are several (``style`` "[]": ``h3[0]``)."""
    if count <= 1:
        return base
    return f"{base}[{k}]" if style == "[]" else f"{base}{k}"


class _Namer:
    """One pass over the graph's scopes; each method names the values of one kind of scope."""

    def __init__(self, order: Sequence[Value]) -> None:
        self.root = order[-1] if order else None
        self.users = users(order)
        self.by_scope: dict[str, list[Value]] = {}
        for node in order:
            if node.scope and node.__class__ is not Constant:
                self.by_scope.setdefault(node.scope, []).append(node)
        self.names: dict[Value, str] = {}
        # How many neurons each scope holds, so a one-neuron output layer's y_t has no index.
        self.neurons_in: dict[tuple[str, ...], set[int]] = {}
        for scope in self.by_scope:
            j = neuron_index(scope)
            if j is not None:
                self.neurons_in.setdefault(levels(scope)[:-1], set()).add(j)

    def name(self, node: Value, text: str) -> None:
        if not node.label:  # the user's label always wins
            self.names[node] = text

    def ends(self, nodes: list[Value]) -> list[Value]:
        """The nodes of a scope that no other node of the scope reads: what it hands on."""
        inside = set(nodes)
        return [n for n in nodes if not any(u in inside for u in self.users.get(n, ()))]

    def run(self) -> dict[Value, str]:
        for scope, nodes in self.by_scope.items():
            path = levels(scope)
            if _NEURON.match(path[-1]):
                self.neuron(path, nodes)
            elif _STEP.match(path[-1]):
                self.step(path, nodes)
            else:
                self.block(path, nodes)
        self.step_inputs()
        return self.names

    def neuron(self, path: tuple[str, ...], nodes: list[Value]) -> None:
        prefix = short_scope(path)
        sums = [n for n in nodes if weighted_sum(n)]
        # A Layer used on its own has the scope "neurons.3" but labels its weights
        # "L0.N3.w0": the labels' prefix is then the better name.
        for term in sums[0].inputs if sums else ():
            leaf = term if term.__class__ is Parameter else next(
                (i for i in term.inputs if i.__class__ is Parameter), None)
            match = _PARAMETER_LABEL.match(leaf.label) if leaf is not None and leaf.label \
                else None
            if match and match.group(1).endswith("." + prefix):
                prefix = match.group(1)
                break
        step = next((i for i, level in enumerate(path) if _STEP.match(level)), None)
        ends = self.ends(nodes)
        for node in nodes:
            if node in ends and node.inputs:
                self.name(node, self.neuron_output(node, path, step) or prefix)
            elif node in sums:
                self.name(node, f"{prefix}.z")
        for total in sums:
            products = [t for t in total.inputs if t.op == "mul" and t.scope == total.scope]
            for i, term in enumerate(products):
                self.name(term, f"{prefix}.w{i}x{i}")
        self.rest(prefix, nodes)

    def neuron_output(self, node: Value, path: tuple[str, ...], step: int | None) -> str | None:
        """``y3`` for the output of a neuron in step t3 that leaves the step (an RNN's
        output layer); None for any other neuron."""
        if step is None:
            return None
        inside = ".".join(path[:step + 1])
        leaves = node is self.root or any(
            u.scope != inside and not u.scope.startswith(inside + ".")
            for u in self.users.get(node, ()))
        if not leaves:
            return None
        outer = short_scope(path[:step])
        t = _STEP.match(path[step]).group(1)  # type: ignore[union-attr]
        j = neuron_index(".".join(path))
        base = f"{outer}.y{t}" if outer else f"y{t}"
        return _indexed(base, j or 0, len(self.neurons_in.get(path[:-1], ())), "[]")

    def step(self, path: tuple[str, ...], nodes: list[Value]) -> None:
        """An RNN's time step: h_t = tanh(a_t) is what the step hands on, a_t the rest."""
        outer = short_scope(path[:-1])
        t = _STEP.match(path[-1]).group(1)  # type: ignore[union-attr]
        ends = set(self.ends(nodes))
        for symbol, group in (("h", [n for n in nodes if n in ends and n.inputs]),
                              ("a", [n for n in nodes if n not in ends and n.inputs])):
            base = f"{outer}.{symbol}{t}" if outer else f"{symbol}{t}"
            for k, node in enumerate(group):
                j = self.unit_of(node, set(nodes))
                self.name(node, _indexed(base, k if j is None else j, len(group), "[]"))
        self.rest(short_scope(path), nodes)

    def step_inputs(self) -> None:
        """Input leaves that only an RNN's step t reads: ``x<t>`` (``x<t>[i]`` for several
        features). (Other inputs are ``x0``, ``x1``, ...: ``display_names``.)"""
        read_by: dict[str, list[Value]] = {}
        for leaf, readers in self.users.items():
            if leaf.inputs or leaf.label or leaf.__class__ is not Value:
                continue
            steps = {next((level for level in levels(r.scope) if _STEP.match(level)), "")
                     for r in readers}
            if len(steps) == 1 and "" not in steps:
                read_by.setdefault(steps.pop(), []).append(leaf)
        for step, leaves in read_by.items():
            t = step[1:]
            for k, leaf in enumerate(leaves):
                self.names[leaf] = _indexed(f"x{t}", k, len(leaves), "[]")

    def unit_of(self, node: Value, inside: set[Value]) -> int | None:
        """The index of the neuron whose output ``node`` is made from, following the
        step's own nodes back (tanh(a), a = xh_j + hh_j): the j of h_t[j]."""
        seen, stack = set(), [node]
        while stack:
            for inp in stack.pop().inputs:
                j = neuron_index(inp.scope)
                if j is not None:
                    return j
                if inp in inside and inp not in seen:
                    seen.add(inp)
                    stack.append(inp)
        return None

    def block(self, path: tuple[str, ...], nodes: list[Value]) -> None:
        """Any other scope: a normalization's statistics by their symbols; what leaves
        it by the block's kind and feature (``L1.BN3``, ``L2.ReLU0``), else as the scope
        (``L1``, ``L1.y0``, ...; a loss or penalty without its word: ``mse``, ``l2``);
        the rest by role."""
        prefix = _LOSS_WORD.sub("", short_scope(path)) or short_scope(path)
        roles: dict[str, list[Value]] = {"μ": [], "σ²": [], "σ": [], "x̂": []}
        for node in nodes:
            terms = _mean_terms(node)
            # x - μ: a mean subtracted from what it averages marks a normalization.
            if terms is not None and any(u.op == "sub" and u.inputs[1] is node
                                         and u.inputs[0] in terms
                                         for u in self.users.get(node, ())):
                roles["μ"].append(node)
            elif terms is not None and terms and all(
                    t.op == "mul" and t.inputs[0] is t.inputs[1] and t.inputs[0].op == "sub"
                    and t.inputs[0].inputs[1] in roles["μ"] for t in terms):
                roles["σ²"].append(node)
            elif node.op == "sqrt" and node.inputs[0].op == "add" \
                    and node.inputs[0].inputs[0] in roles["σ²"]:
                roles["σ"].append(node)
            elif node.op == "div" and node.inputs[1] in roles["σ"]:
                roles["x̂"].append(node)
        for symbol, group in roles.items():
            for k, node in enumerate(group):
                self.name(node, f"{prefix}.{_indexed(symbol, k, len(group))}")
        ends = [n for n in self.ends(nodes) if n.inputs and n not in self.names]
        kind = block_kind(nodes)
        for k, node in enumerate(ends):
            if kind:
                j = self.unit_of(node, set(nodes))
                self.name(node, f"{prefix}.{kind}{k if j is None else j}")
            else:
                self.name(node, prefix if len(ends) == 1 else f"{prefix}.y{k}")
        self.rest(prefix, nodes, indexed=bool(kind))

    def rest(self, prefix: str, nodes: list[Value], indexed: bool = False) -> None:
        """The scope's values with no name of their own: ``prefix.<role>`` (``mse.diff``),
        with ``indexed`` the feature it belongs to too (``L1.diff3``). (A leaf is an
        input, wherever a module lifted it: ``display_names`` names it.)"""
        inside = set(nodes)
        for node in nodes:
            if node in self.names or node.label or not node.inputs:
                continue
            j = self.unit_of(node, inside) if indexed else None  # one feature's part
            self.name(node, f"{prefix}.{role(node)}{'' if j is None else j}")


def display_names(order: Sequence[Value], fmt: str = ".4g") -> tuple[dict[Value, str],
                                                                     set[Value]]:
    """The name each node of ``order`` (a graph in topological order, the root last)
    goes by in every view, and the set of made-up ones.

    A Value's label; for a constant, its number; for a value made in a scope, the
    name the scope gives it (``scope_names``); the output ``loss`` (``out`` in a graph
    without parameters) unless a neuron's scope names it; an input leaf ``x0``, ``x1``,
    ...; any other value ``<role>`` (``prod``, ``exp``: ``role``), then ``prod#2``, ...
    """
    names: dict[Value, str] = {}
    auto: set[Value] = set()
    scoped = scope_names(order)
    root = order[-1] if order else None
    leaves = {Value: 0, Parameter: 0}
    seen: dict[str, int] = {}
    for node in order:
        if node.__class__ is Constant:
            names[node] = "c" if isinstance(node.data, np.ndarray) else format_number(
                node.data, fmt)
            continue
        if node.label:
            names[node] = node.label
            continue
        auto.add(node)
        if node in scoped and not node.inputs:  # an RNN step's input
            names[node] = scoped[node]
        elif _lone_neuron(node):
            names[node] = _lone_neuron(node)
        elif node is root and not _named_by_neuron(node):
            loss = any(n.__class__ is Parameter for n in order)
            names[node] = "loss" if loss else "out"
        elif node in scoped:
            names[node] = scoped[node]
        elif not node.inputs:
            kind = Parameter if node.__class__ is Parameter else Value
            names[node] = f"{'w' if kind is Parameter else 'x'}{leaves[kind]}"
            leaves[kind] += 1
        else:
            text = role(node)
            count = seen[text] = seen.get(text, 0) + 1
            names[node] = text if count == 1 else f"{text}#{count}"
    return names, auto


def _lone_neuron(node: Value) -> str:
    """The name of a neuron used on its own (no layer's scope), as its parameters are
    labelled (``N0.b`` -> ``N0``, ``P.b`` -> ``P``), for its weighted sum or the
    activation of it; "" for any other node."""
    total = node if weighted_sum(node) else node.inputs[0] if len(node.inputs) == 1 else None
    if total is None or node.scope or not weighted_sum(total):
        return ""
    bias = next((i for i in total.inputs if i.__class__ is Parameter), None)
    match = _PARAMETER_LABEL.match(bias.label) if bias is not None else None
    return match.group(1) if match else ""


def _named_by_neuron(node: Value) -> bool:
    """Whether a neuron's or an RNN step's scope names ``node`` (a model's output)."""
    return any(_NEURON.match(level) or _STEP.match(level) for level in levels(node.scope))


def scope_names(order: Sequence[Value]) -> dict[Value, str]:
    """A name for every unlabelled, non-constant Value made in a scope (see the module
    docstring); ``order`` is the graph in topological order, the root last."""
    names = _Namer(order).run()
    seen: dict[str, int] = {}
    for node in order:  # a name made twice: L1.N3, then L1.N3#2, ...
        if node in names:
            count = seen[names[node]] = seen.get(names[node], 0) + 1
            if count > 1:
                names[node] = f"{names[node]}#{count}"
    return names

