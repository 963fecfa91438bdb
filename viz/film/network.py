"""The film's network: a column per layer, a box per unit, a line per weight.

As in TensorFlow Playground, each weight's line takes the colour of its sign and a
width that grows with its size, and, for 2-D inputs, each unit's box is a small heat
map of its output over the input plane. For more inputs a box is coloured by the
unit's mean output over the training data, with a bar along its foot for the share
of samples where it is inactive (a ReLU at 0, a saturated tanh or sigmoid); a unit
inactive for every sample is crossed out. Shared weights (an RNN's, drawn at every
step) are dashed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from autograd.language import tr
from viz.common.text import text_width
from viz.film.reel import Reel, UnitInfo
from viz.film.scene import Changes, Image, Path, Rect, Scene, Text
from viz.film.style import INK, hex_colour, shade, weight_stroke

__all__ = ["NetworkPicture", "draw_network", "weight_scale", "codes", "decode"]

HEADER = 34      # room above the columns for their titles
MARGIN = 16
TINT = 0.75      # a statistics box is at most this strongly coloured: its name stays legible


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass
class NetworkPicture:
    """The network's scene and what a frame changes in it."""

    scene: Scene
    boxes: list[Box]
    scale: float             # a weight this large (or larger) is drawn at full width
    image_codes: np.ndarray | None   # plane: (frames, units, THUMB, THUMB) uint8
    stat_codes: np.ndarray | None    # stats: (frames, units) uint8 mean outputs
    stat_scale: np.ndarray | None    # stats: (units,) the largest |mean| in the film

    def changes(self, reel: Reel, f: int) -> Changes:
        out: Changes = {}
        for k, w in enumerate(reel.weight_values[f]):
            colour, width, opacity = weight_stroke(float(w), self.scale)
            out[f"w{k}"] = {"stroke": colour, "stroke_width": width, "opacity": opacity}
        if self.image_codes is not None:
            for u in range(len(reel.units)):
                out[f"img{u}"] = {"pixels": shade(decode(self.image_codes[f, u]), 1.0)}
        if self.stat_codes is not None:
            for u, box in enumerate(self.boxes):
                share = float(reel.stats[f, u, 1])
                out[f"box{u}"] = {"fill": _tint(self.stat_codes[f, u])}
                out[f"bar{u}"] = {"width": round(box.width * share, 2)}
                out[f"dead{u}"] = {"display": share >= 1.0}
        return out


def codes(values: np.ndarray, scale: np.ndarray | float) -> np.ndarray:
    """``values / scale`` in [-1, 1] as bytes (0 is -1, 255 is +1): how the page carries
    heat maps; every picture draws from these, so the page and the GIF agree."""
    t = np.clip(np.nan_to_num(values / np.where(scale > 0, scale, 1.0)), -1.0, 1.0)
    return np.rint((t + 1.0) * 127.5).astype(np.uint8)


def decode(code: np.ndarray) -> np.ndarray:
    return code.astype(float) / 127.5 - 1.0


def _tint(code: np.ndarray) -> str:
    return hex_colour(shade(TINT * decode(code), 1.0))


def weight_scale(reel: Reel) -> float:
    """The size of a large weight in this film: the 99.5th percentile of |w| over every
    weight and frame (so weights that grow as the network learns are drawn growing, and
    one outlier does not make every other line thin)."""
    if reel.weight_values.size == 0:
        return 1.0
    return float(np.percentile(np.abs(reel.weight_values), 99.5)) or 1.0


def _title(units: list[UnitInfo]) -> str:
    """A column's title: ``inputs``, ``L0 · ReLU``, ``L1 · BN``, ``h3 · tanh``."""
    first = units[0]
    if first.kind == "input":
        return tr("input") if len(units) == 1 and re.fullmatch(r"x\d+", first.name) is None \
            else tr("inputs")
    prefix = re.split(r"[.\[]", first.name)[0]
    what = first.activation or (tr("linear") if first.kind == "neuron" else "")
    return f"{prefix} · {what}" if what else prefix


def draw_network(reel: Reel, height_limit: float = 800.0) -> NetworkPicture:
    """The network's scene for ``reel``, sized to fit ``height_limit`` pixels."""
    plane = reel.mode == "plane"
    legend = _legend_lines(reel)
    room = HEADER + 14 * len(legend) + 14  # the titles above, the legend below
    ranks = sorted({u.rank for u in reel.units})
    stacks: dict[int, list[int]] = {r: [] for r in ranks}
    for u, info in sorted(enumerate(reel.units), key=lambda p: (p[1].kind == "input",
                                                                 p[1].column, p[1].index)):
        stacks[info.rank].append(u)
    tallest = max(len(s) for s in stacks.values())
    if plane:
        width = height = min(36.0, (height_limit - room) / tallest - 8)
        gap = 8.0
    else:
        width, height = 58.0, min(20.0, (height_limit - room) / tallest - 4)
        gap = 4.0
    step = float(np.clip(620.0 / max(1, len(ranks) - 1), 86.0, 170.0))
    column_height = tallest * (height + gap) - gap
    scene = Scene(2 * MARGIN + (len(ranks) - 1) * step + width, room + column_height)
    boxes: list[Box] = [Box(0, 0, 0, 0)] * len(reel.units)
    for r, rank in enumerate(ranks):
        x = MARGIN + r * step
        stack = stacks[rank]
        top = HEADER + (column_height - (len(stack) * (height + gap) - gap)) / 2
        for k, u in enumerate(stack):
            boxes[u] = Box(x, top + k * (height + gap), width, height)
        kinds = [reel.units[u] for u in stack if reel.units[u].kind != "input"] or \
            [reel.units[u] for u in stack]
        scene.add(Text(x + width / 2, HEADER - 14, _title(kinds), 11, "middle", INK["muted"]))

    picture = NetworkPicture(scene, boxes, weight_scale(reel), None, None, None)
    _lines(scene, reel, boxes, picture.scale)
    if plane:
        _heat_maps(scene, reel, boxes, picture)
    else:
        _stat_boxes(scene, reel, boxes, picture)
    for k, line in enumerate(legend):
        scene.add(Text(MARGIN, HEADER + column_height + 22 + 14 * k,
                       line.replace("{scale}", f"{picture.scale:.3g}"), 10.5, "start",
                       INK["muted"]))
    return picture


def _curve(a: Box, b: Box) -> tuple[tuple[float, float], ...]:
    x0, y0 = a.x + a.width, a.y + a.height / 2
    x1, y1 = b.x, b.y + b.height / 2
    if x1 <= x0:  # the same rank (an RNN's input under its step): from below
        x0, y0 = a.x + a.width / 2, a.y
        x1, y1 = b.x + b.width / 2, b.y + b.height
        return ((x0, y0), (x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2), (x1, y1))
    bend = 0.45 * (x1 - x0)
    return ((x0, y0), (x0 + bend, y0), (x1 - bend, y1), (x1, y1))


def _lines(scene: Scene, reel: Reel, boxes: list[Box], scale: float) -> None:
    for s, t in reel.links:
        scene.add(Path(_curve(boxes[s], boxes[t]), INK["link"], 1.0, curve=True))
    last = reel.frames - 1
    for k, weight in enumerate(reel.weights):
        colour, width, opacity = weight_stroke(float(reel.weight_values[last, k]), scale)
        scene.add(Path(_curve(boxes[weight.source], boxes[weight.target]), colour, width,
                       opacity, "5 3" if weight.shared else "", curve=True, id=f"w{k}"))
    for k, weight in enumerate(reel.weights):  # wide, unseen: a weight is easy to point at
        scene.add(Path(_curve(boxes[weight.source], boxes[weight.target]), "transparent", 7.0,
                       curve=True, id=f"hit{k}", cls="weight"))


def _heat_maps(scene: Scene, reel: Reel, boxes: list[Box], picture: NetworkPicture) -> None:
    scale = reel.image_scale[None, :, None, None]
    picture.image_codes = codes(reel.images, scale)
    last = reel.frames - 1
    for u, box in enumerate(boxes):
        scene.add(Image(box.x, box.y, box.width, box.height,
                        shade(decode(picture.image_codes[last, u]), 1.0), id=f"img{u}"))
        scene.add(Rect(box.x, box.y, box.width, box.height, "transparent", INK["line"], 1.0,
                       id=f"unit{u}", cls="unit", title=reel.units[u].name))


def _stat_boxes(scene: Scene, reel: Reel, boxes: list[Box], picture: NetworkPicture) -> None:
    if reel.stats is None:  # no data: the architecture only
        for u, box in enumerate(boxes):
            scene.add(Rect(box.x, box.y, box.width, box.height, "#f3f4f6", INK["line"], 1.0,
                           2.0, id=f"unit{u}", cls="unit", title=reel.units[u].name))
            _name(scene, reel.units[u], box)
        return
    means = reel.stats[:, :, 0]
    # One scale per column: a box's colour compares its unit with the others of its layer.
    columns = np.array([u.column for u in reel.units])
    largest = {c: float(np.abs(means[:, columns == c]).max()) for c in set(columns)}
    picture.stat_scale = np.array([largest[c] for c in columns])
    picture.stat_codes = codes(means, picture.stat_scale[None, :])
    last = reel.frames - 1
    for u, box in enumerate(boxes):
        share = float(reel.stats[last, u, 1])
        fill = _tint(picture.stat_codes[last, u])
        scene.add(Rect(box.x, box.y, box.width, box.height, fill, INK["line"], 1.0, 2.0,
                       id=f"box{u}"))
        tint = INK["dead"] if reel.units[u].activation == "ReLU" else INK["saturated"]
        scene.add(Rect(box.x, box.y + box.height - 3, round(box.width * share, 2), 3, tint,
                       id=f"bar{u}"))
        _name(scene, reel.units[u], box)
        scene.add(Path(((box.x, box.y), (box.x + box.width, box.y + box.height)), INK["dead"],
                       1.2, id=f"dead{u}", display=share >= 1.0))
        scene.add(Rect(box.x, box.y, box.width, box.height, "transparent", "none", 0, 2.0,
                       id=f"unit{u}", cls="unit", title=reel.units[u].name))


def _name(scene: Scene, unit: UnitInfo, box: Box) -> None:
    size = min(10.0, box.height - 7)
    if size >= 7:
        scene.add(Text(box.x + box.width / 2, box.y + box.height / 2 + size / 2 - 1.5,
                       unit.name, size, "middle", INK["text"]))


def _legend_lines(reel: Reel) -> list[str]:
    """The legend, wrapped to lines that fit under the narrowest network."""
    parts = [tr("line: a weight; blue positive, orange negative; wider for a larger |w| "
                "(full width at |w| ≥ {scale})")]
    if reel.mode == "plane":
        parts.append(tr("box: the unit's output over the input plane (blue > 0 > orange, each "
                        "on its own scale)"))
    elif reel.mode == "stats":
        parts.append(tr("box: the unit's mean output over the training data (blue > 0 > "
                        "orange, on its layer's scale); bar: the share of samples where it is "
                        "inactive (a ReLU at 0, a tanh or sigmoid saturated); crossed out: "
                        "inactive for every sample"))
    return [line for part in parts + reel.notes for line in _wrap(part, 62)]


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and text_width(line) + 1 + text_width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]
