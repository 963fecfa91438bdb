"""Fonts for Korean text: which font draws Hangul, and one clear warning when none does.

Graphviz, matplotlib and browsers all draw Latin text with the fonts they always used;
Hangul, which those fonts lack, falls back to a Korean font (:data:`KOREAN_FONTS`, the
first one installed). Graphviz and Chromium find it through fontconfig; matplotlib has a
font list of its own, so :func:`matplotlib_font` looks there first and then asks
fontconfig (``fc-list :lang=ko``), registering the file it names (a font installed after
matplotlib built its font cache is found too).

When Korean text is to be drawn and no such font is installed, each drawer
(:func:`warn_missing`: "Graphviz", "matplotlib") warns once, with
:class:`MissingFontWarning` naming what to install, instead of drawing boxes silently
(or, in matplotlib's case, warning once per missing glyph).

>>> has_hangul("손실 기울기"), has_hangul("loss")
(True, False)

This module sits below ``autograd`` and ``viz`` both, like ``autograd.language``:
``autograd.plots`` draws too, and ``autograd`` never imports ``viz``.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
import warnings
from typing import Any

__all__ = ["KOREAN_FONTS", "INSTALL_HINT", "MissingFontWarning", "has_hangul",
           "fontconfig_korean", "matplotlib_font", "with_hangul_font", "warn_missing",
           "warned"]

# The Korean fallbacks, in order: Debian's fonts-nanum, Google's Noto (other Linux),
# macOS's, Windows'. Every font stack of the project (viz.common.style, the film's and
# the page's CSS) lists these after its Latin fonts.
KOREAN_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic")
INSTALL_HINT = ("Install one: `sudo apt-get install fonts-nanum` (Debian, Ubuntu), or Noto "
                "Sans CJK KR (`fonts-noto-cjk` or `google-noto-sans-cjk-fonts` elsewhere); "
                "macOS and Windows have one")

# Hangul Jamo, compatibility Jamo, Jamo extended A, syllables, Jamo extended B
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
# matplotlib's warning for each glyph its fonts lack (matplotlib._text_helpers)
_GLYPH_WARNING = r"Glyph \d+ \(\\N\{HANGUL "


class MissingFontWarning(UserWarning):
    """Korean text is being drawn and no installed font has Hangul (it shows as boxes)."""


def has_hangul(text: Any) -> bool:
    return isinstance(text, str) and _HANGUL.search(text) is not None


# -- warned once ------------------------------------------------------------------------------

_lock = threading.Lock()
_warned: set[str] = set()


def warned(drawer: str) -> bool:
    """Whether :func:`warn_missing` has warned for ``drawer`` (then no need to look again)."""
    return drawer in _warned


def warn_missing(drawer: str, found: str) -> bool:
    """Warn, once per ``drawer`` for the whole program, that it finds no font with Hangul
    (``found`` says where it looked). Returns whether this call warned."""
    with _lock:
        if drawer in _warned:
            return False
        _warned.add(drawer)
    warnings.warn(f"Korean text is drawn by {drawer}, but {found}, so it shows as empty "
                  f"boxes. {INSTALL_HINT}.", MissingFontWarning, stacklevel=3)
    return True


# -- fontconfig -------------------------------------------------------------------------------

_found: dict[str, Any] = {}   # what was found ("fontconfig", "matplotlib"): kept


def fontconfig_korean() -> list[tuple[str, str]] | None:
    """(family, file) of every font fontconfig knows that covers Korean (``fc-list
    :lang=ko``); None when fontconfig's ``fc-list`` is not installed (then no one can
    tell). A found list is kept; none found is asked again next time (a font may have
    been installed since)."""
    if "fontconfig" in _found:
        return _found["fontconfig"]
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, "-f", "%{family[0]}\t%{file}\n", ":lang=ko"],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = sorted({tuple(line.split("\t", 1)) for line in out.splitlines() if "\t" in line})
    if fonts:
        _found["fontconfig"] = fonts
    return fonts


# -- matplotlib -------------------------------------------------------------------------------

def matplotlib_font() -> str | None:
    """The name of a font with Hangul that matplotlib draws with, or None: the first of
    :data:`KOREAN_FONTS` in matplotlib's font list, or else one fontconfig knows (those
    first), added to matplotlib's font list."""
    from matplotlib import font_manager

    if "matplotlib" in _found:
        return _found["matplotlib"]
    have = {font.name for font in font_manager.fontManager.ttflist}
    for name in KOREAN_FONTS:
        if name in have:
            return _drawing_with(name)
    fonts = fontconfig_korean() or []
    preferred = sorted(fonts, key=lambda font: (
        KOREAN_FONTS.index(font[0]) if font[0] in KOREAN_FONTS else len(KOREAN_FONTS),
        font))
    for family, path in preferred:
        try:
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):  # a format matplotlib cannot read
            continue
        for other, more in fonts:   # its bold and other faces
            if other == family and more != path:
                try:
                    font_manager.fontManager.addfont(more)
                except (OSError, RuntimeError, ValueError):
                    pass
        return _drawing_with(name)
    return None


class _HeavierFace(logging.Filter):
    """Drops matplotlib's note that a Korean font's bold face is a little lighter than bold
    (NanumGothic's is weight 600): printed at each bold title, it is no news to a user."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.font = name

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg.startswith("findfont: Failed to find font weight")
                    and len(record.args or ()) > 1 and record.args[1] == self.font)


def _drawing_with(name: str) -> str:
    """Remember ``name`` as matplotlib's Korean font (and quiet its note about its bold)."""
    _found["matplotlib"] = name
    logging.getLogger("matplotlib.font_manager").addFilter(_HeavierFace(name))
    return name


def with_hangul_font(artist: Any) -> Any:
    """Every text in ``artist`` (a figure, axes, a text) that has Hangul draws it with
    :func:`matplotlib_font`, after its own fonts (which draw everything else, the minus
    sign included, as before). Without such a font, warns once (and silences matplotlib's
    warning for each Hangul glyph, said at each draw). Returns ``artist``."""
    from matplotlib.text import Text

    texts = [text for text in artist.findobj(Text) if has_hangul(text.get_text())]
    if texts:
        name = matplotlib_font()
        if name is None:
            warn_missing("matplotlib", "neither its font list nor fontconfig has a font "
                                       "with Hangul")
            warnings.filterwarnings("ignore", _GLYPH_WARNING, UserWarning)
        else:
            for text in texts:
                family = list(text.get_fontfamily())
                if name not in family:
                    text.set_fontfamily([*family, name])
    return artist
