"""viz.film.raster: the film's PNG, PDF, SVG and GIF, drawn from the page's shapes.

Each test reads pixels where the picture says something: a weight's line in its colour,
a heat map's and the prediction's pixels where the frame puts them, the epoch's counter,
a bar's height, a text's alignment; and the files: their size, frames, loop, bytes.
"""

from __future__ import annotations

import copy
import io
import math
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
PIL_Image = pytest.importorskip("PIL.Image")

from autograd import losses, nn, optim  # noqa: E402
from autograd.data import make_first_symbol_sequences, make_spirals  # noqa: E402
from autograd.training import Recorder, fit  # noqa: E402
from viz.film import raster  # noqa: E402
from viz.film.panels import boundary_pixels  # noqa: E402
from viz.film.picture import Picture, draw_film  # noqa: E402
from viz.film.scene import Image, Path, Rect, Text  # noqa: E402
from viz.film.style import NEGATIVE, POSITIVE  # noqa: E402
from viz.film.svg import composed_svg, composition  # noqa: E402


def _fit(model, X, y, epochs: int, val=None, lr: float = 0.1) -> Picture:
    rec = Recorder()
    fit(model, losses.bce_with_logits, optim.SGD(model.parameters(), lr=lr), X, y, val=val,
        epochs=epochs, verbose=False, record=rec)
    return draw_film(rec)


@pytest.fixture(scope="module")
def plane() -> Picture:
    """A 2-D model: heat maps, the prediction over the plane, 31 frames."""
    X, y = make_spirals(60, noise=0.05, seed=0)
    return _fit(nn.MLP(2, [6, 6, 1], seed=0), X[:45], y[:45], 30, val=(X[45:], y[45:]),
                lr=0.3)


@pytest.fixture(scope="module")
def stats() -> Picture:
    """30 inputs: units are boxes coloured by their mean output, no prediction image."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 30))
    y = (X[:, 0] - X[:, 1] > 0).astype(float)
    return _fit(nn.MLP(30, [8, 1], seed=0), X, y, 4, lr=0.5)


@pytest.fixture(scope="module")
def rnn() -> Picture:
    """An RNN: shared (dashed) weights, a bar per time step and a strip image."""
    X, y = make_first_symbol_sequences(30, length=6, seed=0)
    return _fit(nn.RNN(1, 4, 1, seed=0, returns="last"), X, y, 4, lr=0.5)


def _shapes(picture: Picture, f: int) -> tuple[list, list, float]:
    """Frame f's shapes of the network and the panels, and the panels' x."""
    net, side = picture.changes(f)
    return (picture.network.scene.applied(net), picture.panels.scene.applied(side),
            composition(picture)[0])


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _pixel(image, x: float, y: float) -> np.ndarray:
    """The pixel that holds the point (x, y) of the picture."""
    return np.asarray(image.getpixel((int(math.floor(x)), int(math.floor(y)))), dtype=float)


def _bezier_midpoint(points) -> tuple[float, float]:
    p = np.asarray(points, dtype=float)
    return tuple((p[0] + 3 * p[1] + 3 * p[2] + p[3]) / 8)


def _curve(points, n: int = 60) -> np.ndarray:
    p = np.asarray(points, dtype=float)
    t = np.linspace(0, 1, n)[:, None]
    return ((1 - t) ** 3 * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t ** 2 * p[2]
            + t ** 3 * p[3])


def _lonely_weight(shapes: list, colour: str) -> Path:
    """The widest weight of this colour whose curve's middle no other line comes near."""
    weights = [s for s in shapes if isinstance(s, Path) and s.id.startswith("w")]
    candidates = sorted((w for w in weights if w.stroke == colour and w.stroke_width >= 2.5),
                        key=lambda w: -w.stroke_width)
    for w in candidates:
        mid = np.array(_bezier_midpoint(w.points))
        others = [o for o in weights if o is not w and o.opacity > 0]
        if all(np.min(np.hypot(*(_curve(o.points) - mid).T)) > 8 for o in others):
            return w
    raise AssertionError(f"no wide, lonely {colour} weight in this picture")


def _bilinear(pixels: np.ndarray, box: Image | Rect, x: float, y: float) -> np.ndarray:
    """What an image stretched over ``box`` and smoothed shows at (x, y): its pixels'
    centres sit at (j + 0.5) * width / columns."""
    rows, cols = pixels.shape[:2]
    u = np.clip((x - box.x) / box.width * cols - 0.5, 0, cols - 1)
    v = np.clip((y - box.y) / box.height * rows - 0.5, 0, rows - 1)
    j, i = min(int(u), cols - 2), min(int(v), rows - 2)
    a, b = u - j, v - i
    p = pixels.astype(float)
    return ((1 - a) * (1 - b) * p[i, j] + a * (1 - b) * p[i, j + 1] + (1 - a) * b * p[i + 1, j]
            + a * b * p[i + 1, j + 1])


# -- the PNG: one frame ------------------------------------------------------------------

def test_the_png_is_the_composed_picture_in_size(plane, tmp_path):
    x, width, height = composition(plane)
    assert x == plane.network.scene.width + 12
    out = raster.save_frame(plane, tmp_path / "frame.png", 0)
    assert out == tmp_path / "frame.png"
    with PIL_Image.open(out) as png:
        assert png.format == "PNG" and png.mode == "RGB"
        assert png.size == (math.ceil(width), math.ceil(height))
    assert raster.frame_image(plane, 0).size == (math.ceil(width), math.ceil(height))


def test_a_wide_positive_weight_is_blue_and_a_negative_one_orange_at_its_middle(plane):
    f = plane.reel.frames - 1
    network, _, _ = _shapes(plane, f)
    image = raster.frame_image(plane, f)
    for colour in (POSITIVE, NEGATIVE):
        weight = _lonely_weight(network, colour)
        seen = _pixel(image, *_bezier_midpoint(weight.points))
        white = np.full(3, 255.0)
        expected = white + (_rgb(colour) - white) * weight.opacity   # over white
        assert np.abs(seen - expected).max() <= 10, (weight.id, seen, expected)
        red, blue = seen[0], seen[2]
        assert (blue > red + 60) if colour == POSITIVE else (red > blue + 60), seen
        # as wide as it says, in pixels: the column through its middle crosses
        # width / cos(slope) pixels of it (a pixel's share by its ink)
        mx, my = _bezier_midpoint(weight.points)
        p = np.asarray(weight.points)
        tangent = -0.125 * 3 * p[0] - 0.125 * 3 * p[1] + 0.125 * 3 * p[2] + 0.125 * 3 * p[3]
        column = np.asarray(image, dtype=float)[int(my) - 12:int(my) + 13, int(mx)]
        share = np.clip((255 - column).max(axis=1) / (255 - expected).max(), 0, 1).sum()
        crossing = weight.stroke_width * math.hypot(*tangent) / abs(tangent[0])
        assert share == pytest.approx(crossing, abs=0.5), (weight.id, share, crossing)


def test_the_prediction_and_a_heat_map_show_their_frame_the_right_way_up(plane):
    f = plane.reel.frames // 2
    network, panels, dx = _shapes(plane, f)
    image = raster.frame_image(plane, f)
    boundary = next(s for s in panels if s.id == "boundary")
    pixels = boundary_pixels(plane.panels.boundary_codes[f])
    assert np.array_equal(boundary.pixels, pixels)
    dots = [(s.cx, s.cy, s.r) for s in panels if type(s).__name__ == "Dot"]
    checked = 0
    for fx, fy in ((0.5, 0.5), (0.2, 0.2), (0.8, 0.8), (0.2, 0.8), (0.8, 0.2), (0.5, 0.1)):
        x, y = boundary.x + fx * boundary.width, boundary.y + fy * boundary.height
        x, y = math.floor(x) + 0.5, math.floor(y) + 0.5
        if any(math.hypot(x - cx, y - cy) < r + 3 for cx, cy, r in dots):
            continue   # a data point covers it
        seen = _pixel(image, x + dx, y)
        expected = _bilinear(pixels, boundary, x, y)
        assert np.abs(seen - expected).max() <= 6, ((fx, fy), seen, expected)
        checked += 1
    assert checked >= 3
    # the prediction changes over the film: the flipped image would not match
    assert not np.array_equal(pixels, pixels[::-1])
    # a unit's heat map, at this frame
    heat = next(s for s in network if s.id == "img3")
    for fx, fy in ((0.25, 0.25), (0.75, 0.75), (0.25, 0.75)):
        x = math.floor(heat.x + fx * heat.width) + 0.5
        y = math.floor(heat.y + fy * heat.height) + 0.5
        seen = _pixel(image, x, y)
        assert np.abs(seen - _bilinear(heat.pixels, heat, x, y)).max() <= 8, (fx, fy)


def test_frames_differ_where_the_epoch_counter_is_and_nowhere_static(plane):
    first = np.asarray(raster.frame_image(plane, 0), dtype=int)
    last = np.asarray(raster.frame_image(plane, -1), dtype=int)
    _, panels, dx = _shapes(plane, 0)
    counter = next(s for s in panels if s.id == "epoch")
    top, bottom = int(counter.y - counter.size), int(counter.y + 4)
    left, right = int(dx + counter.x), int(dx + counter.x + 150)
    assert np.abs(first[top:bottom, left:right] - last[top:bottom, left:right]).max() > 100
    # the network's legend (below the columns) is the same in every frame
    legend = next(s for s in plane.network.scene.shapes
                  if isinstance(s, Text) and s.text.startswith("line:"))
    rows = slice(int(legend.y - legend.size), int(legend.y + 4))
    assert np.array_equal(first[rows, :400], last[rows, :400])
    assert first[rows, :400].min() < 160   # and there is ink in it


def test_a_frame_drawn_after_others_is_the_frame_drawn_alone(plane, stats, rnn):
    for picture in (plane, stats, rnn):
        last = picture.reel.frames - 1
        order = [last, 0, last // 2, 0]
        for f, image in zip(order, raster.frame_images(picture, order)):
            assert np.array_equal(np.asarray(image), np.asarray(raster.frame_image(picture, f)))


def test_texts_are_aligned_by_their_anchor_at_their_baseline(plane):
    image = np.asarray(raster.frame_image(plane, -1), dtype=int)
    _, panels, dx = _shapes(plane, plane.reel.frames - 1)
    ink = image.sum(axis=2) < 3 * 200

    def inked(x0: float, x1: float, text: Text) -> bool:
        rows = slice(int(text.y - 0.6 * text.size), int(text.y))  # above the baseline
        return bool(ink[rows, max(0, int(x0)):int(x1)].any())

    end = [s for s in panels if isinstance(s, Text) and s.anchor == "end" and
           s.text.startswith("epoch ")][0]
    x = dx + end.x
    assert inked(x - 30, x - 1, end) and not inked(x + 2, x + 40, end)
    start = [s for s in panels if isinstance(s, Text) and s.anchor == "start" and
             s.text.startswith("epoch ") and not s.id][0]   # the epochs' axis, left
    x = dx + start.x
    assert inked(x + 1, x + 30, start) and not inked(x - 40, x - 2, start)
    middle = next(s for s in plane.network.scene.shapes
                  if isinstance(s, Text) and s.anchor == "middle")
    assert inked(middle.x - 20, middle.x - 2, middle) and \
        inked(middle.x + 2, middle.x + 20, middle)
    # a column's title ("L0 · ReLU": no descender) sits on its baseline
    title = next(s for s in plane.network.scene.shapes
                 if isinstance(s, Text) and s.text.startswith("L0"))
    columns = slice(int(title.x - 25), int(title.x + 25))
    rows = np.flatnonzero(ink[:int(title.y) + 6, columns].any(axis=1))
    assert rows.max() == pytest.approx(title.y - 0.5, abs=1.0)
    # and is as tall as its size in pixels says: capitals 0.69 em (Liberation Sans,
    # Arial, Helvetica; DejaVu Sans 0.73)
    assert title.y - rows.min() == pytest.approx(0.71 * title.size, abs=1.2)


def test_a_frame_hides_shows_and_restores_what_its_changes_say(plane):
    """A frame is the scene with its changes made: what one frame hides (display) the
    next, which changes nothing, shows again."""
    fake = copy.copy(plane)
    dots = {s.id: {"display": False} for s in plane.panels.scene.shapes
            if s.id.startswith("dot")}   # a curve's dot may hide behind another one's
    fake.changes = lambda f: ({"w0": {"display": False}}, dots) if f == 0 else ({}, {})
    shown, hidden, again = (np.asarray(im, dtype=int)
                            for im in raster.frame_images(fake, [1, 0, 1]))
    assert np.array_equal(shown, again)
    assert np.array_equal(hidden, np.asarray(raster.frame_image(fake, 0), dtype=int))
    dx = composition(plane)[0]
    dot = next(s for s in plane.panels.scene.shapes if s.id == "dot0")  # the training loss's
    x, y = int(dx + dot.cx), int(dot.cy)
    assert np.abs(shown[y - 5:y + 6, x - 5:x + 6] - hidden[y - 5:y + 6, x - 5:x + 6]).max() > 60
    w0 = next(s for s in plane.network.scene.shapes if s.id == "w0")
    x, y = (int(v) for v in _bezier_midpoint(w0.points))
    assert np.abs(shown[y - 2:y + 3, x - 2:x + 3] - hidden[y - 2:y + 3, x - 2:x + 3]).max() > 0


# -- models without a plane ------------------------------------------------------------------

def test_stats_boxes_take_their_frame_s_colour(stats):
    assert stats.panels.boundary_codes is None and stats.reel.mode == "stats"
    for f in (0, stats.reel.frames - 1):
        network, _, _ = _shapes(stats, f)
        image = raster.frame_image(stats, f)
        boxes = [s for s in network if isinstance(s, Rect) and s.id.startswith("box")]
        assert boxes
        for box in boxes:
            seen = _pixel(image, box.x + 4, box.y + 4)   # clear of its name and its bar
            assert np.abs(seen - _rgb(box.fill)).max() <= 3, (f, box.id, seen, box.fill)


def test_an_rnn_s_bars_have_their_frame_s_height(rnn, tmp_path):
    assert rnn.reel.steps_norms is not None
    panel = _rgb("#f9fafb")
    heights = []
    for f in (0, rnn.reel.frames - 1):
        _, panels, dx = _shapes(rnn, f)
        image = raster.frame_image(rnn, f)
        bars = [s for s in panels if isinstance(s, Rect) and s.id.startswith("norm")]
        assert len(bars) == rnn.reel.steps_norms.shape[1]
        for bar in bars:
            x = dx + bar.x + bar.width / 2
            if bar.height >= 4:
                assert np.abs(_pixel(image, x, bar.y + 2) - _rgb(POSITIVE)).max() <= 3
            if bar.y - 4 > rnn.panels.bars[0][0] - 110:   # inside the panel, above the bar
                assert np.abs(_pixel(image, x, bar.y - 3) - panel).max() <= 3
        heights.append([bar.height for bar in bars])
    assert heights[0] != heights[1]
    with PIL_Image.open(raster.save_frame(rnn, tmp_path / "rnn.png")) as png:
        assert png.size == tuple(math.ceil(v) for v in composition(rnn)[1:])


def test_a_shared_weight_is_dashed_5_on_3_off_in_pixels(rnn):
    f = rnn.reel.frames - 1
    network, _, _ = _shapes(rnn, f)
    image = np.asarray(raster.frame_image(rnn, f), dtype=int)
    level = [s for s in network if isinstance(s, Path) and s.id.startswith("w") and s.dash
             and s.points[0][1] == s.points[3][1] and s.stroke_width >= 1.0]
    assert level and level[0].dash == "5 3"
    weight = max(level, key=lambda s: s.points[3][0] - s.points[0][0])
    (x0, y), (x1, _) = weight.points[0], weight.points[3]
    dark = (255 - image[int(y), int(x0) + 1:int(x1) - 1]).max(axis=1)
    on = (dark > dark.max() / 2).astype(int)
    edges = np.flatnonzero(np.diff(on)) + 1
    runs = [(int(on[a]), b - a) for a, b in zip(edges[:-1], edges[1:])]  # whole runs only
    assert len(runs) >= 3
    for inked, length in runs:
        assert length == pytest.approx(5 if inked else 3, abs=1), runs


# -- the other formats ---------------------------------------------------------------------

def test_svg_and_pdf_files(plane, tmp_path):
    svg = raster.save_frame(plane, tmp_path / "frame.SVG", 2)
    assert svg.read_text(encoding="utf-8") == composed_svg(plane, 2)
    assert 'fill="#ffffff"' in composed_svg(plane)
    pdf = raster.save_frame(plane, tmp_path / "frame.pdf", 2)
    again = raster.save_frame(plane, tmp_path / "again.pdf", 2)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.read_bytes() == again.read_bytes()
    _, width, height = composition(plane)
    box = [float(v) for v in
           pdf.read_bytes().split(b"/MediaBox [")[1].split(b"]")[0].split()]
    assert box[2:] == pytest.approx([math.ceil(width) * 0.72, math.ceil(height) * 0.72])


# -- the GIF -----------------------------------------------------------------------------------

def test_the_gif_has_the_frames_asked_for_loops_and_is_the_same_bytes_twice(plane, tmp_path):
    one = raster.save_gif(plane, tmp_path / "a.gif", frames=5, fps=4)
    two = raster.save_gif(plane, tmp_path / "b.gif", frames=5, fps=4)
    assert one.read_bytes() == two.read_bytes()
    with PIL_Image.open(one) as gif:
        assert gif.format == "GIF" and gif.n_frames == 5
        assert gif.info["loop"] == 0 and gif.info["duration"] == 250
        assert gif.size == raster.frame_image(plane, 0).size
        frames = []
        for k in (0, 4):
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB"), dtype=int))
    # the first and the last frame of the film, in 255 colours
    for seen, f in zip(frames, (0, -1)):
        exact = np.asarray(raster.frame_image(plane, f), dtype=int)
        assert np.abs(seen - exact).mean() < 2.0 and np.abs(seen - exact).max() <= 40


def test_a_gif_of_more_frames_than_the_film_has_every_frame(stats, tmp_path):
    out = raster.save_gif(stats, tmp_path / "all.gif", frames=1000)
    assert out == tmp_path / "all.gif"
    with PIL_Image.open(out) as gif:
        assert gif.n_frames == stats.reel.frames and gif.info["duration"] == 100


# -- errors -----------------------------------------------------------------------------------

def test_errors_say_what_is_wrong(plane, tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.pdf, \.svg.*'\.jpg'"):
        raster.save_frame(plane, tmp_path / "frame.jpg")
    with pytest.raises(ValueError, match="no extension"):
        raster.save_frame(plane, tmp_path / "frame")
    n = plane.reel.frames
    with pytest.raises(IndexError, match=f"frame {n} is out of range: the film has {n} frames"):
        raster.frame_image(plane, n)
    with pytest.raises(IndexError, match="out of range"):
        raster.save_frame(plane, tmp_path / "frame.png", -n - 1)
    with pytest.raises(TypeError, match="whole number"):
        raster.frame_image(plane, 1.5)
    with pytest.raises(IndexError, match="out of range"):
        raster.frame_images(plane, [0, n])   # at once, before drawing any
    with pytest.raises(ValueError, match="frames"):
        raster.save_gif(plane, tmp_path / "a.gif", frames=0)
    with pytest.raises(ValueError, match="frames"):
        raster.save_gif(plane, tmp_path / "a.gif", frames=True)
    for fps in (0, -1, float("nan"), 51, "10", None):
        with pytest.raises(ValueError, match="fps"):
            raster.save_gif(plane, tmp_path / "a.gif", fps=fps)
    assert raster.save_gif(plane, tmp_path / "fast.gif", frames=2, fps=50).exists()
    (tmp_path / "fast.gif").unlink()
    with pytest.raises(ValueError, match=r"\.gif"):
        raster.save_gif(plane, tmp_path / "a.png")
    with pytest.raises(TypeError, match="picture"):
        raster.frame_image(plane.reel)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        raster.save_frame(plane, tmp_path / "nowhere" / "frame.png")
    assert not list(tmp_path.iterdir())   # nothing written by a failed call


def test_missing_matplotlib_says_which_extra_to_install(plane, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install autograd-viz\[ml\]"):
        raster.frame_image(plane)
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match=r"pip install autograd-viz\[ml\]"):
        raster.save_gif(plane, "never.gif")


def test_importing_viz_and_the_module_imports_neither_library():
    code = ("import sys, viz, viz.film.raster; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_a_picture_draws_to_the_same_bytes_as_png_twice(rnn, tmp_path):
    a = raster.save_frame(rnn, tmp_path / "a.png", 1).read_bytes()
    b = io.BytesIO()
    raster.frame_image(rnn, 1).save(b, format="PNG")
    assert a == b.getvalue()
