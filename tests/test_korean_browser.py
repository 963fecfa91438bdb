"""The pages in Korean, in Chromium: their buttons, captions and the film's texts are
Korean, the script writes Korean as it runs, and Hangul is drawn by a font that has it
(what Chromium reports it used), never as boxes. Screenshots for a person to look at are
left in /tmp/korean-*.png."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from browser import console_errors, open_file
from film_helpers import moons_mlp
from selenium.webdriver.support.ui import WebDriverWait
from test_film_browser import go, ready
from test_korean_pictures import seed
from test_page_browser import wait_ready, wait_step

import viz
from autograd.language import language

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def hangul_families() -> set[str]:
    """The font families fontconfig says cover Korean (fonts-nanum's on Debian)."""
    listed = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True,
                            check=False).stdout
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def fonts_used(driver, selector: str) -> dict[str, int]:
    """The fonts Chromium drew the text of the first ``selector`` with: family -> glyphs."""
    document = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})
    node = driver.execute_cdp_cmd("DOM.querySelector", {
        "nodeId": document["root"]["nodeId"], "selector": selector})["nodeId"]
    driver.execute_cdp_cmd("CSS.enable", {})
    fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def drawn_with_hangul_font(driver, selector: str) -> None:
    families = hangul_families()
    if not families:
        pytest.fail("no font with Hangul is installed: `make fonts` installs fonts-nanum")
    used = fonts_used(driver, selector)
    assert set(used) & families, (selector, used)


@pytest.fixture(autouse=True)
def window(browser):
    """The shared browser as the other tests expect it: 1400 x 900, whatever a test set."""
    yield
    browser.set_window_size(1400, 900)


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory):
    return viz.to_html(seed(), tmp_path_factory.mktemp("ko") / "seed.html", lang="ko")


@pytest.fixture(scope="module")
def film_page(tmp_path_factory):
    rec = moons_mlp()
    return viz.to_html(rec, tmp_path_factory.mktemp("ko") / "film.html", lang="ko",
                       steppers=[rec.epochs[-1]])


def test_the_stepper_page_speaks_korean_and_draws_hangul(browser, seed_page):
    browser.set_window_size(1400, 900)
    open_file(browser, seed_page)
    wait_ready(browser)
    play = browser.find_element("id", "play")
    assert play.text == "▶ 재생"
    assert browser.find_element("id", "caption").text.startswith("순전파 1/")
    drawn_with_hangul_font(browser, "#caption")
    drawn_with_hangul_font(browser, ".hint")
    browser.save_screenshot("/tmp/korean-seed-start.png")
    play.click()  # the script's own words: the button turns to pause, in Korean
    WebDriverWait(browser, 5, poll_frequency=0.05).until(
        lambda d: d.find_element("id", "play").text == "❚❚ 일시정지")
    play.click()
    assert browser.find_element("id", "play").text == "▶ 재생"
    steps = int(browser.find_element("id", "step").get_attribute("max"))
    browser.execute_script("autogradViz.show(arguments[0])", steps)
    wait_step(browser, steps)
    assert browser.find_element("id", "end").text == "역전파 끝: 모든 기울기를 구했습니다."
    assert browser.find_element("id", "caption").text.startswith("역전파 ")
    drawn_with_hangul_font(browser, "#end")
    browser.execute_script("""
        var texts = document.querySelectorAll('#stage svg text');
        for (var i = 0; i < texts.length; i++) {
          if (/[\uac00-\ud7a3]/.test(texts[i].textContent)) { texts[i].id = 'hangul-label'; break; }
        }""")
    drawn_with_hangul_font(browser, "#hangul-label")  # the diagram's own labels: 입력, 값
    browser.save_screenshot("/tmp/korean-seed-end.png")
    assert console_errors(browser) == []


def test_the_film_speaks_korean_as_it_plays(browser, film_page):
    browser.set_window_size(1400, 900)
    open_file(browser, film_page)
    ready(browser)
    rec = moons_mlp()
    assert browser.find_element("id", "counter").text == f"에포크 {rec.epochs[-1]}"
    assert browser.find_element("id", "open-steps").text == "이 에포크의 체인 룰"
    assert browser.find_element("id", "epoch").text == f"에포크 {rec.epochs[-1]}"
    go(browser, 0)
    assert browser.find_element("id", "epoch").text == "에포크 0 (학습 전)"
    assert browser.find_element("id", "numbers").text.startswith("학습 손실 ")
    drawn_with_hangul_font(browser, "#counter")
    drawn_with_hangul_font(browser, "#epoch")
    browser.find_element("id", "unit" + str(next(
        u for u, info in enumerate(draw_units()) if info.kind != "input"))).click()
    title = browser.find_element("id", "history-title").text
    assert title.endswith(": 에포크에 따른 가중치")
    assert browser.find_element("id", "history-values").text.startswith("에포크 0에서 ")
    browser.save_screenshot("/tmp/korean-film.png")
    browser.find_element("id", "close-history").click()
    browser.set_window_size(900, 900)
    browser.save_screenshot("/tmp/korean-film-900.png")
    assert console_errors(browser) == []


def draw_units():
    from viz.film.reel import build_reel

    with language("ko"):
        return build_reel(moons_mlp()).units
