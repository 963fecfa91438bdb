"""The language the pictures speak: ``set_language("ko")``, ``tr("epoch {n}", n=3)``.

Every word a picture draws (a diagram's legend and captions, a rule's words, the page's
buttons and hints, the film's labels, ``autograd.plots``' titles and axes) is written in
the code in English and passed through ``tr``, which looks it up in the table of the
language in use: ``autograd/translations/ko.py`` for Korean. The math stays as it is
(``∂loss/∂w = -0.25``), and so do names (``L1.N3``) and error messages (English, as
Python libraries' are).

>>> from autograd.language import language, tr
>>> tr("epoch {epoch}", epoch=3)
'epoch 3'
>>> with language("ko"):
...     tr("epoch {epoch}", epoch=3)
'에포크 3'

The table lives here, below both packages, because ``autograd.plots`` draws too and
``autograd`` never imports ``viz``; ``viz.set_language`` is this module's.

The language in use is the one set for the whole program (``set_language``, English
unless told), or, inside ``with language("ko"):``, that one for the calling thread only:
how a call's ``lang=`` argument applies to everything it draws.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from autograd.translations import ko

__all__ = ["LANGUAGES", "check_language", "set_language", "get_language", "language", "tr"]

TABLES: dict[str, dict[str, str]] = {"ko": ko.WORDS}
LANGUAGES = ("en", "ko")  # English is the source text; each other language has a table

_default = "en"
_local = threading.local()


def check_language(lang: Any) -> str:
    """``lang`` when it is a language pictures can be drawn in, else a ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """Draw every picture in ``lang`` ("en" or "ko") from now on, in every thread (a call's
    ``lang=`` still picks another for that call)."""
    global _default
    _default = check_language(lang)


def get_language() -> str:
    """The language pictures are drawn in, here and now."""
    return getattr(_local, "lang", None) or _default


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Within the block, this thread draws in ``lang`` (None: the language set for the
    program). Public drawing functions wrap their work in it for their ``lang=``."""
    before = getattr(_local, "lang", None)
    _local.lang = check_language(lang) if lang is not None else before
    try:
        yield get_language()
    finally:
        _local.lang = before


def tr(text: str, **fields: Any) -> str:
    """``text`` in the language in use, with ``fields`` filled in (``str.format``).

    ``text`` is the English, the key of every other language's table. A key missing from a
    table falls back to the English (the tests walk the code so none is missing)."""
    lang = get_language()
    if lang != "en":
        text = TABLES[lang].get(text, text)
    return text.format(**fields) if fields else text
