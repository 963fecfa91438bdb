"""viz.html: the interactive page as one offline file, and inline in Jupyter."""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graphs import seed, small_mlp

import viz
from autograd.engine import Value
from viz.page.build import build_page
from viz.page.html import Shown, page_html

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

HOSTILE = '<img src=x onerror=alert(1)><script>window.pwned=1</script>'


def mlp() -> Value:
    return small_mlp(sizes=(3, 1), penalty=False, backward=False)


def unpack(page: str, name: str) -> dict:
    packed = re.search(rf'<script type="application/octet-stream" id="pack-{name}">([^<]*)'
                       r"</script>", page).group(1)
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def test_to_html_writes_the_page_and_returns_its_path(tmp_path):
    path = tmp_path / "f.html"
    assert viz.to_html(seed(), path) == path
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    assert '<span id="counter">1 / 10</span>' in page      # forward, then backward
    data = json.loads(re.search(r'id="avz-data">(.*?)</script>', page, re.S).group(1))
    assert data["first"]["steps"][-1]["caption"] == "backward 5/5: ∂f/∂x = -4"
    assert viz.to_html(seed(), str(tmp_path / "g.html")) == tmp_path / "g.html"


def test_to_html_takes_the_steppers_frames_with_their_pass_and_options(tmp_path):
    f = seed()
    page = viz.to_html(viz.step_backward(f, fmt=".2f"), tmp_path / "b.html").read_text("utf-8")
    assert '<span id="counter">1 / 5</span>' in page and "-4.00" in page
    both = [*viz.step_forward(f), *viz.step_backward(f)]
    page = viz.to_html(both, tmp_path / "both.html").read_text("utf-8")
    assert '<span id="counter">1 / 10</span>' in page
    with pytest.raises(ValueError, match="no frames"):
        viz.to_html([], tmp_path / "x.html")
    with pytest.raises(TypeError, match="item 0"):
        viz.to_html(["not a frame"], tmp_path / "x.html")
    with pytest.raises(TypeError, match="carry their own"):
        viz.to_html(viz.step_backward(f), tmp_path / "x.html", fmt=".3g")
    with pytest.raises(TypeError, match="from a Value"):
        viz.to_html("f.html", tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_the_page_loads_nothing_and_its_ids_are_unique(tmp_path):
    page = viz.to_html(mlp(), tmp_path / "m.html", view="network").read_text("utf-8")
    markup = re.sub(r'xmlns(:xlink)?="[^"]*"', "", page)   # namespaces name, never fetch
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)|<link|@import|url\(|https?:""", markup)
    ids = re.findall(r'\bid="([^"]+)"', page)
    for name in ("ops",):
        ids += re.findall(r'\bid="([^"]+)"', unpack(page, name)["svg"])
    ids += re.findall(r'\bid="([^"]+)"', unpack(page, "cards")["svg"])
    assert len(ids) == len(set(ids))


def test_the_views_not_shown_first_are_packed_and_a_fraction_of_their_size():
    page = build_page(mlp(), view="network")
    text = page_html(page)
    ops = unpack(text, "ops")
    assert ops["svg"] == page.view("ops").svg and ops["name"] == "ops"
    assert [s["caption"] for s in ops["steps"]] == [s.caption for s in page.view("ops").steps]
    packed = re.search(r'id="pack-ops">([^<]*)<', text).group(1)
    assert len(packed) < 0.3 * len(json.dumps(ops, ensure_ascii=False).encode("utf-8"))


def test_user_labels_stay_text_in_the_page(tmp_path):
    page = viz.to_html(seed(HOSTILE), tmp_path / "h.html", title=HOSTILE).read_text("utf-8")
    body = page.split("<body", 1)[1]
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", body, re.S)
    assert len(scripts) == 2                      # the page's data and its own script
    markup = re.sub(r"(<script\b[^>]*>).*?</script>", r"\1", body, flags=re.S)
    assert "<img" not in markup and "<script>window" not in markup
    assert html.escape(HOSTILE, quote=False) in markup   # drawn as the characters typed
    data = scripts[0]
    assert "<" not in data    # every "<" a JSON escape: no "</script" or "<!--" can act
    assert json.loads(data)["first"]["steps"][0]["caption"].endswith(f"{HOSTILE} = -2 (given)")


def dejavu_sans_characters() -> set[int]:
    """The code points DejaVu Sans draws, from fontconfig's charset of the font."""
    fc = shutil.which("fc-match")
    if fc is None:
        pytest.skip("fontconfig is not installed")
    path = subprocess.run([fc, "-f", "%{file}", "DejaVu Sans"], capture_output=True,
                          text=True).stdout
    if "DejaVuSans" not in path:
        pytest.skip("DejaVu Sans is not installed")
    ranges = subprocess.run(["fc-query", "-f", "%{charset}", path], capture_output=True,
                            text=True).stdout.split()
    points: set[int] = set()
    for r in ranges:
        lo, _, hi = r.partition("-")
        points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return points


def test_the_page_writes_only_characters_dejavu_sans_draws(tmp_path):
    covered = dejavu_sans_characters()
    page = viz.to_html(mlp(), tmp_path / "m.html", view="network").read_text("utf-8")
    data = json.loads(re.search(r'id="avz-data">(.*?)</script>', page, re.S).group(1))
    steps = data["first"]["steps"] + unpack(page, "ops")["steps"]
    chrome = re.sub(r"<(script|style|svg)\b.*?</\1>", "", page, flags=re.S)
    text = chrome + "".join(s["caption"] + "".join(s["rule"]) for s in steps)
    missing = sorted({ch for ch in text if ord(ch) > 127 and ord(ch) not in covered})
    assert not missing, f"not in DejaVu Sans: {missing}"
    assert "⏮" not in page and "⏭" not in page


def test_show_puts_the_page_in_a_sandboxed_frame_over_a_static_picture():
    shown = viz.show(seed())
    assert isinstance(shown, Shown) and repr(shown) == \
        "<autograd-viz page 'f = -12': op view, 10 steps>"
    out = shown._repr_html_()
    frame = re.search(r'<iframe [^>]*sandbox="allow-scripts"[^>]*srcdoc="([^"]*)"', out)
    assert frame and html.unescape(frame.group(1)) == shown.html   # no allow-same-origin
    picture = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', out).group(1)
    svg = base64.b64decode(picture).decode("utf-8")
    assert svg.startswith("<svg width=") and "&#45;12" in svg       # the finished diagram
    assert out.index("<img") < out.index("<iframe")                  # the frame lies on top


def test_show_checks_its_height_and_saves_the_same_page(tmp_path):
    with pytest.raises(ValueError, match="height"):
        viz.show(seed(), height=50)
    shown = viz.show(seed(), direction="backward")
    assert shown.save(tmp_path / "s.html").read_text("utf-8") == shown.html


def test_the_command_line_writes_the_same_page(tmp_path):
    from viz.cli.main import main
    path = tmp_path / "steps.html"
    assert main(["(x + y) * z", "x=-2", "y=5", "z=-4", "--steps", str(path)]) == 0
    page = Path(path).read_text("utf-8")
    assert '<span id="counter">1 / 10</span>' in page and "End of the backward pass" in page
