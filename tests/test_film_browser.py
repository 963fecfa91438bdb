"""The film's page in headless Chromium: each frame draws the recorded numbers.

The slider and play change every weight line to the recorded weight's sign and size, the
heat maps and the prediction to the frame's, the cursor and the texts move; hovering a
weight tells its value and gradient as Python writes them; a click opens a unit's
history; a frame with a held stepper opens it; nothing is loaded, nothing complains.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from browser import console_errors, network_requests, open_file
from film_helpers import RECORDINGS, moons_mlp

import viz
from viz.common.text import format_number
from viz.film.network import decode
from viz.film.panels import boundary_pixels, frame_texts
from viz.film.picture import draw_film
from viz.film.style import shade, weight_stroke


def ready(driver):
    driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        (function wait() {
          if (document.body.getAttribute("data-ready")) { done(); } else { setTimeout(wait, 20); }
        })();""")


def go(driver, f):
    driver.execute_script("var s = document.getElementById('frame'); s.value = arguments[0];"
                          "s.dispatchEvent(new Event('input'));", f)


def pixel_of(driver, ident, fx=0.5, fy=0.5):
    """The colour an <image>'s picture has at (fx, fy) of its size, read back in the page."""
    return driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var img = new Image();
        img.onload = function () {
          var c = document.createElement("canvas");
          c.width = img.width; c.height = img.height;
          var ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
          var x = Math.floor(arguments[1] * img.width), y = Math.floor(arguments[2] * img.height);
          done(Array.from(ctx.getImageData(Math.min(x, img.width - 1),
                                           Math.min(y, img.height - 1), 1, 1).data));
        }.bind(null, null, arguments[1], arguments[2]);
        img.src = document.getElementById(arguments[0]).getAttribute("href");
    """, ident, fx, fy)


@pytest.fixture(scope="module")
def moons_page(tmp_path_factory):
    rec = moons_mlp()
    path = viz.to_html(rec, tmp_path_factory.mktemp("film") / "film.html",
                       steppers=[0, rec.epochs[-1]])
    return path, draw_film(rec)


def test_each_frame_draws_every_weight_by_its_recorded_sign_and_size(browser, moons_page):
    path, picture = moons_page
    reel = picture.reel
    open_file(browser, path)
    ready(browser)
    for f in (0, 9, reel.frames - 1):
        go(browser, f)
        drawn = browser.execute_script("""
            return Array.from(document.querySelectorAll('path[id^="w"]')).map(function (p) {
              return [p.id, p.getAttribute('stroke'), +p.getAttribute('stroke-width'),
                      +p.getAttribute('stroke-opacity')]; });""")
        assert len(drawn) == len(reel.weights)
        for ident, colour, width, opacity in drawn:
            k = int(ident[1:])
            want = weight_stroke(reel.weight_values[f, k], picture.network.scale)
            assert colour == want[0]
            assert width == pytest.approx(want[1], abs=1e-9)
            assert opacity == pytest.approx(want[2], abs=1e-9)
        texts = browser.execute_script(
            "return ['epoch', 'numbers', 'numbers2'].map(function (i) {"
            " return document.getElementById(i).textContent; });")
        assert texts == list(frame_texts(reel, f))
        d = browser.find_element("id", "cursor0").get_attribute("d")
        assert float(d[1:].split(" ")[0]) == pytest.approx(picture.panels.cursor_x[f])
    assert console_errors(browser) == [] and network_requests(browser) == []


def test_heat_maps_and_the_prediction_are_the_frame_s(browser, moons_page):
    path, picture = moons_page
    reel = picture.reel
    open_file(browser, path)
    ready(browser)
    u = next(u for u, info in enumerate(reel.units) if info.name == "L1.N3")
    seen = []
    for f in (0, reel.frames - 1):
        go(browser, f)
        codes = picture.network.image_codes[f, u]  # row 5, column 12 of the heat map
        want = shade(decode(codes[5, 12]), 1.0)
        got = pixel_of(browser, f"img{u}", (12 + 0.5) / codes.shape[1], (5 + 0.5) / codes.shape[0])
        assert got[:3] == list(want)
        g = picture.panels.boundary_codes.shape[-1]
        want = boundary_pixels(picture.panels.boundary_codes[f])[3, 7]
        got = pixel_of(browser, "boundary", (7 + 0.5) / g, (3 + 0.5) / g)
        assert got[:3] == list(want)
        seen.append(browser.find_element("id", "boundary").get_attribute("href"))
    assert seen[0] != seen[1]


def test_hovering_a_weight_tells_its_value_and_gradient_as_python_writes_them(browser,
                                                                               moons_page):
    path, picture = moons_page
    reel = picture.reel
    open_file(browser, path)
    ready(browser)
    f = 6
    go(browser, f)
    for k in range(0, len(reel.weights), 7):
        tip = browser.execute_script("""
            var el = document.getElementById('hit' + arguments[0]);
            var box = el.getBoundingClientRect();
            el.dispatchEvent(new MouseEvent('mousemove', {bubbles: true,
              clientX: box.x + box.width / 2, clientY: box.y + box.height / 2}));
            return document.getElementById('tip').innerText;""", k)
        weight = reel.weights[k]
        assert f"w = {format_number(reel.weight_values[f, k])} at epoch {reel.epochs[f]}" in tip
        assert f"∂loss/∂w = {format_number(reel.weight_grads[f, k])}" in tip
        assert f"{reel.units[weight.source].name} → {reel.units[weight.target].name}" in tip
    go(browser, 0)
    tip = browser.execute_script("""
        document.getElementById('hit0').dispatchEvent(new MouseEvent('mousemove',
          {bubbles: true, clientX: 5, clientY: 5}));
        return document.getElementById('tip').innerText;""")
    assert "none yet" in tip


def test_numbers_are_written_as_python_writes_them(browser, moons_page):
    """The page's number() is Python's format(x, ".4g"), on tricky values too."""
    path, _ = moons_page
    open_file(browser, path)
    ready(browser)
    values = [0.0, -0.0, 1.0, -2.5, 1234.5, 12345.0, 0.0001234, 0.00001234, 1e-5, 99999.0,
              0.99995, 123456789.0, -7.0e-12, 3.14159, 2.675, 1e21, math.pi * 1e4, -0.00004,
              9.9995e-5, 5e-324]
    values += list(np.random.default_rng(0).normal(size=200) * 10.0 ** np.arange(-8, 8, 0.08))
    texts = browser.execute_script("return arguments[0].map(window.autogradViz.number);",
                                   [float(v) for v in values])
    assert texts == [format_number(v) for v in values]


def test_a_click_opens_a_unit_s_history_and_a_frame_its_epoch_s_chain_rule(browser, moons_page):
    path, picture = moons_page
    reel = picture.reel
    open_file(browser, path)
    ready(browser)
    go(browser, 4)
    u = next(u for u, info in enumerate(reel.units) if info.name == "L0.N2")
    browser.find_element("id", f"unit{u}").click()
    history = browser.find_element("id", "history")
    assert history.is_displayed() and "L0.N2" in history.text
    w = reel.weight_values[4, [k for k, wt in enumerate(reel.weights) if wt.target == u][0]]
    assert f"w from x0 = {format_number(w)}" in history.text
    go(browser, 0)
    assert f"at epoch {reel.epochs[0]}" in browser.find_element("id", "history").text
    browser.find_element("id", "close-history").click()
    assert not history.is_displayed()
    go(browser, 3)
    assert not browser.find_element("id", "open-steps").is_enabled()
    go(browser, 0)
    browser.find_element("id", "open-steps").click()
    browser.execute_async_script("""
        var done = arguments[arguments.length - 1];
        (function wait() {
          if (!document.getElementById('stepper').hidden) { done(); } else { setTimeout(wait, 20); }
        })();""")
    srcdoc = browser.find_element("id", "stepper-frame").get_attribute("srcdoc")
    assert f"epoch 0: loss {moons_mlp()[0].train_loss:.4g}" in srcdoc
    browser.find_element("id", "close-steps").click()
    assert console_errors(browser) == []


def test_play_runs_to_the_end_and_stops(browser, tmp_path):
    rec = moons_mlp()
    path = viz.to_html(rec, tmp_path / "film.html", frames=6)
    open_file(browser, path)
    ready(browser)
    browser.execute_script("document.getElementById('speed').value = '30';"
                           "document.getElementById('play').click();")
    browser.execute_async_script("""
        var done = arguments[arguments.length - 1];
        (function wait() {
          if (document.getElementById('play').textContent.indexOf('play') >= 0) { done(); }
          else { setTimeout(wait, 30); }
        })();""")
    assert browser.find_element("id", "counter").text == f"epoch {rec.epochs[-1]}"


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_every_course_model_s_film_plays_without_a_complaint(browser, tmp_path, name):
    rec = RECORDINGS[name]()
    path = viz.to_html(rec, tmp_path / f"{name}.html")
    open_file(browser, path)
    ready(browser)
    for f in (0, 1, len(rec.epochs) - 1):
        go(browser, f)
    reel = draw_film(rec).reel
    if reel.steps_norms is not None:  # the RNN's bars follow the frame
        go(browser, 0)
        first = browser.find_element("id", "norm0").get_attribute("height")
        go(browser, reel.frames - 1)
        assert browser.find_element("id", "norm0").get_attribute("height") != first
    if reel.stats is not None:
        fills = browser.execute_script("return Array.from(document.querySelectorAll("
                                       "'rect[id^=\"box\"]')).map(r => r.getAttribute('fill'))")
        assert len(set(fills)) > 2
    assert console_errors(browser) == [] and network_requests(browser) == []
    assert np.isfinite(reel.weight_values).all()


def test_an_exported_notebook_plays_its_film_without_a_kernel(browser, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    from selenium.webdriver.common.by import By

    rec = moons_mlp()
    film = viz.show(rec)
    cell = nbformat.v4.new_code_cell("viz.show(rec)", execution_count=1, outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": film._repr_html_(),
                                                     "text/plain": repr(film)})])
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    path = tmp_path / "notebook.html"
    path.write_text(body, encoding="utf-8")
    browser.set_window_size(900, 900)
    try:
        open_file(browser, path)
        browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[sandbox]"))
        ready(browser)
        picture = draw_film(rec)
        go(browser, 0)
        colour = browser.find_element("id", "w3").get_attribute("stroke")
        assert colour == weight_stroke(picture.reel.weight_values[0, 3], picture.network.scale)[0]
        assert browser.find_element("id", "counter").text == "epoch 0"
        side = browser.execute_script(
            "return document.getElementById('panels').getBoundingClientRect().width")
        assert side > 300  # the panels beside the network, not pushed out of a 900 px cell
    finally:
        browser.switch_to.default_content()
        browser.set_window_size(1400, 900)
    assert console_errors(browser) == []
