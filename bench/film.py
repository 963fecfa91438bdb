"""Film benchmark: recording a training, writing its page and GIF, playing it in Chromium.

    python bench/film.py                # 5 rounds; --no-browser skips Chromium

The issue "Watch it learn"'s budgets, on ``MLP(2, [16, 16, 1])`` trained on 200 moons for
300 epochs (whole-batch SGD) with the recorder's 40 x 40 grid:

- recording costs at most 20% of ``fit``'s time (fit with and without ``record=``, taking
  turns, median of the rounds);
- the page is under 8 MB and written in under 10 s (``viz.to_html(rec, path)``; and with
  the chain rule of two epochs held, ``steppers=[0, 300]``);
- the 100-frame GIF in under 60 s (``viz.save(rec, "film.gif")``);
- the film plays at 10 frames a second in Chromium: the time the page takes to apply one
  frame, and the frames shown in 3 s of playing at 10 a second.

Also the cost of one live update in Jupyter (``viz.show(rec)`` while fit runs), at most
two a second.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.datasets import make_moons  # noqa: E402

import viz  # noqa: E402
from autograd import losses, nn, optim  # noqa: E402
from autograd.training import Recorder, fit  # noqa: E402
from viz.film.live import Film  # noqa: E402

EPOCHS = 300


def train(record: Recorder | None) -> float:
    X, y = make_moons(200, noise=0.2, random_state=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    started = time.perf_counter()
    fit(model, losses.bce_with_logits, optim.SGD(model.parameters(), lr=0.1), X, y,
        epochs=EPOCHS, verbose=False, record=record)
    return time.perf_counter() - started


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def browser_rates(page: Path) -> tuple[float, int]:
    """Milliseconds the page takes to apply a frame (mean over every frame), and the frames
    shown in 3 s of playing at 10 a second."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from browser import chromium, open_file

    with chromium() as driver:
        open_file(driver, page)
        driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            (function wait() { if (document.body.getAttribute('data-ready')) { done(); }
                               else { setTimeout(wait, 20); } })();""")
        per_frame = driver.execute_script("""
            var s = document.getElementById('frame'), n = +s.max + 1, t = performance.now();
            for (var f = 0; f < n; f++) { s.value = f; s.dispatchEvent(new Event('input')); }
            return (performance.now() - t) / n;""")
        driver.execute_script("document.getElementById('first').click();"
                              "document.getElementById('speed').value = '10';"
                              "document.getElementById('play').click();")
        time.sleep(3.0)
        shown = int(driver.execute_script("return +document.getElementById('frame').value;"))
        driver.execute_script("document.getElementById('play').click();")
    return per_frame, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    plain, recorded = [], []
    rec = Recorder()
    for _ in range(args.rounds):  # taking turns, so a busy moment hits both
        plain.append(train(None))
        rec = Recorder()
        recorded.append(train(rec))
    fit_s, rec_s = statistics.median(plain), statistics.median(recorded)

    folder = Path(tempfile.mkdtemp(prefix="film-bench-"))
    page_s, page = timed(lambda: viz.to_html(rec, folder / "film.html"))
    held_s, held = timed(lambda: viz.to_html(rec, folder / "held.html", steppers=[0, EPOCHS]))
    gif_s, gif = timed(lambda: viz.save(rec, folder / "film.gif"))
    live = Film(rec, height=720, frames=400, steppers=(), title=None, samples=3)
    live_s = statistics.median(timed(live._live)[0] for _ in range(5))

    print(f"# film benchmark: MLP(2, [16, 16, 1]), 200 moons, {EPOCHS} epochs, 40 x 40 grid")
    print(f"# python {platform.python_version()}, {platform.machine()}, "
          f"median of {args.rounds} rounds")
    rows = [
        ("fit, not recorded (s)", f"{fit_s:.2f}", ""),
        ("fit, recorded (s)", f"{rec_s:.2f}", f"+{100 * (rec_s / fit_s - 1):.1f}% (≤ 20%)"),
        ("recording kept (MB, snapshots)", f"{rec.nbytes / 1e6:.2f}", f"{len(rec)} epochs"),
        ("page written (s)", f"{page_s:.2f}", "≤ 10 s"),
        ("page size (MB)", f"{page.stat().st_size / 1e6:.2f}", "≤ 8 MB"),
        ("page with 2 steppers (s, MB)", f"{held_s:.2f}, {held.stat().st_size / 1e6:.2f}", ""),
        ("GIF, 100 frames (s)", f"{gif_s:.1f}", "≤ 60 s"),
        ("GIF size (MB)", f"{gif.stat().st_size / 1e6:.2f}", ""),
        ("one live update (ms)", f"{1000 * live_s:.0f}", "≤ 2 a second"),
    ]
    if not args.no_browser and not Path("/usr/bin/chromedriver").exists():
        print("(Chromium not installed: `make chromium`, or --no-browser)")
    elif not args.no_browser:
        per_frame, shown = browser_rates(page)
        rows += [("Chromium: apply a frame (ms)", f"{per_frame:.1f}",
                  f"{1000 / per_frame:.0f} frames/s possible"),
                 ("Chromium: frames in 3 s at 10/s", f"{shown}", "≈ 30")]
    for name, value, note in rows:
        print(f"{name:<34}{value:>14}   {note}")


if __name__ == "__main__":
    main()
