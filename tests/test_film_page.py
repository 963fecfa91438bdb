"""The film's page (viz.film.page) and its Python entry points: what it holds, as written."""

from __future__ import annotations

import base64
import gzip
import json
import re

import numpy as np
import pytest
from film_helpers import bn_dropout, moons_mlp

import viz
from autograd import Value, losses, nn, optim, scope
from autograd.training import Recorder, fit
from viz.film.network import decode
from viz.film.panels import frame_texts
from viz.film.picture import draw_film
from viz.film.style import NEGATIVE, POSITIVE, shade, weight_stroke


def unpack(html: str, ident: str) -> bytes:
    packed = re.search(rf'id="{ident}">([^<]*)</script>', html).group(1)
    return gzip.decompress(base64.b64decode(packed))


def frames_of(html: str) -> dict:
    return json.loads(unpack(html, "film-frames"))


def test_the_page_holds_every_frame_s_numbers_as_the_reel_has_them(tmp_path):
    rec = moons_mlp()
    path = viz.to_html(rec, tmp_path / "film.html")
    html = path.read_text("utf-8")
    picture = draw_film(rec)
    reel = picture.reel
    data = frames_of(html)
    weights = np.frombuffer(base64.b64decode(data["weights"]), "<f8").reshape(reel.frames, -1)
    np.testing.assert_array_equal(weights, reel.weight_values)
    grads = np.frombuffer(base64.b64decode(data["grads"]), "<f8").reshape(reel.frames, -1)
    assert np.isinf(grads[0]).all() and np.array_equal(grads[1:], reel.weight_grads[1:])
    images = np.frombuffer(base64.b64decode(data["images"]), "u1")
    assert images.size == reel.frames * len(reel.units) * data["thumb"] ** 2
    assert data["texts"][5] == list(frame_texts(reel, 5))
    meta = json.loads(re.search(r'id="film-data">(.*?)</script>', html, re.S).group(1))
    assert meta["frames"] == reel.frames and meta["epochs"] == reel.epochs
    assert meta["steppers"] == [] and '<option value="' not in html.split("datalist")[1]


def test_the_page_shows_the_last_epoch_without_scripts():
    rec = moons_mlp()
    picture = draw_film(rec)
    html = viz.film.page.film_html(picture, title="t")
    last = picture.reel.frames - 1
    colour, width, _ = weight_stroke(picture.reel.weight_values[last, 0], picture.network.scale)
    w0 = re.search(r'<path id="w0"[^>]*>', html).group(0)
    assert f'stroke="{colour}"' in w0 and f'stroke-width="{width:g}"' in w0
    assert f'>epoch {rec.epochs[-1]}</text>' in html


def test_frame_texts_say_the_epoch_and_its_numbers():
    rec = bn_dropout()
    picture = draw_film(rec)
    reel = picture.reel
    head, losses_line, metrics_line = frame_texts(reel, reel.frame_of(rec.best_epoch))
    assert head == f"epoch {rec.best_epoch} · best (early stopping)"
    snap = rec[rec.best_epoch]
    assert losses_line == (f"training loss {snap.train_loss:.4g} · validation loss "
                           f"{snap.val_loss:.4g}")
    assert metrics_line.startswith(f"train accuracy {snap.metrics['train_accuracy']:.4g}")
    assert frame_texts(reel, 0)[0] == "epoch 0 (before training)"


def test_weights_and_heat_maps_are_coloured_by_sign_and_size():
    assert weight_stroke(2.0, 1.0) == (POSITIVE, 4.5, 1.0)
    assert weight_stroke(-0.5, 1.0) == (NEGATIVE, pytest.approx(2.45), pytest.approx(0.6))
    np.testing.assert_array_equal(shade(np.array([0.0, 1.0, -1.0]), 1.0),
                                  [[255, 255, 255], [0x21, 0x66, 0xac], [0xe6, 0x61, 0x01]])
    assert decode(np.array([0, 255])).tolist() == [-1.0, 1.0]


def test_a_stepper_page_per_named_epoch_whose_loss_is_the_curve_s(tmp_path):
    rec = moons_mlp()
    path = viz.to_html(rec, tmp_path / "film.html", steppers=[0, rec.epochs[-1]])
    html = path.read_text("utf-8")
    for epoch in (0, rec.epochs[-1]):
        page = unpack(html, f"stepper-{epoch}").decode("utf-8")
        assert f"epoch {epoch}: loss {rec[epoch].train_loss:.4g}" in page
    assert html.count('<option value="') == 2 + 5  # the two ticks, and the speed's five
    with pytest.raises(ValueError, match="epoch 1000 is not a frame of this film"):
        viz.to_html(rec, tmp_path / "bad.html", steppers=[1000])
    assert not (tmp_path / "bad.html").exists()


def test_an_epoch_s_own_page_steps_through_its_loss(tmp_path):
    rec = moons_mlp()
    snap = rec[10]
    loss = snap.loss()
    assert loss.data == snap.train_loss  # the curve's value at epoch 10
    shown = viz.show(snap)
    assert "epoch 10: loss" in shown.page.title and shown.page.view("network")
    path = viz.to_html(snap, tmp_path / "e10.html")
    assert "epoch 10: loss" in path.read_text("utf-8")
    with pytest.raises(ValueError, match="no loss function or no data"):
        model = nn.MLP(2, [2, 1], seed=0)
        bare = Recorder()
        bare.snapshot(model, epoch=0)
        bare[0].loss()


def test_hostile_names_and_titles_stay_text(tmp_path):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    y = np.array([1, 1, 0, 0])
    model = nn.MLP(2, [3, 1], seed=0)
    rec = Recorder(grid=8)
    with scope("</script><script>window.pwned=1</script>"):
        fit(model, losses.bce_with_logits, optim.SGD(model.parameters(), lr=0.1), X, y,
            epochs=3, verbose=False, record=rec)
    html = viz.to_html(rec, tmp_path / "film.html",
                       title='<img src=x onerror="alert(1)">\x00').read_text("utf-8")
    assert "<script>window" not in html and "<img src=x" not in html
    meta = re.search(r'id="film-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in meta and json.loads(meta)
    assert Value  # (imported for the doc's sake: a film is made of Values' numbers)


def test_bad_calls_say_what_was_wrong(tmp_path):
    rec = moons_mlp()
    with pytest.raises(TypeError, match="Recorder"):
        viz.film.show.film_to_html([1], tmp_path / "x.html")
    with pytest.raises(TypeError, match="epoch= picks the epoch of a still"):
        viz.save(rec, tmp_path / "x.gif", epoch=3)
    with pytest.raises(ValueError, match="height"):
        viz.show(rec, height=10)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.to_html(rec, tmp_path / "no" / "such" / "film.html")
