"""The numbers a network view's rule writes: one sample's, or a batch's summary.

A batch's picture shows one sample at a time (``Numbers.exact``): every rule can then
be written out with that sample's numbers and checked by hand. Without a sample, a
batch shows its mean (or range), and the rules give formulas and results only.
``weight_name`` is how a rule names a weight.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.language import tr
from viz.common.chain import factor
from viz.common.text import Summary, format_number

__all__ = ["Numbers", "weight_name"]


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
        return self.summary.text(x).removeprefix(tr("mean {x}", x=""))

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
            return (tr("numbers of sample {k} of {n}", k=self.at, n=self.size),)
        if self.summary.summary == "mean":
            return (tr("the mean over the {n} samples: each sample's rule is the formula above "
                       "with its own numbers", n=self.size),)
        return (tr("the [min, max] over the {n} samples: each sample's rule is the formula "
                   "above with its own numbers", n=self.size),)
