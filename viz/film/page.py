"""The film as one offline page: the picture drawn once, each frame a small state.

The network and the panels are two SVGs (``viz.film.svg``), drawn at the last frame, so
a browser without scripts still shows the trained model. Each frame is then a state
that ``film.js`` applies to their shapes, by id: every weight's value and gradient
(the line's colour, width and opacity follow from the value), each unit's heat map
or statistics as bytes, the prediction's, the epoch's texts, the cursor and the
curves' dots. The heavy parts travel gzip'd; the page loads nothing from anywhere.

Controls: first / previous / play / next / last, a slider (its ticks: the epochs
whose forward and backward pass the page holds), the speed. Keys: ← → step, Home /
End jump, space plays. Hover a weight for its value and gradient at this epoch;
click a neuron for its history; "chain rule" opens the stepper page of an epoch
(``viz.page``) for the epochs it holds.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd.language import get_language, tr
from viz.film.network import TINT
from viz.film.panels import frame_texts
from viz.film.picture import Picture
from viz.film.style import NEGATIVE, POSITIVE, WIDTH_MAX, WIDTH_MIN
from viz.film.svg import scene_svg
from viz.page.html import asset, html_text, packed, page_head, script_json

__all__ = ["film_html", "film_data", "film_words"]


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def film_words() -> dict[str, str]:
    """What the page's script writes, in the language in use; ``{field}``s are filled in
    by the script."""
    return {"epoch": tr("epoch {epoch}"), "play": tr("▶ play"),
            "playTitle": tr("play the training (space)"), "pause": tr("❚❚ pause"),
            "pauseTitle": tr("pause (space)"), "weightAt": tr("w = {w} at epoch {epoch}"),
            "noGrad": tr("∂loss/∂w: none yet (no step before training)"),
            "grad": tr("∂loss/∂w = {g} (the epoch's last step)"), "input": tr("an input"),
            "linear": tr("linear"), "neuron": tr("{activation} neuron"),
            "block": tr("{activation} block"), "bias": tr("bias b"),
            "clickHistory": tr("click: its history"), "wFrom": tr("w from {unit}"),
            "historyTitle": tr("{unit}: its weights over the epochs"),
            "historyHead": tr("at epoch {epoch} (from {lo} to {hi} over the film):"),
            "stepperTitle": tr("epoch {epoch}: the forward and backward pass")}


def film_data(picture: Picture) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the page's script needs: the small part (read at once) and the frames (packed)."""
    reel, net, panels = picture.reel, picture.network, picture.panels
    meta = {
        "frames": reel.frames, "epochs": reel.epochs, "best": reel.best, "mode": reel.mode,
        "colours": {"positive": POSITIVE, "negative": NEGATIVE},
        "width": [WIDTH_MIN, WIDTH_MAX], "scale": net.scale, "tint": TINT,
        "units": [{"name": u.name, "kind": u.kind, "activation": u.activation}
                  for u in reel.units],
        "weights": [{"s": w.source, "t": w.target, "name": w.name}
                    for w in reel.weights],
        "boxes": [[b.x, b.y, b.width, b.height] for b in net.boxes],
        "cursors": [list(c) for c in panels.cursors], "words": film_words(),
    }
    frames: dict[str, Any] = {
        "texts": [list(frame_texts(reel, f)) for f in range(reel.frames)],
        "cursorX": panels.cursor_x,
        "dots": {name: [axis.y(v) if np.isfinite(v) and (v > 0 or not axis.log) else None
                        for v in values] for name, (axis, values) in panels.dots.items()},
        "weights": _b64(reel.weight_values, "<f8"),
        "grads": _b64(np.nan_to_num(reel.weight_grads, nan=np.inf), "<f8"),  # inf: none
        "biases": _b64(np.nan_to_num(reel.bias_values, nan=np.inf), "<f8"),
    }
    if net.image_codes is not None:
        frames["images"] = _b64(net.image_codes, "u1")
        frames["thumb"] = int(net.image_codes.shape[-1])
    if net.stat_codes is not None:
        frames["stats"] = _b64(net.stat_codes, "u1")
        frames["bars"] = [[round(b.width * float(reel.stats[f, u, 1]), 4)
                           for u, b in enumerate(net.boxes)] for f in range(reel.frames)]
    if panels.boundary_codes is not None:
        frames["boundary"] = _b64(panels.boundary_codes, "u1")
        frames["grid"] = int(panels.boundary_codes.shape[-1])
        frames["boundaryKind"] = reel.boundary_kind
    if panels.bars:
        frames["normBase"] = panels.bars[0][0]
        frames["norms"] = [list(map(float, tops)) for tops in panels.bars[1:]]
    return meta, frames


def film_html(picture: Picture, *, title: str, steppers: Mapping[int, str] | None = None,
              notes: list[str] | None = None) -> str:
    """The page's HTML, its words in the language in use; ``steppers`` maps an epoch to
    the HTML of its stepper page."""
    steppers = dict(steppers or {})
    meta, frames = film_data(picture)
    meta["steppers"] = sorted(steppers)
    reel = picture.reel
    last = reel.frames - 1
    net_changes, panel_changes = picture.changes(last)
    network = scene_svg(picture.network.scene, picture.network.scene.applied(net_changes),
                        "network")
    panels = scene_svg(picture.panels.scene, picture.panels.scene.applied(panel_changes),
                       "panels")
    marks = "".join(f'<option value="{reel.frame_of(e)}"></option>' for e in sorted(steppers))
    packs = [f'<script type="application/octet-stream" id="film-frames">{packed(frames)}'
             f'</script>']
    for epoch, page in sorted(steppers.items()):
        raw = gzip.compress(page.encode("utf-8"), compresslevel=6, mtime=0)
        packs.append(f'<script type="application/octet-stream" id="stepper-{epoch}">'
                     f'{base64.b64encode(raw).decode("ascii")}</script>')
    held = ", ".join(str(e) for e in sorted(steppers)) or tr("none")
    notes_html = "".join(f'<p class="note">{html_text(n)}</p>' for n in notes or [])
    name = html_text(title)
    scene = picture.network.scene
    layout = "side" if scene.width < 1.2 * scene.height else "stack"  # film.css says why
    return f"""{page_head(get_language(), name, asset("viz.film", "film.css"))}<body>
<header>
<h1 title="{name}">{name}</h1>
<div class="group" role="group" aria-label="{tr("frames")}">
<button type="button" id="first" title="{tr("first epoch (Home)")}">⇤</button>
<button type="button" id="prev" title="{tr("previous frame (←)")}">◀</button>
<button type="button" id="play" title="{tr("play the training (space)")}">{tr("▶ play")}</button>
<button type="button" id="next" title="{tr("next frame (→)")}">▶</button>
<button type="button" id="last" title="{tr("last epoch (End)")}">⇥</button>
<input id="frame" type="range" min="0" max="{last}" value="{last}" list="held"
 aria-label="{tr("frame")}">
<datalist id="held">{marks}</datalist>
<span id="counter">{tr("epoch {epoch}", epoch=reel.epochs[last])}</span>
</div>
<div class="group"><label for="speed">{tr("speed")}</label>
<select id="speed">{"".join(f'<option value="{v}"{" selected" if v == 10 else ""}>{v} / s'
                             f'</option>' for v in (2, 5, 10, 20, 30))}</select></div>
<div class="group"><button type="button" id="open-steps" disabled
 title="{tr("this epoch's forward and backward pass, step by step (held for epochs: {held})",
           held=held)}">{tr("chain rule of this epoch")}</button></div>
</header>
<main id="film" class="{layout}">
<div id="net">{network}</div>
<div id="side">{panels}</div>
</main>
<footer><p class="hint">{tr("← → a frame, Home / End the first and last epoch, space plays. "
                              "Hover a weight for its value and gradient at this epoch; click "
                              "a unit for its history. The slider's ticks mark the epochs "
                              "whose chain rule this page holds ({held}); for any other epoch, "
                              "in Python: {code}.", held=held,
                              code="<code>viz.show(rec[epoch])</code>")}</p>{notes_html}</footer>
<div id="tip" role="tooltip" hidden></div>
<section id="history" hidden aria-label="{tr("a unit's history")}"><button type="button"
 id="close-history" title="{tr("close (Esc)")}">×</button><h2 id="history-title"></h2>
<div id="history-chart"></div><ul id="history-values"></ul></section>
<section id="stepper" hidden><div class="bar"><button type="button" id="close-steps"
 title="{tr("back to the film (Esc)")}">{tr("◀ back to the film")}</button><span
 id="stepper-title"></span></div><iframe id="stepper-frame" sandbox="allow-scripts"
 title="{tr("the chain rule")}"></iframe>
</section>
<script type="application/json" id="film-data">{script_json(meta)}</script>
{"".join(packs)}
<script>{asset("viz.film", "film.js")}</script>
</body>
</html>
"""
