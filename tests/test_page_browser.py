"""The interactive page (viz.html, viz/assets/page.js) driven in headless Chromium.

Each test builds the same page in Python (``viz.page.build_page``) and checks that what the
browser shows at a step is what the Python side says that step is: the highlighted ids, the
caption, the rule's lines, the counter, and which numbers are still hidden. The pages are
written once per module (fixtures), and every test ends by checking that the page logged no
error and asked for nothing over the network.

Screenshots for a person to look at are left in /tmp/page-*.png.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from browser import console_errors, network_requests, open_file
from graphs import seed, small_mlp
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import viz
from autograd import Value
from viz.page.build import build_page

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

SHOTS = "/tmp/page-{}.png"
HOSTILE = "<img src=x onerror=alert(1)><script>window.pwned=1</script>"
HOSTILE_OUT = "</script><script>window.pwned=2</script>"

# What the page shows now, read in one round trip. arguments[0]: the id that should be in
# view (the step's first mark), or null.
STATE_JS = """
var $ = function (id) { return document.getElementById(id); };
var view = document.body.getAttribute('data-view');
var holder = $('view-' + view);
function ids(sel) {
  return Array.prototype.map.call(holder.querySelectorAll(sel), function (e) { return e.id; });
}
function shown(el) { return !!el && el.getClientRects().length > 0; }
var inView = null, el = arguments[0] && $(arguments[0]);
if (el) {
  var s = $('stage').getBoundingClientRect(), r = el.getBoundingClientRect();
  inView = r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 &&
    r.bottom <= s.bottom + 1;
}
return {
  step: Number(document.body.getAttribute('data-step')), view: view,
  at: autogradViz.state.at, card: autogradViz.state.card, playing: !!autogradViz.state.timer,
  now: ids('.avz-now'), path: ids('.avz-path'), hidden: ids('.avz-hidden'),
  caption: $('caption').textContent,
  rule: Array.prototype.map.call($('rule').children, function (li) { return li.textContent; }),
  counter: $('counter').textContent, slider: Number($('step').value),
  disabled: ['first', 'prev', 'next', 'last'].filter(function (id) { return $(id).disabled; }),
  end: shown($('end')), inView: inView
};
"""


# -- the graphs and their pages ---------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_page(tmp_path_factory):
    path = viz.to_html(seed(), tmp_path_factory.mktemp("seed") / "seed.html")
    return path, build_page(seed())


@pytest.fixture(scope="module")
def mlp_page(tmp_path_factory):
    loss = small_mlp()
    path = viz.to_html(loss, tmp_path_factory.mktemp("mlp") / "mlp.html", view="network")
    return path, build_page(loss, view="network"), loss


# -- helpers ----------------------------------------------------------------------------------

def state(driver, in_view: str | None = None) -> dict:
    return driver.execute_script(STATE_JS, in_view)


def wait_step(driver, k: int) -> None:
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script("return document.body.getAttribute('data-step')") == str(k))


def wait_ready(driver) -> None:
    driver.set_script_timeout(10)
    assert driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "autogradViz.ready.then(function () { done('ready'); },"
        " function (e) { done(String(e)); });") == "ready"


def press(driver, *keys: str) -> None:
    """Keys as a user types them: to whatever has the focus (a button just clicked, the page)."""
    ActionChains(driver).send_keys(*keys).perform()


def click(driver, element_id: str) -> None:
    driver.find_element(By.ID, element_id).click()


def ids_of_cards(view) -> list[set[str]]:
    """The ids of the cells of the view's neurons' cards (in #cards, not in the view)."""
    return [{i for i in view.reveal if i.startswith(card + "_")} for card in view.cards.values()]


def check_step(driver, view, k: int) -> dict:
    """What the browser shows is ``view``'s step k, as the Python side built it."""
    step = view.steps[k]
    got = state(driver, step.marks[0] if step.marks else None)
    last = len(view.steps) - 1
    assert got["step"] == got["at"] == got["slider"] == k
    assert got["view"] == view.name
    assert set(got["now"]) == set(step.marks), k
    assert set(got["path"]) == set(step.edges), k
    assert got["caption"] == step.caption
    assert got["rule"] == list(step.rule)
    assert got["counter"] == f"{k + 1} / {len(view.steps)}"
    cards = set().union(*(ids_of_cards(view)))
    assert set(got["hidden"]) == {i for i, t in view.reveal.items() if t > k} - cards, k
    assert got["disabled"] == (["first", "prev"] if k == 0 else []) + (
        ["next", "last"] if k == last else [])
    assert got["end"] == (k == last)
    if step.marks:
        assert got["inView"], f"step {k}: {step.marks[0]} is off the stage"
    return got


def assert_quiet(driver) -> None:
    assert console_errors(driver) == []
    assert network_requests(driver) == []


def viewbox(driver, svg_css: str) -> list[float]:
    return [float(n) for n in driver.execute_script(
        "return document.querySelector(arguments[0]).getAttribute('viewBox')", svg_css).split()]


def number(text: str) -> str:
    """The number a caption ends with, or a number cell shows: '∂f/∂z = 3' -> '3'."""
    text = re.sub(r" \(the seed\)$|, the sum over the \d+ edges leaving .*$", "", text)
    return text.rsplit("=", 1)[-1].replace("δ", "").strip()


# -- the seed page ----------------------------------------------------------------------------

def test_seed_page_every_step_by_keyboard_then_back_by_buttons(browser, seed_page):
    path, page = seed_page
    ops = page.view("ops")
    assert len(ops.steps) == 10 and ops.reveal  # forward then backward, numbers to reveal
    open_file(browser, path)
    last = len(ops.steps) - 1
    got = check_step(browser, ops, 0)
    assert got["hidden"], "at the first step the later numbers are hidden"
    browser.find_element(By.TAG_NAME, "body").click()
    for k in range(1, last + 1):
        press(browser, Keys.ARROW_RIGHT)
        wait_step(browser, k)
        got = check_step(browser, ops, k)
        if k == 6:
            browser.save_screenshot(SHOTS.format("seed"))
    assert got["hidden"] == []
    press(browser, Keys.ARROW_RIGHT)  # past the end: stays
    assert check_step(browser, ops, last)["end"]
    for k in range(last - 1, -1, -1):
        click(browser, "prev")
        wait_step(browser, k)
        check_step(browser, ops, k)
    press(browser, Keys.END)
    wait_step(browser, last)
    check_step(browser, ops, last)
    press(browser, Keys.HOME)
    wait_step(browser, 0)
    check_step(browser, ops, 0)
    click(browser, "last")
    check_step(browser, ops, last)
    click(browser, "first")
    check_step(browser, ops, 0)
    for k in range(1, 4):
        click(browser, "next")
        check_step(browser, ops, k)
    # the numbers a backward step reveals are the ones its caption gives
    for k, step in enumerate(ops.steps):
        if step.caption.startswith("backward"):
            browser.execute_script("autogradViz.show(arguments[0])", k)
            assert browser.execute_script(
                "return document.getElementById(arguments[0]).textContent",
                step.marks[0] + "_g").strip() == number(step.caption)
    assert_quiet(browser)


def test_seed_page_space_plays_and_pauses(browser, seed_page):
    path, page = seed_page
    open_file(browser, path)
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    press(browser, " ")
    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda d: state(d)["step"] >= 1)
    got = state(browser)
    assert got["playing"] and browser.find_element(By.ID, "play").text == "❚❚ pause"
    press(browser, " ")
    paused = state(browser)
    assert not paused["playing"] and browser.find_element(By.ID, "play").text == "▶ play"
    time.sleep(1.2)  # longer than a play step (0.9 s): nothing moves while paused
    assert state(browser)["step"] == paused["step"]
    check_step(browser, page.view("ops"), paused["step"])
    # playing runs to the end and stops there, play disabled
    browser.execute_script("autogradViz.show(8)")
    click(browser, "play")
    WebDriverWait(browser, 5, poll_frequency=0.05).until(
        lambda d: state(d)["step"] == 9 and not state(d)["playing"])
    assert browser.find_element(By.ID, "play").get_attribute("disabled") == "true"
    check_step(browser, page.view("ops"), 9)
    assert_quiet(browser)


# -- the MLP page: the network view, the op view, a neuron opened -----------------------------

def test_mlp_network_view_every_step_by_buttons_and_keyboard(browser, mlp_page):
    path, page, _ = mlp_page
    net = page.view("network")
    last = len(net.steps) - 1
    assert page.start == "network" and last > 20
    assert all(len(s.marks) == 1 for s in net.steps)  # one unit a step
    open_file(browser, path)
    check_step(browser, net, 0)
    for k in range(1, last + 1):
        click(browser, "next")
        wait_step(browser, k)
        check_step(browser, net, k)
    for k in range(last - 1, -1, -1):
        press(browser, Keys.ARROW_LEFT)  # the focus is on a button: the keys still step
        wait_step(browser, k)
        check_step(browser, net, k)
    # a backward step's unit shows the gradient its caption gives
    for k, step in enumerate(net.steps):
        if step.caption.startswith("backward"):
            browser.execute_script("autogradViz.show(arguments[0])", k)
            shown = browser.execute_script(
                "return document.getElementById(arguments[0]).textContent",
                step.marks[0] + "_g")
            assert number(shown) == number(step.caption), (k, shown, step.caption)
    assert_quiet(browser)


def test_mlp_view_toggle_keeps_the_step(browser, mlp_page):
    path, page, _ = mlp_page
    net, ops = page.view("network"), page.view("ops")
    open_file(browser, path)
    wait_ready(browser)
    assert browser.find_element(By.ID, "show-ops").is_enabled()
    for k in (3, next(t for t, s in enumerate(net.steps) if s.caption.startswith("backward 7/"))):
        link = net.steps[k].link
        assert link >= 0
        browser.execute_script("autogradViz.show(arguments[0])", k)
        click(browser, "show-ops")
        wait_step(browser, link)
        got = check_step(browser, ops, link)
        assert got["view"] == "ops"
        assert browser.find_element(By.ID, "show-ops").get_attribute("aria-pressed") == "true"
        assert browser.find_element(By.ID, "show-network").get_attribute("aria-pressed") == "false"
        assert not browser.find_element(By.ID, "view-network").is_displayed()
        # the op view's step is the unit's: its box is the neuron's output
        assert ops.steps[link].link == k
        if k > 3:
            browser.save_screenshot(SHOTS.format("ops"))
        click(browser, "show-network")
        wait_step(browser, k)
        assert check_step(browser, net, k)["view"] == "network"
        assert not browser.find_element(By.ID, "view-ops").is_displayed()
    assert_quiet(browser)


def test_mlp_op_view_every_step(browser, mlp_page):
    """The op view (180 steps) stepped by the page's own show(): all of it in one script."""
    path, page, _ = mlp_page
    ops = page.view("ops")
    open_file(browser, path)
    wait_ready(browser)
    click(browser, "show-ops")
    seen = browser.execute_script("""
        var out = [], $ = function (id) { return document.getElementById(id); };
        var holder = $('view-ops'), stage = $('stage').getBoundingClientRect();
        function ids(sel) {
          return Array.prototype.map.call(holder.querySelectorAll(sel), function (e) {
            return e.id; });
        }
        arguments[0].forEach(function (first, k) {
          autogradViz.show(k);
          var r = $(first).getBoundingClientRect();
          out.push({now: ids('.avz-now'), path: ids('.avz-path'), hidden: ids('.avz-hidden'),
            caption: $('caption').textContent, step: document.body.getAttribute('data-step'),
            grad: $(first + '_g') ? $(first + '_g').textContent : null,
            inView: r.left >= stage.left - 1 && r.right <= stage.right + 1 &&
              r.top >= stage.top - 1 && r.bottom <= stage.bottom + 1});
        });
        return out;""", [s.marks[0] for s in ops.steps])
    assert len(seen) == len(ops.steps)
    for k, (got, step) in enumerate(zip(seen, ops.steps)):
        assert got["step"] == str(k)
        assert set(got["now"]) == set(step.marks), k
        assert set(got["path"]) == set(step.edges), k
        assert got["caption"] == step.caption
        assert set(got["hidden"]) == {i for i, t in ops.reveal.items() if t > k}, k
        assert got["inView"], f"step {k}: {step.marks[0]} is off the stage"
        if step.caption.startswith("backward") and got["grad"] is not None:
            assert got["grad"].split() == number(step.caption).split(), k
    assert_quiet(browser)


def test_mlp_clicking_a_neuron_opens_it_and_the_breadcrumb_closes_it(browser, mlp_page):
    path, page, _ = mlp_page
    net = page.view("network")
    unit = next(u for u, name in net.titles.items() if name == "L1.N3")
    assert unit in net.cards
    at = next(k for k, s in enumerate(net.steps) if s.marks == [unit])
    open_file(browser, path)
    wait_ready(browser)
    assert browser.find_element(By.ID, "crumbs").text == "Click a neuron to open it to its ops."
    browser.execute_script("autogradViz.show(arguments[0])", at)
    network_box = viewbox(browser, "#view-network svg")

    click(browser, unit)  # a real click on the neuron's box
    got = state(browser)
    assert got["card"] == unit and got["step"] == at
    crumbs = browser.find_element(By.ID, "crumbs").text
    assert crumbs == "Network › L1.N3: its ops"
    assert not browser.find_element(By.ID, "view-network").is_displayed()
    card = browser.find_element(By.ID, net.cards[unit])
    assert card.is_displayed() and card.text.startswith("L1.N3: its ops")
    others = [c for c in net.cards.values() if c != net.cards[unit]]
    assert not any(browser.find_element(By.ID, c).is_displayed() for c in others)
    assert browser.execute_script(  # the card is on the stage, whole
        "var s = document.getElementById('stage').getBoundingClientRect(),"
        " r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return r.left >= s.left && r.right <= s.right && r.top >= s.top"
        " && r.bottom <= s.bottom;", net.cards[unit])
    browser.save_screenshot(SHOTS.format("network-card"))
    cards_box = viewbox(browser, "#cards svg")
    click(browser, "zoom-in")  # zoom acts on the card, not on the network behind it
    assert viewbox(browser, "#cards svg")[2] < cards_box[2]
    assert viewbox(browser, "#view-network svg") == network_box

    click(browser, "crumb-network")
    got = state(browser)
    assert got["card"] is None and got["step"] == at
    assert browser.find_element(By.ID, "view-network").is_displayed()
    assert not browser.find_element(By.ID, "cards").is_displayed()
    assert browser.find_element(By.ID, "crumbs").text == "Click a neuron to open it to its ops."
    assert viewbox(browser, "#view-network svg") == network_box

    click(browser, unit)  # again; Escape closes it too
    assert state(browser)["card"] == unit
    press(browser, Keys.ESCAPE)
    assert state(browser)["card"] is None

    # a drag that starts on a neuron pans; it does not open the neuron
    ActionChains(browser).move_to_element(browser.find_element(By.ID, unit)).click_and_hold() \
        .move_by_offset(40, 10).move_by_offset(40, 10).release().perform()
    assert state(browser)["card"] is None
    assert viewbox(browser, "#view-network svg")[0] < network_box[0]
    assert_quiet(browser)


# -- zoom and pan -----------------------------------------------------------------------------

FIT_JS = """
var s = document.getElementById('stage').getBoundingClientRect();
var g = document.querySelector(arguments[0]).querySelector('g.graph').getBoundingClientRect();
return [g.left - s.left, s.right - g.right, g.top - s.top, s.bottom - g.bottom,
        g.width / s.width, g.height / s.height];
"""


def test_zoom_and_pan_change_the_view_box(browser, seed_page):
    path, page = seed_page
    svg = "#view-ops svg"
    open_file(browser, path)
    x, y, w, h = start = viewbox(browser, svg)
    stage = browser.find_element(By.ID, "stage")
    assert abs(w / h - stage.size["width"] / stage.size["height"]) < 0.01  # the stage's shape

    click(browser, "zoom-in")
    zx, zy, zw, zh = viewbox(browser, svg)
    assert zw == pytest.approx(w / 1.25, rel=0.01) and zh == pytest.approx(h / 1.25, rel=0.01)
    assert zx + zw / 2 == pytest.approx(x + w / 2, abs=0.1)  # about the centre
    click(browser, "zoom-out")
    assert viewbox(browser, svg) == pytest.approx(start, abs=0.05)
    click(browser, "zoom-out")
    assert viewbox(browser, svg)[2] > w

    click(browser, "fit")  # the whole diagram, filling the stage one way
    left, right, top, bottom, fw, fh = browser.execute_script(FIT_JS, svg)
    assert min(left, right, top, bottom) >= -1
    assert max(fw, fh) > 0.98

    before = viewbox(browser, svg)
    ActionChains(browser).move_to_element(stage).click_and_hold().move_by_offset(60, 40) \
        .move_by_offset(60, 40).release().perform()
    after = viewbox(browser, svg)
    per_px = before[2] / stage.size["width"]
    assert after[0] == pytest.approx(before[0] - 120 * per_px, rel=0.05)
    assert after[1] == pytest.approx(before[1] - 80 * per_px, rel=0.05)
    assert after[2:] == before[2:]  # panning does not zoom
    assert state(browser)["step"] == 0  # nor is a drag a click

    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(stage), 0, -300).perform()
    wheel_in = viewbox(browser, svg)
    assert wheel_in[2] < after[2]
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(stage), 0, 300).perform()
    assert viewbox(browser, svg)[2] == pytest.approx(after[2], rel=0.01)
    # and a wheel event from script (a trackpad's), about its point
    browser.execute_script(
        "var r = document.getElementById('stage').getBoundingClientRect();"
        "document.getElementById('stage').dispatchEvent(new WheelEvent('wheel',"
        " {deltaY: 200, clientX: r.left + 10, clientY: r.top + 10, bubbles: true,"
        " cancelable: true}));")
    out = viewbox(browser, svg)
    assert out[2] > after[2]
    # Firefox's mouse wheel counts lines (deltaMode 1), three a notch: a notch zooms as well
    browser.execute_script(
        "document.getElementById('stage').dispatchEvent(new WheelEvent('wheel',"
        " {deltaY: -3, deltaMode: 1, bubbles: true, cancelable: true}));")
    notch = viewbox(browser, svg)
    assert out[2] / notch[2] > 1.05
    browser.execute_script(
        "document.getElementById('stage').dispatchEvent(new WheelEvent('wheel',"
        " {deltaY: 3, deltaMode: 1, bubbles: true, cancelable: true}));")
    assert viewbox(browser, svg)[2] == pytest.approx(out[2], rel=0.01)

    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    press(browser, "+")
    assert viewbox(browser, svg)[2] == pytest.approx(out[2] / 1.25, rel=0.01)
    press(browser, "-")
    assert viewbox(browser, svg)[2] == pytest.approx(out[2], rel=0.01)
    press(browser, "0")
    assert browser.execute_script(FIT_JS, svg)[4:] == pytest.approx([fw, fh], abs=0.01)
    assert_quiet(browser)


# -- a hostile label --------------------------------------------------------------------------

def test_a_hostile_label_stays_text(browser, tmp_path):
    def graph() -> Value:
        h = Value(2.0, HOSTILE)
        f = h * Value(3.0, "b")
        f.label = HOSTILE_OUT
        return f

    path = viz.to_html(graph(), tmp_path / "hostile.html")
    ops = build_page(graph()).view("ops")
    open_file(browser, path)
    browser.find_element(By.TAG_NAME, "body").click()
    for k in range(len(ops.steps)):
        if k:
            press(browser, Keys.ARROW_RIGHT)
            wait_step(browser, k)
        check_step(browser, ops, k)  # the caption and rule, literal
    assert any(HOSTILE in s.caption for s in ops.steps)
    assert any(HOSTILE in line for s in ops.steps for line in s.rule)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018
    found = browser.execute_script(
        "return [typeof window.pwned, document.querySelectorAll('img').length,"
        " document.querySelectorAll('script').length,"
        " document.querySelector('#stage svg').textContent, document.title,"
        " document.querySelector('h1').textContent];")
    assert found[:3] == ["undefined", 0, 2]  # the data and the page's own script, nothing else
    assert HOSTILE in found[3] and HOSTILE_OUT in found[3]
    assert found[4].startswith(HOSTILE_OUT) and found[5].startswith(HOSTILE_OUT)
    assert_quiet(browser)


# -- viz.show in a notebook's output ----------------------------------------------------------

def _frame_steps(driver, ops) -> None:
    """In the page's frame: the first step shown; a click on the diagram gives the frame the
    keyboard (as a reader's would) and the right arrow shows the second step."""
    WebDriverWait(driver, 5).until(
        lambda d: d.find_element(By.ID, "counter").text == f"1 / {len(ops.steps)}")
    driver.find_element(By.ID, "stage").click()
    assert driver.find_element(By.ID, "counter").text == f"1 / {len(ops.steps)}"
    press(driver, Keys.ARROW_RIGHT)
    WebDriverWait(driver, 5).until(
        lambda d: d.find_element(By.ID, "counter").text == f"2 / {len(ops.steps)}")
    assert driver.find_element(By.ID, "caption").text == ops.steps[1].caption


def test_show_works_in_its_frame_and_falls_back_to_a_picture(browser, tmp_path):
    shown = viz.show(seed())
    ops = shown.page.view("ops")
    path = tmp_path / "output.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    f"{shown._repr_html_()}</body></html>", encoding="utf-8")
    open_file(browser, path)
    frame = browser.find_element(By.TAG_NAME, "iframe")
    assert frame.get_attribute("sandbox") == "allow-scripts"
    assert browser.execute_script(  # the live page lies over the picture
        "var r = arguments[0].getBoundingClientRect();"
        "return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)"
        " === arguments[0];", frame)
    browser.switch_to.frame(frame)
    try:
        _frame_steps(browser, ops)
    finally:
        browser.switch_to.default_content()
    assert_quiet(browser)

    browser.execute_script("document.querySelector('iframe').remove()")  # frames stripped
    img = browser.find_element(By.TAG_NAME, "img")
    assert img.is_displayed()
    assert browser.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", img) > 0
    assert img.size["width"] > 100 and img.size["height"] > 50
    assert_quiet(browser)


def test_show_of_the_mlp_unpacks_its_views_inside_the_sandbox(browser, tmp_path, mlp_page):
    _, page, loss = mlp_page
    path = tmp_path / "output.html"
    path.write_text(f"<!DOCTYPE html><html><body>"
                    f"{viz.show(loss, view='network')._repr_html_()}</body></html>",
                    encoding="utf-8")
    open_file(browser, path)
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        wait_ready(browser)  # gzip'd views, unpacked in an opaque origin
        click(browser, "show-ops")
        assert state(browser)["view"] == "ops"
    finally:
        browser.switch_to.default_content()
    assert_quiet(browser)


# -- a notebook exported with nbconvert, no kernel --------------------------------------------

def test_a_notebook_exported_by_nbconvert_shows_a_live_page(browser, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    shown = viz.show(seed())
    ops = shown.page.view("ops")
    cell = nbformat.v4.new_code_cell("viz.show(f)", execution_count=1, outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": shown._repr_html_(),
                                                     "text/plain": repr(shown)})])
    notebook = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(notebook)
    body, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    path = tmp_path / "notebook.html"
    path.write_text(body, encoding="utf-8")
    open_file(browser, path)
    frame = browser.find_element(By.CSS_SELECTOR, "iframe[sandbox]")
    browser.switch_to.frame(frame)
    try:
        _frame_steps(browser, ops)
        press(browser, Keys.ARROW_RIGHT)
        WebDriverWait(browser, 5).until(
            lambda d: d.find_element(By.ID, "caption").text == ops.steps[2].caption)
    finally:
        browser.switch_to.default_content()
    # nbconvert's own template may ask for its scripts and fonts; the page asks for nothing
    template, _ = nbconvert.HTMLExporter().from_notebook_node(nbformat.v4.new_notebook())
    assert set(network_requests(browser)) <= set(re.findall(r"https?://[^\s\"'<>)]+", template))
    assert console_errors(browser) == []


# -- the network view's numbers before backward() ---------------------------------------------

def test_network_view_gradients_match_the_captions_without_backward(browser, tmp_path):
    loss = small_mlp(backward=False, sizes=(2, 1), n=4)
    path = viz.to_html(loss, tmp_path / "fresh.html", view="network")
    net = build_page(loss, view="network").view("network")
    open_file(browser, path)
    for k, step in enumerate(net.steps):
        if step.caption.startswith("backward") and "(the seed)" not in step.caption:
            browser.execute_script("autogradViz.show(arguments[0])", k)
            shown = browser.execute_script(
                "return document.getElementById(arguments[0]).textContent",
                step.marks[0] + "_g")
            assert number(shown) == number(step.caption), (k, shown, step.caption)


# -- the controls' characters, a narrow frame, a resize ---------------------------------------

def test_the_controls_use_only_characters_dejavu_sans_draws(browser, mlp_page):
    tt = pytest.importorskip("fontTools.ttLib")
    matplotlib = pytest.importorskip("matplotlib")
    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    drawn = set(tt.TTFont(font).getBestCmap())
    path, page, _ = mlp_page
    open_file(browser, path)
    wait_ready(browser)
    read = ("return document.querySelector('header').textContent +"
            " document.querySelector('aside').textContent")
    texts = [browser.execute_script(read)]
    click(browser, "play")
    texts.append(browser.execute_script(read))  # "pause"
    click(browser, "play")
    unit = next(iter(page.view("network").cards))
    browser.execute_script("autogradViz.openCard(arguments[0])", unit)
    texts.append(browser.execute_script(read))  # the breadcrumb
    click(browser, "last")
    texts.append(browser.execute_script(read))  # the end of the pass
    missing = {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in drawn}
    assert missing == set()
    assert_quiet(browser)


def test_in_a_narrow_output_cell_the_diagram_takes_the_width(browser, tmp_path):
    path = tmp_path / "narrow.html"
    path.write_text(f"<!DOCTYPE html><html><body><div style='width:700px'>"
                    f"{viz.show(seed())._repr_html_()}</div></body></html>", encoding="utf-8")
    open_file(browser, path)
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        stage, aside, width = browser.execute_script(
            "function box(s) { var r = document.querySelector(s).getBoundingClientRect();"
            " return {left: r.left, width: r.width, top: r.top, bottom: r.bottom}; }"
            "return [box('#stage'), box('aside'), document.body.clientWidth];")
    finally:
        browser.switch_to.default_content()
    assert stage["width"] > 0.9 * width
    assert aside["top"] >= stage["bottom"] - 1  # the chain rule under the diagram


def test_each_view_box_keeps_the_stage_shape_through_a_resize(browser, mlp_page):
    """The view box has the stage's proportions, or a drag would not follow the pointer:
    also for a view that was hidden while the window changed size."""
    path, _, _ = mlp_page
    aspect = ("var s = document.getElementById('stage'), v = document.querySelector("
              "'#view-' + autogradViz.state.view + ' svg').getAttribute('viewBox').split(' ');"
              "return [s.clientWidth / s.clientHeight, v[2] / v[3]];")
    size = browser.get_window_size()
    open_file(browser, path)
    wait_ready(browser)
    try:
        click(browser, "show-ops")
        click(browser, "show-network")
        browser.set_window_size(size["width"] - 400, size["height"])
        WebDriverWait(browser, 5).until(
            lambda d: abs(d.execute_script(aspect)[0] - d.execute_script(aspect)[1]) < 0.01)
        click(browser, "show-ops")  # hidden during the resize
        stage, box = browser.execute_script(aspect)
        assert box == pytest.approx(stage, rel=0.01)
        before = viewbox(browser, "#view-ops svg")
        width = browser.find_element(By.ID, "stage").size["width"]
        ActionChains(browser).move_to_element(browser.find_element(By.ID, "stage")) \
            .click_and_hold().move_by_offset(50, 50).move_by_offset(50, 50).release().perform()
        after = viewbox(browser, "#view-ops svg")
        assert before[1] - after[1] == pytest.approx(100 * before[2] / width, rel=0.05)
    finally:
        browser.set_window_size(size["width"], size["height"])
    assert_quiet(browser)


def test_an_opened_neurons_numbers_follow_the_steps(browser, mlp_page):
    path, page, _ = mlp_page
    net = page.view("network")
    unit = next(u for u, name in net.titles.items() if name == "L1.N3")
    card = net.cards[unit]
    forward = next(k for k, s in enumerate(net.steps) if s.marks == [unit])
    backward = max(k for k, s in enumerate(net.steps) if s.marks == [unit])
    open_file(browser, path)
    wait_ready(browser)
    hidden = ("return Array.prototype.map.call(document.querySelectorAll("
              "'[id^=\"' + arguments[0] + '_\"]'), function (el) {"
              " return [el.id.split('_')[1][0], el.classList.contains('avz-hidden')]; })")
    for at, hidden_kinds in ((forward - 1, set("fdge")), (forward, set("ge")), (backward, set())):
        browser.execute_script("autogradViz.show(arguments[0])", at)
        browser.execute_script("autogradViz.openCard(arguments[0])", unit)
        cells = browser.execute_script(hidden, card)
        assert {kind for kind, _ in cells} == set("fdge")
        assert {kind for kind, off in cells if off} == hidden_kinds, at
        assert {kind for kind, off in cells if not off} == set("fdge") - hidden_kinds, at
    assert_quiet(browser)
