"""Drawn with lang="ko", the pictures, pages, film and plots say no English sentence: every
phrase of the table's English is gone from what they draw, and its Korean is there."""

from __future__ import annotations

import html
import io
import re
import string
from contextlib import redirect_stdout

import pytest
from network_helpers import mlp_loss, rnn_loss
from ops_helpers import needs_dot

import viz
from autograd import plots
from autograd.language import get_language, language
from autograd.translations import ko
from viz.common.text import text_width
from viz.demo import seed_example as seed
from viz.film.page import film_data
from viz.film.picture import draw_film
from viz.film.show import film_page
from viz.page.build import build_page
from viz.page.html import page_html


def _phrases() -> set[str]:
    """The table's English, cut at its fields into phrases of three words or more (a lone
    word like "value" could be a user's label; a phrase is ours)."""
    found = set()
    for key in ko.WORDS:
        for literal, *_ in string.Formatter().parse(key):
            for part in re.split(r"[(){}:;·,=]", literal):
                words = re.findall(r"[A-Za-z']{2,}", part)  # "∂loss/∂h_t" is math
                if len(words) >= 3:
                    found.add(" ".join(words))
    return found


PHRASES = _phrases()


def english_left(text: str) -> list[str]:
    """The table's English phrases still in ``text``: what it shows, so tags, escapes and
    the pages' own script and style (their code's comments) taken out; the script's data
    (``<script type=...>``) kept."""
    text = re.sub(r"<(script|style)>.*?</\1>", " ", text, flags=re.S)
    plain = " ".join(re.findall(r"[A-Za-z']{2,}",
                                html.unescape(re.sub(r"<[^>]+>", " ", text))))
    return sorted(p for p in PHRASES if re.search(rf"\b{re.escape(p)}\b", plain))


def test_the_check_finds_english_when_it_is_there():
    assert len(PHRASES) > 60
    assert english_left("<p>End of the backward pass: every gradient is known.</p>")
    assert english_left("역전파 끝: 모든 기울기를 구했습니다.") == []


@needs_dot
def test_the_op_view_and_its_steps_in_korean():
    f = seed()
    dot = viz.draw(f, lang="ko", legend=True, color_by="grad", title="f = (x + y) · z").source
    assert english_left(dot) == []
    for word in ("입력", "출력", "기울기", "체인 룰"):
        assert word in dot
    frames = [*viz.step_forward(f, lang="ko"), *viz.step_backward(f, lang="ko")]
    captions = [frame.caption for frame in frames]
    assert captions[0].startswith("순전파 1/")
    assert any(c.startswith("역전파 1/") for c in captions)
    for frame in frames:
        assert english_left(frame.caption + frame.graph.source) == [], frame.caption
    assert get_language() == "en"  # lang= was the call's only
    assert "value" in viz.draw(f, legend=True).source  # and English is still drawn unasked


def _page_texts(page) -> str:
    parts = [page_html(page)]
    for view in page.views:
        parts += [view.svg, view.cards_svg or ""]
        parts += [step.caption + " ".join(step.rule) for step in view.steps]
    return "\n".join(parts)


@needs_dot
@pytest.mark.parametrize("make", [lambda: mlp_loss()[-1], lambda: rnn_loss(10)[-1]],
                         ids=["mlp-2-16-16-1-with-l2", "rnn-10-steps"])
def test_the_network_page_in_korean(make):
    loss = make()
    with language("ko"):
        page = build_page(loss, view="network", samples=2)
    assert page.lang == "ko"
    text = _page_texts(page)
    assert english_left(text) == []
    assert '<html lang="ko">' in text
    for word in ("▶ 재생", "역전파 끝", "샘플"):
        assert word in text, word
    if len(page.views) > 1:  # the RNN's op view is too large to hold: no toggle
        assert "네트워크 보기" in text and "연산 보기" in text


@needs_dot
def test_the_seed_page_in_korean(tmp_path):
    path = viz.to_html(seed(), tmp_path / "seed.html", lang="ko")
    text = path.read_text(encoding="utf-8")
    assert english_left(text) == []
    assert "한 단계씩 재생" in text and "역전파 끝: 모든 기울기를 구했습니다." in text


@needs_dot
@pytest.mark.parametrize("name", ["moons", "bn-dropout", "rnn", "cancer"])
def test_the_film_in_korean(name):
    from film_helpers import RECORDINGS

    rec = RECORDINGS[name]()
    text = film_page(rec, steppers=[rec.epochs[-1]], lang="ko")
    with language("ko"):
        meta, frames = film_data(draw_film(rec))
    shown = text + repr(meta["words"]) + repr(frames["texts"])
    assert english_left(shown) == []
    for word in ("에포크", "재생", "이 에포크의 체인 룰", "학습 손실"):
        assert word in shown, word
    stepper = text.split('id="stepper-')[1]  # the held epoch's page is packed: it was built
    assert stepper  # in Korean too (build_page checked above)


def _figure_texts(fig) -> str:
    import matplotlib.text

    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_the_plots_in_korean():
    pytest.importorskip("matplotlib")
    figures = [
        plots.plot_history({"train_loss": [0.9, 0.5], "val_loss": [1.0, 0.7],
                            "train_accuracy": [0.6, 0.8]}, best_epoch=1, lang="ko"),
        plots.plot_confusion_matrix([[5, 1], [2, 4]], lang="ko"),
        plots.plot_decision_boundary(lambda g: g[:, 0], [[-1.0, 0.0], [1.0, 1.0]], [0, 1],
                                     resolution=10, lang="ko"),
        plots.plot_weight_histograms({"L1": [0.0, 0.5, -0.2]}, lang="ko"),
    ]
    texts = [_figure_texts(fig) for fig in figures]
    assert "손실" in texts[0] and "정확도" in texts[0] and "에포크" in texts[0]
    assert "혼동 행렬" in texts[1] and "예측한 레이블" in texts[1]
    assert "결정 경계" in texts[2]
    assert "가중치" in texts[3]
    for text in texts:
        assert not re.search(r"\b(epoch|loss|accuracy|label|weight|count|class)\b", text), text


def test_the_demo_prints_in_korean():
    from viz import demo

    out = io.StringIO()
    with redirect_stdout(out), language("ko"):
        print(demo._table({"train": {"accuracy": 1.0, "precision": 0.5, "recall": 0.25,
                                     "f1": 1 / 3}}))
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["정확도", "정밀도", "재현율", "F1"]
    assert lines[1].split() == ["학습", "1.000", "0.500", "0.250", "0.333"]
    # a Hangul character takes two columns: the numbers stand under their headers
    assert text_width(lines[0]) == text_width(lines[1]) == 12 + 4 * 11


def test_the_command_line_draws_in_korean(tmp_path, capsys):
    from viz.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    steps = tmp_path / "steps.html"
    assert main(["(x + y) * z", "x=-2", "y=5", "z=-4", "--steps", str(steps), "--lang", "ko"],
                out, err) == 0
    text = steps.read_text(encoding="utf-8")
    assert "역전파 끝" in text and english_left(text) == []
    assert main(["x * 2", "x=1", "--lang", "kr"], out, err) == 2
    assert "invalid choice: 'kr'" in capsys.readouterr().err  # argparse's own message
