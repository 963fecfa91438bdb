"""Any text a user types is inert wherever it is drawn: labels, scope names, titles.

Hypothesis draws arbitrary strings (surrogates, NUL, quotes, backslashes, HTML, DOT syntax)
into a label, a scope name and a title, through ``draw``, ``save``, ``to_html`` and ``show``
in both views: ``dot`` accepts every diagram and no text adds anything to it. Then the nastiest
kinds, each in a page that Chromium steps to its end with a clean console.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from browser import console_errors, open_file
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import viz
from autograd import Value, nn, scope

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

HOSTILE = ["<!--", "</script><script>window.pwned=1</script>", "bad\ud800", "nul\x00here",
           "A" * 100_000, "<x" + "A" * 70 + ">] n99 [label=PWNED shape=box]; n0 -> n99 [label=<y>",
           "\\N \\G \\L", '" ] ; n98 [label="PWNED', "😀 ∂ 손실 \u202e", "<b>&amp;</b>\r\n\t"]


def graph(text: str) -> Value:
    """A small model whose input, scope and output carry ``text``."""
    model = nn.MLP(2, [2, 1], seed=0)
    with scope(text or "s"):
        out = model([Value(1.0, label=text), Value(-2.0)])
    out.label = text
    return out


def assert_inert(dot_source: str, svg: str) -> None:
    """No node or edge but the diagram's own: names are n<k>, op<k>, u<rank>_<k>, legend..."""
    names = set(re.findall(r'<title>([^<]*)</title>', svg))
    assert not any("99" in name or "98" in name for name in names), names
    assert "PWNED" not in re.sub(r'xlink:title="[^"]*"|<text[^>]*>[^<]*</text>', "", svg)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=300))
@example(".")   # scope levels with no name: an empty <b></b>, which dot refused
@example("")
@example("]")   # a text of only "]", which dot's HTML lexer refused
def test_any_text_gives_a_diagram_dot_accepts_in_both_views(tmp_path_factory, text):
    out = graph(text)
    out.backward()
    folder = tmp_path_factory.mktemp("text")
    for view in ("ops", "network"):
        dot = viz.draw(out, view=view, title=text)
        path = viz.save(out, folder / f"{view}.svg", view=view, title=text)
        assert_inert(dot.source, path.read_text("utf-8"))
        page = viz.to_html(out, folder / f"{view}.html", view=view, title=text)
        html = page.read_bytes().decode("utf-8")  # written, and valid UTF-8
        data = re.search(r'id="avz-data">(.*?)</script>', html, re.S).group(1)
        assert "<" not in data and json.loads(data)
        assert "<script>window" not in html
        assert viz.show(out, view=view, title=text)._repr_html_()


def test_a_label_that_is_not_text_is_refused_when_it_is_set():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)
    v = Value(1.0)
    with pytest.raises(TypeError, match="label"):
        v.label = b"x"
    assert v.label == ""


@pytest.mark.parametrize("view", ["ops", "network"])
def test_the_nastiest_text_gives_pages_that_step_to_their_end(browser, tmp_path, view):
    for k, text in enumerate(HOSTILE):
        path = viz.to_html(graph(text), tmp_path / f"{view}{k}.html", view=view, title=text)
        open_file(browser, path)
        browser.execute_async_script(
            "var done = arguments[0]; autogradViz.ready.then(function () { done(); });")
        last = browser.execute_script(
            "var n = autogradViz.views[autogradViz.state.view].spec.steps.length;"
            "autogradViz.show(n - 1); return [n - 1, autogradViz.state.at, window.pwned];")
        assert last[0] == last[1] and last[2] is None, (k, last)
        assert console_errors(browser) == [], k
