"""The engine's error messages: each names the op, its formula, the inputs' values and labels.

>>> from autograd import Value
>>> Value(0.0, "x").log()
Traceback (most recent call last):
...
ValueError: log: log(a) needs a > 0, got a = 0.0 (the Value 'x')

The checks here run before anything changes: a domain guard before an op's
forward, the batch lengths before numpy could broadcast them, and, within
``detect_anomaly()``, every value and gradient for NaN and inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.ops import Rule

ndarray = np.ndarray


def name_of(v: Any) -> str:
    """How a message names a Value: its label, or how it was made."""
    if v.label:
        return f"the Value {v.label!r}"
    if v._constant:
        return "a constant"
    return f"the output of {v.op}" if v._rule is not None else "an unlabelled Value"


def describe(x: Any) -> str:
    """A short description of what a user passed."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r:.40}"


def show(x: Any) -> str:
    """A number, or the first values of a batch."""
    if x.__class__ is ndarray:
        return f"a batch of {x.size} (first values {np.array2string(x[:3], precision=4)})"
    return repr(x)


def show_inputs(rule: Rule, inputs: Sequence[Any]) -> str:
    """``a = 1.5 (the Value 'x'), b = ...``: a node's inputs by the rule's names."""
    return ", ".join(f"{letter} = {show(i.data)} ({name_of(i)})"
                     for letter, i in zip(rule.arg_names(len(inputs)), inputs))


def no_graph(root: Any) -> str:
    return (f"{name_of(root)} was computed under no_grad(), so it has no graph to "
            f"differentiate; compute it outside no_grad()")


def infinite_derivative(node: Any) -> str:
    rule = node._rule
    return (f"the derivative of {rule.name}: {rule.formula} is infinite at "
            + show_inputs(rule, node.inputs))


def check_domain(rule: Rule, inputs: Sequence[Any]) -> None:
    """Raise the rule's error if an input is outside its domain (log of 0, say)."""
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
                              f"{rule.args[guard.arg]} = {value!r}{where} ({name_of(culprit)})")


def check_lengths(rule: Rule, inputs: Sequence[Any]) -> None:
    """Refuse batches of different lengths (numpy would broadcast a batch of 1)."""
    batches = [i for i in inputs if i.data.__class__ is ndarray]
    for other in batches[1:]:
        if other.data.size != batches[0].data.size:
            raise ValueError(f"{rule.name}: batches of different lengths, shape "
                             f"{batches[0].data.shape} ({name_of(batches[0])}) and shape "
                             f"{other.data.shape} ({name_of(other)}); a batch of 1 is not "
                             f"broadcast (use a scalar Value for one number shared by "
                             f"every sample)")


def check_finite(rule: Rule, inputs: Sequence[Any], x: Any, what: str) -> None:
    """Within ``detect_anomaly()``: refuse a NaN or inf value or gradient."""
    x = x.data if hasattr(x, "_rule") else x  # a Value (create_graph): its number
    if not np.all(np.isfinite(x)):
        raise FloatingPointError(f"detect_anomaly: {rule.name}: {rule.formula} gave a non-finite "
                                 f"{what}, {show(x)}, at {show_inputs(rule, inputs)}")
