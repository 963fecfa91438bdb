"""Argument checks shared by the ``autograd.nn`` modules, and short reprs for their errors.

A size must be a positive int, a choice one of its names, a state value a
finite number; each helper returns the checked value or raises an error that
names the argument. ``_brief`` keeps a hostile value's repr short, and
``_describe_keys`` lists the missing and unexpected keys of a state dict.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any


def _size(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def _brief(value: Any, width: int = 40) -> str:
    """A short repr for an error message. Containers show only their type and
    length: a hostile file can nest them deeper than ``repr`` can recurse."""
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    if isinstance(value, int) and value.bit_length() > 3 * width:  # str() of it may refuse
        return f"an integer of at least {int((value.bit_length() - 1) * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _describe_keys(missing: Sequence[str], unexpected: Sequence[str], show: int = 5) -> str:
    def some(names: Sequence[str]) -> str:
        more = f", ... ({len(names) - show} more)" if len(names) > show else ""
        return ", ".join(names[:show]) + more

    parts = []
    if missing:
        parts.append(f"{len(missing)} missing key(s): {some(missing)}")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected key(s): {some(unexpected)}")
    return "; ".join(parts)


def _finite_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {_brief(value)}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond a float's range (about 1.8e308)
        raise ValueError(f"{name} must be a finite number, got {_brief(value)}, too large "
                         f"for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value
