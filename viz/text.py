"""Text that goes into a diagram: escaping user strings and formatting numbers.

Every string a user can choose (labels, scope names) reaches the DOT source only
through :func:`escape`, which makes it inert inside a Graphviz HTML-like label:
``<b>`` stays the four characters ``<b>``, a quote cannot end an attribute, and a
backslash is just a backslash. Numbers go through :func:`format_number`, which
applies the user's format spec (``".4g"``) and spells NaN and infinities out.

>>> escape('a < b & "c"\\nnext line')
'a &lt; b &amp; &quot;c&quot;<br/>next line'
>>> format_number(-4.0), format_number(1 / 3), format_number(float("nan"))
('-4', '0.3333', 'NaN')
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

__all__ = ["escape", "format_number", "check_fmt", "is_finite", "Summary"]

# Characters with a meaning in an HTML-like label, and their entities. Braces, bars and
# backslashes mean nothing there (they matter in record labels and escString
# attributes, which we never fill with user text), so they pass through literally.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_SPECIAL = re.compile(r"""[&<>"]|\r\n|[\r\n\t]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]""")


def _replace(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch in ("\n", "\r", "\r\n"):
        return "<br/>"
    if ch == "\t":
        return "&#160;" * 4
    # Other control characters cannot be drawn (nor stored in SVG): show their escape.
    return f"\\x{ord(ch):02x}"


def escape(text: str) -> str:
    """``text`` made safe and literal inside a Graphviz HTML-like label.

    ``& < > "`` become entities, newlines become line breaks, a tab becomes
    four spaces, other control characters and unpaired surrogates (which no
    font or file can hold) become visible escapes. Everything else, including
    ``{ } | \\`` and any Unicode, is kept as typed.
    """
    if not isinstance(text, str):
        raise TypeError(f"escape() needs a str, got {type(text).__name__}")
    out = _SPECIAL.sub(_replace, text)
    # Runs of spaces would collapse when drawn; keep all but the first as no-break spaces.
    if "  " in out:
        out = re.sub(r"(?<= ) ", "&#160;", out)
    if out.startswith(" ") or out.endswith(" "):  # Graphviz trims edge spaces
        out = re.sub(r"^ | $", "&#160;", out)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        out = "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else f"\\u{ord(c):04x}" for c in out)
    return out


def check_fmt(fmt: str) -> str:
    """Return ``fmt`` if it formats a float (like ``".4g"`` or ``".2e"``), else raise."""
    if not isinstance(fmt, str):
        raise TypeError(f"fmt is a format spec string such as '.4g', got {type(fmt).__name__}")
    try:
        format(1.5, fmt)
    except ValueError:
        raise ValueError(f"fmt must be a format spec for floats such as '.4g' or '.3f', "
                         f"got {fmt!r}") from None
    return fmt


def format_number(x: float, fmt: str = ".4g") -> str:
    """One number as text: ``fmt`` for finite values, ``NaN``/``inf``/``-inf`` otherwise.

    Negative zero prints as ``0``: the sign of a zero gradient carries no meaning
    for a reader.
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = format(x, fmt)
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def is_finite(x: Any) -> bool:
    """Whether a number, or every sample of a batch, is finite."""
    if isinstance(x, np.ndarray):
        return bool(np.isfinite(x).all())
    return math.isfinite(x)


class Summary:
    """How a batch (a 1-D array, one number per sample) is shown as one piece of text.

    ``Summary(sample=0)`` shows that sample's number; ``Summary(summary="mean")``
    the mean over the batch (``"mean 0.25"``); ``Summary(summary="range")`` the
    smallest and largest (``"[-1, 3]"``). Scalars always show as themselves.
    """

    MODES = ("mean", "range")

    def __init__(self, sample: int | None = None, summary: str = "mean", fmt: str = ".4g"):
        if sample is not None and (isinstance(sample, bool) or not isinstance(
                sample, (int, np.integer))):
            raise TypeError(f"sample is a sample index (int) or None, got {sample!r}")
        if summary not in self.MODES:
            raise ValueError(f"summary is one of {self.MODES}, got {summary!r}")
        self.sample = None if sample is None else int(sample)
        self.summary = summary
        self.fmt = check_fmt(fmt)

    def pick(self, x: Any) -> Any:
        """The number(s) shown for ``x``: a float, or for a range a (min, max) pair."""
        if not isinstance(x, np.ndarray):
            return float(x)
        if self.sample is not None:
            if not -x.size <= self.sample < x.size:
                raise IndexError(f"sample={self.sample} is out of range for a batch of "
                                 f"{x.size} samples (valid: 0 to {x.size - 1})")
            return float(x[self.sample])
        if self.summary == "mean":
            return float(x.mean())
        return float(x.min()), float(x.max())

    def text(self, x: Any) -> str:
        """``x`` as text (see the class docstring)."""
        shown = self.pick(x)
        if isinstance(shown, tuple):
            lo, hi = shown
            return f"[{format_number(lo, self.fmt)}, {format_number(hi, self.fmt)}]"
        text = format_number(shown, self.fmt)
        if isinstance(x, np.ndarray) and self.sample is None:
            return f"mean {text}"
        return text

    def describe(self, size: int) -> str:
        """A caption saying what batch numbers mean, e.g. ``batch of 100: sample 0``."""
        if self.sample is not None:
            return f"batch of {size} samples: showing sample {self.sample % size}"
        if self.summary == "mean":
            return f"batch of {size} samples: showing the mean over the batch"
        return f"batch of {size} samples: showing [min, max] over the batch"
