"""`Value`, the node of a computational graph, and ``grad()``, the chain rule on demand.

Each op makes a new Value that remembers its rule (from ``autograd.ops.RULES``),
its inputs and a creation stamp, and records it on the tape. ``backward()``
visits the nodes the output depends on once each, newest first, and at each node
applies the rule's local derivatives and passes on

    input.grad += node.grad * d node / d input        (the chain rule)

``autograd.backward`` is that walk (its order comes from the tape, or from a
search sorted by stamp). ``grad()``, ``create_graph`` and ``detect_anomaly`` walk
here instead, keeping the gradients in the walk's own dict and calling each
rule's ``local``, the only place a derivative is written.

Nodes hold no closures, so a graph has no reference cycles: once dropped, it is
freed as soon as the tape lets go of it (at the next ``backward()``), and the
cyclic garbage collector has nothing to chase.

Threads: grad mode, anomaly mode and the current scope are per thread (as
PyTorch's grad mode is); ``grad()`` keeps its bookkeeping in its own dicts, and
``backward()`` walks one at a time, so threads can build, differentiate and train
at once.
"""

from __future__ import annotations

import gc
import itertools
import numbers
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograd.backward import (
    ZERO,
    InfiniteDerivative,
    by_stamp,
    edge_gradient,
    reachable,
    restart_tape,
    stamps,
    tape,
    walk_lock,
)
from autograd.backward import backward as _backward
from autograd.backward import batch_total as _plain_batch_total
from autograd.ops import RULES, Rule

__all__ = [
    "Value", "Constant", "Parameter", "add_n", "sum_squares", "sum_abs", "batch", "grad",
    "no_grad", "is_grad_enabled",
    "detect_anomaly", "scope", "current_scope", "topological_order",
]

ndarray = np.ndarray


class _State:
    """The switches every op reads: whether it records the graph, whether it checks
    for NaN and inf, and the scope its Value is recorded in. One per thread."""

    __slots__ = ("grad_enabled", "anomaly", "scope")

    def __init__(self) -> None:
        self.grad_enabled, self.anomaly, self.scope = True, False, ""


class _PerThread(threading.local):
    """``_thread.state`` is the calling thread's own _State, made on its first use.
    (A plain object inside: each attribute of a threading.local costs a lookup of
    the thread's dict, and an op reads three.)"""

    def __init__(self) -> None:
        self.state = _State()


_thread = _PerThread()


class Value:
    """A number (or, for a batch, a 1-D array of numbers) in a computational graph.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)

    Attributes: ``data`` (the forward value), ``grad`` (d root / d self, 0.0
    until ``backward()``), ``label`` (a name for diagrams), ``op`` (the name of
    the rule that made it, "" for a leaf), ``inputs`` (in argument order, so
    ``x * x`` has inputs ``(x, x)``) and ``scope`` (the named scope it was made in).
    """

    # Almost every rule takes one or two inputs, so a node keeps them in two fields,
    # _a and _b, rather than a tuple: one object fewer per node for the cyclic garbage
    # collector to walk, which otherwise takes most of the time of building a graph.
    # A variadic node (add_n, sum_squares, sum_abs) keeps the tuple of its inputs in _a.
    # A Value computed under no_grad() is a leaf whose _b is _NO_GRAPH, so that
    # backward() on it can say why no gradient will flow instead of doing nothing.
    # _stamp orders nodes by creation (autograd.backward).
    __slots__ = ("data", "grad", "label", "scope", "_rule", "_a", "_b", "_stamp")
    __array_ufunc__ = None  # `ndarray * Value` defers to Value instead of making an object array

    def __init__(self, data: Any, label: str = "") -> None:
        self.data = _as_data(data)
        self.grad: Any = ZERO
        self.label = label
        self.scope = _thread.state.scope
        self._rule: Rule | None = None
        self._a: Value | None = None
        self._b: Value | None = None
        self._stamp = next(stamps)

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was made from, in argument order (``x * x``: ``(x, x)``)."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a
        return (a,) if self._b is None else (a, self._b)

    @property
    def op(self) -> str:
        """The name of the rule that made this Value (a key of ``RULES``), "" for a leaf."""
        return self._rule.name if self._rule is not None else ""

    # -- arithmetic: each line picks a rule; `_apply` does the rest -----------------
    def __add__(self, other: Any) -> Value: return _apply(ADD, self, other)
    def __radd__(self, other: Any) -> Value: return _apply(ADD, other, self)
    def __sub__(self, other: Any) -> Value: return _apply(SUB, self, other)
    def __rsub__(self, other: Any) -> Value: return _apply(SUB, other, self)
    def __mul__(self, other: Any) -> Value: return _apply(MUL, self, other)
    def __rmul__(self, other: Any) -> Value: return _apply(MUL, other, self)
    def __truediv__(self, other: Any) -> Value: return _apply(DIV, self, other)
    def __rtruediv__(self, other: Any) -> Value: return _apply(DIV, other, self)
    def __neg__(self) -> Value: return _apply(NEG, self)
    def __abs__(self) -> Value: return _apply(ABS, self)

    def __pow__(self, other: Any) -> Value:
        return _apply(POWV if isinstance(other, Value) else POW, self, other)

    def __rpow__(self, other: Any) -> Value: return _apply(POWV, other, self)

    def exp(self) -> Value: return _apply(EXP, self)
    def log(self) -> Value: return _apply(LOG, self)
    def sqrt(self) -> Value: return _apply(SQRT, self)
    def tanh(self) -> Value: return _apply(TANH, self)
    def sigmoid(self) -> Value: return _apply(SIGMOID, self)
    def relu(self) -> Value: return _apply(RELU, self)
    def abs(self) -> Value: return _apply(ABS, self)
    def sin(self) -> Value: return _apply(SIN, self)
    def cos(self) -> Value: return _apply(COS, self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """x if x > 0 else negative_slope * x."""
        if not isinstance(negative_slope, numbers.Real):
            raise TypeError(f"leaky_relu's negative_slope is a number, got "
                            f"{type(negative_slope).__name__}")
        return _apply(LEAKY_RELU, self, negative_slope)

    def sum(self) -> Value:
        """The sum of a batch Value over its samples (a scalar is returned as is)."""
        return _apply(SUM, self) if self.data.__class__ is ndarray else self

    def mean(self) -> Value:
        """The mean of a batch Value over its samples (a scalar is returned as is)."""
        return _apply(MEAN, self) if self.data.__class__ is ndarray else self

    # -- the backward pass ----------------------------------------------------------
    def backward(self, gradient: Any = 1.0) -> None:
        """Add d self / d node to ``node.grad`` for every node this Value depends on.

        ``gradient`` seeds ``self.grad`` (d self / d self = 1): a number, or for a
        batch Value an array of its length. Unlike PyTorch, a batch Value needs no
        seed: each sample is seeded with 1 (its own loss), which is what
        ``loss.backward()`` on per-sample losses means. Gradients accumulate, as in
        PyTorch: call ``zero_grad()`` between steps.

        Raises ``ValueError`` (naming both shapes) for a seed of the wrong shape and
        ``RuntimeError`` for a Value computed under ``no_grad()``, before any
        ``.grad`` changes.
        """
        seed = _seed(self, gradient)
        _check_has_graph(self)
        with walk_lock:  # threads may share weights: one walk adds to .grad at a time
            if isinstance(seed, Value) or _thread.state.anomaly:
                restart_tape()  # this walk adds to .grad too (see autograd.backward)
                _propagate(self, seed, accumulate=True)
                return
            try:
                _backward(self, seed)
            except InfiniteDerivative as error:
                raise ZeroDivisionError(_infinite(error.node)) from None

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 on this Value and everything it depends on."""
        for node in topological_order(self):
            node.grad = ZERO

    # -- conveniences ---------------------------------------------------------------
    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """A copy (``copy.copy``, ``copy.deepcopy``) is a node made now: it gets its
        own stamp and, made by an op, goes on the tape, as ``backward()`` expects of
        every node made since the tape began (see autograd.backward)."""
        for name, value in state[1].items():
            setattr(self, name, value)
        self._stamp = next(stamps)
        if self._rule is not None:
            tape.append(self)

    def __float__(self) -> float:
        if self.data.__class__ is ndarray:
            raise TypeError(f"float() needs a scalar Value, but {_name(self)} holds a batch "
                            f"of {self.data.size} samples; use .sum() or .mean() first")
        return float(self.data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._rule is not None else ""
        return f"{type(self).__name__}(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # micrograd compatibility: tutorials' drawing helpers read these two.
    @property
    def _prev(self) -> set[Value]:
        return set(self.inputs)

    @property
    def _op(self) -> str:
        return self._rule.symbol if self._rule is not None else ""


class Constant(Value):
    """A leaf made from a plain number in an expression, such as the 2 in ``x * 2``."""

    __slots__ = ()


class Parameter(Value):
    """A leaf that a model learns (a weight or a bias)."""

    __slots__ = ()


ADD, SUB, MUL, DIV, NEG, POW, POWV = (RULES[n] for n in ("add", "sub", "mul", "div", "neg",
                                                          "pow", "powv"))
ADD_N, SUM_SQUARES, SUM_ABS = (RULES[n] for n in ("add_n", "sum_squares", "sum_abs"))
EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY_RELU, ABS, SIN, COS, SUM, MEAN = (
    RULES[n] for n in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "abs",
                       "sin", "cos", "sum", "mean"))


def _as_data(x: Any) -> Any:
    """A float, or a 1-D float array for a batch; anything else is a TypeError."""
    if x.__class__ is float:
        return x
    if isinstance(x, numbers.Real):  # int, bool, numpy scalars
        return float(x)
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return float(x)
        if x.ndim != 1 or x.size == 0 or not np.issubdtype(x.dtype, np.number) \
                or np.iscomplexobj(x):
            raise ValueError(f"a batch Value holds a non-empty 1-D array of real numbers, got an "
                             f"array of shape {x.shape} and dtype {x.dtype}; for a 2-D data set "
                             f"use autograd.batch(X), which gives one Value per column")
        return x.astype(float)  # a copy: the graph never aliases the caller's array
    if isinstance(x, Value):
        raise TypeError("Value(...) got a Value; use the Value itself (it is already on the graph)")
    hint = " (for several numbers make one Value each, or a batch from a numpy array)" \
        if isinstance(x, (list, tuple)) else ""
    raise TypeError(f"Value holds a real number, got {type(x).__name__}: {x!r:.60}{hint}")


def _lift(x: Any) -> Value | None:
    """A Constant leaf for a plain number or array; None for anything else."""
    if isinstance(x, Value):
        return x
    if x.__class__ is float or isinstance(x, (numbers.Real, np.ndarray)):  # float: no ABC check
        return Constant(x)
    return None


def add_n(values: Iterable[Any]) -> Value:
    """``v_1 + v_2 + ... + v_n`` as one node: a neuron's weighted sum, a loss's total.

    The same number as chaining ``+`` (added left to right), but one "+" node
    with n inputs instead of n - 1 nodes: smaller diagrams and a faster backward.
    Numbers become constants; one value is returned as it is, none gives 0.

    >>> x, y, z = Value(1.0), Value(2.0), Value(3.0)
    >>> s = add_n([x, y, z])
    >>> s.data, s.op, len(s.inputs)
    (6.0, 'add_n', 3)
    """
    terms = _terms("add_n", values)
    if len(terms) == 1:
        return terms[0]
    return _apply(ADD_N, terms) if terms else Value(0.0)


def sum_squares(values: Iterable[Any]) -> Value:
    """``v_1**2 + ... + v_n**2`` as one node, d/dv_i = 2 v_i: the L2 penalty's sum.

    >>> w = [Value(3.0), Value(-4.0)]
    >>> s = sum_squares(w)
    >>> s.backward()
    >>> s.data, [v.grad for v in w]
    (25.0, [6.0, -8.0])
    """
    terms = _terms("sum_squares", values)
    return _apply(SUM_SQUARES, terms) if terms else Value(0.0)


def sum_abs(values: Iterable[Any]) -> Value:
    """``|v_1| + ... + |v_n|`` as one node, d/dv_i = sign(v_i): the L1 penalty's sum."""
    terms = _terms("sum_abs", values)
    return _apply(SUM_ABS, terms) if terms else Value(0.0)


def _terms(name: str, values: Iterable[Any]) -> tuple[Value, ...]:
    """The inputs of a variadic node: Values as they are, numbers as constants."""
    try:
        if isinstance(values, (Value, str)):
            raise TypeError
        items = tuple(values)
    except TypeError:
        raise TypeError(f"{name}() takes an iterable of Values, got "
                        f"{type(values).__name__}") from None
    if all(map(isinstance, items, _VALUE)):  # the usual case, checked in C
        return items
    terms = tuple([v if isinstance(v, Value) else _lift(v) for v in items])
    if None in terms:
        i = terms.index(None)
        raise TypeError(f"{name}() takes Values and numbers; item {i} is "
                        f"{type(items[i]).__name__}")
    return terms


def _apply(rule: Rule, a: Any, b: Any = None) -> Value:
    """Run ``rule`` forward on ``a`` (and ``b`` for a binary rule; ``a`` is the tuple
    of inputs for a variadic rule); record the new node."""
    if rule.arity == 2:
        if not isinstance(b, Value) or not isinstance(a, Value):
            a, b = _lift(a), _lift(b)
            if a is None or b is None:
                return NotImplemented
        # numpy would broadcast a batch of 1 against a batch of n: refuse it here
        if a.data.__class__ is ndarray and b.data.__class__ is ndarray \
                and a.data.size != b.data.size:
            _check_lengths(rule, (a, b))
        if rule.guards:
            _check_domain(rule, (a, b))
        data = rule.forward(a.data, b.data)
    elif a.__class__ is tuple:
        if rule.guards:
            _check_lengths(rule, a)
            _check_domain(rule, a)
        try:
            data = rule.forward(*[i.data for i in a])
        except ValueError:  # batches numpy cannot broadcast: say which
            _check_lengths(rule, a)
            raise
        if data.__class__ is ndarray:  # a batch of 1 would broadcast silently
            _check_lengths(rule, a)
    else:
        if rule.guards:
            _check_domain(rule, (a,))
        data = rule.forward(a.data)
    state = _thread.state
    out = _new(Value)
    out.data = data
    out.grad = ZERO
    out.label = ""
    out.scope = state.scope
    out._stamp = next(stamps)  # before the tape is read: see autograd.backward, "Threads"
    if state.grad_enabled:
        out._rule = rule
        out._a = a
        out._b = b
        tape.append(out)
    else:
        out._rule = out._a = None
        out._b = _NO_GRAPH
    if state.anomaly:
        _check_finite(rule, a if a.__class__ is tuple else (a, b)[:rule.arity], data, "value")
    return out


_new = object.__new__
_VALUE = itertools.repeat(Value)  # isinstance's second argument, as often as needed
_NO_GRAPH: Any = object()  # the _b of a Value computed under no_grad()


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, in the order they were made: inputs before
    the nodes made from them, and the same program always gives the same order.
    (No recursion: a million-node chain is fine.)
    """
    return sorted(reachable((root,)), key=by_stamp)


def _check_has_graph(root: Value) -> None:
    if root._b is _NO_GRAPH:
        raise RuntimeError(f"{_name(root)} was computed under no_grad(), so it has no graph "
                           f"to differentiate; compute it outside no_grad()")


def _infinite(node: Value) -> str:
    rule = node._rule
    return (f"the derivative of {rule.name}: {rule.formula} is infinite at "
            + _show_inputs(rule, node.inputs))


def _propagate(root: Value, seed: Any, create_graph: bool = False,
               accumulate: bool = False) -> dict[Value, Any]:
    """The chain rule of ``grad()``, ``create_graph`` and ``detect_anomaly``: visit
    nodes from ``root`` back to the leaves, each once, calling each rule's ``local``.

    ``grads`` holds every node this walk reaches; sorted by creation stamp,
    newest first, each node comes after every node made from it, so its
    gradient is complete when its turn comes. With ``accumulate`` it is then
    added to ``.grad`` (so a second backward adds once more, never doubles).
    Under ``create_graph`` the local derivatives are computed on Values, so the
    gradients are Values on a new graph. ``seed`` is d root / d root, already
    checked by ``_seed``. Returns ``grads``.
    """
    grads = reachable((root,))  # None: nothing added yet
    grads[root] = seed
    with _grad_mode(create_graph), _collector_paused(create_graph):
        for node in sorted(grads, key=by_stamp, reverse=True):
            g = grads[node]
            if accumulate:
                if g.__class__ is ndarray and node.grad.__class__ is float and node.grad == 0.0:
                    node.grad = g.copy()
                else:
                    node.grad = node.grad + g
            rule = node._rule
            if rule is None:
                continue
            try:
                _chain_rule(node, rule, g, grads, create_graph)
            except ZeroDivisionError:
                raise ZeroDivisionError(_infinite(node)) from None
    return grads


def _chain_rule(node: Value, rule: Rule, g: Any, grads: dict[Value, Any],
                create_graph: bool) -> None:
    """Add g * d node / d input to each input's gradient, calling ``rule.local`` on
    the inputs' data (batches) or on the Values themselves (``create_graph``)."""
    inputs = node.inputs
    if create_graph:  # constants stay numbers: they need no graph
        local = rule.local(node, *[i.data if i.__class__ is Constant else i for i in inputs])
    else:
        local = rule.local(node.data, *[i.data for i in inputs])
    batched, anomaly = g.__class__ is ndarray, _thread.state.anomaly
    for i, c in zip(inputs, local):
        c = _edge_gradient(g, c, i, batched, create_graph)
        if anomaly:
            _check_finite(rule, inputs, c, f"gradient for {_name(i)}")
        old = grads[i]
        grads[i] = c if old is None else old + c


def _edge_gradient(g: Any, local: Any, inp: Value, batched: bool, create_graph: bool) -> Any:
    """What one edge sends back to ``inp``: backward()'s ``edge_gradient``, g * local;
    under ``create_graph`` a scalar input's sum over the batch stays on the graph."""
    if create_graph and batched and inp.data.__class__ is float:
        return _batch_total(g, local)
    c = edge_gradient(g, local, inp, batched)
    return _to_scalar_grad(c) if create_graph and inp.data.__class__ is float else c


def _batch_total(g: ndarray, local: Any) -> Any:
    """Under ``create_graph``, a scalar input of a batched op gets the sum of its
    per-sample gradients, sum_i g_i * local_i: on the graph if ``local`` is a Value
    (a constant's local derivative stays a number)."""
    if isinstance(local, Value):  # the same sum, kept on the graph
        return (local * g).sum() if local.data.__class__ is ndarray else local * float(g.sum())
    return _plain_batch_total(g, local)


def _to_scalar_grad(c: Any) -> Any:
    """Under ``create_graph``, a scalar input of a batched op gets the sum of its
    per-sample gradients as a Value (plain arrays go through ``_batch_total``)."""
    if isinstance(c, Value) and c.data.__class__ is ndarray:
        return c.sum()
    return c


def _seed(root: Value, seed: Any) -> Any:
    """d root / d root for a walk: ``seed`` checked against root's shape (a number
    seeds every sample of a batch)."""
    data = seed.data if isinstance(seed, Value) else seed
    try:
        data = _as_data(data)
    except (TypeError, ValueError):
        raise ValueError(f"backward(): the gradient seed is a number or a 1-D array, got "
                         f"{_describe(data)}") from None
    shape = root.data.shape if root.data.__class__ is ndarray else ()
    if data.__class__ is ndarray and data.shape != shape:
        raise ValueError(f"backward(): the gradient seed has shape {data.shape} but "
                         f"{_name(root)} has shape {shape}"
                         + (" (a scalar)" if not shape else f" (a batch of {shape[0]})"))
    if isinstance(seed, Value):
        return seed
    return np.full_like(root.data, data) if shape and data.__class__ is float else data


def _describe(x: Any) -> str:
    """A short description of what a user passed, for error messages."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r:.40}"


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False
         ) -> list[Value]:
    """d output / d input for each input, as Values, leaving every ``.grad`` untouched.

    With ``create_graph=True`` the gradients are themselves Values on a new graph,
    so they can be differentiated again:

    >>> x = Value(2.0)
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)   # 3x^2 = 12
    >>> (d2x,) = grad(dx, [x])                          # 6x = 12
    >>> dx.data, d2x.data
    (12.0, 12.0)

    An input that ``output`` does not depend on gets a gradient of 0 (PyTorch
    raises unless ``allow_unused=True``; a zero is what the math says, and what a
    diagram of the gradient should show).
    """
    if isinstance(inputs, Value):
        inputs = [inputs]
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}")
    for i, inp in enumerate(inputs):
        if not isinstance(inp, Value):
            raise TypeError(f"grad() inputs must be Values; input {i} is {type(inp).__name__}")
    _check_has_graph(output)
    grads = _propagate(output, _seed(output, 1.0), create_graph=create_graph)
    results = []
    for inp in inputs:
        g = grads.get(inp, 0.0)
        if g.__class__ is float and inp.data.__class__ is ndarray:
            g = np.zeros_like(inp.data)
        results.append(g if isinstance(g, Value) else Value(g))
    return results


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    state = _thread.state
    previous, state.grad_enabled = state.grad_enabled, enabled
    try:
        yield
    finally:
        state.grad_enabled = previous


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector, if it is on, while a ``create_graph`` walk
    makes its Values, and turn it back on after (as ``timeit`` does; a collector the
    user turned off stays off; like ``gc`` itself, the switch is process-wide). The
    new graph has no cycles to find, but the collector would walk its nodes every
    few hundred made: 20-30% of such a walk."""
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def no_grad() -> Any:
    """Within ``with no_grad():`` ops record no graph: for inference and weight updates.

    Works as a decorator too. It applies to the calling thread only, as in
    PyTorch: other threads go on recording.
    """
    return _grad_mode(False)


def is_grad_enabled() -> bool:
    """Whether ops record the graph now in this thread (False inside ``no_grad()``)."""
    return _thread.state.grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Within this block, the first op whose value or gradient is NaN or inf raises
    ``FloatingPointError`` naming that op and its inputs (in the calling thread)."""
    state = _thread.state
    previous, state.anomaly = state.anomaly, True
    try:
        yield
    finally:
        state.anomaly = previous


class scope:
    """Record ``name`` on every Value made inside ``with scope(name):``; nested scopes
    join with ".", so modules give paths like ``layers.0.neurons.3``.

    Diagrams group nodes by scope: ``with scope("l2 penalty"): ...``. (A class
    rather than a generator: modules open one per neuron per call, so it is hot.)
    """

    __slots__ = ("name", "_previous")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a scope name is a non-empty string, got {name!r}")
        self.name = name

    def __enter__(self) -> str:
        state = _thread.state
        self._previous = previous = state.scope
        state.scope = name = f"{previous}.{self.name}" if previous else self.name
        return name

    def __exit__(self, *exc: object) -> None:
        _thread.state.scope = self._previous


def current_scope() -> str:
    """The scope new Values are recorded in, in this thread ("" outside any scope)."""
    return _thread.state.scope


def batch(X: Any) -> list[Value]:
    """One batch Value per column of an ``(n_samples, n_features)`` array.

    ``model(batch(X))`` then runs the model once for all samples.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"batch() needs an (n_samples, n_features) array, got shape {X.shape}")
    return [Value(column) for column in X.T]


# -- clear errors -------------------------------------------------------------------

def _name(v: Value) -> str:
    """How an error message names a Value: its label, or how it was made."""
    if v.label:
        return f"the Value {v.label!r}"
    if v.__class__ is Constant:
        return "a constant"
    return f"the output of {v.op}" if v._rule is not None else "an unlabelled Value"


def _show(x: Any) -> str:
    if x.__class__ is ndarray:
        return f"a batch of {x.size} (first values {np.array2string(x[:3], precision=4)})"
    return repr(x)


def _show_inputs(rule: Rule, inputs: Sequence[Value]) -> str:
    return ", ".join(f"{letter} = {_show(i.data)} ({_name(i)})"
                     for letter, i in zip(rule.arg_names(len(inputs)), inputs))


def _check_domain(rule: Rule, inputs: tuple[Value, ...]) -> None:
    datas = [i.data for i in inputs]
    for guard in rule.guards:
        bad = guard.bad(*datas)
        if np.any(bad):
            culprit = inputs[guard.arg]
            value, where = culprit.data, ""
            if value.__class__ is ndarray:
                k = int(np.flatnonzero(np.broadcast_to(bad, value.shape))[0])
                value, where = value[k], f" at sample {k}"
            raise guard.error(f"{rule.name}: {rule.formula} needs {guard.needs}, got "
                              f"{rule.args[guard.arg]} = {value!r}{where} ({_name(culprit)})")


def _check_lengths(rule: Rule, inputs: tuple[Value, ...]) -> None:
    batches = [i for i in inputs if i.data.__class__ is ndarray]
    for other in batches[1:]:
        if other.data.size != batches[0].data.size:
            raise ValueError(f"{rule.name}: batches of different lengths, shape "
                             f"{batches[0].data.shape} ({_name(batches[0])}) and shape "
                             f"{other.data.shape} ({_name(other)}); a batch of 1 is not "
                             f"broadcast (use a scalar Value for one number shared by "
                             f"every sample)")


def _check_finite(rule: Rule, inputs: Sequence[Value], x: Any, what: str) -> None:
    x = x.data if isinstance(x, Value) else x
    if not np.all(np.isfinite(x)):
        raise FloatingPointError(f"detect_anomaly: {rule.name}: {rule.formula} gave a non-finite "
                                 f"{what}, {_show(x)}, at {_show_inputs(rule, inputs)}")
