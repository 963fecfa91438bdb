"""The interactive page, as one offline HTML file (``to_html``) and inline in Jupyter (``show``).

>>> import viz
>>> # viz.to_html(loss, "loss.html")          # the page, written; returns the path
>>> # viz.show(loss, view="network")          # in Jupyter: the page in the output cell

The page (``viz.page`` decides what it shows) has the diagram once per view, a
side panel with the chain rule of the current step, and controls that stay in
place: first / previous / play / next / last, a slider, zoom in / out / fit, the
op and network views' toggle. Keys: ← → step, Home / End jump, space plays,
+ / - / 0 zoom, Esc closes an opened neuron; drag pans, the wheel zooms.

It loads nothing from anywhere: the style and the script (``viz/assets``) are
written into it, so it works offline, from an e-mail attachment, in an
exported notebook. Without scripts it still shows each view's finished diagram.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.engine import Value
from autograd.language import language, tr
from viz.common.text import printable
from viz.frames import Frame
from viz.page.build import Page, build_page, choice_state, view_state
from viz.render.diagram import replace_file

__all__ = ["to_html", "show", "show_steps", "page_html", "write_page", "Shown", "html_text",
           "script_json", "packed", "asset", "page_head"]

VIEW_NAMES = {"ops": "op view", "network": "network view"}  # each drawn through tr()


@cache
def asset(package: str, name: str) -> str:
    """A page's script or style, shipped in ``package``'s ``assets`` folder (read once)."""
    return resources.files(package).joinpath("assets", name).read_text(encoding="utf-8")


def page_head(lang: str, title: str, style: str) -> str:
    """An offline page's start, up to its body: its language, ``title`` (HTML text already)
    and its ``style`` inline."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
"""


def html_text(text: str) -> str:
    """User text as HTML text or an attribute's value: printable, then escaped."""
    return html.escape(printable(text))


def _printable(data: Any) -> Any:
    """``data`` (JSON-ready) with every string ``viz.text.printable``: user text may hold
    NUL or unpaired surrogates, which no UTF-8 page can."""
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, dict):
        return {printable(k): _printable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_printable(v) for v in data]
    return data


def script_json(data: Any) -> str:
    """JSON that can sit inside a <script> element: every "<" written as its JSON escape,
    so no "</script" or "<!--" in user text can end or change the element."""
    text = json.dumps(_printable(data), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def packed(data: Any) -> str:
    """``data`` as gzip'd JSON in base64: the views not shown first, unpacked by the
    page's script (DecompressionStream), are a tenth of their size this way."""
    raw = json.dumps(_printable(data), ensure_ascii=False,
                     separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _pack(ident: str, data: Any) -> str:
    return f'<script type="application/octet-stream" id="{ident}">{packed(data)}</script>'


def page_html(page: Page) -> str:
    """The page's HTML text: the first view's diagram inline (it shows even without
    scripts), the others packed (``_packed``) until the script needs them; its words in
    the language the page was built in."""
    with language(page.lang):
        return _page_html(page)


def _words() -> dict[str, str]:
    """What the page's script writes, in the language in use."""
    return {"openHint": tr("Click a neuron to open it to its ops."), "network": tr("Network"),
            "backTitle": tr("back to the whole network (Esc)"), "itsOps": tr(": its ops"),
            "play": tr("▶ play"), "playTitle": tr("play the pass (space)"),
            "pause": tr("❚❚ pause"), "pauseTitle": tr("pause (space)")}


def _page_html(page: Page) -> str:
    toggle = "".join(
        f'<button type="button" id="show-{v.name}" '
        f'aria-pressed="{str(v.name == page.start).lower()}" '
        f'title="{tr("show the {view}", view=tr(VIEW_NAMES[v.name]))}">'
        f'{tr(VIEW_NAMES[v.name])}</button>'
        for v in page.views) if len(page.views) > 1 else ""
    start = page.view(page.start)
    holders = [f'<div id="view-{start.name}">{start.svg}</div>']
    packs = []
    for v in page.views:
        if v is not start:
            holders.append(f'<div id="view-{v.name}" hidden></div>')
            packs.append(_pack(f"pack-{v.name}", {**view_state(v), "svg": v.svg,
                                                  "choices": choice_state(v)}))
        elif choice_state(v) is not None:  # the first view's other samples, unpacked later
            packs.append(_pack(f"choices-{v.name}", choice_state(v)))
        if v.cards_svg:
            holders.append('<div id="cards" hidden></div>')
            packs.append(_pack("pack-cards", {"svg": v.cards_svg}))
    data = {"views": [v.name for v in page.views], "first": view_state(start),
            "samples": {"labels": page.choices, "start": page.choice}, "words": _words()}
    notes = "".join(f'<p class="note">{html_text(n)}</p>' for n in page.notes)
    selector = ""
    if page.choices:  # whose numbers the page shows: a batch's samples, or its mean
        entries = "".join(f'<option value="{k}"{" selected" if k == page.choice else ""}>'
                          f'{html_text(label)}</option>' for k, label in enumerate(page.choices))
        selector = (f'<div class="group"><select id="sample" aria-label="{tr("whose numbers")}" '
                    f'title="{tr("whose numbers the page shows")}" disabled>{entries}</select>'
                    f'</div>\n')
    first = start.steps[0]
    title = html_text(page.title)
    head = page_head(page.lang, title, asset("viz.page", "page.css"))
    return f"""{head}<body data-view="{page.start}" data-step="0">
<header>
<h1 title="{title}">{title}</h1>
<div class="group">{toggle}</div>
<div class="group" role="group" aria-label="{tr("steps")}">
<button type="button" id="first" title="{tr("first step (Home)")}">⇤</button>
<button type="button" id="prev" title="{tr("previous step (←)")}">◀</button>
<button type="button" id="play" title="{tr("play the pass (space)")}">{tr("▶ play")}</button>
<button type="button" id="next" title="{tr("next step (→)")}">▶</button>
<button type="button" id="last" title="{tr("last step (End)")}">⇥</button>
<input id="step" type="range" min="0" max="{len(start.steps) - 1}" value="0"
 aria-label="{tr("step")}">
<span id="counter">1 / {len(start.steps)}</span>
</div>
<div class="group" role="group" aria-label="{tr("zoom")}">
<button type="button" id="zoom-out" title="{tr("zoom out (-)")}">−</button>
<button type="button" id="fit" title="{tr("the whole diagram (0)")}">{tr("fit")}</button>
<button type="button" id="zoom-in" title="{tr("zoom in (+)")}">+</button>
</div>
{selector}<div id="crumbs" hidden></div>
</header>
<main id="stage">
{"".join(holders)}
</main>
<aside>
<p id="caption">{html_text(first.caption)}</p>
<ul id="rule">{"".join(f"<li>{html_text(line)}</li>" for line in first.rule)}</ul>
<p id="end" hidden>{html_text(page.end)}</p>
<p class="hint">{tr("← → step, Home / End jump, space plays; drag to pan, the wheel or + / − "
                     "zooms, 0 fits.")}</p>{notes}
</aside>
<script type="application/json" id="avz-data">{script_json(data)}</script>
{"".join(packs)}
<script>{asset("viz.page", "page.js")}</script>
</body>
</html>
"""


def _page_from(source: Value | Iterable[Frame], view: str | None, direction: str | None,
               title: str | None, options: dict[str, Any], lang: str | None = None) -> Page:
    if isinstance(source, Value):
        with language(lang):
            return build_page(source, view=view or "ops", direction=direction or "both",
                              title=title, **options)
    if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
        raise TypeError(f"the page is made from a Value (the output of a computation) or from "
                        f"the frames of step_backward()/step_forward(), got "
                        f"{type(source).__name__}")
    frames = list(source)
    if not frames:
        raise ValueError("to_html() got no frames; pass a Value, or step_backward(root) or "
                         "step_forward(root)")
    for i, frame in enumerate(frames):
        if not isinstance(frame, Frame) or frame.root is None:
            raise TypeError(f"to_html() takes the frames of step_backward()/step_forward(); "
                            f"item {i} is {type(frame).__name__}")
    first = frames[0]
    if options:
        raise TypeError(f"to_html() got draw options {sorted(options)} with frames, which "
                        f"carry their own; pass the Value instead to draw it with them")
    passes = {frame.direction for frame in frames}
    with language(lang or first.lang):  # the frames' language, unless the call names one
        return build_page(first.root, view=view or first.view,
                          direction=direction or (passes.pop() if len(passes) == 1 else "both"),
                          title=title, **first.options)


def to_html(source: Value | Iterable[Frame], path: str | os.PathLike[str], *,
            view: str | None = None, direction: str | None = None, title: str | None = None,
            lang: str | None = None, **options: Any) -> Path:
    """Write the interactive page of ``source`` to ``path`` (UTF-8) and return the path.

    ``source`` is the output Value (``to_html(loss, "loss.html")``), or the frames of
    ``step_backward`` / ``step_forward``, whose pass, view and options the page takes.

    Args:
        view: the view shown first, ``"ops"`` or ``"network"`` (the other is a click away
            when the graph has neurons).
        direction: ``"both"`` (forward, then backward: the default for a Value),
            ``"forward"`` or ``"backward"``.
        title: the page's title (default: the output's name and value).
        lang: the language of its words, "en" or "ko" (default: ``viz.set_language``'s;
            frames keep the one they were made in).
        options: ``viz.draw``'s options (``fmt``, ``collapse``, ``sample``, ...).
    """
    return write_page(_page_from(source, view, direction, title, options, lang), path)


def write_page(page: Page, path: str | os.PathLike[str]) -> Path:
    """Write ``page``'s HTML to ``path`` (replacing the file whole, never half-written)."""
    path = Path(path)
    replace_file(path, page_html(page).encode("utf-8"))
    return path


class Shown:
    """The page inline in a notebook: ``viz.show``'s result.

    Jupyter displays its HTML: the page inside a sandboxed frame (scripts run there and
    nowhere else; no kernel needed, so it works in JupyterLab, Notebook, VS Code, an
    exported HTML file and nbviewer). Under the frame lies the op or network view's
    finished diagram as a picture, which shows where frames are stripped (GitHub).
    """

    def __init__(self, page: Page, height: int) -> None:
        self.page = page
        self.height = height
        self.html = page_html(page)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (as ``viz.to_html`` does); returns the path."""
        return write_page(self.page, path)

    def _repr_html_(self) -> str:
        view = self.page.view(self.page.start)
        picture = base64.b64encode(_standalone(view.svg).encode("utf-8")).decode("ascii")
        return (f'<div style="display:grid;width:100%">'
                f'<img style="grid-area:1/1;max-width:100%;max-height:{self.height}px" '
                f'alt="{html_text(self.page.title)}" src="data:image/svg+xml;base64,{picture}">'
                f'<iframe style="grid-area:1/1;width:100%;height:{self.height}px;border:1px solid '
                f'#e5e7eb;background:white" sandbox="allow-scripts" '
                f'title="{html_text(self.page.title)}" srcdoc="{html.escape(self.html)}">'
                f'</iframe></div>')

    def __repr__(self) -> str:
        views = " and ".join(VIEW_NAMES[v.name] for v in self.page.views)  # (for developers)
        steps = len(self.page.view(self.page.start).steps)
        return f"<autograd-viz page {self.page.title!r}: {views}, {steps} steps>"


def _standalone(svg: str) -> str:
    """An inlined SVG as a file of its own again (an <img> needs its font and size)."""
    box = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg)
    size = f' width="{box.group(1)}pt" height="{box.group(2)}pt"' if box else ""
    font = (' font-family="Helvetica,Arial,Liberation Sans,DejaVu Sans,NanumGothic,'
            'Noto Sans CJK KR,Apple SD Gothic Neo,Malgun Gothic,sans-serif"')  # the page's
    return svg.replace("<svg", f"<svg{size}{font}", 1)


def show(root: Value, *, view: str = "ops", direction: str = "both", height: int = 620,
         title: str | None = None, lang: str | None = None, **options: Any) -> Shown:
    """The interactive page of ``root``'s graph, inline in Jupyter (``to_html``'s page).

    ``view``, ``direction``, ``title``, ``lang`` and ``options`` as for :func:`to_html`;
    ``height`` is the frame's height in pixels. For a live kernel,
    ``viz.show_steps`` still gives the ipywidgets slider.
    """
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"height is the frame's height in pixels, at least 200, got {height!r}")
    with language(lang):
        return Shown(build_page(root, view=view, direction=direction, title=title, **options),
                     height)


# -- the ipywidgets stepper, for a live kernel ------------------------------------

def _inline(svg: str, number: int) -> str:
    """A frame's SVG, ready to inline: prolog gone, ids unique per frame (Graphviz numbers
    its ids node1, edge1, ... the same way in every frame)."""
    svg = re.sub(r"^.*?(?=<svg\b)", "", svg, count=1, flags=re.DOTALL)
    return re.sub(r'\bid="', f'id="f{number}-', svg)


class _Page:
    """Displays an HTML page in Jupyter (the fallback when ipywidgets is missing)."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def show_steps(frames: Iterable[Frame]) -> Any:
    """A stepper for Jupyter: a slider and buttons over the frames' SVGs.

    Uses ipywidgets when installed; otherwise returns the page ``viz.to_html``
    makes (its own slider and keyboard arrows), which Jupyter displays too.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("show_steps() got no frames; pass step_backward(root) or "
                         "step_forward(root)")
    try:
        import ipywidgets as widgets
    except ImportError:
        return _Page(page_html(_page_from(frames, None, None, None, {})))
    svgs = [_inline(frame.svg(), i) for i, frame in enumerate(frames)]
    slider = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, description="step",
                               continuous_update=True)
    back = widgets.Button(description="◀", tooltip="previous step",
                          layout=widgets.Layout(width="3em"))
    ahead = widgets.Button(description="▶", tooltip="next step",
                           layout=widgets.Layout(width="3em"))
    caption = widgets.HTML()
    picture = widgets.HTML()

    def show(change: Any = None) -> None:
        import html
        i = slider.value
        caption.value = f"<b>{html.escape(frames[i].caption)}</b>"
        picture.value = svgs[i]

    slider.observe(show, names="value")
    back.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    ahead.on_click(lambda _: setattr(slider, "value", min(slider.max, slider.value + 1)))
    show()
    return widgets.VBox([widgets.HBox([back, slider, ahead]), caption, picture])
