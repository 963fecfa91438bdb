"""The film's panels beside the network: the epoch and its numbers, the decision
boundary with the data, and the curves over the epochs with a cursor at the current one.

- **epoch**: the counter, the losses, the metrics and the learning rate of this epoch;
- **prediction** (2-D inputs): the model's P(class 1) over the plane, blue where it says
  class 1 and orange where it says class 0, with the training points (filled) and the
  validation points (rings) in their classes' colours;
- **loss** and the first **metric** (training and validation), **learning rate** when a
  schedule changes it, each batch norm's **running statistics** (one line per feature,
  converging), and for an RNN the **gradient per time step**, ``||∂loss/∂h_t||``: bars
  for this epoch, and a strip of every epoch (time steps up, epochs along);
- the best epoch of early stopping is a dashed green line across the curves.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.language import tr
from autograd.scores import score_name
from viz.common.text import format_number
from viz.film.reel import Reel
from viz.film.scene import Changes, Dot, Image, Path, Rect, Scene, Text
from viz.film.style import INK, NEGATIVE, POSITIVE, shade

__all__ = ["PanelsPicture", "draw_panels", "frame_texts", "number"]

WIDTH = 470.0
LEFT = 62.0       # the curves' left edge (room for the axis's numbers)
PLOT = WIDTH - LEFT - 14
BOUNDARY = 290.0  # the prediction's side, and each panel's height, before fitting
CURVES, SMALL, BARS, STRIP = 96.0, 70.0, 110.0, 60.0
HEIGHT = 830.0    # the panels fit in this height (a 900-pixel window, under the controls)
NEAR_ZERO = 0.01  # a weight this small does next to nothing


def number(x: float) -> str:
    """A number as the film writes it (4 significant digits)."""
    return format_number(x, ".4g")


@dataclass
class Axis:
    """One time panel: epochs along, ``lo``..``hi`` up (log10 when ``log``)."""

    top: float
    height: float
    lo: float
    hi: float
    log: bool = False

    def y(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        lo, hi = (math.log10(self.lo), math.log10(self.hi)) if self.log else (self.lo, self.hi)
        t = 0.5 if hi == lo else (v - lo) / (hi - lo)
        return round(self.top + self.height * (1.0 - min(1.0, max(0.0, t))), 2)


@dataclass
class PanelsPicture:
    """The panels' scene and what a frame changes in it."""

    scene: Scene
    cursors: list[tuple[float, float]]              # each time panel's top and bottom
    dots: dict[str, tuple[Axis, list[float]]]       # a dot's id -> its axis, value per frame
    cursor_x: list[float]                           # per frame
    boundary_codes: np.ndarray | None = None        # (frames, grid, grid) uint8
    bars: list[tuple[float, float]] = field(default_factory=list)  # per frame: bar tops

    def changes(self, reel: Reel, f: int) -> Changes:
        out: Changes = {}
        texts = frame_texts(reel, f)
        out["epoch"] = {"text": texts[0]}
        out["numbers"] = {"text": texts[1]}
        out["numbers2"] = {"text": texts[2]}
        x = self.cursor_x[f]
        for k, (top, bottom) in enumerate(self.cursors):
            out[f"cursor{k}"] = {"points": ((x, top), (x, bottom))}
        for ident, (axis, values) in self.dots.items():
            v = values[f]
            ok = v is not None and math.isfinite(v) and (v > 0 or not axis.log)
            out[ident] = {"cx": x, "cy": axis.y(v) if ok else axis.top, "display": ok}
        if self.boundary_codes is not None:
            out["boundary"] = {"pixels": boundary_pixels(self.boundary_codes[f])}
        if self.bars:
            base, tops = self.bars[0][0], self.bars[f + 1]
            for t, top in enumerate(tops):
                out[f"norm{t}"] = {"y": top, "height": round(base - top, 2)}
        return out


def boundary_pixels(code: np.ndarray) -> np.ndarray:
    """The prediction's RGB, top row first (the grid's last y)."""
    return shade(code.astype(float) / 127.5 - 1.0, 1.0)[::-1]


def frame_texts(reel: Reel, f: int) -> tuple[str, str, str]:
    """The epoch counter and the two lines of this epoch's numbers."""
    epoch = reel.epochs[f]
    head = tr("epoch {epoch}", epoch=epoch) + (tr(" (before training)") if epoch == 0 else "") \
        + (tr(" · best (early stopping)") if epoch == reel.best else "")
    parts, metrics = [], []
    for name in ("train_loss", "val_loss"):
        value = _at(reel, name, epoch)
        if value is not None:
            parts.append(tr("training loss {value}" if name == "train_loss" else
                            "validation loss {value}", value=number(value)))
    for name in reel.series:
        if name.startswith(("train_", "val_")) and not name.endswith("_loss"):
            value = _at(reel, name, epoch)
            if value is not None:
                split, metric = name.split("_", 1)
                said = score_name(metric).replace("_", " ")
                metrics.append(tr("train {metric} {value}" if split == "train" else
                                  "val {metric} {value}", metric=said, value=number(value)))
    lr = _at(reel, "lr", epoch)
    if lr is not None:
        metrics.append(f"lr {number(lr)}")
    return head, " · ".join(parts), " · ".join(metrics)


def _at(reel: Reel, name: str, epoch: int) -> float | None:
    if name not in reel.series:
        return None
    epochs, values = reel.series[name]
    try:
        return values[epochs.index(epoch)]
    except ValueError:
        return None


Panel = tuple[str, list[Any], bool, bool]  # title, lines, a share (0..1)?, small?


def _fit(reel: Reel, panels: list[Panel]) -> float:
    """How much the prediction and the panels shrink so that all fit in HEIGHT."""
    plane = reel.mode == "plane" and reel.boundary is not None
    rnn = reel.steps_norms is not None
    fixed = 78 + 24 + (76 if plane else 0) + 32 * len(panels) + (82 if rnn else 0)
    variable = (BOUNDARY if plane else 0) + (BARS + STRIP if rnn else 0) + sum(
        SMALL if small else CURVES for *_, small in panels)
    return float(np.clip((HEIGHT - fixed) / variable, 0.55, 1.0)) if variable else 1.0


def draw_panels(reel: Reel) -> PanelsPicture:
    scene = Scene(WIDTH, 0)
    texts = frame_texts(reel, reel.frames - 1)
    scene.add(Text(12, 26, texts[0], 19, bold=True, id="epoch"))
    scene.add(Text(12, 46, texts[1], 13, fill=INK["muted"], id="numbers"))
    scene.add(Text(12, 64, texts[2], 13, fill=INK["muted"], id="numbers2"))
    picture = PanelsPicture(scene, [], {}, _cursor_x(reel))
    panels = _curve_panels(reel)
    k = _fit(reel, panels)
    y = 78.0
    if reel.mode == "plane" and reel.boundary is not None:
        y = _boundary(scene, reel, picture, y, round(BOUNDARY * k)) + 16
    for title, lines, unit, small in panels:
        y = _panel(scene, reel, picture, title, lines, unit, y,
                   round((SMALL if small else CURVES) * k))
    if reel.steps_norms is not None:
        y = _steps(scene, reel, picture, y + 8, round(BARS * k), round(STRIP * k))
    _epoch_axis(scene, reel, y)
    scene.height = y + 24
    return picture


def _cursor_x(reel: Reel) -> list[float]:
    return [round(_x(reel, e), 2) for e in reel.epochs]


def _x(reel: Reel, epoch: float) -> float:
    """Where ``epoch`` is along the curves, which run over the recording's epochs."""
    first, last = reel.span
    return LEFT + (PLOT * (epoch - first) / (last - first) if last > first else PLOT / 2)


def _boundary(scene: Scene, reel: Reel, picture: PanelsPicture, top: float,
              side: float) -> float:
    if reel.boundary_kind == "probability":
        picture.boundary_codes = np.rint(np.clip(reel.boundary, 0, 1) * 255).astype(np.uint8)
        title = tr("prediction: P(class 1) over the input plane")
    else:
        scale = float(np.abs(reel.boundary).max()) or 1.0
        picture.boundary_codes = np.rint((np.clip(reel.boundary / scale, -1, 1) + 1) * 127.5
                                         ).astype(np.uint8)
        title = tr("prediction: the output over the input plane (blue > 0 > orange)") if \
            reel.boundary_kind == "output" else tr("prediction: the class over the input plane")
    left = (WIDTH - side) / 2
    scene.add(Text(12, top + 12, title, 13, bold=True))
    top += 20
    scene.add(Image(left, top, side, side,
                    boundary_pixels(picture.boundary_codes[-1]), id="boundary"))
    x0, x1, y0, y1 = reel.extent

    def place(p: np.ndarray) -> tuple[float, float]:
        return (round(left + side * (p[0] - x0) / (x1 - x0), 2),
                round(top + side * (1 - (p[1] - y0) / (y1 - y0)), 2))

    for points, hollow in ((reel.points, False), (reel.val_points, True)):
        if points is None:
            continue
        for p, label in zip(*points):
            colour = POSITIVE if float(label) > 0.5 else NEGATIVE
            cx, cy = place(p)
            scene.add(Dot(cx, cy, 3.2 if hollow else 2.8, "#ffffff" if hollow else colour,
                          colour if hollow else "#ffffff", 1.3 if hollow else 0.6))
    scene.add(Rect(left, top, side, side, "none", INK["frame"]))
    scene.add(Text(left, top + side + 13, f"x0 {number(x0)} … {number(x1)}", 10,
                   fill=INK["muted"]))
    scene.add(Text(left + side, top + side + 13, f"x1 {number(y0)} … {number(y1)}",
                   10, "end", INK["muted"]))
    scene.add(Text(WIDTH / 2, top + side + 27, tr("● training · ○ validation · blue: class 1, "
                                                  "orange: class 0"), 10, "middle", INK["muted"]))
    return top + side + 27


def _series_axis(values: list[float], top: float, height: float, unit: bool) -> Axis:
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if unit and lo >= 0 and hi <= 1:  # a share or a score: its own range, up to 1
        return Axis(top, height, 0.0 if hi - lo < 0.05 else lo, 1.0)
    if lo > 0 and hi / lo > 20:       # a loss falling by orders of magnitude
        return Axis(top, height, lo, hi, log=True)
    return Axis(top, height, min(0.0, lo), hi)


def _curve_panels(reel: Reel) -> list[Panel]:
    """The panels of curves: the loss, the first metric, the learning rate (when it
    changes) and each batch norm's running statistics; each (title, lines, a score?)."""
    panels: list[Panel] = []
    loss = [(n, INK["train" if n == "train_loss" else "val"]) for n in ("train_loss", "val_loss")
            if n in reel.series]
    if loss:
        panels.append((tr("loss"), [(label, colour, *map(list, reel.series[label]))
                                for label, colour in loss], False, False))
    metric = next((n[len("train_"):] for n in reel.series
                   if n.startswith("train_") and n != "train_loss"), None)
    if metric is not None:
        lines = [(f"{s}_{metric}", INK["train" if s == "train" else "val"],
                  *map(list, reel.series[f"{s}_{metric}"]))
                 for s in ("train", "val") if f"{s}_{metric}" in reel.series]
        panels.append((score_name(metric), lines, True, False))
    if "lr" in reel.series and len(set(reel.series["lr"][1])) > 1:
        panels.append((tr("learning rate"), [("lr", INK["muted"], *map(list, reel.series["lr"]))],
                       False, True))
    if reel.weight_values.size:  # L1 drives weights to exactly 0, L2 only shrinks them
        near = (np.abs(reel.weight_values) < NEAR_ZERO).mean(axis=1)
        panels.append((tr("weights near zero: the share with |w| < {bound}",
                          bound=f"{NEAR_ZERO:g}"),
                       [(tr("weights near 0"), INK["muted"], list(reel.epochs), list(near))], True,
                       True))
    if reel.stats is not None:  # dead ReLUs, saturated tanh and sigmoid units, per layer
        lines = []
        for column in sorted({u.column for u in reel.units}):
            members = [i for i, u in enumerate(reel.units) if u.column == column
                       and u.activation in ("ReLU", "tanh", "sigmoid")]
            if members:
                name = re.split(r"[.\[]", reel.units[members[0]].name)[0]
                lines.append((f"{name} {reel.units[members[0]].activation}", INK["saturated"],
                              list(reel.epochs), list(reel.stats[:, members, 1].mean(axis=1))))
        if lines:
            panels.append((tr("inactive outputs: share of samples × units, per layer"), lines,
                           True, True))
    for key, values in reel.running.items():
        lines = [(f"{key} {j}", INK["muted"], list(reel.epochs), list(values[:, j]))
                 for j in range(values.shape[1])]
        layer, stat = key.rsplit(" ", 1)
        layer = re.sub(r"^layers\.(\d+)$", r"L\1", layer)  # as the network names it
        panels.append((tr("{layer} · BN: running variance, a line per feature" if stat == "var"
                          else "{layer} · BN: running mean, a line per feature", layer=layer),
                       lines, False, True))
    return panels


def _panel(scene: Scene, reel: Reel, picture: PanelsPicture, title: str,
           lines: list[tuple[str, str, list[float], list[float]]], unit: bool, y: float,
           height: float) -> float:
    scene.add(Text(12, y + 12, title, 13, bold=True))
    legend_x = WIDTH - 14
    for name, colour, _, _ in reversed(lines if len(lines) <= 2 else []):
        label = tr("validation") if name.startswith("val") else tr("training") \
            if name.startswith("train") else name
        scene.add(Text(legend_x, y + 12, f"— {label}", 10.5, "end", colour))
        legend_x -= 78
    top = y + 20
    axis = _series_axis([v for *_, values in lines for v in values], top, height, unit)
    scene.add(Rect(LEFT, top, PLOT, height, INK["panel"], INK["frame"]))
    for value in (axis.hi, axis.lo):
        scene.add(Text(LEFT - 5, axis.y(value) + 4, number(value), 11, "end", INK["muted"]))
    if axis.log:
        scene.add(Text(LEFT - 5, top + height / 2 + 4, tr("log"), 9, "end", INK["muted"]))
    if reel.best is not None:
        x = round(_x(reel, reel.best), 2)
        scene.add(Path(((x, top), (x, top + height)), INK["best"], 1.2, dash="4 3"))
        right = x > LEFT + PLOT - 30  # near the right edge: the word goes left of the line
        scene.add(Text(x - 3 if right else x + 3, top + 11, tr("best"), 10,
                       "end" if right else "start", INK["best"]))
    for _, colour, epochs, values in lines:
        points = tuple((round(_x(reel, e), 2), axis.y(v)) for e, v in zip(epochs, values)
                       if math.isfinite(v) and (v > 0 or not axis.log))
        if len(points) > 1:
            scene.add(Path(points, colour, 1.6 if len(lines) <= 2 else 0.9,
                           1.0 if len(lines) <= 2 else 0.7))
    k = len(picture.cursors)
    picture.cursors.append((top, top + height))
    x = picture.cursor_x[-1]
    scene.add(Path(((x, top), (x, top + height)), INK["cursor"], 1.0, 0.6, id=f"cursor{k}"))
    if len(lines) <= 2:
        for _, colour, epochs, values in lines:
            at = dict(zip(epochs, values))
            per_frame = [at.get(e, math.nan) for e in reel.epochs]
            ident = f"dot{len(picture.dots)}"
            picture.dots[ident] = (axis, per_frame)
            v = per_frame[-1]
            ok = math.isfinite(v) and (v > 0 or not axis.log)
            scene.add(Dot(x, axis.y(v) if ok else top, 3.5, colour, "#ffffff", 1.0,
                          id=ident, display=ok))
    return top + height + 12


def _steps(scene: Scene, reel: Reel, picture: PanelsPicture, y: float, height: float,
           strip_height: float) -> float:
    """An RNN's ``||∂loss/∂h_t||`` per time step: bars for this epoch (log scale) and a
    strip of every frame (one row per step, t = 1 at the bottom)."""
    norms = reel.steps_norms
    steps = norms.shape[1]
    positive = norms[norms > 0]
    lo, hi = (float(positive.min()), float(positive.max())) if positive.size else (1e-3, 1.0)
    lo, hi = lo / 2, max(hi, lo * 10)  # the smallest bar still shows
    scene.add(Text(12, y + 12, tr("gradient reaching each step: ||∂loss/∂h_t|| (log)"), 12,
                   bold=True))
    top = y + 20
    axis = Axis(top, height, lo, hi, log=True)
    scene.add(Rect(LEFT, top, PLOT, height, INK["panel"], INK["frame"]))
    for value in (hi, lo):
        scene.add(Text(LEFT - 5, axis.y(value) + 4, number(value), 11, "end", INK["muted"]))
    width = PLOT / steps
    base = top + height
    picture.bars = [(base, 0.0)]
    tops = [[axis.y(v) if v > 0 else base for v in row] for row in norms]
    picture.bars += tops
    for t in range(steps):
        x = LEFT + t * width
        scene.add(Rect(round(x + 0.15 * width, 2), tops[-1][t], round(0.7 * width, 2),
                       round(base - tops[-1][t], 2), POSITIVE, id=f"norm{t}"))
        if steps <= 12 or t in (0, steps - 1) or (t + 1) % 5 == 0:
            scene.add(Text(x + width / 2, base + 12, f"t{t + 1}", 9.5, "middle", INK["muted"]))
    y = base + 22
    scene.add(Text(12, y + 12, tr("… and over the epochs (dark: a large gradient)"), 12, bold=True))
    top = y + 20
    logs = np.log10(np.where(norms > 0, norms, lo))
    level = (logs - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    strip = np.rint(255 - 200 * np.clip(level, 0, 1)).astype(np.uint8).T[::-1]  # t1 at bottom
    pixels = np.stack([strip, strip, np.full_like(strip, 255)], axis=-1)
    scene.add(Image(LEFT, top, PLOT, strip_height, pixels))
    scene.add(Rect(LEFT, top, PLOT, strip_height, "none", INK["frame"]))
    scene.add(Text(LEFT - 5, top + 10, f"t{steps}", 9.5, "end", INK["muted"]))
    scene.add(Text(LEFT - 5, top + strip_height - 2, "t1", 9.5, "end", INK["muted"]))
    k = len(picture.cursors)
    picture.cursors.append((top, top + strip_height))
    x = picture.cursor_x[-1]
    scene.add(Path(((x, top), (x, top + strip_height)), INK["cursor"], 1.0, 0.8,
                   id=f"cursor{k}"))
    return top + strip_height + 12


def _epoch_axis(scene: Scene, reel: Reel, y: float) -> None:
    first, last = (tr("epoch {epoch}", epoch=e) for e in reel.span)
    scene.add(Text(LEFT, y + 4, first, 10, fill=INK["muted"]))
    scene.add(Text(LEFT + PLOT, y + 4, last, 10, "end", INK["muted"]))
