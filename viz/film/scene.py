"""The film's picture as shapes: what the page's SVG and the GIF's frames both draw.

A ``Scene`` is a list of shapes in pixels (y down), each with an optional ``id``.
A frame is a set of changes to some of them (``Changes``: id -> new field values),
so one picture serves the page (``viz.film.svg``: the shapes as SVG, a frame applied
by ``film.js``) and the exports (``viz.film.raster``: the same shapes with matplotlib).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = ["Rect", "Path", "Text", "Image", "Dot", "Shape", "Scene", "Changes"]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str = "none"
    stroke: str = "none"
    stroke_width: float = 1.0
    rx: float = 0.0
    id: str = ""
    cls: str = ""
    title: str = ""      # a tooltip
    display: bool = True


@dataclass(frozen=True)
class Path:
    """A polyline through ``points``, or with ``curve`` a cubic Bézier (4 points)."""

    points: tuple[tuple[float, float], ...]
    stroke: str = "#000000"
    stroke_width: float = 1.0
    opacity: float = 1.0
    dash: str = ""       # SVG's stroke-dasharray, e.g. "4 3"
    curve: bool = False
    id: str = ""
    cls: str = ""
    title: str = ""
    display: bool = True


@dataclass(frozen=True)
class Text:
    x: float
    y: float              # the baseline
    text: str
    size: float = 12.0
    anchor: str = "start"  # "start", "middle" or "end"
    fill: str = "#111827"
    bold: bool = False
    id: str = ""
    cls: str = ""
    display: bool = True


@dataclass(frozen=True, eq=False)
class Image:
    """``pixels`` (rows top down, RGB bytes) stretched over the box, smoothed."""

    x: float
    y: float
    width: float
    height: float
    pixels: np.ndarray
    id: str = ""
    cls: str = ""
    display: bool = True


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    fill: str = "#000000"
    stroke: str = "none"
    stroke_width: float = 1.0
    id: str = ""
    cls: str = ""
    display: bool = True


Shape = Rect | Path | Text | Image | Dot
Changes = dict[str, dict[str, Any]]   # id -> {field: new value}


@dataclass
class Scene:
    """Shapes on a ``width`` x ``height`` pixel canvas, drawn in order."""

    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)

    def add(self, shape: Shape) -> Shape:
        self.shapes.append(shape)
        return shape

    def applied(self, changes: Changes) -> list[Shape]:
        """The shapes with ``changes`` made (the scene itself stays as it is)."""
        return [replace(s, **changes[s.id]) if s.id and s.id in changes else s
                for s in self.shapes]
