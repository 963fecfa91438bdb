"""Rendering a diagram with Graphviz's ``dot`` program: within budget, never left running.

Building a diagram needs only the ``graphviz`` Python package; turning it into
SVG, PNG or PDF runs the ``dot`` program. Every render of ours (:func:`render`,
:func:`write`, and a :class:`Diagram`'s ``pipe``, ``render`` and inline display
in Jupyter) goes through :func:`run_dot`, which

- estimates the layout work first (``viz.budget``) and refuses a diagram over
  budget with :class:`viz.scene.TooLargeError` before any ``dot`` starts;
- stops ``dot`` after :data:`RENDER_TIMEOUT` seconds with :class:`RenderTimeout`;
- kills ``dot`` (and waits for it) on any exception while it runs, Ctrl-C
  included, and on Linux has the kernel kill it if Python itself is killed:
  no ``dot`` outlives the render that started it;
- says how to install Graphviz when ``dot`` is missing
  (:class:`GraphvizNotFoundError`), and, once, how to install a font with Hangul when
  a diagram has Korean text and fontconfig knows none (``autograd.fonts``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import graphviz

from autograd import fonts
from viz.errors import GraphvizNotFoundError, RenderTimeout
from viz.render import budget as layout_budget

__all__ = ["Diagram", "GraphvizNotFoundError", "RenderTimeout", "FORMATS", "RENDER_TIMEOUT",
           "render", "write", "run_dot", "replace_file"]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
PNG_DPI = 144

# Seconds a render may take before dot is stopped, read at each render. A diagram
# within viz.budget.LAYOUT_BUDGET lays out in a few seconds; this is the backstop
# for a slow machine or a layout the estimate misjudged, not the budget itself.
RENDER_TIMEOUT = 60.0

# -- the runner --------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_prctl = None
if sys.platform.startswith("linux"):
    try:  # looked up here: the child, between fork and exec, should only call it
        _prctl = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
    except (OSError, AttributeError):
        _prctl = None


def _die_with_parent(parent: int) -> None:
    """In the child before ``exec``: the kernel sends SIGKILL when the parent dies.

    A kill of Python from outside (a notebook kernel restarted, ``kill -9``) runs
    no Python code, so no ``except`` can stop ``dot``; this does.
    """
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above: follow it
        os._exit(1)


def _start(cmd: list[str], cwd: str | None) -> subprocess.Popen[bytes]:
    """Start ``cmd`` with pipes, in a session of its own (so its group can be killed)."""
    posix = os.name == "posix"
    return subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
        start_new_session=posix,
        preexec_fn=partial(_die_with_parent, os.getpid()) if _prctl is not None else None)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and its group, and reap it."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)  # its own session: pgid == pid
        else:
            process.kill()
    except OSError:  # already gone
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # a second Ctrl-C: dot is killed, still reap it
            continue
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def run_dot(graph: graphviz.Graph | graphviz.Digraph | str, args: Sequence[str], *,
            timeout: float | None = None, budget: float | None = None,
            cwd: str | None = None, quiet: bool = True) -> bytes:
    """Run ``dot args`` on ``graph``'s DOT text and return what it writes to stdout.

    ``budget`` (None: ``viz.budget.LAYOUT_BUDGET``) is checked before ``dot``
    starts; ``timeout`` (None: :data:`RENDER_TIMEOUT`, ``math.inf``: none) bounds
    the run. Whatever stops the wait (the timeout, Ctrl-C, any exception), ``dot``
    is killed before the exception goes on. A nonzero exit is
    ``subprocess.CalledProcessError`` with ``dot``'s stderr; its warnings are
    printed to stderr unless ``quiet``.
    """
    size = layout_budget.check(graph, budget)
    timeout = RENDER_TIMEOUT if timeout is None else timeout
    source = graph if isinstance(graph, str) else graph.source
    encoding = "utf-8" if isinstance(graph, str) else graph.encoding
    _check_fonts(source)
    cmd = ["dot", *layout_budget.layout_args(size), *args]
    try:
        process = _start(cmd, cwd)
    except FileNotFoundError:
        raise GraphvizNotFoundError() from None
    try:
        out, err = process.communicate(source.encode(encoding),
                                       timeout=None if math.isinf(timeout) else timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise RenderTimeout(
            f"dot did not finish laying out this diagram ({size.nodes} boxes, {size.edges} "
            f"edges) within {timeout:g} s (viz.diagram.RENDER_TIMEOUT) and was stopped; "
            f"{layout_budget.ADVICE}.") from None
    except BaseException:
        _stop(process)
        raise
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, cmd, out, err)
    if err and not quiet:
        sys.stderr.write(err.decode(encoding, "replace"))
    return out


def _check_fonts(source: str) -> None:
    """Warn once when ``source`` has Hangul and fontconfig, which Graphviz draws its text
    with, knows no font that has it (without ``fc-list`` to ask, say nothing)."""
    if fonts.has_hangul(source) and not fonts.warned("Graphviz") \
            and fonts.fontconfig_korean() == []:
        fonts.warn_missing("Graphviz", "fontconfig, which it draws text with, knows no font "
                                       "with Hangul")


def _format_arg(format: str, renderer: str | None, formatter: str | None) -> str:
    return "-T" + ":".join(part for part in (format, renderer, formatter) if part)


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` rendered through :func:`run_dot` (within budget, never left running).

    ``pipe`` and ``render`` take graphviz's arguments; the inline display in
    Jupyter (``_repr_mimebundle_``, which asks ``pipe`` for SVG) goes the same
    way. ``.source`` is its DOT text.
    """

    def __repr__(self) -> str:  # no memory address: notebooks' outputs stay the same run to run
        return f"<viz Diagram: {len(self.body)} DOT statements>"

    def __str__(self) -> str:
        """One line for ``print(viz.draw(f))``: what the diagram holds and where its DOT is
        (a graphviz.Digraph would print the whole DOT text)."""
        size = layout_budget.estimate(self)
        return (f"viz diagram: {size.nodes} nodes, {size.edges} edges; the DOT text is "
                f".source, and viz.save(..., 'name.svg') writes it (or .png, .pdf)")

    def pipe(self, format: str | None = None, renderer: str | None = None,  # type: ignore[override]
             formatter: str | None = None, neato_no_op: bool | int | None = None,
             quiet: bool = False, *, engine: str | None = None,
             encoding: str | None = None) -> Any:
        """The diagram rendered to ``format`` (default ``self.format``): bytes, or text
        decoded with ``encoding``."""
        data = run_dot(self, self._args(format, renderer, formatter, neato_no_op, engine),
                       quiet=quiet)
        return data.decode(encoding) if encoding is not None else data

    def render(self, filename: str | os.PathLike[str] | None = None,  # type: ignore[override]
               directory: str | os.PathLike[str] | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, renderer: str | None = None,
               formatter: str | None = None, neato_no_op: bool | int | None = None,
               quiet: bool = False, quiet_view: bool = False, *,
               outfile: str | os.PathLike[str] | None = None, engine: str | None = None,
               raise_if_result_exists: bool = False, overwrite_source: bool = False) -> str:
        """Save the DOT source (``filename``, default ``name.gv``) and render it beside it.

        As ``graphviz.Digraph.render``: the result is ``<source file>.<format>``,
        or ``outfile`` (its suffix names the format); returns its path.
        """
        if outfile is not None:
            outfile = Path(self.directory if directory is None else "", outfile)
            format = format or outfile.suffix[1:].lower() or None
            if filename is None:
                filename = outfile.with_suffix(".gv")
        fmt = format or self.format
        source = Path(self.save(filename, directory=directory))
        result = outfile if outfile is not None else Path(f"{source}.{fmt}")
        if result.resolve() == source.resolve() and not overwrite_source:
            raise ValueError(f"outfile {os.fspath(result)!r} is the DOT source file; pass "
                             f"overwrite_source=True to replace it")
        if raise_if_result_exists and result.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(result)!r}")
        data = run_dot(self, self._args(fmt, renderer, formatter, neato_no_op, engine),
                       cwd=os.fspath(source.parent), quiet=quiet)
        replace_file(result, data)
        if cleanup:
            source.unlink()
        if view or quiet_view:
            self._view(os.fspath(result), format=fmt, quiet=quiet_view)
        return os.fspath(result)

    def _args(self, format: str | None, renderer: str | None, formatter: str | None,
              neato_no_op: bool | int | None, engine: str | None) -> list[str]:
        args = [f"-K{engine or self.engine}", _format_arg(format or self.format, renderer,
                                                          formatter)]
        if neato_no_op:
            args.append(f"-n{int(neato_no_op)}")
        return args


def render(graph: graphviz.Graph | graphviz.Digraph, format: str, *,
           timeout: float | None = None) -> bytes:
    """The diagram as ``format`` ("svg", "png" or "pdf") bytes, laid out by ``dot``.

    Refused with ``TooLargeError`` before ``dot`` starts if it is over
    ``viz.budget.LAYOUT_BUDGET``; stopped with :class:`RenderTimeout` after
    ``timeout`` seconds (None: :data:`RENDER_TIMEOUT`).
    """
    return run_dot(graph, [f"-K{graph.engine}", f"-T{format}"], timeout=timeout, quiet=False)


def format_for(path: str | os.PathLike[str]) -> str:
    """The output format named by a file's extension, or a ValueError listing the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        choices = ", ".join(FORMATS)
        got = f"{suffix!r}" if suffix else "no extension"
        raise ValueError(f"cannot tell the image format of {os.fspath(path)!r}: its extension "
                         f"should be one of {choices}, got {got}")
    return FORMATS[suffix]


def write(graph: graphviz.Digraph, path: str | os.PathLike[str]) -> Path:
    """Render ``graph`` to ``path`` (format by extension) and return the path.

    The file is written whole or not at all (see :func:`replace_file`): a failed
    render never leaves a broken file in place of an older good one.
    """
    path = Path(path)
    fmt = format_for(path)
    if fmt == "png" and "dpi" not in graph.graph_attr:
        graph = graph.copy()
        graph.attr(dpi=str(PNG_DPI))  # screen-sharp: Graphviz's default 96 dpi looks blurred
    data = render(graph, fmt)
    replace_file(path, data)
    return path


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    The bytes go to a temporary file beside it first, then replace it in one
    step, so a failure never leaves a truncated file in place of a good one.
    """
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {os.fspath(path)!r}: the folder "
                                f"{os.fspath(path.parent)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes a private file; give it the mode an ordinary new file would get.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
