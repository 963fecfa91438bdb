"""One sample, one truth, in Chromium: the network pages of the course's models.

For the moons MLP 2-16-16-1, the breast-cancer-sized MLP 30-16-1, a Sequential with batch
norm and dropout, and an RNN over 10 steps, all batched, and for two samples picked in the
page's selector: at every backward step, the highlighted box's δ, the caption and the end
of the rule are one number, the engine's gradient of that unit's value for that sample;
every product and sum the rule writes holds to its printed precision; and every forward
step's box shows the unit's value for that sample. Then the batch mean: no product of
means anywhere.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from arithmetic import check_lines
from browser import console_errors, network_requests, open_file
from graphs import COURSE, course_model

import viz
from autograd import grad
from viz.network.draw import unit_names
from viz.network.units import read_neurons
from viz.page.build import build_page

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

SAMPLES = (0, 7)

READ_JS = """
var k = arguments[0], mark = arguments[1];
autogradViz.show(k);
var cell = function (suffix) {
  var el = document.getElementById(mark + suffix);
  return el ? el.textContent.replace(/\\u2007/g, '').trim() : null;
};
return {caption: document.getElementById('caption').textContent,
        rule: Array.prototype.map.call(document.getElementById('rule').children,
                                       function (li) { return li.textContent; }),
        value: cell('_d'), delta: cell('_g'),
        now: Array.prototype.map.call(document.querySelectorAll('.avz-now'),
                                      function (e) { return e.id; })};
"""


def number(text: str) -> float:
    """The number at the end of a cell ("δ = -0.00755", "a = 0.3", "0.5"), or a caption."""
    return float(re.sub(r" \(the seed\)| \(an input\)$", "", text).rsplit(" ", 1)[-1])


def close(shown: float, exact: float, digits: int = 3) -> bool:
    """Whether ``shown`` is ``exact`` printed with ``digits`` significant digits."""
    return shown == pytest.approx(exact, rel=10 ** (1 - digits), abs=1e-12)


@pytest.fixture(scope="module", params=COURSE)
def course_page(request, tmp_path_factory):
    loss = course_model(request.param, n=12)
    path = viz.to_html(loss, tmp_path_factory.mktemp(request.param) / "page.html",
                       view="network")
    return request.param, loss, path, build_page(loss, view="network")


def test_every_step_of_two_samples_is_one_number_the_engines(browser, course_page):
    name, loss, path, page = course_page
    view = page.view("network")
    net = read_neurons(loss)
    ids = unit_names(net)
    units = {"w" + ids[id(u)]: u for column in net.columns for u in column}
    open_file(browser, path)
    browser.set_script_timeout(10)
    assert browser.execute_async_script(
        "var done = arguments[0]; autogradViz.ready.then(function () { done('ok'); });") == "ok"
    checked = 0
    for sample in SAMPLES:
        choice = page.choices.index(f"sample {sample} of 12")
        browser.execute_script("autogradViz.setSample(arguments[0])", choice)
        for k, step in enumerate(view.steps):
            got = browser.execute_script(READ_JS, k, step.marks[0])
            unit = units[step.marks[0]]
            assert got["now"] == step.marks
            values = unit.outputs
            value = values[sample % len(values)] if len(values) > 1 else values[0]
            if k < len(view.steps) // 2:  # forward: the box shows the sample's value
                exact = float(np.ravel(value.data)[sample % np.size(value.data)])
                assert close(number(got["value"]), exact), (name, k, got)
                assert close(number(got["caption"]), exact), (name, k, got)
                continue
            g = grad(loss, [value])[0].data
            exact = float(np.ravel(g)[sample % np.size(g)])
            assert close(number(got["delta"]), exact), (name, k, got)
            assert close(number(got["caption"]), exact), (name, k, got)
            if value is not loss:  # the rule ends in the same number
                last = [line for line in got["rule"] if line.startswith("= ")][-1]
                end = last.removeprefix("= ").rsplit(" = ", 1)[-1].split()[0]
                assert close(float(end), exact), got["rule"]
                assert f"numbers of sample {sample} of 12" in got["rule"]
            checked += check_lines(got["rule"], rel=2e-2, absolute=1e-9)
    assert checked > len(view.steps) // 2
    assert console_errors(browser) == [] and network_requests(browser) == []


def test_the_batch_mean_writes_no_product_of_means(browser, course_page):
    name, loss, path, page = course_page
    view = page.view("network")
    open_file(browser, path)
    browser.execute_async_script(
        "var done = arguments[0]; autogradViz.ready.then(function () { done('ok'); });")
    browser.execute_script("autogradViz.setSample(arguments[0])", len(page.choices) - 1)
    assert browser.execute_script("return document.getElementById('sample').value") == str(
        len(page.choices) - 1)
    for k in range(len(view.steps)):
        got = browser.execute_script(READ_JS, k, view.steps[k].marks[0])
        for line in got["rule"]:
            assert not re.search(r"(?<![\w.])-?[\d.]+\)? [×·] \(?-?\d", line), (name, k, line)
    assert console_errors(browser) == []
