"""The browser tests' own check: headless Chromium opens a stepper page and drives it offline."""

from __future__ import annotations

import html
import shutil

import pytest
from browser import console_errors, network_requests, open_file
from graphs import seed
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import viz

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


@needs_dot
def test_the_seed_page_steps_on_the_right_arrow_offline_and_quietly(browser, tmp_path):
    path = tmp_path / "steps.html"
    viz.to_html(viz.step_backward(seed()), path)  # returns the text or the path: read the file
    assert "<html" in path.read_text(encoding="utf-8")

    open_file(browser, path)
    counter = browser.find_element(By.ID, "counter")
    assert counter.text == "1 / 5"
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(browser, 5).until(lambda _: counter.text != "1 / 5")
    assert counter.text == "2 / 5"

    assert console_errors(browser) == []
    assert network_requests(browser) == []


def test_the_browser_reports_network_requests_and_console_errors_and_blocks_the_network(
        browser, tmp_path):
    (tmp_path / "local.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    inner = '<img src="https://example.net/z.png"><script>console.error("inner")</script>'
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><img id="local" src="local.svg">'
        '<img id="remote" src="https://example.com/x.png">'
        # as a notebook's output is shown: a sandboxed iframe, its own page
        f'<iframe sandbox="allow-scripts" srcdoc="{html.escape(inner)}"></iframe>'
        "<script>fetch('http://192.0.2.1/y').then(function () { document.title = 'reached'; },"
        " function () { document.title = 'blocked'; console.error('boom'); });</script>",
        encoding="utf-8")
    open_file(browser, page)
    WebDriverWait(browser, 5).until(lambda d: d.title)
    assert browser.title == "blocked"
    assert browser.execute_script(
        "return [document.getElementById('local').naturalWidth,"
        " document.getElementById('remote').naturalWidth]") == [4, 0]
    assert sorted(network_requests(browser)) == [
        "http://192.0.2.1/y", "https://example.com/x.png", "https://example.net/z.png"]
    assert sorted(e["message"].rsplit(" ", 1)[1] for e in console_errors(browser)) == [
        '"boom"', '"inner"']
    open_file(browser, tmp_path / "local.svg")  # a new page: the old one's logs are gone
    assert network_requests(browser) == [] and console_errors(browser) == []
