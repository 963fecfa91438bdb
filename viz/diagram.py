"""Rendering a diagram with Graphviz's ``dot`` program, and what to do when it is missing.

Building a diagram needs only the ``graphviz`` Python package; turning it into
SVG, PNG or PDF runs the ``dot`` program. :class:`Diagram` is a
``graphviz.Digraph`` whose every rendering path (``pipe``, ``render``, the
inline display in Jupyter) replaces Graphviz's terse "failed to execute" with
:class:`GraphvizNotFoundError`, which says how to install it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import graphviz

__all__ = ["Diagram", "GraphvizNotFoundError", "FORMATS", "render", "write", "replace_file"]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
PNG_DPI = 144

INSTALL_HELP = (
    "Graphviz's `dot` program is needed to render a diagram, and it is not on PATH. "
    "Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
    "or the installer from https://graphviz.org/download/ (on Windows, add its bin folder "
    "to PATH). Without it the DOT text is still available: viz.draw(root).source")


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` program is not installed; the message says how to install it.

    A subclass of ``graphviz.ExecutableNotFound`` (a RuntimeError), so code that
    already catches that keeps working.
    """

    def __init__(self, message: str = INSTALL_HELP) -> None:
        RuntimeError.__init__(self, message)


@contextmanager
def explain_missing_dot() -> Iterator[None]:
    """Turn Graphviz's "failed to execute" into :class:`GraphvizNotFoundError`."""
    try:
        yield
    except GraphvizNotFoundError:
        raise
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError() from None


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` that explains how to install Graphviz when rendering fails.

    It displays inline in Jupyter like any Digraph; ``.source`` is its DOT text.
    """

    def __repr__(self) -> str:  # no memory address: notebooks' outputs stay the same run to run
        return f"<viz Diagram: {len(self.body)} DOT statements>"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        with explain_missing_dot():
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        with explain_missing_dot():
            return super().render(*args, **kwargs)


def render(graph: graphviz.Digraph, format: str) -> bytes:
    """The diagram as ``format`` ("svg", "png" or "pdf") bytes, laid out by ``dot``."""
    with explain_missing_dot():
        return graph.pipe(format=format)


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
