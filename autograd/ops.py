"""The op rule table: every op's forward and backward, written once.

A rule is the math of one slide::

    mul:  out = a * b         d out/da = b,  d out/db = a
    tanh: out = tanh(a)       d out/da = 1 - out**2

``forward`` computes ``out`` from the inputs' data. ``vjp`` is the backward, in
vector-Jacobian form (as JAX's ``defvjp`` and tinygrad write it): given ``g``, the
gradient of the output, it returns what each input receives, ``g`` times that
input's local derivative. For ``mul``::

    vjp = lambda g, out, a, b: (g * b, g * a)

Both are written with the generic functions below (``exp``, ``log``, ``step``,
...), so one rule serves three kinds of number:

- plain floats (the scalar engine),
- 1-D numpy arrays (a whole batch of samples in one node),
- ``Value`` objects (``autograd.grad(..., create_graph=True)`` runs the backward
  on the graph itself, which gives second derivatives).

``local(out, *inputs)`` is ``vjp`` read at g = 1: the local derivatives a diagram
shows. ``derivatives`` holds them as text; a test evaluates every text against
``local``, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

__all__ = ["Guard", "Rule", "RULES"]

ndarray = np.ndarray


# Generic math: a float goes to `math` (fast), an array to numpy, and anything
# else (a Value) to its own method, so the result stays on the graph.

def exp(x: Any) -> Any:
    """e ** x."""
    if x.__class__ is float:
        try:
            return math.exp(x)
        except OverflowError:  # numpy and PyTorch give inf here; so do we
            return math.inf
    return np.exp(x) if x.__class__ is ndarray else x.exp()


def log(x: Any) -> Any:
    """Natural logarithm."""
    if x.__class__ is float:
        return math.log(x)
    return np.log(x) if x.__class__ is ndarray else x.log()


def sqrt(x: Any) -> Any:
    """Square root."""
    if x.__class__ is float:
        return math.sqrt(x)
    return np.sqrt(x) if x.__class__ is ndarray else x.sqrt()


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    if x.__class__ is float:
        return math.tanh(x)
    return np.tanh(x) if x.__class__ is ndarray else x.tanh()


def sin(x: Any) -> Any:
    """Sine (NaN at ±inf, as numpy and PyTorch give)."""
    if x.__class__ is float:
        try:
            return math.sin(x)
        except ValueError:  # math raises for ±inf
            return math.nan
    return np.sin(x) if x.__class__ is ndarray else x.sin()


def cos(x: Any) -> Any:
    """Cosine (NaN at ±inf, as numpy and PyTorch give)."""
    if x.__class__ is float:
        try:
            return math.cos(x)
        except ValueError:  # math raises for ±inf
            return math.nan
    return np.cos(x) if x.__class__ is ndarray else x.cos()


def power(a: Any, n: Any) -> Any:
    """a ** n; ±inf where the result is too large for a float, as ``*`` gives (Python's
    float ``**`` raises OverflowError there instead)."""
    try:
        return a ** n
    except OverflowError:  # only plain floats raise; the sign is a's for an odd integer n
        return -math.inf if a < 0 and n % 2 == 1 else math.inf


def power_slope(a: Any, n: Any) -> Any:
    """d/da a**n = n * a**(n - 1), and 0 where n = 0: a**0 = 1 is constant, even at
    a = 0, where a**(n - 1) alone would divide by zero (PyTorch gives 0 too)."""
    if n.__class__ is float:
        return 0.0 if n == 0 else n * power(a, n - 1.0)
    if n.__class__ is ndarray:  # one exponent per sample: a**1 where n = 0, times 0
        return n * power(a, np.where(n == 0, 1.0, n - 1.0))
    return n * power(a, n - 1.0)  # a Value exponent (create_graph): n - 1 on the graph


def number(x: Any) -> Any:
    """The plain number (float or array) inside ``x``: for derivatives that are
    constant almost everywhere, such as relu's step, which need no graph."""
    return x if x.__class__ is float or x.__class__ is ndarray else x.data


def step(x: Any) -> Any:
    """1 where x > 0, else 0 (so relu'(0) = 0)."""
    if x.__class__ is not float:
        x = number(x)
        if x.__class__ is ndarray:
            return (x > 0).astype(float)
    return 1.0 if x > 0 else 0.0


def sign(x: Any) -> Any:
    """+1, -1 or 0 (so |x|'(0) = 0)."""
    if x.__class__ is not float:
        x = number(x)
        if x.__class__ is ndarray:
            return np.sign(x)
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def ones_like(x: Any) -> Any:
    """1 for every sample of x: the local derivative of a sum over the batch."""
    x = number(x)
    return 1.0 if x.__class__ is float else np.ones_like(x)


def size(x: Any) -> int:
    """How many samples x holds (1 for a scalar)."""
    x = number(x)
    return 1 if x.__class__ is float else x.size


def total(x: Any) -> float:
    """The sum over the batch (a scalar is its own sum)."""
    return x if x.__class__ is float else float(x.sum())


def average(x: Any) -> float:
    """The mean over the batch (a scalar is its own mean)."""
    # what ndarray.mean computes, without its Python-level wrapper (5x the cost)
    return x if x.__class__ is float else float(x.sum()) / x.size


def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x), written through tanh so it never overflows."""
    return 0.5 * (1.0 + tanh(0.5 * x))


def relu(x: Any) -> Any:
    """max(0, x)."""
    if x.__class__ is float:
        return x if x > 0 else 0.0
    return np.maximum(x, 0.0)


def leaky_relu(x: Any, slope: Any) -> Any:
    """x if x > 0 else slope * x."""
    if x.__class__ is float:
        return x if x > 0 else slope * x
    return np.where(x > 0, x, slope * x)


def absolute(x: Any) -> Any:
    """|x|."""
    return abs(x)


def add_all(*xs: Any) -> Any:
    """x_1 + x_2 + ... + x_n, added left to right: the same number as a chain of ``+``."""
    return functools.reduce(operator.add, xs)


def add_squares(*xs: Any) -> Any:
    """x_1**2 + x_2**2 + ... + x_n**2, added left to right."""
    return functools.reduce(operator.add, [x * x for x in xs])


def add_absolutes(*xs: Any) -> Any:
    """|x_1| + |x_2| + ... + |x_n|, added left to right."""
    return functools.reduce(operator.add, [abs(x) for x in xs])


@dataclass(frozen=True)
class Guard:
    """A domain check run before the forward: ``bad(*inputs)`` is true where the
    op is undefined; the error then names input ``arg``, its value and ``needs``."""

    arg: int
    bad: Callable[..., Any]
    needs: str
    error: type[Exception] = ValueError


@dataclass(frozen=True)
class Rule:
    """One op: ``out = forward(*inputs)``, and ``vjp(g, out, *inputs)``, what each input
    receives from an output whose gradient is ``g``: g * d out / d input, one per input.

    ``symbol`` is what a diagram writes in the op node, ``formula`` the forward
    as text (inputs named a, b) and ``derivatives`` the local derivatives as text.
    A variadic rule takes any number of inputs, named a_1 ... a_n, and adds one
    ``term`` per input: ``out = term(a_1) + ... + term(a_n)``. Its texts name the
    input at hand a_i: add_n's term is "a_i" and its derivative "1".
    """

    name: str
    symbol: str
    formula: str
    forward: Callable[..., Any]
    vjp: Callable[..., tuple[Any, ...]]
    derivatives: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    args: str = "ab"  # the inputs' names in formula and derivatives
    term: str = ""  # a variadic rule's term, in a_i; "" for a rule of 1 or 2 inputs
    arity: int = field(init=False)  # how many inputs: 1 or 2 (0: any number, variadic)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arity", 0 if self.term else len(self.derivatives))

    def local(self, out: Any, *inputs: Any) -> tuple[Any, ...]:
        """The local derivatives d out / d input, one per input: ``vjp`` at g = 1."""
        return self.vjp(1.0, out, *inputs)

    @property
    def variadic(self) -> bool:
        """Whether the rule takes any number of inputs (a sum of one term per input)."""
        return bool(self.term)

    def arg_names(self, n: int) -> tuple[str, ...]:
        """The names of a node's ``n`` inputs in the texts: a, b (a_1 ... a_n if variadic)."""
        return tuple(f"a_{i}" for i in range(1, n + 1)) if self.term else tuple(self.args)

    def formula_for(self, n: int) -> str:
        """The forward as text for a node with ``n`` inputs (a variadic one written out)."""
        if not self.term:
            return self.formula
        return " + ".join(self.term.replace("a_i", name) for name in self.arg_names(n))

    def derivative(self, position: int) -> str:
        """The local derivative d out / d input ``position``, as text."""
        if not self.term:
            return self.derivatives[position]
        return self.derivatives[0].replace("a_i", f"a_{position + 1}")

    def __reduce__(self) -> tuple[Any, ...]:
        # A rule of the table is pickled (and copied) by name: its functions are lambdas.
        if RULES.get(self.name) is self:
            return rule_named, (self.name,)
        return Rule, tuple(getattr(self, f.name) for f in fields(self) if f.init)


def rule_named(name: str) -> Rule:
    """``RULES[name]``: how a pickled graph finds its rules again."""
    return RULES[name]


def _nonpositive(a: Any, *_: Any) -> Any:
    return a <= 0  # written this way round so an explicit NaN passes through


# Each vjp is g times the local derivative in ``derivatives``; a derivative of 1 passes g
# on as it is (for a batch, the very array: the engine never changes one in place).
RULES: dict[str, Rule] = {rule.name: rule for rule in (
    Rule("add", "+", "a + b", operator.add,
         lambda g, out, a, b: (g, g), ("1", "1")),
    # Sums of any number of terms, each one node: a neuron's b + w_1 x_1 + ... + w_n x_n
    # is drawn as one "+" rather than a chain of n additions; the L2 and L1 penalties'
    # sums over all weights are one node each.
    Rule("add_n", "+", "a_1 + a_2 + ... + a_n", add_all,
         lambda g, out, *a: (g,) * len(a), ("1",), term="a_i"),
    Rule("sum_squares", "Σa²", "a_1**2 + a_2**2 + ... + a_n**2", add_squares,
         lambda g, out, *a: tuple([g * (2.0 * a_i) for a_i in a]), ("2 * a_i",),
         term="a_i**2"),
    Rule("sum_abs", "Σ|a|", "|a_1| + |a_2| + ... + |a_n|", add_absolutes,
         lambda g, out, *a: tuple([g * sign(a_i) for a_i in a]), ("sign(a_i)",), term="|a_i|"),
    Rule("sub", "-", "a - b", operator.sub,
         lambda g, out, a, b: (g, -g), ("1", "-1")),
    Rule("mul", "*", "a * b", operator.mul,
         lambda g, out, a, b: (g * b, g * a), ("b", "a")),
    Rule("div", "/", "a / b", operator.truediv,
         lambda g, out, a, b: (g * (1.0 / b), g * (-out / b)), ("1/b", "-out/b"),
         (Guard(1, lambda a, b: b == 0, "b != 0 (division by zero)", ZeroDivisionError),)),
    Rule("neg", "-", "-a", operator.neg,
         lambda g, out, a: (-g,), ("-1",)),
    # a ** n with a constant exponent n: the exponent gets no gradient.
    Rule("pow", "**", "a ** n", power,
         lambda g, out, a, n: (g * power_slope(a, n), g * 0.0), ("n * a**(n - 1)", "0"),
         (Guard(0, lambda a, n: (a == 0) & (n < 0), "a != 0 for a negative exponent",
                ZeroDivisionError),
          Guard(0, lambda a, n: (a < 0) & (n != np.round(n)),
                "a >= 0 for a fractional exponent (no real result)")), args="an"),
    # a ** b with a Value exponent: d/db = a**b * log(a) needs a > 0.
    Rule("powv", "**", "a ** b", power,
         lambda g, out, a, b: (g * power_slope(a, b), g * (out * log(a))),
         ("b * a**(b - 1)", "out * log(a)"),
         (Guard(0, _nonpositive, "a > 0 when the exponent is a Value"),)),
    Rule("exp", "exp", "exp(a)", exp,
         lambda g, out, a: (g * out,), ("out",)),
    Rule("log", "log", "log(a)", log,
         lambda g, out, a: (g * (1.0 / a),), ("1/a",),
         (Guard(0, _nonpositive, "a > 0"),)),
    Rule("sqrt", "sqrt", "sqrt(a)", sqrt,
         lambda g, out, a: (g * (0.5 / out),), ("0.5/out",),
         (Guard(0, lambda a: a < 0, "a >= 0"),)),
    Rule("tanh", "tanh", "tanh(a)", tanh,
         lambda g, out, a: (g * (1.0 - out * out),), ("1 - out**2",)),
    Rule("sigmoid", "σ", "1 / (1 + exp(-a))", sigmoid,
         lambda g, out, a: (g * (out * (1.0 - out)),), ("out * (1 - out)",)),
    Rule("relu", "ReLU", "max(0, a)", relu,
         lambda g, out, a: (g * step(a),), ("1 if a > 0 else 0",)),
    Rule("leaky_relu", "LReLU", "a if a > 0 else s * a", leaky_relu,
         lambda g, out, a, s: (g * (s + (1.0 - s) * step(a)), g * 0.0),
         ("1 if a > 0 else s", "0"), args="as"),
    Rule("abs", "abs", "|a|", absolute,
         lambda g, out, a: (g * sign(a),), ("sign(a)",)),
    Rule("sin", "sin", "sin(a)", sin,
         lambda g, out, a: (g * cos(a),), ("cos(a)",)),
    Rule("cos", "cos", "cos(a)", cos,
         lambda g, out, a: (g * -sin(a),), ("-sin(a)",)),
    # Reductions over a batch: a scalar from one value per sample.
    Rule("sum", "Σ", "a_1 + ... + a_n", total,
         lambda g, out, a: (g * ones_like(a),), ("1",)),
    Rule("mean", "mean", "(a_1 + ... + a_n) / n", average,
         lambda g, out, a: (g * (ones_like(a) / size(a)),), ("1/n",)),
)}
