"""``python -m viz``: differentiate an expression and draw its graph.

    python -m viz "(x + y) * z" x=-2 y=5 z=-4 -o f.svg
    python -m viz "q = x + y; f = q * z" x=-2 y=5 z=-4 -o f.png --steps steps.html
    python -m viz "(x + y) * z" x=-2 y=5 z=-4 --steps steps.html --lang ko

The expression is parsed with ``ast`` against a whitelist (see ``viz.expr``),
never ``eval``-ed. Prints each variable's value and gradient, writes the
diagram (``-o``: .svg, .png or .pdf) and the stepper page (``--steps``).
Exit status: 0 on success; 2 for bad input, with one line ``python -m viz:
error: ...`` on stderr (for a bad expression, followed by the line and carets
under the offending part): a syntax error, a math error while computing or
differentiating (sqrt at 0, an overflow), a graph too large to draw; 1 when
the diagram cannot be written (e.g. Graphviz missing). Never a traceback.
An expression starting with "-" goes after ``--``: ``python -m viz -- "-x * y" x=1 y=2``.
Names are NFKC-normalised as Python's parser does: ``ｘ=1`` gives a value to ``x``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from typing import TextIO

from autograd.engine import Value, topological_order
from autograd.language import LANGUAGES, language
from viz.cli.expr import FUNCTIONS, MAX_LENGTH, ExpressionError, check_name, evaluate, one_line
from viz.common.text import check_fmt, format_number
from viz.errors import TooLargeError
from viz.ops.dot import draw_ops as draw
from viz.ops.scene import check_size
from viz.page.build import build_page
from viz.page.html import write_page
from viz.render.diagram import GraphvizNotFoundError, format_for, write

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_NODES = 2000  # draw()'s own guard; checked before backward so nothing is half done

# What a computation on bad numbers can raise, in the engine or in viz: ValueError
# (a domain error, viz's TooLargeError) and ArithmeticError (ZeroDivisionError,
# OverflowError, FloatingPointError). Each is the input's fault, not a bug.
_BAD_INPUT = (ValueError, ArithmeticError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m viz",
        description="Run an expression forward and backward on autograd Values, print every "
                    "variable's value and gradient, and draw the computational graph.",
        epilog=f"functions: {', '.join(FUNCTIONS)}. Example: python -m viz \"(x + y) * z\" "
               f"x=-2 y=5 z=-4 -o f.svg. An expression that starts with '-' goes after --.")
    parser.add_argument("expression", help='e.g. "(x + y) * z" or "q = x + y; f = q * z"')
    parser.add_argument("values", nargs="*", metavar="NAME=VALUE",
                        help="a value for each variable, e.g. x=-2")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the diagram here (.svg, .png or .pdf)")
    parser.add_argument("--steps", metavar="FILE.html",
                        help="write a page stepping through the forward and backward passes")
    parser.add_argument("--fmt", default=".4g", help="number format (default .4g)")
    parser.add_argument("--rankdir", default="LR", choices=("LR", "TB", "RL", "BT"),
                        help="layout direction (default LR: inputs left, output right)")
    parser.add_argument("--color-by", choices=("grad", "data"),
                        help="shade boxes by gradient or value, with a legend")
    parser.add_argument("--title", help="a caption on top of the diagram")
    parser.add_argument("--legend", action="store_true",
                        help="explain the colours under the diagram")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language of the pictures' words (default: en); the math "
                             "and these messages stay as they are")
    return parser


class _UsageError(Exception):
    pass


def _parse_values(items: Sequence[str]) -> dict[str, float]:
    """NAME=VALUE items as {name: value}, each name NFKC-normalised as the parser reads it."""
    values: dict[str, float] = {}
    spelled: dict[str, str] = {}
    for item in items:
        typed, sep, text = item.partition("=")
        typed = typed.strip()
        if not sep:
            raise _UsageError(f"{item!r} is not NAME=VALUE (e.g. x=-2); if it is meant as "
                              f"part of the expression, quote the whole expression")
        try:
            name = check_name(typed)
        except ValueError as e:
            raise _UsageError(str(e)) from None
        if name in values:
            same = "" if spelled[name] == typed else \
                f" ({spelled[name]} and {typed} are one name to Python)"
            raise _UsageError(f"{name} is given twice{same}")
        spelled[name] = typed
        try:
            values[name] = float(text)
        except ValueError:
            raise _UsageError(f"{name}={text!r}: the value is not a number") from None
    return values


def _error(err: TextIO, message: str | BaseException, code: int = EXIT_USAGE) -> int:
    """Print the one ``error:`` line (an ExpressionError adds its quote and carets)."""
    if isinstance(message, ExpressionError):
        text = str(message)  # its problem is one line already
    else:
        text = one_line(str(message)) or type(message).__name__
    print(f"python -m viz: error: {text}", file=err)
    return code


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse printed its message
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    drawing = bool(args.output or args.steps)
    try:
        values = _parse_values(args.values)
        check_fmt(args.fmt)
        if args.output:
            format_for(args.output)
        if args.steps and not args.steps.lower().endswith((".html", ".htm")):
            raise _UsageError(f"--steps writes an HTML page; name it *.html, got {args.steps!r}")
        if args.title is not None and len(args.title) > MAX_LENGTH:
            # A long title is cut in the diagram and whole in its tooltip; one past the
            # expression's own limit is a mistake (a file pasted in), not a caption.
            raise _UsageError(f"--title is {len(args.title)} characters long; the limit is "
                              f"{MAX_LENGTH}")
        names, result = evaluate(args.expression, values)
        if drawing:
            check_size(result, MAX_NODES, hide_constants=False)
    except TooLargeError:
        return _error(err, f"this expression's graph has more than {MAX_NODES} values, too "
                           f"many to draw readably; without -o and --steps the values and "
                           f"gradients are still printed")
    except (_UsageError, *_BAD_INPUT) as e:
        return _error(err, e)
    try:
        result.backward()
    except _BAD_INPUT as e:
        return _error(err, f"cannot differentiate: {one_line(str(e))}")

    _report(result, names, values, args.fmt, out)
    try:
        with language(args.lang):
            _draw(args, result, out)
    except GraphvizNotFoundError as e:
        return _error(err, e, EXIT_FAILED)
    except subprocess.CalledProcessError as e:  # dot ran and refused the diagram
        stderr = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else ""
        return _error(err, f"Graphviz could not draw the diagram: {stderr or e}", EXIT_FAILED)
    except OSError as e:
        return _error(err, f"cannot write: {e}", EXIT_FAILED)
    except _BAD_INPUT as e:
        return _error(err, f"cannot draw: {one_line(str(e))}")
    return EXIT_OK


def _draw(args: argparse.Namespace, result: Value, out: TextIO) -> None:
    """Write the diagram (``-o``) and the stepper page (``--steps``) asked for."""
    if args.output:
        graph = draw(result, fmt=args.fmt, rankdir=args.rankdir, color_by=args.color_by,
                     title=args.title, legend=args.legend or None, max_nodes=MAX_NODES)
        write(graph, args.output)
        print(f"wrote {args.output}", file=out)
    if args.steps:
        page = build_page(result, title=f"{result.label} = {args.expression}",
                          fmt=args.fmt, rankdir=args.rankdir, max_nodes=MAX_NODES)
        write_page(page, args.steps)
        print(f"wrote {args.steps} ({len(page.views[0].steps)} steps)", file=out)


def _report(result: Value, names: dict[str, Value], values: dict[str, float], fmt: str,
            out: TextIO) -> None:
    """One line per named value: its value and d output / d it."""
    f = result.label
    print(f"{f} = {format_number(result.data, fmt)}", file=out)
    rows = [(name, node, format_number(node.data, fmt)) for name, node in names.items()
            if node is not result]
    width = max((len(name) for name, _, _ in rows), default=1)
    data_width = max((len(text) for _, _, text in rows), default=1)
    for name, node, text in rows:
        note = "" if name not in values or _used(result, node) else "  (not used)"
        print(f"  {name:<{width}} = {text:<{data_width}}    "
              f"∂{f}/∂{name} = {format_number(node.grad, fmt)}{note}", file=out)


def _used(root: Value, node: Value) -> bool:
    """Whether ``root`` depends on ``node``."""
    return node in set(topological_order(root))
