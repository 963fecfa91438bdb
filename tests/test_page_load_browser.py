"""The page alive on load, readable at its size, in Chromium.

A page that loads with no size (a cell that starts hidden, a collapsed output, a background
tab, an exported notebook) places its diagram once it has one; it opens on the whole network
or the current step with text at least 10 px high, at 1400 x 900 and at a notebook's 900 px;
an opened card's text is at least 10 px and inside its border. Screenshots for a person to
look at are left in /tmp/page-load-*.png.
"""

from __future__ import annotations

import shutil

import pytest
from browser import console_errors, open_file
from graphs import course_model
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import viz

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

SHOTS = "/tmp/page-load-{}.png"

# Inside the page: the shown view's box, the stage's size, how many of its nodes are drawn
# and how many are on the stage, and whether the current step's node is.
MEASURE_JS = """
var view = autogradViz.views[autogradViz.state.view], stage = document.getElementById('stage');
var s = stage.getBoundingClientRect();
var inside = 0, drawn = 0;
Array.prototype.forEach.call(view.svg.querySelectorAll('g.node'), function (g) {
  var r = g.getBoundingClientRect();
  drawn += 1;
  if (r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 &&
      r.bottom <= s.bottom + 1) { inside += 1; }
});
var current = document.querySelector('.avz-now'), seen = null;
if (current) {
  var c = current.getBoundingClientRect();
  seen = c.left >= s.left - 1 && c.right <= s.right + 1 && c.top >= s.top - 1 &&
    c.bottom <= s.bottom + 1;
}
return {box: view.box, width: s.width, height: s.height, inside: inside, drawn: drawn,
        current: seen};
"""


def viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1,
                            "mobile": False})


def text_height(driver, selector: str = "#stage svg") -> float:
    """The height in pixels of the shortest line of text drawn in ``selector``'s nodes."""
    return driver.execute_script("""
      var svg = document.querySelector(arguments[0]), least = 1e9;
      Array.prototype.forEach.call(svg.querySelectorAll('g.node text'), function (t) {
        if (t.closest('[style*="display: none"]')) { return; }
        var size = parseFloat(t.getAttribute('font-size'));
        var scale = t.getScreenCTM().a;
        if (size && scale && t.getClientRects().length) { least = Math.min(least, size * scale); }
      });
      return least;""", selector)


@pytest.fixture(scope="module")
def mlp_path(tmp_path_factory):
    return viz.to_html(course_model("mlp", n=12), tmp_path_factory.mktemp("load") / "mlp.html",
                       view="network")


@pytest.fixture(autouse=True)
def window(browser):
    yield
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_moons_mlp_opens_whole_and_readable_at_1400_by_900(browser, mlp_path):
    viewport(browser, 1400, 900)
    open_file(browser, mlp_path)
    got = browser.execute_script(MEASURE_JS)
    assert got["inside"] == got["drawn"], got  # every neuron, the loss and the legend
    assert text_height(browser) >= 10
    browser.save_screenshot(SHOTS.format("mlp-1400"))
    assert console_errors(browser) == []


def test_at_a_notebooks_900_px_it_opens_on_the_current_step_readable(browser, mlp_path):
    viewport(browser, 900, 620)
    open_file(browser, mlp_path)
    for k in (0, 40, 60):
        browser.execute_script("autogradViz.show(arguments[0])", k)
        got = browser.execute_script(MEASURE_JS)
        assert got["current"], (k, got)
        assert text_height(browser) >= 10
    browser.save_screenshot(SHOTS.format("mlp-900"))


def test_an_opened_card_is_readable_and_inside_its_border(browser, mlp_path):
    viewport(browser, 900, 620)
    open_file(browser, mlp_path)
    browser.execute_async_script(
        "var done = arguments[0]; autogradViz.ready.then(function () { done(); });")
    unit = browser.execute_script(
        "var v = autogradViz.views.network; return Object.keys(v.spec.cards)[20];")
    browser.execute_script("autogradViz.show(70); autogradViz.openCard(arguments[0]);", unit)
    card = browser.execute_script(
        "return autogradViz.views.network.spec.cards[arguments[0]];", unit)
    assert text_height(browser, "#cards svg") >= 10
    outside = browser.execute_script("""
      var card = document.getElementById(arguments[0]);
      var border = card.querySelector('path, polygon').getBoundingClientRect(), out = [];
      Array.prototype.forEach.call(card.querySelectorAll('text'), function (t) {
        var r = t.getBoundingClientRect();
        if (r.left < border.left - 1 || r.right > border.right + 1) { out.push(t.textContent); }
      });
      return out;""", card)
    assert outside == []
    browser.save_screenshot(SHOTS.format("card-900"))


HIDDEN = """<!DOCTYPE html><html><body>
<div id="cell" style="display:none">{shown}</div>
<script>window.reveal = function () {{ document.getElementById('cell').style.display = ''; }};
</script></body></html>"""


def test_a_page_that_loads_hidden_places_its_diagram_once_shown(browser, tmp_path):
    shown = viz.show(course_model("mlp", n=6, small=True), view="network")
    path = tmp_path / "hidden.html"
    path.write_text(HIDDEN.format(shown=shown._repr_html_()), encoding="utf-8")
    viewport(browser, 1400, 900)
    open_file(browser, path)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe[sandbox]")
    browser.switch_to.frame(frame)
    try:  # loaded with no size: nothing placed yet, and no error
        assert browser.execute_script("return autogradViz.views.network.box") is None
    finally:
        browser.switch_to.default_content()
    browser.execute_script("window.reveal()")
    browser.switch_to.frame(frame)
    try:
        WebDriverWait(browser, 5).until(
            lambda d: d.execute_script("return autogradViz.views.network.box") is not None)
        got = browser.execute_script(MEASURE_JS)
        assert got["inside"] == got["drawn"] and got["width"] > 300, got
    finally:
        browser.switch_to.default_content()
    assert console_errors(browser) == []


def test_an_exported_notebook_shows_its_network_page_placed(browser, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    shown = viz.show(course_model("mlp", n=6, small=True), view="network")
    cell = nbformat.v4.new_code_cell("viz.show(loss, view='network')", execution_count=1,
                                     outputs=[nbformat.v4.new_output(
                                         "display_data", data={"text/html": shown._repr_html_(),
                                                               "text/plain": repr(shown)})])
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    path = tmp_path / "notebook.html"
    path.write_text(body, encoding="utf-8")
    viewport(browser, 1400, 900)
    open_file(browser, path)
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[sandbox]"))
    try:
        WebDriverWait(browser, 5).until(
            lambda d: d.execute_script("return autogradViz.views.network.box") is not None)
        got = browser.execute_script(MEASURE_JS)  # a notebook is narrower: the current step
        assert got["inside"] > 0 and got["current"], got
        assert text_height(browser) >= 10
    finally:
        browser.switch_to.default_content()
