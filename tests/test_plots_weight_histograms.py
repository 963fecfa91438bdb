"""autograd.plots.weight_histograms: groups of weights, dead ones counted."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from plot_helpers import close, png  # noqa: E402

from autograd.engine import Parameter  # noqa: E402
from autograd.plots import plot_weight_histograms  # noqa: E402


class _Layer:
    def __init__(self, values):
        self.w = [Parameter(v) for v in values]

    def parameters(self):
        return self.w


class _Model:
    def __init__(self, *layers):
        self.layers = list(layers)

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def test_weight_histograms_compare_groups_and_report_dead_weights():
    rng = np.random.default_rng(0)
    dense = rng.normal(0, 0.5, 200)
    sparse = np.where(np.arange(200) < 150, 0.0, rng.normal(0, 0.5, 200))
    fig = plot_weight_histograms({"no penalty": dense, "L1": list(sparse)})
    a, b = fig.axes
    assert (a.get_title(), b.get_title()) == ("no penalty", "L1")
    assert "|w| < 0.001: 75%" in b.texts[0].get_text()
    assert "n = 200" in a.texts[0].get_text()
    assert a.get_xlim() == b.get_xlim()               # a shared axis to compare
    counts = [patch.get_height() for patch in b.patches]
    assert max(counts) >= 150                         # the zeros fall in one bar
    at = png(fig)  # the tall bar is drawn: its colour at 140, white above it
    tall = max(b.patches, key=lambda p: p.get_height())
    middle = tall.get_x() + tall.get_width() * 0.8  # (a line marks w = 0 at its centre)
    assert close(at(b, middle, 140), tall.get_facecolor()[:3], tol=0.15)
    assert close(at(b, middle, tall.get_height() * 1.1), "white")


def test_weight_histograms_of_a_model_by_layer_or_as_a_whole():
    model = _Model(_Layer([0.1, -0.2, 0.3]), _Layer([1.0, 0.0]))
    fig = plot_weight_histograms(model)
    assert [ax.get_title() for ax in fig.axes] == ["layer 0 (_Layer)", "layer 1 (_Layer)"]
    assert "n = 3" in fig.axes[0].texts[0].get_text()
    fig = plot_weight_histograms({"model": model})
    assert "n = 5" in fig.axes[0].texts[0].get_text()
    fig = plot_weight_histograms(_Layer([0.5, 0.5]))
    assert fig.axes[0].get_title() == "parameters"
    fig = plot_weight_histograms({f"g{i}": [float(i)] for i in range(4)})  # wraps to 2 rows
    assert sum(ax.get_visible() for ax in fig.axes) == 4
    png(fig)  # a PNG of the four panels


def test_weight_histogram_errors():
    with pytest.raises(ValueError, match="no weights"):
        plot_weight_histograms({"empty": []})
    with pytest.raises(ValueError, match="NaN"):
        plot_weight_histograms([1.0, float("nan")])
    with pytest.raises(ValueError, match="bins"):
        plot_weight_histograms([1.0], bins=0)
