"""`Value`, the node of a computational graph, and the ops that make it.

Each op (``x * y``, ``x.tanh()``, ``add_n([...])``) runs its rule's forward from
``autograd.ops.RULES`` and makes a new Value that remembers the rule, its inputs
and a creation stamp, and goes on its thread's tape (``autograd.tape``).
``backward()`` then walks the graph back from the output, newest node first,
passing on at each node

    input.grad += node.grad * d node / d input        (the chain rule)

(``autograd.backward``). ``grad()`` walks the same way without touching ``.grad``.

Nodes hold no closures, so a graph has no reference cycles: it is freed as soon
as nobody holds it (the tape lets go of it at its next sweep or walk), and the
cyclic garbage collector has nothing to chase.

Threads: grad mode, anomaly mode, the scope and the tape are per thread
(``autograd.modes``), and one walk runs at a time, so threads can build,
differentiate and train at once.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from autograd import backward as walk
from autograd.backward import topological_order
from autograd.errors import (
    check_domain,
    check_finite,
    check_lengths,
    describe,
    name_of,
    no_graph,
)
from autograd.modes import (
    _thread,
    current_scope,
    detect_anomaly,
    is_grad_enabled,
    no_grad,
    scope,
)
from autograd.ops import RULES, Rule
from autograd.tape import NODE_BYTES, SWEEP_BYTES, stamps, sweep

__all__ = [
    "Value", "Constant", "Parameter", "add_n", "sum_squares", "sum_abs", "batch", "grad",
    "no_grad", "is_grad_enabled",
    "detect_anomaly", "scope", "current_scope", "topological_order",
]

ndarray = np.ndarray


class _NoGraph:
    """The mark of a Value computed under ``no_grad()``: its ``_b``, so that
    ``backward()`` on it can say why no gradient will flow instead of doing nothing.
    Copies and pickles keep it (it is pickled by name)."""

    def __reduce__(self) -> str:
        return "NO_GRAPH"


NO_GRAPH = _NoGraph()


class Value:
    """A number (or, for a batch, a 1-D array of numbers) in a computational graph.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)

    Attributes: ``data`` (the forward value), ``grad`` (d root / d self, 0.0
    until ``backward()``), ``label`` (a name for diagrams, a str), ``op`` (the
    name of the rule that made it, "" for a leaf), ``inputs`` (in argument order,
    so ``x * x`` has inputs ``(x, x)``) and ``scope`` (the named scope it was made in).
    """

    # Almost every rule takes one or two inputs, so a node keeps them in two fields,
    # _a and _b, rather than a tuple: one object fewer per node for the cyclic garbage
    # collector to walk, which otherwise takes most of the time of building a graph.
    # A variadic node (add_n, sum_squares, sum_abs) keeps the tuple of its inputs in _a.
    # _names is (label, scope), one tuple shared by every unlabelled node of a scope.
    # _stamp orders nodes by creation (autograd.tape); _g holds the gradient a walk is
    # gathering (autograd.backward), None otherwise.
    __slots__ = ("data", "grad", "_names", "_rule", "_a", "_b", "_stamp", "_g")
    __array_ufunc__ = None  # `ndarray * Value` defers to Value instead of making an object array
    _constant = False  # a number lifted into an expression (Constant)

    def __init__(self, data: Any, label: str = "") -> None:
        self.data = _as_data(data)
        self.grad: Any = 0.0
        names = _thread.state.names
        self._names = names if label.__class__ is str and not label \
            else (_checked_label(label), names[1])
        self._rule: Rule | None = None
        self._a: Any = None
        self._b: Any = None
        self._stamp = next(stamps)
        self._g: Any = None

    @property
    def label(self) -> str:
        """A name for diagrams and error messages ("" for none)."""
        return self._names[0]

    @label.setter
    def label(self, label: str) -> None:
        self._names = (_checked_label(label), self._names[1])

    @property
    def scope(self) -> str:
        """The named scope this Value was made in ("" outside any; see ``scope``)."""
        return self._names[1]

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

        Raises ``ValueError`` (naming both shapes) for a seed of the wrong shape,
        ``RuntimeError`` for a Value computed under ``no_grad()`` and
        ``ZeroDivisionError`` where a derivative is infinite (sqrt at 0). Whatever
        it raises, every ``.grad`` is left as it was.
        """
        seed = _seed(self, gradient)
        if self._b is NO_GRAPH:
            raise RuntimeError(no_graph(self))
        walk.backward(self, seed)

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 on this Value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    # -- conveniences ---------------------------------------------------------------
    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """A copy (``copy.copy``, ``copy.deepcopy``, pickle) is a node made now: it gets
        its own stamp, and no walk's gradient."""
        for name, value in state[1].items():
            setattr(self, name, value)
        self._stamp = next(stamps)
        self._g = None

    def __float__(self) -> float:
        if self.data.__class__ is ndarray:
            raise TypeError(f"float() needs a scalar Value, but {name_of(self)} holds a batch "
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
    _constant = True


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
    """A float, or a 1-D float array for a batch; anything else is a TypeError (an
    array of another shape or of anything but real numbers, a ValueError)."""
    if x.__class__ is float:
        return x
    if isinstance(x, numbers.Real):  # int, bool, numpy scalars
        return float(x)
    if isinstance(x, np.ndarray):
        real = np.issubdtype(x.dtype, np.number) and not np.iscomplexobj(x)
        if x.ndim == 0:
            if not real:  # float() would read np.array("1.5") as 1.5
                raise TypeError(f"Value holds a real number, got a 0-d array of dtype "
                                f"{x.dtype}: {x!r:.60}")
            return float(x)
        if x.ndim != 1 or x.size == 0 or not real:
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
    of inputs for a variadic rule); record the new node on the thread's tape."""
    if rule.arity == 2:
        if not isinstance(b, Value) or not isinstance(a, Value):
            a, b = _lift(a), _lift(b)
            if a is None or b is None:
                return NotImplemented
        # numpy would broadcast a batch of 1 against a batch of n: refuse it here
        if a.data.__class__ is ndarray and b.data.__class__ is ndarray \
                and a.data.size != b.data.size:
            check_lengths(rule, (a, b))
        if rule.guards:
            check_domain(rule, (a, b))
        data = rule.forward(a.data, b.data)
    elif a.__class__ is tuple:
        if rule.guards:
            check_lengths(rule, a)
            check_domain(rule, a)
        try:
            data = rule.forward(*[i.data for i in a])
        except ValueError:  # batches numpy cannot broadcast: say which
            check_lengths(rule, a)
            raise
        if data.__class__ is ndarray:  # a batch of 1 would broadcast silently
            check_lengths(rule, a)
    else:
        if rule.guards:
            check_domain(rule, (a,))
        data = rule.forward(a.data)
    state = _thread.state
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._names = state.names
    out._stamp = next(stamps)
    out._g = None
    if state.grad_enabled:
        out._rule = rule
        out._a = a
        out._b = b
        state.tape.append(out)
        state.unswept += NODE_BYTES if data.__class__ is float else NODE_BYTES + data.nbytes
        if state.unswept > SWEEP_BYTES:
            sweep(state)
    else:
        out._rule = out._a = None
        out._b = NO_GRAPH
    if state.anomaly:
        check_finite(rule, a if a.__class__ is tuple else (a, b)[:rule.arity], data, "value")
    return out


_new = object.__new__
_VALUE = itertools.repeat(Value)  # isinstance's second argument, as often as needed


def _checked_label(label: Any) -> str:
    if not isinstance(label, str):
        raise TypeError(f"a Value's label is a str, got {type(label).__name__}: {label!r:.60}")
    return label


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
    if output._b is NO_GRAPH:
        raise RuntimeError(no_graph(output))
    found = walk.gradients(output, _seed(output, 1.0), inputs, create_graph)
    results = []
    for inp, g in zip(inputs, found):
        if g is None:  # output does not depend on inp
            g = np.zeros_like(inp.data) if inp.data.__class__ is ndarray else 0.0
        results.append(g if isinstance(g, Value) else Value(g))
    return results


def _seed(root: Value, seed: Any) -> Any:
    """d root / d root for a walk: ``seed`` (a number, an array or a Value's number)
    checked against root's shape; a number seeds every sample of a batch."""
    data = seed.data if isinstance(seed, Value) else seed
    try:
        data = _as_data(data)
    except (TypeError, ValueError):
        raise ValueError(f"backward(): the gradient seed is a number or a 1-D array, got "
                         f"{describe(data)}") from None
    shape = root.data.shape if root.data.__class__ is ndarray else ()
    if data.__class__ is ndarray and data.shape != shape:
        raise ValueError(f"backward(): the gradient seed has shape {data.shape} but "
                         f"{name_of(root)} has shape {shape}"
                         + (" (a scalar)" if not shape else f" (a batch of {shape[0]})"))
    return np.full_like(root.data, data) if shape and data.__class__ is float else data


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
