r"""Text that goes into a diagram: escaping user strings and formatting numbers.

Every string a user can choose (labels, scope names) reaches the DOT source only
through :func:`escape`, which makes it inert inside a Graphviz HTML-like label:
``<b>`` stays the four characters ``<b>``, a quote cannot end an attribute, and a
backslash is drawn as a backslash. A label too long to draw is cut by
:func:`shorten` (ending in "…"); its full text goes into a tooltip through
:func:`tooltip`. Numbers go through :func:`format_number`, which applies the
user's format spec (``".4g"``) and spells NaN and infinities out.

>>> escape('a < b & "c"\nnext line')
'a &lt; b &amp; &quot;c&quot;<br/>next line'
>>> escape("C:\\Users\\Name")      # Graphviz draws a doubled backslash as one
'C:\\\\Users\\\\Name'
>>> shorten("a" * 100, 10)
'aaaaaaaaa…'
>>> format_number(-4.0), format_number(1 / 3), format_number(float("nan"))
('-4', '0.3333', 'NaN')
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import numpy as np

from autograd.language import tr

__all__ = ["escape", "printable", "shorten", "tooltip", "format_number", "check_fmt",
           "is_finite", "ELLIPSIS", "math_text", "cell_mark", "pad", "text_width", "Summary",
           "LABEL_LIMIT", "CAPTION_LIMIT", "LINE_LIMIT", "TOOLTIP_BYTES"]

# How many characters of a text a diagram draws before cutting it with "…". A name
# longer than a line of prose is unreadable in a box anyway, and Graphviz refuses an
# HTML-like label over 16,384 bytes (and a node wider than 65,535 points).
LABEL_LIMIT = 60     # a name: a box's header, a scope's cluster, a name inside an edge label
CAPTION_LIMIT = 120  # one line of the caption (the title, a stepper frame's caption)
LINE_LIMIT = 400     # any other line: a number, an edge's chain rule (a guard for wild fmt)
TOOLTIP_BYTES = 12_000  # a tooltip's DOT text; Graphviz refuses a quoted string over 16,384
ELLIPSIS = "…"

# Characters with a meaning in an HTML-like label, and their entities. Graphviz also
# expands escString sequences in these labels (\N is the node's name, \G the graph's,
# \n a line break), even when the backslash is written &#92;: a doubled backslash is
# the one spelling it draws as a single one.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "\\\\"}
_SPECIAL = re.compile(r"""[&<>"\\]|\r\n|[\r\n\t]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]""")


def _replace(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch in ("\n", "\r", "\r\n"):
        return "<br/>"
    if ch == "\t":
        return "&#160;" * 4
    # Other control characters cannot be drawn (nor stored in SVG): show their escape,
    # its backslash doubled like any other.
    return f"\\\\x{ord(ch):02x}"


def escape(text: str) -> str:
    r"""``text`` made safe and literal inside a Graphviz HTML-like label.

    ``& < > "`` become entities, a backslash is doubled (Graphviz draws ``\\``
    as ``\``, and would read ``\N`` or ``\G`` as the node's or the graph's
    name), newlines become line breaks, a tab becomes four spaces, other
    control characters and unpaired surrogates (which no font or file can
    hold) become visible escapes. Everything else, including ``{ }`` ``|`` and
    any Unicode, is kept as typed. The text is not shortened: see
    :func:`shorten`.
    """
    if not isinstance(text, str):
        raise TypeError(f"escape() needs a str, got {type(text).__name__}")
    out = _SPECIAL.sub(_replace, text)
    if out.strip("]") == "" and out:  # dot's HTML lexer refuses <b>]</b> and <b>]]</b>
        out = "&#93;" * len(out)
    # Runs of spaces would collapse when drawn; keep all but the first as no-break spaces.
    if "  " in out:
        out = re.sub(r"(?<= ) ", "&#160;", out)
    if out.startswith(" ") or out.endswith(" "):  # Graphviz trims edge spaces
        out = re.sub(r"^ | $", "&#160;", out)
    return _surrogates(out, "\\\\")


def _surrogates(text: str, backslash: str) -> str:
    """Unpaired surrogates (no UTF-8 file can hold them) as visible escapes (``\\ud800``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else f"{backslash}u{ord(c):04x}"
                       for c in text)
    return text


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    r"""``text`` as any page or file can hold it: NUL and the other control characters
    (but tab, newline and carriage return) and unpaired surrogates (which no UTF-8
    file can hold) become the visible escapes the diagrams draw, ``\x00`` and ``\ud800``.

    >>> printable("a\x00b\ud800")
    'a\\x00b\\ud800'
    """
    return _UNPRINTABLE.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    r"""``text`` if it has at most ``limit`` characters, else its first ``limit - 1`` and "…".

    >>> shorten("C:\\Users\\Name", 8)
    'C:\\User…'
    """
    if not isinstance(text, str):
        raise TypeError(f"shorten() needs a str, got {type(text).__name__}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit is a positive int, got {limit!r}")
    if len(text) <= limit:
        return text
    if text[limit - 2:limit] == "\r\n":  # keep a line break whole: "\r" alone is one too
        return text[:limit - 2] + ELLIPSIS
    return text[:limit - 1] + ELLIPSIS


# A tooltip attribute is read twice by Graphviz: once for \n-style escapes (dropping
# the backslash of any other), once for \N, \G and friends. So a backslash that
# should show is written four times. It also decodes entities, so & must be &amp;;
# and < > are entities too, because the graphviz package passes a value that starts
# with < and ends with > on unquoted, as an HTML-like string that could close the
# attribute list and add statements to the graph.
_TOOLTIP = {"\\": "\\" * 4, "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;",
            "\r\n": "\n", "\r": "\n"}
_TOOLTIP_SPECIAL = re.compile(r"""\r\n|[\\&"<>\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]""")


def tooltip(text: str, limit: int = TOOLTIP_BYTES) -> str:
    r"""``text`` as the value of a Graphviz ``tooltip`` attribute, shown as typed on hover.

    In the SVG it becomes the ``xlink:title`` of the element, which browsers
    show when the pointer rests on it. Newlines stay line breaks; a backslash
    is written four times and ``& "`` as entities (see the comment above);
    other control characters become visible escapes. A tooltip whose DOT text
    would pass ``limit`` bytes (Graphviz refuses a quoted string over 16,384)
    is cut and ends in "…".

    >>> tooltip('C:\\Users & "me"')
    'C:\\\\\\\\Users &amp; &quot;me&quot;'
    """
    if not isinstance(text, str):
        raise TypeError(f"tooltip() needs a str, got {type(text).__name__}")
    pieces = []
    used, budget = 0, limit - len(ELLIPSIS.encode("utf-8"))
    for match in re.finditer(r"\r\n|.", text, re.DOTALL):
        ch = match.group()
        if _TOOLTIP_SPECIAL.fullmatch(ch):
            piece = _TOOLTIP.get(ch) or "\\" * 4 + f"x{ord(ch):02x}"
        else:
            piece = _surrogates(ch, "\\" * 4)
        used += len(piece.encode("utf-8"))
        if used > budget:
            pieces.append(ELLIPSIS)
            break
        pieces.append(piece)
    return "".join(pieces)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def math_text(text: str) -> str:
    """A rule's Python-like text in the notation of a slide: ``a * b`` as ``a × b``,
    ``out**2`` as ``out²``, ``a**(n - 1)`` as ``a^(n - 1)``.

    >>> math_text("1 - out**2"), math_text("n * a**(n - 1)")
    ('1 - out²', 'n × a^(n - 1)')
    """
    text = re.sub(r"\*\*(\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    return text.replace("**", "^").replace("*", "×")


FIGURE_SPACE = "\u2007"  # as wide as a digit: pads a number's cell on a page


def pad(text: str, width: int | None) -> str:
    """``text`` padded with figure spaces to ``width`` characters: a page draws a cell
    once for all of its samples, as wide as the widest of their numbers."""
    return text if width is None else text + FIGURE_SPACE * (width - len(text))


def text_width(text: str) -> int:
    """How many columns ``text`` takes in a proportional font, roughly: a Hangul or CJK
    character is as wide as two Latin ones (``text_width("손실") == 4``)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_mark(cell_id: str | None) -> str:
    """Attributes that give an HTML-like label's table cell its own element in the SVG,
    ``<g id="a_<cell_id>">`` (Graphviz writes one only for a cell with a link; the
    interactive page, ``viz.page.clean_svg``, keeps the id and drops the link); ""
    for no id."""
    return f' ID="{cell_id}" HREF="#"' if cell_id else ""


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


# A mean this small next to the numbers it averages is rounding left over from a sum
# that is 0 (a standardized feature's mean, a batch norm's output): shown as 0.
NOISE = 1e-12


def _denoised(mean: float, x: np.ndarray) -> float:
    return 0.0 if abs(mean) <= NOISE * float(np.abs(x).max()) else mean


class Summary:
    """How a batch (a 1-D array, one number per sample) is shown as one piece of text.

    ``Summary(sample=0)`` shows that sample's number; ``Summary(summary="mean")``
    the mean over the batch (``"mean 0.25"``; a mean that is rounding noise next to
    the numbers it averages, below ``NOISE`` times the largest, is 0);
    ``Summary(summary="range")`` the smallest and largest (``"[-1, 3]"``). Scalars
    always show as themselves.
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
            return _denoised(float(x.mean()), x)
        return float(x.min()), float(x.max())

    def text(self, x: Any) -> str:
        """``x`` as text (see the class docstring)."""
        shown = self.pick(x)
        if isinstance(shown, tuple):
            lo, hi = shown
            return f"[{format_number(lo, self.fmt)}, {format_number(hi, self.fmt)}]"
        text = format_number(shown, self.fmt)
        if isinstance(x, np.ndarray) and self.sample is None:
            return tr("mean {x}", x=text)
        return text

    def describe(self, size: int) -> str:
        """A caption saying what batch numbers mean, e.g. ``batch of 100: sample 0``."""
        if self.sample is not None:
            return tr("batch of {n} samples: showing sample {k}", n=size, k=self.sample % size)
        if self.summary == "mean":
            return tr("batch of {n} samples: showing the mean over the batch", n=size)
        return tr("batch of {n} samples: showing [min, max] over the batch", n=size)
