"""``backward()``'s walk: the order it visits the graph in, and the chain rule along it.

The order. Every node gets a creation stamp, and a node is always made after its
inputs, so newest first is a topological order. Every op recorded on the graph is
also appended to *the tape*, a list of the nodes made since the last
``backward()``. ``loss.backward()`` then has its order already: ``loss`` and the
nodes before it on the tape, newest first. No search, no sort. A graph the tape
does not cover (an older root, a second backward) is searched for its nodes, which
are then sorted by stamp.

The chain rule. Each node adds its share straight into its inputs' ``.grad``::

    input.grad += node.grad * d node / d input

When a node's turn comes, every node made from it has been visited, so its
``.grad`` is complete. That works because a node still on the tape has never been
reached by a walk. Its ``.grad`` is still the very ``ZERO`` object it was made
with: a walk starts it from zero and knows an untouched node by identity.

An input recorded before the tape began, one an earlier walk may have reached, is
set aside: its ``.grad`` is kept, and this walk's gradient for it is gathered from
zero. The set-aside nodes and what they depend on are then searched for and
walked, and each old ``.grad`` is added back.

Each rule's backward is generated at import from its own ``local`` in
``autograd.ops.RULES``. ``print(backward_source("mul"))`` shows the code.

Lifetime. The tape holds its nodes until the next ``backward()``. If it grows
past ``TAPE_LIMIT`` nodes (graphs drawn or evaluated, never differentiated), it
is emptied at the next run of the garbage collector. A graph off the tape is
searched instead, with the same numbers.

Threads. One lock (``walk_lock``) serialises the walks that add to ``.grad``,
because threads may share a model's weights. Any thread may append to the tape
meanwhile. A node whose stamp is older than the tape's start counts as off the
tape, even if a thread appended it late, so a walk never trusts a node the tape
does not hold.
"""

from __future__ import annotations

import ast
import functools
import gc
import inspect
import itertools
import math
import operator
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import ops
from autograd.ops import RULES, Rule

if TYPE_CHECKING:  # (a hint only: engine.py imports this module)
    from autograd.engine import Value

__all__ = ["backward_source", "TAPE_LIMIT"]

ndarray = np.ndarray

# A node's .grad before any walk reaches it: one shared object, so that ``grad is ZERO``
# says "untouched" (a sum, even 0.0 + 0.0, is a new float).
ZERO = 0.0

# Creation stamps, floats rather than ints: 24 bytes against 28, on every node.
# (itertools.count is one C call, and safe across threads.)
stamps = itertools.count(0.0)
by_stamp = operator.attrgetter("_stamp")

# The tape: every node recorded since the last backward(), oldest first. The engine
# appends to this one list, which is emptied in place, never replaced.
tape: list[Value] = []
_tape_start = next(stamps)  # every op's node stamped since then is on the tape
TAPE_LIMIT = 1 << 18  # nodes; about 40 MB of graphs at most held for nobody

walk_lock = threading.Lock()


class InfiniteDerivative(ZeroDivisionError):
    """A rule's local derivative divided by zero at ``node`` (sqrt at 0, say)."""

    def __init__(self, node: Value) -> None:
        super().__init__(node)
        self.node = node


def backward(root: Value, seed: Any) -> None:
    """Add d root / d node to ``node.grad`` for every node ``root`` depends on.

    ``seed`` is d root / d root, a number or an array, already checked by the
    engine. The caller holds ``walk_lock``.
    """
    start = _tape_start
    order = _taped_order(root, start)
    restart_tape()  # what this walk reaches gets a .grad: later walks search for it
    if order is None:
        walk_searched({root: seed})
        return
    root.grad = seed
    outside: dict[Value, Any] = {}
    _chain_rule(order, start, outside)
    if outside:  # carry on below the tape, from the gradients gathered so far
        seeds = {}
        for node, old in outside.items():
            seeds[node], node.grad = node.grad, old
        walk_searched(seeds)


def walk_searched(seeds: dict[Value, Any]) -> None:
    """The chain rule over every node the seeds (node: d root / d node) depend on,
    found by a search and sorted by stamp. The ``.grad`` of each node reached that
    passes its gradient on is set aside and started from zero, then added back (a
    leaf adds straight into its own, as on the tape). If the walk fails, every
    ``.grad`` is put back as it was."""
    olds = {node: node.grad for node in reachable(seeds)}
    for node in olds:
        if node._rule is not None:
            node.grad = ZERO
    for node, g in seeds.items():
        node.grad = node.grad + g
    try:
        _chain_rule(sorted(olds, key=by_stamp, reverse=True), -math.inf, {})
    except BaseException:
        for node, old in olds.items():
            node.grad = old
        raise
    for node, old in olds.items():
        if old is not ZERO and node._rule is not None:
            node.grad = old + node.grad


def reachable(roots: Iterable[Value]) -> dict[Value, None]:
    """Every node the roots depend on, as the keys of a new dict: one visit per
    node, no recursion. The dict is this walk's own, so walks in other threads
    never see it."""
    found = dict.fromkeys(roots)
    stack = list(found)
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        if node._rule is None:
            continue
        a, b = node._a, node._b
        if b is not None:
            if b not in found:
                found[b] = None
                push(b)
        elif a.__class__ is tuple:  # variadic
            for i in a:
                if i not in found:
                    found[i] = None
                    push(i)
            continue
        if a not in found:
            found[a] = None
            push(a)
    return found


def _taped_order(root: Value, start: float) -> list[Value] | None:
    """``root`` and every node taped before it, newest first, or None if the tape
    does not cover root's graph fresh: root is not on it, or a ``.grad`` on it was
    set by hand."""
    if root._rule is None or root._stamp < start:
        return None
    if tape and tape[-1] is root:  # the usual case: the loss was made last
        end = len(tape) - 1
    else:
        try:
            end = tape.index(root)
        except ValueError:
            return None
    order = tape[end::-1]
    for node in order:  # (a plain loop: twice as fast here as any(map(...)))
        if node.grad is not ZERO:
            return None
    return order


def restart_tape() -> None:
    """Empty the tape: what it held now counts as recorded before it."""
    global _tape_start
    del tape[:]
    _tape_start = next(stamps)  # drawn after emptying: see "Threads" above


def _drop_a_full_tape(phase: str, info: dict[str, int]) -> None:
    """At each run of the garbage collector, empty a tape grown past TAPE_LIMIT
    nodes, so that graphs made and dropped without a backward() are freed."""
    if phase == "start" and len(tape) > TAPE_LIMIT and walk_lock.acquire(blocking=False):
        try:
            restart_tape()
        finally:
            walk_lock.release()


gc.callbacks.append(_drop_a_full_tape)


def _chain_rule(order: list[Value], older: float, outside: dict[Value, Any]) -> None:
    """Visit ``order`` (newest first): each node reached adds g * d node / d input to
    its inputs' ``.grad``. An input stamped before ``older`` that is not a leaf is
    set aside in ``outside`` first (``set_aside``)."""
    scalar, batch = _GENERATED[float], _GENERATED[ndarray]
    node = None
    try:
        for node in order:
            g = node.grad
            if g is ZERO or node._stamp < older:  # not reached, or not this walk's
                continue
            rule = node._rule
            if rule is None:
                continue
            backward = (scalar if g.__class__ is float else batch).get(rule.local)
            if backward is None:
                _generic_backward(node, rule, g, older, outside)
            else:
                backward(node, g, older, outside)
    except ZeroDivisionError:
        raise InfiniteDerivative(node) from None


def set_aside(node: Value, outside: dict[Value, Any]) -> None:
    """Keep the ``.grad`` of a node recorded before the tape began, and gather this
    walk's gradient for it from zero."""
    if node not in outside:
        outside[node] = node.grad
        node.grad = ZERO


def _generic_backward(node: Value, rule: Rule, g: Any, older: float,
                      outside: dict[Value, Any]) -> None:
    """What the generated backward does, by calling ``rule.local``: for a rule made
    at run time, or where autograd/ops.py's source is not installed."""
    inputs = node.inputs
    local = rule.local(node.data, *[i.data for i in inputs])
    batched = g.__class__ is ndarray
    for i, c in zip(inputs, local):
        if i._stamp < older and i._rule is not None:
            set_aside(i, outside)
        i.grad = i.grad + edge_gradient(g, c, i, batched)


def edge_gradient(g: Any, local: Any, inp: Value, batched: bool) -> Any:
    """What one edge sends back to ``inp``: g * local, the chain rule (summed over
    the batch for a scalar input of a batched node)."""
    if batched and inp.data.__class__ is float:
        return batch_total(g, local)
    return g if local is ops.ONE else g * local


def batch_total(g: ndarray, local: Any) -> float:
    """A scalar input of a batched op gets the sum of its per-sample gradients,
    sum_i g_i * local_i (one dot product: no array of products in between; the
    ``dot`` method costs half of ``@`` on arrays this small)."""
    if local.__class__ is ndarray:
        return float(g.dot(local))
    total = float(g.sum())
    return total if local is ops.ONE else total * local


# -- each rule's backward, generated from RULES ----------------------------------------
# Calling ``rule.local`` and looping over the tuple it returns cost more than the
# arithmetic of a scalar node. So at import each rule gets two small functions (for a
# gradient that is a number, and one that is a batch) written from its own ``local``:
# the lambda's expressions, read from autograd/ops.py's source, one line per input,
# g times that input's expression added to the input's ``.grad``. The table stays the
# one place a derivative is written; ``print(backward_source("mul"))`` shows the code.

@functools.cache
def _lambdas_by_line() -> dict[int, list[ast.Lambda]]:
    """The lambdas of autograd/ops.py's source, by the line they start on."""
    found: dict[int, list[ast.Lambda]] = {}
    for node in ast.walk(ast.parse(inspect.getsource(ops))):
        if isinstance(node, ast.Lambda):
            found.setdefault(node.lineno, []).append(node)
    return found


def backward_source(name: str, batched: bool = False) -> str:
    """The Python source of the backward ``backward()`` uses for a scalar node of
    rule ``name`` (a batched node if ``batched``), generated from ``RULES[name].local``.

    >>> print(backward_source("mul"))  # doctest: +NORMALIZE_WHITESPACE
    def mul_scalar_backward(node, g, older, outside):
        # RULES['mul'].local = lambda out, a, b: (b, a)
        in_a, in_b = node._a, node._b
        a, b = in_a.data, in_b.data
        if in_a._stamp < older and in_a._rule is not None: set_aside(in_a, outside)
        in_a.grad = in_a.grad + g * (b)
        if in_b._stamp < older and in_b._rule is not None: set_aside(in_b, outside)
        in_b.grad = in_b.grad + g * (a)
    """
    code = RULES[name].local.__code__
    found = _lambdas_by_line().get(code.co_firstlineno, []) \
        if code.co_filename == ops.__file__ else []
    if len(found) != 1 or [a.arg for a in found[0].args.args] != list(
            code.co_varnames[:code.co_argcount]):
        raise ValueError(f"{name}: its local is not the one lambda on its line of autograd/ops.py")
    lam = found[0]
    params = [arg.arg for arg in lam.args.args]
    lines = [f"def {name}_{'batch' if batched else 'scalar'}_backward(node, g, older, outside):",
             f"    # RULES[{name!r}].local = {ast.unparse(lam)}"]
    if lam.args.vararg is None:  # `(d/da, d/db)`: one expression per input
        if not isinstance(lam.body, ast.Tuple) or len(lam.body.elts) != len(params) - 1:
            raise ValueError(f"{name}: local is not a tuple of one expression per input")
        inputs, exprs, indent = params[1:], lam.body.elts, "    "
        lines.append(f"    {', '.join('in_' + i for i in inputs)} = "
                     + ", ".join(("node._a", "node._b")[:len(inputs)]))
    else:  # `tuple([d/da_i for a_i in a])`: one expression for every input
        comp = lam.body.args[0] if isinstance(lam.body, ast.Call) and lam.body.args else None
        if not isinstance(comp, ast.ListComp) or len(comp.generators) != 1 \
                or ast.unparse(comp.generators[0].iter) != lam.args.vararg.arg:
            raise ValueError(f"{name}: local is not tuple([... for a_i in a])")
        inputs, exprs, indent = [ast.unparse(comp.generators[0].target)], [comp.elt], "        "
        lines.append(f"    for in_{inputs[0]} in node._a:")
    used = {n.id for e in exprs for n in ast.walk(e) if isinstance(n, ast.Name)}
    if used & {"node", "g", "older", "outside", *(f"in_{i}" for i in inputs)}:
        raise ValueError(f"{name}: local uses a name the generated code needs")
    if params[0] in used:
        lines.append(f"    {params[0]} = node.data")
    if any(i in used for i in inputs):
        lines.append(f"{indent}{', '.join(inputs)} = "
                     + ", ".join(f"in_{i}.data" for i in inputs))
    for i, expr in zip(inputs, exprs):
        text = ast.unparse(expr)
        add = f"in_{i}.grad = in_{i}.grad + "
        product = "g" if text == "ONE" else f"g * ({text})"  # ONE: pass g on as it is
        lines.append(f"{indent}if in_{i}._stamp < older and in_{i}._rule is not None: "
                     f"set_aside(in_{i}, outside)")
        if batched:  # a scalar input of a batched node gets the total over the batch
            lines += [f"{indent}if in_{i}.data.__class__ is float:",
                      f"{indent}    {add}batch_total(g, {text})",
                      f"{indent}else:", f"{indent}    {add}{product}"]
        else:
            lines.append(f"{indent}{add}{product}")
    return "\n".join(lines) + "\n"


def _generate_backward(batched: bool) -> dict[Callable[..., Any], Callable[..., None]]:
    """Each rule's generated backward, keyed by its ``local`` (so a rule made at run
    time, or one whose ``local`` cannot be read, goes through ``_generic_backward``)."""
    made = {}
    namespace = {**vars(ops), "batch_total": batch_total, "set_aside": set_aside}
    for name, rule in RULES.items():
        try:
            source = backward_source(name, batched)
        except (OSError, TypeError, ValueError):  # no source installed, or another shape
            continue
        exec(compile(source, f"<backward of {name}>", "exec"), namespace)
        made[rule.local] = namespace[f"{name}_{'batch' if batched else 'scalar'}_backward"]
    return made


# The generated backward of each rule, for a node whose gradient is a number or a batch.
_GENERATED = {float: _generate_backward(False), ndarray: _generate_backward(True)}
