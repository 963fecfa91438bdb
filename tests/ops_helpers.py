"""What the op view's tests share (a helper module, not a test file).

``seed_nodes()`` is the course's f = (x + y) z at x=-2, y=5, z=-4 (after ``backward()``
unless told), as its five Values; the others read what ``viz.draw`` wrote: each node's
label, a box's number row, a node's DOT name, the text an SVG node draws.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd.engine import Value, topological_order

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def seed_nodes(backward: bool = True) -> tuple[Value, ...]:
    """The course's example: f = (x + y) z at x=-2, y=5, z=-4."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    if backward:
        f.backward()
    return x, y, z, q, f


def node_labels(source: str) -> dict[str, str]:
    """DOT node name -> its label text, from draw()'s output (one statement per line)."""
    labels = {}
    for line in source.splitlines():
        m = re.match(r"\s*(n\d+|op\d+|g\d+) \[label=<(.*)>", line)
        if m:
            labels[m.group(1)] = m.group(2)
    return labels


def cell(label: str, row: str) -> str:
    """The number shown in a box's "data" or "grad" row ("" when blank)."""
    m = re.search(rf">{row}</font></td><td[^>]*>(.*?)</td>", label)
    assert m, f"no {row} row in {label}"
    text = re.sub(r"<[^>]+>", "", m.group(1))
    return "" if text == "&#160;" else text


def name_of(root: Value, node: Value) -> str:
    return f"n{topological_order(root).index(node)}"


def svg_nodes(svg: str) -> dict[str, list[str]]:
    """SVG from dot -> {node name: the text lines drawn in it}."""
    ns = {"svg": "http://www.w3.org/2000/svg"}
    tree = ET.fromstring(svg)
    nodes = {}
    for group in tree.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") == "node":
            title = group.find("svg:title", ns).text
            nodes[title] = [t.text or "" for t in group.iter("{http://www.w3.org/2000/svg}text")]
    return nodes

