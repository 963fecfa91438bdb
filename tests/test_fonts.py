"""autograd.fonts: Korean text drawn in a font with Hangul (Graphviz, matplotlib, the pages'
fonts), English text as before, and one clear warning when no such font is installed."""

from __future__ import annotations

import doctest
import io
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from graphs import small_mlp
from plot_helpers import HISTORY

import viz
from autograd import fonts
from viz.common.style import FONT
from viz.render.diagram import Diagram, render, run_dot

KOREAN = "손실 기울기"
SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed")
needs_fontconfig = pytest.mark.skipif(
    shutil.which("fc-list") is None or not SYSTEM_FONTS_CONF.exists(),
    reason="fontconfig (fc-list, /etc/fonts/fonts.conf) is not installed")


@pytest.fixture
def fresh(monkeypatch):
    """autograd.fonts as in a new program: nothing found yet, nothing warned."""
    monkeypatch.setattr(fonts, "_warned", set())
    monkeypatch.setattr(fonts, "_found", {})


@pytest.fixture
def without_korean_fonts(tmp_path, monkeypatch):
    """fontconfig as on a machine without a font for Korean (for the programs started
    from here on: dot, fc-list)."""
    monkeypatch.setenv("FONTCONFIG_FILE", str(rejecting(tmp_path)))


def rejecting(folder: Path) -> Path:
    """A fontconfig configuration: the system's, every font that covers Korean rejected."""
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="no">{SYSTEM_FONTS_CONF}</include>
  <selectfont><rejectfont><pattern>
    <patelt name="lang"><string>ko</string></patelt>
  </pattern></rejectfont></selectfont>
</fontconfig>
""", encoding="utf-8")
    return conf


def has_korean_font() -> bool:
    out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True)
    return bool(out.stdout.strip())


def label(text: str, font: str = FONT) -> Diagram:
    graph = Diagram(node_attr={"fontname": font, "shape": "plaintext"})
    graph.node("a", text)
    return graph


def test_docstring_examples_run():
    assert doctest.testmod(fonts).failed == 0


# -- Graphviz ---------------------------------------------------------------------------------

@needs_dot
@needs_fontconfig
def test_dot_draws_a_korean_label_in_a_font_with_hangul_not_boxes(monkeypatch, fresh,
                                                                  tmp_path):
    if not has_korean_font():
        pytest.skip("no font with Hangul is installed (`make fonts` installs one)")
    drawn = render(label(KOREAN), "png")
    english = render(label("loss"), "png")
    # the same label where fontconfig has no font for Korean: pango's boxes
    with monkeypatch.context() as m:
        m.setenv("FONTCONFIG_FILE", str(rejecting(tmp_path)))
        assert not has_korean_font()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fonts.MissingFontWarning)
            boxes = render(label(KOREAN), "png")
        assert render(label("loss"), "png") == english   # Latin text: the same fonts
    assert drawn != boxes


@needs_dot
def test_english_text_is_laid_out_as_without_the_korean_fallbacks():
    """The Korean fonts come after the Latin ones and DejaVu Sans (which draws what
    Helvetica lacks, the legend's ━): English diagrams keep their sizes."""
    latin = FONT.split(",")[:FONT.split(",").index(fonts.KOREAN_FONTS[0])]
    assert latin == ["Helvetica", "Arial", "DejaVu Sans"]
    source = viz.draw(small_mlp(), view="network").source
    assert "━" in source and "∂" in source
    plain = run_dot(source, ["-Tplain"])
    assert plain == run_dot(source.replace(FONT, ",".join(latin)), ["-Tplain"])


@needs_dot
def test_the_svg_names_the_korean_fonts_after_the_latin_ones():
    svg = render(label(KOREAN), "svg").decode("utf-8")
    families = set(re.findall(r'<text[^>]* font-family="([^"]*)"', svg))
    assert families == {FONT}
    names = FONT.split(",")
    assert names[-1] == "sans-serif"
    assert names[-1 - len(fonts.KOREAN_FONTS):-1] == list(fonts.KOREAN_FONTS)


@needs_dot
def test_graphviz_says_once_that_no_font_has_hangul(monkeypatch, fresh):
    asked = []
    monkeypatch.setattr(fonts, "fontconfig_korean", lambda: asked.append(1) or [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render(label("loss"), "svg")
        assert not asked   # no Korean text: fontconfig is not even asked
        for _ in range(3):
            render(label(KOREAN), "svg")
    said = [w for w in caught if issubclass(w.category, fonts.MissingFontWarning)]
    assert len(said) == 1 and len(caught) == 1
    message = str(said[0].message)
    assert "Graphviz" in message and "apt-get install fonts-nanum" in message
    assert "Noto Sans CJK KR" in message
    assert len(asked) == 1   # once warned, not asked again


@needs_dot
def test_graphviz_says_nothing_where_fontconfig_cannot_be_asked(monkeypatch, fresh):
    monkeypatch.setattr(fonts, "fontconfig_korean", lambda: None)   # no fc-list
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render(label(KOREAN), "svg")


@needs_fontconfig
def test_fontconfig_korean_lists_nothing_without_a_korean_font(fresh, without_korean_fonts):
    assert fonts.fontconfig_korean() == []
    assert "fontconfig" not in fonts._found   # asked again next time: one may be installed


# -- matplotlib -------------------------------------------------------------------------------

def _saved(fig) -> None:
    for kind in ("png", "svg", "pdf"):
        fig.savefig(io.BytesIO(), format=kind)


def test_a_korean_plot_draws_without_a_missing_glyph_warning():
    pytest.importorskip("matplotlib")
    import matplotlib
    from matplotlib.text import Text

    from autograd.plots import plot_confusion_matrix, plot_history, plot_weight_histograms

    if fonts.matplotlib_font() is None:
        pytest.skip("no font with Hangul is installed (`make fonts` installs one)")
    rc = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = [plot_history(HISTORY, title=f"{KOREAN} −0.5"),
                   plot_confusion_matrix([[5, 1], [2, 7]], labels=["양성", "악성"]),
                   plot_weight_histograms({"가중치": [-0.5, -0.1, 0.0, 0.2, 0.4]})]
        for fig in figures:
            _saved(fig)   # the minus signs of the ticks too
    title = next(t for t in figures[0].findobj(Text) if t.get_text().startswith(KOREAN))
    assert title.get_fontfamily() == [*rc["font.family"], fonts.matplotlib_font()]
    assert dict(matplotlib.rcParams) == rc   # the user's settings are left alone


def test_a_bold_korean_title_draws_without_a_note_about_the_weight(caplog):
    """NanumGothic's bold face is weight 600: matplotlib's note that it uses it is dropped."""
    pytest.importorskip("matplotlib")
    from autograd.plots import plot_history

    if fonts.matplotlib_font() is None:
        pytest.skip("no font with Hangul is installed (`make fonts` installs one)")
    with caplog.at_level("WARNING", logger="matplotlib.font_manager"):
        fig = plot_history(HISTORY, title=KOREAN, lang="ko")
        fig.suptitle(KOREAN, fontweight="bold")
        fonts.with_hangul_font(fig)
        _saved(fig)
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []


def test_matplotlib_says_once_that_no_font_has_hangul(monkeypatch, fresh):
    pytest.importorskip("matplotlib")
    from autograd.plots import plot_history

    monkeypatch.setattr(fonts, "KOREAN_FONTS", ())
    monkeypatch.setattr(fonts, "fontconfig_korean", lambda: [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plot_history(HISTORY)            # English: nothing to say
        _saved(fig)
        assert not caught
        for _ in range(2):
            _saved(plot_history(HISTORY, title=KOREAN))
    assert [w.category for w in caught] == [fonts.MissingFontWarning]   # no glyph's own
    message = str(caught[0].message)
    assert "matplotlib" in message and "apt-get install fonts-nanum" in message


def test_the_film_s_frames_draw_hangul_in_a_korean_font():
    pytest.importorskip("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from viz.film import raster
    from viz.film.scene import Text

    if fonts.matplotlib_font() is None:
        pytest.skip("no font with Hangul is installed (`make fonts` installs one)")
    fig = Figure(figsize=(3, 1))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    english, korean = Text(10, 30, "epoch 3"), Text(10, 60, f"{KOREAN} −0.25")
    artists = [raster._make(shape, ax) for shape in (english, korean)]
    for artist, shape in zip(artists, (english, korean)):
        raster._style(artist, shape, 0.0)
    assert fonts.matplotlib_font() not in artists[0].get_fontfamily()
    assert artists[1].get_fontfamily()[-2:] == ["DejaVu Sans", fonts.matplotlib_font()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()


# -- the pages' fonts -------------------------------------------------------------------------

ASSETS = Path(viz.__file__).parent


@pytest.mark.parametrize("css", ["page/assets/page.css", "film/assets/film.css"])
def test_every_font_stack_of_the_pages_falls_back_to_the_korean_fonts(css):
    text = (ASSETS / css).read_text(encoding="utf-8")
    stacks = re.findall(r"font-family:\s*([^;}]*)", text)
    assert stacks
    for stack in stacks:
        names = [name.strip().strip('"') for name in stack.split(",")]
        assert names[-1] in ("sans-serif", "monospace"), stack
        assert names[-1 - len(fonts.KOREAN_FONTS):-1] == list(fonts.KOREAN_FONTS), stack
    assert not re.search(r"@import|@font-face|url\(", text)   # nothing from the network


def test_the_film_and_the_page_s_svgs_name_the_korean_fonts():
    from viz.film.style import FONT as FILM_FONT
    from viz.page.html import _standalone

    for stack in (FILM_FONT, re.search(r'font-family="([^"]*)"',
                                       _standalone('<svg viewBox="0 0 1 1"></svg>')).group(1)):
        names = stack.split(",")
        assert names[-1 - len(fonts.KOREAN_FONTS):-1] == list(fonts.KOREAN_FONTS), stack
