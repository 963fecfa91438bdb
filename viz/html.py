"""``to_html``: stepper frames as one self-contained web page.

The page holds every frame as inline SVG, a slider, buttons and keyboard
control (← → step, Home/End jump); it loads nothing from anywhere, so it
works offline, from an e-mail attachment or a USB stick, in any browser.

>>> import viz
>>> # viz.to_html(viz.step_backward(f), "steps.html")
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

from viz.diagram import replace_file
from viz.stepper import Frame

__all__ = ["to_html", "frame_svg"]

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)  # <?xml ...?>, DOCTYPE, comments


def frame_svg(frame: Frame, number: int) -> str:
    """The frame's SVG element, ready to inline: prolog gone, ids unique per frame."""
    svg = _PROLOG.sub("", frame.svg(), count=1)
    # Graphviz numbers its ids (node1, edge1, ...) the same way in every frame; HTML
    # needs ids unique in the page.
    return re.sub(r'\bid="', f'id="f{number}-', svg)


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #111827; }
h1 { font-size: 1.3em; margin: 0 0 .4em; }
.controls { display: flex; gap: .4em; align-items: center; margin: .4em 0; }
.controls input { flex: 0 1 28em; }
.controls button { font-size: 1em; min-width: 2.4em; }
.caption { font-size: 1.1em; margin: .5em 0; min-height: 1.4em; }
.frame { display: none; }
.frame.on { display: block; }
.frame svg { max-width: 100%; height: auto; }
.hint { color: #6b7280; font-size: .85em; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("step");
  var counter = document.getElementById("counter");
  var caption = document.getElementById("caption");
  var at = 0;
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames[at].classList.remove("on");
    at = k;
    frames[at].classList.add("on");
    slider.value = at;
    counter.textContent = (at + 1) + " / " + frames.length;
    caption.textContent = frames[at].getAttribute("data-caption");
  }
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  document.getElementById("first").onclick = function () { show(0); };
  document.getElementById("prev").onclick = function () { show(at - 1); };
  document.getElementById("next").onclick = function () { show(at + 1); };
  document.getElementById("last").onclick = function () { show(frames.length - 1); };
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }  // the slider steps itself on arrow keys
    var keys = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: frames.length - 1};
    if (e.key in keys) { show(keys[e.key]); e.preventDefault(); }
  });
  show(0);
})();
"""


def to_html(frames: Iterable[Frame], path: str | os.PathLike[str] | None = None,
            title: str = "Stepping through the chain rule") -> str:
    """One self-contained HTML page showing ``frames`` with a slider; returns its text.

    With ``path``, also writes it there (UTF-8). Renders every frame with
    Graphviz's ``dot``.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("to_html() got no frames; pass step_backward(root) or "
                         "step_forward(root)")
    for i, frame in enumerate(frames):
        if not isinstance(frame, Frame):
            raise TypeError(f"to_html() takes the frames of step_backward()/step_forward(); "
                            f"item {i} is {type(frame).__name__}")
    sections = "\n".join(
        f'<section class="frame{" on" if i == 0 else ""}" '
        f'data-caption="{html.escape(frame.caption)}">{frame_svg(frame, i)}</section>'
        for i, frame in enumerate(frames))
    last = len(frames) - 1
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="first" title="first step (Home)">⏮</button>
<button id="prev" title="previous step (←)">◀</button>
<input id="step" type="range" min="0" max="{last}" value="0" aria-label="step">
<button id="next" title="next step (→)">▶</button>
<button id="last" title="last step (End)">⏭</button>
<span id="counter">1 / {len(frames)}</span>
</div>
<p class="caption" id="caption">{html.escape(frames[0].caption)}</p>
{sections}
<p class="hint">← → step through, Home/End jump to the ends.</p>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    if path is not None:
        replace_file(Path(path), page.encode("utf-8"))
    return page
