"""The film in Jupyter (viz.film.live): live while fit runs, a complete page at the end.

IPython's ``display`` is replaced by a recorder of what would reach the cell, so this runs
without a kernel; the notebooks run it in one."""

from __future__ import annotations

import html
import re

import pytest
from film_helpers import moons_mlp
from sklearn.datasets import make_moons

import viz
import viz.film.live as live
from autograd import losses, nn, optim
from autograd.training import Recorder, fit

X, y = make_moons(60, noise=0.2, random_state=0)


class Cell:
    """What a notebook cell would show: the first display and every update."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def display(self, obj, display_id=None):
        self.shown.append(obj.data)
        return self

    def update(self, obj):
        self.shown.append(obj.data)


@pytest.fixture
def cell(monkeypatch):
    import IPython.display

    found = Cell()
    monkeypatch.setattr(IPython.display, "display", found.display)
    return found


def train(rec, epochs=20):
    model = nn.MLP(2, [4, 1], seed=0)
    fit(model, losses.bce_with_logits, optim.Adam(model.parameters(), lr=0.05), X, y,
        epochs=epochs, verbose=False, record=rec)


def test_shown_before_fit_it_waits_then_updates_live_then_holds_the_whole_page(cell,
                                                                                monkeypatch):
    monkeypatch.setattr(live, "UPDATES_PER_SECOND", 1e9)  # every epoch, for the test
    rec = Recorder(grid=10)
    film = viz.show(rec)
    assert "waiting for the first epoch" in film._repr_html_()
    film._ipython_display_()
    train(rec, 5)
    assert "waiting" in cell.shown[0]
    lives = cell.shown[1:-1]
    assert [re.search(r"training… epoch (\d+)", s).group(1) for s in lives] == \
        ["0", "1", "2", "3", "4", "5"]
    assert all("<svg" in s and "<script" not in s for s in lives)
    final = cell.shown[-1]
    assert "srcdoc=" in final and "film-frames" in html.unescape(final)
    assert film.updates == 7 and rec._hooks == {}  # the hook is gone with the training


def test_live_updates_come_at_most_a_few_times_a_second(cell, monkeypatch):
    clock = iter(range(0, 1000, 1))  # each look at the clock: 0.1 s later
    monkeypatch.setattr(live.time, "monotonic", lambda: next(clock) / 10)
    rec = Recorder(grid=10)
    film = viz.show(rec)
    film._ipython_display_()
    train(rec, 30)
    # 31 snapshots 0.1 s apart: at most 2 updates a second, then the whole page
    assert 3 <= film.updates <= 31 * 0.1 * live.UPDATES_PER_SECOND + 2
    assert "srcdoc=" in cell.shown[-1]


def test_shown_after_fit_it_is_the_whole_page_with_a_picture_under_it(cell):
    rec = moons_mlp()
    film = viz.show(rec, height=500)
    out = film._repr_html_()
    assert 'sandbox="allow-scripts"' in out and "height:500px" in out
    assert 'src="data:image/svg+xml;base64,' in out
    film._ipython_display_()
    assert cell.shown == [out]
    assert "film of" in repr(film) and "finished" in repr(film)
