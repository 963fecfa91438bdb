"""viz.text: user text reaches Graphviz literally, and long text is cut visibly."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest

from viz.common.text import (
    ELLIPSIS,
    LABEL_LIMIT,
    TOOLTIP_BYTES,
    escape,
    format_number,
    shorten,
    tooltip,
)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"

# Each of these is an escape sequence to Graphviz: \N is the node's name, \G the
# graph's, \n \l \r line breaks, \E \T \H \L edge and graph names.
BACKSLASHES = ["C:\\Users\\Name", "\\G", "\\N", "\\n \\l \\r", "\\E\\T\\H\\L", "a\\\\b",
               "ends in \\", "\\", "\\x41 is not A", "&#92;N"]


def rendered(label: str = "", tip: str | None = None) -> ET.Element:
    """The SVG that real dot draws for one node with an HTML-like ``label``."""
    graph = graphviz.Digraph(name="autograd")
    attrs = {"tooltip": tip} if tip is not None else {}
    graph.node("n0", label, shape="box", **attrs)
    return ET.fromstring(graph.pipe(format="svg"))


def drawn_text(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def tooltips(svg: ET.Element) -> list[str]:
    return [a.get(XLINK_TITLE) for a in svg.iter(f"{SVG}a") if a.get(XLINK_TITLE) is not None]


@needs_dot
@pytest.mark.parametrize("text", BACKSLASHES)
def test_escape_makes_graphviz_draw_backslashes_as_typed(text):
    assert drawn_text(rendered(f"<{escape(text)}>")) == [text]


@needs_dot
def test_escape_shows_control_characters_as_their_escapes_with_one_backslash():
    label = escape("bell\x07 and \ud800")
    assert drawn_text(rendered(f"<{label}>")) == ["bell\\x07 and \\ud800"]


def test_escape_doubles_backslashes_in_the_dot_text():
    assert escape("C:\\Users") == "C:\\\\Users"
    assert escape("bell\x07") == "bell\\\\x07"


def test_shorten_keeps_short_text_and_cuts_long_text_to_the_limit_with_an_ellipsis():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
    assert shorten("x" * LABEL_LIMIT) == "x" * LABEL_LIMIT
    assert shorten("x" * (LABEL_LIMIT + 1)) == "x" * (LABEL_LIMIT - 1) + ELLIPSIS
    assert shorten("ab\r\ncd", 4) == "ab…"          # never half a line break
    assert shorten("C:\\Users\\Name", 8) == "C:\\User…"
    with pytest.raises(ValueError, match="positive"):
        shorten("abc", 0)
    with pytest.raises(TypeError):
        shorten(3)


@needs_dot
@pytest.mark.parametrize("text", [*BACKSLASHES, 'say "hi" & <b>bye</b>', "&amp; &lt;",
                                  "two\nlines", "ünïcødé ∂f/∂x"])
def test_a_tooltip_shows_its_text_as_typed(text):
    assert tooltips(rendered("x", tooltip(text))) == [text]


@needs_dot
def test_a_tooltip_too_long_for_graphviz_is_cut_to_its_budget_and_still_renders():
    text = "∂" * 10_000  # 30,000 bytes of UTF-8: twice what Graphviz takes in one string
    tip = tooltip(text)
    assert len(tip.encode("utf-8")) <= TOOLTIP_BYTES
    assert tip.endswith(ELLIPSIS) and tip[:-1] == "∂" * (len(tip) - 1)
    (shown,) = tooltips(rendered("x", tip))
    assert shown == tip and len(shown) == (TOOLTIP_BYTES - 3) // 3 + 1
    assert tooltip("a" * 100) == "a" * 100  # a short one is whole


def test_escape_neutralises_markup_and_keeps_the_rest():
    assert escape('<b>"x"</b> & y') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y"
    assert escape("a\nb") == "a<br/>b"
    assert escape("{|}\\") == "{|}\\\\"  # Graphviz draws a doubled backslash as one
    assert escape("∂ é") == "∂ é"
    assert escape("bell\x07") == "bell\\\\x07"
    assert escape("\ud800") == "\\\\ud800"  # an unpaired surrogate cannot be UTF-8
    with pytest.raises(TypeError):
        escape(3)


def test_format_number_spells_out_special_values():
    assert [format_number(v) for v in (-4.0, 1 / 3, 1e-9, -0.0)] == ["-4", "0.3333", "1e-09", "0"]
    assert [format_number(v) for v in (float("nan"), float("inf"), -float("inf"))] == \
        ["NaN", "inf", "-inf"]
