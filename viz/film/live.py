"""The film inline in Jupyter (``viz.show(rec)``), live while ``fit`` runs.

Shown before or while training, the output cell holds a picture of the latest epoch
(the network, the prediction, the curves so far) and updates it in place as epochs
arrive, at most ``UPDATES_PER_SECOND`` times a second: each update draws one frame
(a few hundredths of a second), never the whole film. When ``fit`` ends (the recorder
is finished), the cell is replaced by the complete page, which works with no kernel:
in JupyterLab, Notebook, VS Code, an exported HTML file. Shown after training, the
cell holds the complete page at once.

In the cell that calls ``fit`` itself, display it first: ``display(viz.show(rec))``.
"""

from __future__ import annotations

import base64
import html
import threading
import time
from collections.abc import Iterable
from typing import Any

from autograd.language import check_language, language, tr
from autograd.recorder import Recorder
from viz.common.text import printable
from viz.film.page import film_html
from viz.film.picture import Picture, draw_film
from viz.film.reel import FRAMES, build_reel
from viz.film.show import STEPPER_SAMPLES, _steppers, _title, film_to_html
from viz.film.style import FONT
from viz.film.svg import composed_svg

__all__ = ["Film", "show_film", "UPDATES_PER_SECOND"]

UPDATES_PER_SECOND = 2.0


class Film:
    """``viz.show(rec)``'s result: Jupyter displays the film (live while it is recorded)."""

    def __init__(self, rec: Recorder, *, height: int, frames: int, steppers: Iterable[int],
                 title: str | None, samples: int, lang: str | None = None) -> None:
        self.rec = rec
        self.lang = lang  # None: the language set for the program when it is drawn
        self.height = height
        self.frames = frames
        self.steppers = list(steppers)
        self.title = title
        self.samples = samples
        self._lock = threading.Lock()
        self._handle: Any = None
        self._remove: Any = None
        self._last_update = 0.0
        self.updates = 0   # live updates sent so far

    # -- the complete page -------------------------------------------------------------
    def page(self) -> str:
        """The film's page (``viz.to_html``'s), for what is recorded so far."""
        with language(self.lang):
            return self._page(draw_film(self.rec, frames=self.frames))

    def _page(self, picture: Picture) -> str:
        pages = _steppers(self.rec, picture, self.steppers, self.samples)
        return film_html(picture, title=_title(self.rec, self.title), steppers=pages)

    def _framed(self) -> str:
        """The page in a sandboxed frame (scripts run there only), and under it its last
        frame as a picture for where frames are stripped."""
        if not len(self.rec):
            return self._waiting()
        with language(self.lang):
            picture = draw_film(self.rec, frames=self.frames)
            text = self._page(picture)
            name = html.escape(printable(_title(self.rec, self.title)))
        still = base64.b64encode(composed_svg(picture).encode("utf-8")).decode("ascii")
        return (f'<div style="display:grid;width:100%">'
                f'<img style="grid-area:1/1;max-width:100%;max-height:{self.height}px" '
                f'alt="{name}" src="data:image/svg+xml;base64,{still}">'
                f'<iframe style="grid-area:1/1;width:100%;height:{self.height}px;'
                f'border:1px solid #e5e7eb;background:white" sandbox="allow-scripts" '
                f'title="{name}" srcdoc="{html.escape(text)}"></iframe></div>')

    def _still(self) -> str:
        """The latest epoch as one SVG: the network and the panels side by side."""
        with language(self.lang):
            picture = draw_film(build_reel(self.rec, latest_only=True))
        return composed_svg(picture)

    def _live(self) -> str:
        with language(self.lang):
            words = tr("training… epoch {epoch} (live: the whole film, to play and explore, "
                       "appears here when fit ends)", epoch=self.rec.latest.epoch)
        return (f'<div style="font-family:{FONT}">'
                f'<p style="margin:.2em 0;color:#4b5563">{html.escape(words)}</p>'
                f'<div style="max-width:100%;overflow:auto">{self._still()}</div></div>')

    def _waiting(self) -> str:
        with language(self.lang):
            words = tr("waiting for the first epoch: the film appears here as fit records "
                       "them (fit(..., record=rec))")
        return (f'<p style="font-family:{FONT};color:#4b5563">'
                f'{html.escape(words)}</p>')

    # -- Jupyter -------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        if self.rec.finished or not len(self.rec):
            return self._framed()
        return self._live()

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if self.rec.finished:
            display(HTML(self._framed()))
            return
        self._handle = display(HTML(self._repr_html_()), display_id=True)
        self._remove = self.rec.register_hook(self._heard)

    def _heard(self, rec: Recorder) -> None:
        """A snapshot or the end: update the cell, at most UPDATES_PER_SECOND times a
        second while training, and once more, with the whole page, at the end."""
        from IPython.display import HTML

        with self._lock:
            if rec.finished:
                if self._remove is not None:
                    self._remove()
                    self._remove = None
                self._handle.update(HTML(self._framed()))
                self.updates += 1
                return
            now = time.monotonic()
            if now - self._last_update < 1.0 / UPDATES_PER_SECOND:
                return
            self._handle.update(HTML(self._live()))
            self._last_update = time.monotonic()
            self.updates += 1

    def save(self, path: Any) -> Any:
        """Write the page to ``path`` (as ``viz.to_html`` does); returns the path."""
        return film_to_html(self.rec, path, frames=self.frames, steppers=self.steppers,
                            title=self.title, samples=self.samples, lang=self.lang)

    def __repr__(self) -> str:
        state = "finished" if self.rec.finished else "recording"
        return f"<autograd-viz film of {self.rec!r} ({state})>"


def show_film(rec: Recorder, *, height: int = 720, frames: int = FRAMES,
              steppers: Iterable[int] = (), title: str | None = None,
              samples: int = STEPPER_SAMPLES, lang: str | None = None) -> Film:
    """The film of ``rec`` inline in Jupyter (see the module docstring); ``frames``,
    ``steppers``, ``title``, ``samples`` and ``lang`` as for ``viz.to_html``, ``height``
    the frame's height in pixels."""
    if not isinstance(rec, Recorder):
        raise TypeError(f"show_film() takes a Recorder, got {type(rec).__name__}")
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"height is the frame's height in pixels, at least 200, got {height!r}")
    if lang is not None:
        check_language(lang)
    return Film(rec, height=height, frames=frames, steppers=steppers, title=title,
                samples=samples, lang=lang)
