"""Checking what a picture writes (not a test file): every ``a × b = c`` holds.

``check_lines(lines, rel)`` finds each piece of arithmetic in a rule's lines (``0.31 × 0.75 ×
(-0.0244) = -0.00567``, ``max(0, 1.34) = 1.34``, ``= 0.0123 / 0.4 + (-0.05) × 2 × 0.2 / 64``
followed by ``= 0.0307``) and asserts that the expression gives the number after its "=" to
``rel``; a run of ``+ ... = t`` lines must add up to the ``= total (the sum)`` line after
them, to ``rel`` of the terms' sizes (terms that cancel keep their rounding). What follows
three spaces and "(" at the end of a line is a note, not arithmetic.
Returns how many equations it checked, so a test can insist that it checked some.
"""

from __future__ import annotations

import math
import re

import pytest

_FUNCTIONS = {"max": max, "tanh": math.tanh, "exp": math.exp, "log": math.log,
              "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos, "abs": abs}
_NUMBER = re.compile(r"^-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|NaN)")


def _python(expr: str) -> str | None:
    """A rule's expression as Python, or None if it holds names (not only numbers)."""
    expr = expr.strip().removeprefix("= ").removeprefix("+ ").replace("×", "*").replace("·", "*")
    expr = expr.replace("−", "-").replace("²", "**2")
    if not re.search(r"[*/+]|\d -", expr) and not re.match(r"\w+\(", expr):
        return None  # a lone number: nothing to check
    bare = re.sub(r"\b(?:max|tanh|exp|log|sqrt|sin|cos|abs)\(", "(", expr)
    return expr if re.fullmatch(r"[-+*/() .\deE,]+", bare) else None


def _value(text: str) -> float | None:
    match = _NUMBER.match(text.strip())
    return float(match.group()) if match else None


def check_lines(lines: tuple[str, ...] | list[str], rel: float = 1e-9,
                absolute: float = 1e-12) -> int:
    checked = 0
    terms: list[float] = []
    pending: str | None = None  # a line that ended in arithmetic: the next "= v" is its value
    for line in lines:
        line = re.sub(r" {3}\(.*\)$", "", line)  # a note: "   (L1.N3.w0 into L1.N3, ...)"
        body = line.split(": ", 1)[1] if re.match(r"^[^=]*: ", line) else line
        parts = body.split(" = ")
        pairs = list(zip(parts, parts[1:]))
        first = line[2:].split(" = ")[0]
        if pending is not None and line.startswith("= ") and _python(first) is None:
            pairs.insert(0, (pending, first))
        for lhs, rhs in pairs:
            expr, value = _python(lhs.split(":  ")[-1]), _value(rhs)
            if expr is None or value is None:
                continue
            got = eval(expr, {"__builtins__": {}}, _FUNCTIONS)  # noqa: S307 - numbers only
            assert got == pytest.approx(value, rel=rel, abs=absolute), line
            checked += 1
        pending = parts[-1] if _python(parts[-1]) is not None else None
        if line.startswith("+ ") and len(parts) > 1:
            terms.append(_value(parts[-1]))
        elif line.startswith("= ") and line.endswith("(the sum)") and terms:
            # each term was rounded: the total holds to their rounding, however they cancel
            assert sum(terms) == pytest.approx(_value(line[2:]), rel=rel,
                                               abs=rel * sum(map(abs, terms)) + absolute), line
            terms = []
            checked += 1
    return checked
