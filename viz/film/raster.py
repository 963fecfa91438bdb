"""The film as pictures: a PNG (or PDF, or SVG) of one epoch and an animated GIF.

There is one picture (``viz.film.picture.draw_film``): the network's scene and the
panels' scene, shapes in pixels, and for each frame a set of changes to some of them.
The page writes those shapes as SVG (``viz.film.svg``) and ``film.js`` applies a frame's
changes; here the same shapes, with the same changes, are drawn by matplotlib's Agg
renderer, each mapped to what its SVG element draws:

- the two scenes side by side as ``composed_svg`` places them (the network at x = 0,
  the panels ``GAP`` to its right, on white), each clipped to its own canvas as a
  nested ``<svg>`` is;
- one figure pixel per scene pixel (dpi 100, the axes the whole figure, y down);
- SVG's pixels become matplotlib's points (x 72 / 100) for line widths, dashes and
  font sizes; a text's y is its baseline, its anchor its alignment; an image's rows
  run top down, stretched over its box and smoothed (bilinear);
- an invisible shape (``display=False``, a ``"transparent"`` or ``"none"`` stroke and
  fill: the page's hover targets) draws nothing.

Frames are drawn by updating the artists a frame changes (the weights' lines, the heat
maps, the texts, the cursors, ...) on one figure, built once, so a GIF of a hundred
frames takes seconds. Every frame is deterministic: the same picture gives the same
pixels, and ``save_gif`` the same bytes (one palette for every frame, no dithering, no
timestamps). matplotlib and Pillow are imported on first use only.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.fonts import has_hangul, with_hangul_font
from viz.common.text import printable
from viz.film.picture import Picture
from viz.film.reel import pick_frames
from viz.film.scene import Dot, Image, Path, Rect, Scene, Shape, Text
from viz.film.svg import composed_svg, composition
from viz.render.diagram import replace_file

if TYPE_CHECKING:
    import PIL.Image

__all__ = ["frame_image", "frame_images", "save_frame", "save_gif", "FORMATS",
           "MISSING_LIBRARIES"]

MISSING_LIBRARIES = ("viz.film.raster (the film's PNG, PDF and GIF) needs matplotlib and "
                     "Pillow, which are not installed. Install the optional extra with "
                     "`pip install autograd-viz[ml]`, or just `pip install matplotlib` "
                     "(it brings Pillow).")
FORMATS = (".png", ".pdf", ".svg")   # save_frame's
DPI = 100.0
POINTS = 72.0 / DPI                  # one pixel in points
INVISIBLE = ("none", "transparent", "")
FONTS = ("Helvetica", "Arial", "Liberation Sans")   # the page's, as far as matplotlib has them
MOST_FPS = 50.0    # browsers play a GIF's frame shorter than 2/100 s for 1/10 s
LEAST_FPS = 100.0 / 65535            # a GIF's frame lasts at most 655.35 s


def _libraries() -> tuple[Any, Any]:
    """matplotlib and PIL.Image, imported on first use."""
    try:
        import matplotlib
        import PIL.Image
    except ImportError as error:
        raise ImportError(MISSING_LIBRARIES) from error
    return matplotlib, PIL.Image


def _check_picture(picture: Any) -> Picture:
    if not isinstance(picture, Picture):
        raise TypeError(f"a film's picture (viz.film.picture.draw_film's) is needed, got "
                        f"{type(picture).__name__}")
    return picture


def _frame(picture: Picture, f: Any) -> int:
    """``f`` as a frame index (negative ones count from the end, as a list's)."""
    n = picture.reel.frames
    if isinstance(f, bool) or not isinstance(f, (int, np.integer)):
        raise TypeError(f"a frame is a whole number, got {type(f).__name__}")
    if not -n <= f < n:
        raise IndexError(f"frame {f} is out of range: the film has {n} frames "
                         f"(0..{n - 1}, or -{n}..-1 from the end)")
    return int(f) % n


# -- one shape, one artist ------------------------------------------------------------------

def _colour(colour: str, alpha: float = 1.0) -> Any:
    """An SVG paint as matplotlib's: "none" (and "transparent") is no paint."""
    from matplotlib.colors import to_rgba

    if colour.strip().lower() in INVISIBLE:
        return "none"
    r, g, b, a = to_rgba(colour)
    return (r, g, b, a * min(1.0, max(0.0, float(alpha))))


def _dashes(dash: str) -> Any:
    """SVG's stroke-dasharray (pixels) as matplotlib's dash pattern (points)."""
    try:
        values = [float(v) for v in re.split(r"[\s,]+", dash.strip()) if v]
    except ValueError:   # "none", or not a dash array: a solid line, as a browser draws it
        return "solid"
    if not values or any(v < 0 or not math.isfinite(v) for v in values) or sum(values) <= 0:
        return "solid"
    if len(values) % 2:  # an odd list is repeated to make an even one
        values *= 2
    return (0.0, tuple(v * POINTS for v in values))


def _spaced(text: str) -> str:
    """The text as an SVG ``<text>`` shows it: its control characters as ``printable``
    writes them, white space collapsed (tabs and line breaks are spaces, a run of
    spaces one, none at either end)."""
    return re.sub(r"[ \t\r\n]+", " ", printable(str(text))).strip(" ")


def _bezier(shape: Path, dx: float = 0.0) -> Any:
    from matplotlib.path import Path as MplPath

    points = np.asarray(shape.points, dtype=float).reshape(-1, 2) + (dx, 0.0)
    if shape.curve and len(points) == 4:
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4]
    else:
        codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
    return MplPath(points, codes)


def _make(shape: Shape, ax: Any) -> Any:
    """A matplotlib artist for ``shape``, on ``ax``, not yet styled (``_style`` does)."""
    from matplotlib.patches import Circle, FancyBboxPatch, PathPatch

    if isinstance(shape, Rect):
        artist = FancyBboxPatch((0, 0), 1, 1, boxstyle="square,pad=0")
        ax.add_patch(artist)
    elif isinstance(shape, Path):
        artist = PathPatch(_bezier(shape), fill=False, capstyle="butt", joinstyle="miter")
        ax.add_patch(artist)
    elif isinstance(shape, Text):
        artist = ax.text(0, 0, "", va="baseline", parse_math=False,
                         family=[*_fonts(), "DejaVu Sans"])
    elif isinstance(shape, Image):
        artist = ax.imshow(np.zeros((1, 1, 3), np.uint8), extent=(0, 1, 1, 0),
                           interpolation="bilinear", aspect="auto", origin="upper")
    elif isinstance(shape, Dot):
        artist = Circle((0, 0), 1)
        ax.add_patch(artist)
    else:
        raise TypeError(f"not a shape: {type(shape).__name__}")
    artist.set_snap(False)   # where the SVG says, not moved onto whole pixels
    return artist


def _style(artist: Any, shape: Shape, dx: float) -> None:
    """Make ``artist`` draw what ``shape``'s SVG element draws, ``dx`` pixels right."""
    if isinstance(shape, Rect):
        width, height = max(0.0, shape.width), max(0.0, shape.height)
        fill, stroke = _colour(shape.fill), _colour(shape.stroke)
        visible = shape.display and width > 0 and height > 0 and \
            (fill != "none" or (stroke != "none" and shape.stroke_width > 0))
        artist.set_visible(visible)
        if not visible:
            return
        artist.set_bounds(shape.x + dx, shape.y, width, height)
        rx = min(max(0.0, shape.rx), width / 2, height / 2)
        artist.set_boxstyle(f"round,pad=0,rounding_size={rx!r}" if rx > 0 else "square,pad=0")
        artist.set_facecolor(fill)
        artist.set_edgecolor(stroke)
        artist.set_linewidth(shape.stroke_width * POINTS if stroke != "none" else 0.0)
    elif isinstance(shape, Path):
        stroke = _colour(shape.stroke, shape.opacity)
        visible = shape.display and stroke != "none" and shape.stroke_width > 0 and \
            shape.opacity > 0 and len(shape.points) >= 2
        artist.set_visible(visible)
        if not visible:
            return
        artist.set_path(_bezier(shape, dx))
        artist.set_edgecolor(stroke)
        artist.set_linewidth(shape.stroke_width * POINTS)
        artist.set_linestyle(_dashes(shape.dash) if shape.dash else "solid")
    elif isinstance(shape, Text):
        fill = _colour(shape.fill)
        text = _spaced(shape.text)
        artist.set_visible(shape.display and fill != "none" and bool(text))
        artist.set_position((shape.x + dx, shape.y))
        artist.set_text(text)
        if has_hangul(text):
            with_hangul_font(artist)   # its fonts lack Hangul: a Korean one after them
        artist.set_fontsize(shape.size * POINTS)
        artist.set_horizontalalignment({"middle": "center", "end": "right"}
                                       .get(shape.anchor, "left"))
        artist.set_color(fill)
        artist.set_fontweight("bold" if shape.bold else "normal")
    elif isinstance(shape, Image):
        pixels = np.asarray(shape.pixels)
        visible = shape.display and shape.width > 0 and shape.height > 0 and \
            pixels.ndim == 3 and pixels.shape[0] > 0 and pixels.shape[1] > 0
        artist.set_visible(visible)
        if not visible:
            return
        artist.set_data(np.ascontiguousarray(pixels[..., :3], dtype=np.uint8))
        artist.set_extent((shape.x + dx, shape.x + dx + shape.width, shape.y + shape.height,
                           shape.y))
    elif isinstance(shape, Dot):
        fill, stroke = _colour(shape.fill), _colour(shape.stroke)
        artist.set_visible(shape.display and shape.r > 0)
        artist.set_center((shape.cx + dx, shape.cy))
        artist.set_radius(shape.r)
        artist.set_facecolor(fill)
        artist.set_edgecolor(stroke)
        artist.set_linewidth(shape.stroke_width * POINTS if stroke != "none" else 0.0)


@cache
def _fonts() -> list[str]:
    """The page's fonts that matplotlib finds here (none: its own, DejaVu Sans)."""
    from matplotlib import font_manager

    have = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in FONTS if name in have]


def _same(a: Shape, b: Shape) -> bool:
    if isinstance(a, Image) and isinstance(b, Image):
        return a == b or (np.array_equal(a.pixels, b.pixels) and
                          replace(a, pixels=None) == replace(b, pixels=None))
    return a == b


# -- the figure -------------------------------------------------------------------------------

@contextmanager
def _settings() -> Iterator[None]:
    """matplotlib's defaults (whatever one's matplotlibrc says), dashes in points."""
    _libraries()
    import matplotlib
    import matplotlib.style

    with matplotlib.style.context("default"), \
            matplotlib.rc_context({"lines.scale_dashes": False, "pdf.fonttype": 42,
                                 "text.hinting": "no_hinting"}):
        yield


def _inches(pixels: int) -> float:
    """``pixels`` / DPI, rounded up so that the canvas has exactly ``pixels`` (Agg
    truncates the figure's size in pixels)."""
    inches = pixels / DPI
    while inches * DPI < pixels:
        inches = math.nextafter(inches, math.inf)
    return inches


class _Canvas:
    """The picture's figure, its artists built once; ``draw(f)`` updates the ones frame
    ``f`` changes (and restores those the last frame changed and this one does not)."""

    def __init__(self, picture: Picture) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.transforms import Bbox, TransformedBbox

        self.picture = picture
        x_panels, width, height = composition(picture)
        self.size = (max(1, math.ceil(width)), max(1, math.ceil(height)))
        with _settings():
            self.figure = Figure(figsize=(_inches(self.size[0]), _inches(self.size[1])),
                                 dpi=DPI, facecolor="#ffffff")
            FigureCanvasAgg(self.figure)
            ax = self.figure.add_axes((0, 0, 1, 1))
            ax.set_axis_off()
            ax.set_autoscale_on(False)
            ax.set_xlim(0, self.size[0])
            ax.set_ylim(self.size[1], 0)
            self.ax = ax
            # per scene: its x, its base shapes, their artists, and id -> their indices
            self.scenes: list[tuple[float, list[Shape], list[Any], dict[str, list[int]]]] = []
            for scene, dx in ((picture.network.scene, 0.0), (picture.panels.scene, x_panels)):
                clip = TransformedBbox(Bbox.from_extents(dx, 0, dx + scene.width,
                                                         scene.height), ax.transData)
                artists, ids = [], {}
                for i, shape in enumerate(scene.shapes):
                    artist = _make(shape, ax)
                    artist.set_clip_box(clip)
                    artist.set_clip_on(True)
                    _style(artist, shape, dx)
                    artists.append(artist)
                    if shape.id:
                        ids.setdefault(shape.id, []).append(i)
                self.scenes.append((dx, list(scene.shapes), artists, ids))
            self.shown = [list(scene.shapes) for scene in self._scenes()]
            self.changed: list[set[str]] = [set(), set()]

    def _scenes(self) -> tuple[Scene, Scene]:
        return self.picture.network.scene, self.picture.panels.scene

    def update(self, f: int) -> None:
        """Set every artist to frame ``f``'s shape."""
        with _settings():
            for k, changes in enumerate(self.picture.changes(f)):
                dx, base, artists, ids = self.scenes[k]
                shown = self.shown[k]
                for name in self.changed[k] | set(changes):
                    for i in ids.get(name, ()):
                        shape = replace(base[i], **changes[name]) if name in changes \
                            else base[i]
                        if not _same(shape, shown[i]):
                            _style(artists[i], shape, dx)
                            shown[i] = shape
                self.changed[k] = set(changes)

    def draw(self, f: int) -> PIL.Image.Image:
        """Frame ``f`` as an RGB image."""
        _, image = _libraries()
        self.update(f)
        with _settings():
            self.figure.canvas.draw()
        rgba = np.asarray(self.figure.canvas.buffer_rgba())
        return image.fromarray(np.ascontiguousarray(rgba[..., :3]))

    def save(self, f: int, kind: str) -> bytes:
        """Frame ``f`` in matplotlib's format ``kind`` ("pdf", ...)."""
        self.update(f)
        out = io.BytesIO()
        with _settings():
            self.figure.savefig(out, format=kind, dpi=DPI, facecolor="#ffffff",
                                metadata={"CreationDate": None} if kind == "pdf" else None)
        return out.getvalue()


# -- the public functions -------------------------------------------------------------------

def frame_image(picture: Picture, f: int = -1) -> PIL.Image.Image:
    """Frame ``f`` of the film (negative: from the end; the last unless told) as an RGB
    image: the network and, beside it, the panels, drawn as the page draws them, one
    image pixel per scene pixel."""
    _check_picture(picture)
    _libraries()
    return _Canvas(picture).draw(_frame(picture, f))


def frame_images(picture: Picture, frames: Iterable[int]) -> Iterator[PIL.Image.Image]:
    """The ``frames`` (indices, as for ``frame_image``) as RGB images, one after the
    other, drawn on one figure (faster than ``frame_image`` for each)."""
    _check_picture(picture)
    _libraries()
    wanted = [_frame(picture, f) for f in frames]   # checked now, drawn as asked for
    return _drawn(picture, wanted)


def _drawn(picture: Picture, frames: list[int]) -> Iterator[PIL.Image.Image]:
    canvas = _Canvas(picture) if frames else None
    for f in frames:
        yield canvas.draw(f)


def _path(path: Any) -> FilePath:
    """``path`` as a Path, its folder there (checked before any drawing)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path is a file name (str or os.PathLike), got {type(path).__name__}")
    target = FilePath(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {os.fspath(target)!r}: the folder "
                                f"{os.fspath(target.parent)!r} does not exist")
    return target


def save_frame(picture: Picture, path: str | os.PathLike[str], f: int = -1) -> FilePath:
    """Write frame ``f`` (negative: from the end; the last unless told) to ``path``:
    a ``.png`` (``frame_image``'s pixels), a ``.pdf`` (the same artists, as vectors) or
    an ``.svg`` (the page's shapes, ``composed_svg``). Returns the path."""
    _check_picture(picture)
    target = _path(path)
    kind = target.suffix.lower()
    if kind not in FORMATS:
        raise ValueError(f"save_frame writes {', '.join(FORMATS)} files; {os.fspath(path)!r} "
                         f"ends in {target.suffix or 'no extension'!r}")
    f = _frame(picture, f)
    if kind == ".svg":
        data = composed_svg(picture, f).encode("utf-8")
    elif kind == ".png":
        out = io.BytesIO()
        frame_image(picture, f).save(out, format="PNG", optimize=False)
        data = out.getvalue()
    else:
        _libraries()
        data = _Canvas(picture).save(f, "pdf")
    replace_file(target, data)
    return target


def _palette(images: list[PIL.Image.Image]) -> PIL.Image.Image:
    """One palette (255 colours, maximum coverage) for the colours of ``images`` stacked."""
    _, image = _libraries()
    width = max(im.width for im in images)
    sheet = image.new("RGB", (width, sum(im.height for im in images)), "#ffffff")
    y = 0
    for im in images:
        sheet.paste(im, (0, y))
        y += im.height
    return sheet.quantize(colors=255, method=image.Quantize.MAXCOVERAGE,
                          dither=image.Dither.NONE)


def save_gif(picture: Picture, path: str | os.PathLike[str], *, frames: int = 100,
             fps: float = 10) -> FilePath:
    """Write the film as an animated GIF that loops: at most ``frames`` frames spread
    evenly over it (the first and the last among them), each ``frame_image``'s picture,
    ``fps`` of them a second. All frames share one palette (from the first, middle and
    last frames, no dithering): the same picture gives the same bytes. Returns the path."""
    _check_picture(picture)
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 1:
        raise ValueError(f"frames is the most frames the GIF holds, a whole number >= 1, "
                         f"got {frames!r}")
    if isinstance(fps, bool) or not isinstance(fps, (int, float, np.integer, np.floating)) \
            or not LEAST_FPS <= fps <= MOST_FPS:
        raise ValueError(f"fps is frames a second, a number from {LEAST_FPS:.4g} to "
                         f"{MOST_FPS:g} (a GIF's frame lasts 1/50 s to 655 s: browsers "
                         f"slow shorter ones down to 1/10 s), got {fps!r}")
    target = _path(path)
    if target.suffix.lower() != ".gif":
        raise ValueError(f"save_gif writes a .gif file; {os.fspath(path)!r} ends in "
                         f"{target.suffix or 'no extension'!r}")
    _, image = _libraries()
    chosen = pick_frames(list(range(picture.reel.frames)), int(frames))
    canvas = _Canvas(picture)
    drawn = {f: canvas.draw(f) for f in (chosen[0], chosen[len(chosen) // 2], chosen[-1])}
    palette = _palette(list(drawn.values()))

    def quantized() -> Iterator[PIL.Image.Image]:
        for f in chosen:
            frame = drawn.pop(f) if f in drawn else canvas.draw(f)
            yield frame.quantize(palette=palette, dither=image.Dither.NONE)

    sequence = quantized()
    first = next(sequence)
    out = io.BytesIO()
    first.save(out, format="GIF", save_all=True, append_images=sequence, loop=0,
               duration=round(1000.0 / float(fps)), optimize=True)
    replace_file(target, out.getvalue())
    return target
