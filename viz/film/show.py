"""A recorded training as a film: the page (``film_to_html``), inline in Jupyter
(``show_film``, live while ``fit`` runs: ``viz.film.live``), and an epoch's own forward
and backward pass (``epoch_page``).

>>> import viz
>>> # rec = Recorder(); fit(..., record=rec)
>>> # viz.show(rec)                    # the film in a notebook
>>> # viz.to_html(rec, "moons.html")   # the same page, one offline file
>>> # viz.show(rec[50])                # epoch 50's chain rule, on the stepper page
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from autograd.language import language, tr
from autograd.recorder import Recorder, Snapshot
from viz.film.page import film_html
from viz.film.picture import Picture, draw_film
from viz.film.reel import FRAMES
from viz.page.build import Page, build_page
from viz.page.html import page_html
from viz.render.diagram import replace_file

__all__ = ["film_page", "film_to_html", "epoch_page", "STEPPER_SAMPLES"]

STEPPER_SAMPLES = 3  # the samples an embedded stepper page holds (and the batch's mean)


def _title(rec: Recorder, title: str | None) -> str:
    if title is not None:
        return str(title)
    model = rec.model_name or tr("a model")
    if rec.data is None:
        return tr("{model} learning", model=model)
    return tr("{model} learning on {n} samples", model=model, n=len(rec.data[0]))


def epoch_page(snapshot: Snapshot, *, samples: int = STEPPER_SAMPLES,
               title: str | None = None, lang: str | None = None) -> Page:
    """The stepper page of an epoch: its loss on the training data (``Snapshot.loss()``),
    forward and backward, on the network view, one sample at a time, its words in
    ``lang`` (default: ``viz.set_language``'s)."""
    if not isinstance(snapshot, Snapshot):
        raise TypeError(f"epoch_page() takes a recorded epoch, rec[k], got "
                        f"{type(snapshot).__name__}")
    with language(lang):
        loss = snapshot.loss()
        loss.backward()
        if title is None:
            title = tr("epoch {epoch}: loss {loss}", epoch=snapshot.epoch,
                       loss=f"{loss.data:.4g}")
        return build_page(loss, view="network", samples=samples, title=title)


def _steppers(rec: Recorder, picture: Picture, epochs: Iterable[int], samples: int
              ) -> dict[int, str]:
    pages = {}
    for epoch in epochs:
        if epoch not in picture.reel.epochs:
            raise ValueError(f"steppers: epoch {epoch} is not a frame of this film; its "
                             f"frames are epochs {picture.reel.epochs[0]}.."
                             f"{picture.reel.epochs[-1]} (rec.epochs, thinned to at most "
                             f"frames=)")
        pages[epoch] = page_html(epoch_page(rec[epoch], samples=samples))
    return pages


def film_page(rec: Recorder, *, frames: int = FRAMES, steppers: Iterable[int] = (),
              title: str | None = None, samples: int = STEPPER_SAMPLES,
              lang: str | None = None) -> str:
    """The film's HTML (see ``film_to_html``)."""
    with language(lang):
        picture = draw_film(rec, frames=frames)
        pages = _steppers(rec, picture, steppers, samples)
        notes = [] if rec.finished else [tr("recorded while training: the film ends at the "
                                            "latest epoch so far")]
        return film_html(picture, title=_title(rec, title), steppers=pages, notes=notes)


def film_to_html(rec: Recorder, path: str | os.PathLike[str], *, frames: int = FRAMES,
                 steppers: Iterable[int] = (), title: str | None = None,
                 samples: int = STEPPER_SAMPLES, lang: str | None = None) -> Path:
    """Write the film of ``rec`` to ``path`` as one offline page and return the path.

    Args:
        frames: the most frames the page holds (the recording thinned evenly; the
            first, the last and the best epoch always kept).
        steppers: epochs whose forward and backward pass the page holds, opened from
            their frame ("chain rule of this epoch"); each adds a stepper page.
        title: the page's title (default: the model and its data).
        samples: the samples each stepper page holds (and the batch's mean).
        lang: the language of the page's words, "en" or "ko" (default:
            ``viz.set_language``'s); the numbers and the math stay as they are.
    """
    path = Path(path)
    replace_file(path, film_page(rec, frames=frames, steppers=steppers, title=title,
                                 samples=samples, lang=lang).encode("utf-8"))
    return path


def film_save(rec: Recorder, path: str | os.PathLike[str], *, epoch: int | None = None,
              frames: int = 100, fps: float = 10.0, lang: str | None = None) -> Path:
    """Write the film as an animated GIF (``.gif``: at most ``frames`` frames, evenly
    spread, at ``fps`` frames a second), or one epoch of it (``.png``, ``.pdf``,
    ``.svg``: ``epoch``, by default the last): the same picture as the page's, its
    words in ``lang``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif" and epoch is not None:
        raise TypeError("epoch= picks the epoch of a still (.png, .pdf, .svg); a .gif holds "
                        "the whole film")
    from viz.film.raster import save_frame, save_gif  # matplotlib and Pillow: only here

    with language(lang):
        picture = draw_film(rec)
    if suffix == ".gif":
        return save_gif(picture, path, frames=frames, fps=fps)
    f = picture.reel.frames - 1 if epoch is None else _frame(picture, epoch)
    return save_frame(picture, path, f)


def _frame(picture: Picture, epoch: int) -> int:
    try:
        return picture.reel.frame_of(epoch)
    except ValueError:
        epochs = picture.reel.epochs
        raise ValueError(f"epoch {epoch} is not a frame of this film: pick one of the recorded "
                         f"epochs {epochs[0]}..{epochs[-1]} (rec.epochs)") from None
