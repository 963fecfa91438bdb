"""What the network view's tests share (a helper module, not a test file).

``mlp_loss()``, ``breast_cancer_sized_loss()`` and ``rnn_loss()`` are the course's models on
random data, after ``backward()``; the rest read an SVG the network view rendered: its size
in pixels, each node's box, and the pairs of boxes that overlap.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from autograd import batch, losses, nn, regularizers
from autograd.rnn import RNN

SVG = "{http://www.w3.org/2000/svg}"


XLINK = "{http://www.w3.org/1999/xlink}"


PX_PER_PT = 96 / 72  # the SVG is in points; a browser shows it at 96 px per inch


def mlp_loss(penalty: bool = True):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = np.sign(X[:, 0] * X[:, 1])
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = losses.mse(model(batch(X)), y)
    if penalty:
        loss = loss + regularizers.l2(model, 1e-3)
    loss.backward()
    return model, X, y, loss


def breast_cancer_sized_loss():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 30))
    y = (X[:, 0] > 0).astype(float)
    model = nn.MLP(30, [16, 1], seed=0)
    loss = losses.bce_with_logits(model(batch(X)), y)
    loss.backward()
    return loss


def rnn_loss(steps: int = 10):
    rnn = RNN(1, 8, 1, seed=0)
    X = np.random.default_rng(2).normal(size=(20, steps, 1))
    loss = losses.mse(rnn(X)[-1], np.ones(20))
    loss.backward()
    return rnn, loss


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def size_px(root: ET.Element) -> tuple[float, float]:
    return (float(root.get("width").removesuffix("pt")) * PX_PER_PT,
            float(root.get("height").removesuffix("pt")) * PX_PER_PT)


def node_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn node's bounding box (x0, y0, x1, y1) from its outline's coordinates."""
    boxes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        outline = next(iter(g.iter(f"{SVG}path")), None) or next(iter(g.iter(f"{SVG}polygon")),
                                                                  None)
        if outline is not None:
            text = outline.get("d") or outline.get("points")
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
            xs, ys = numbers[0::2], numbers[1::2]
        else:  # a plain-text node (the legend): its lines' extent, 0.6 em per character
            lines = list(g.iter(f"{SVG}text"))
            xs = [float(t.get("x")) for t in lines] + [
                float(t.get("x")) + 0.6 * float(t.get("font-size")) * len(t.text or "")
                for t in lines]
            ys = [float(t.get("y")) - float(t.get("font-size")) for t in lines] + [
                float(t.get("y")) for t in lines]
        boxes[g.find(f"{SVG}title").text] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def overlaps(boxes: dict[str, tuple[float, float, float, float]]) -> list[tuple[str, str]]:
    items = sorted(boxes.items(), key=lambda kv: kv[1][0])
    found = []
    for i, (a, (_, ay0, ax1, ay1)) in enumerate(items):
        for b, (bx0, by0, _, by1) in items[i + 1:]:
            if bx0 >= ax1:
                break
            if ay0 < by1 and by0 < ay1:
                found.append((a, b))
    return found

