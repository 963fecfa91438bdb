"""Specifications for autograd.plots: Figures, headless, and a clear message without matplotlib."""

import doctest
import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import autograd.plots as plots  # noqa: E402
from autograd.engine import Parameter, Value  # noqa: E402
from autograd.plots import (  # noqa: E402
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_weight_histograms,
)

HISTORY = {"train_loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.7, 0.6, 0.65],
           "train_accuracy": [0.6, 0.8, 0.9, 0.95], "val_accuracy": [0.55, 0.7, 0.8, 0.78]}


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    return data


def _lines(ax):
    return {line.get_label(): line.get_ydata() for line in ax.get_lines()}


def test_docstring_examples_run():
    assert doctest.testmod(plots).failed == 0


def test_figures_are_not_left_open_in_pyplot():
    before = plt.get_fignums()
    plot_history(HISTORY)
    plot_confusion_matrix([[1, 2], [3, 4]])
    assert plt.get_fignums() == before


# -- plot_history ----------------------------------------------------------------------

def test_history_from_a_mapping_has_a_loss_panel_and_a_metric_panel():
    fig = plot_history(HISTORY)
    assert isinstance(fig, Figure)
    loss, acc = fig.axes
    assert loss.get_title() == "loss" and acc.get_title() == "accuracy"
    np.testing.assert_array_equal(_lines(loss)["train"], HISTORY["train_loss"])
    np.testing.assert_array_equal(_lines(loss)["validation"], HISTORY["val_loss"])
    np.testing.assert_array_equal(_lines(acc)["validation"], HISTORY["val_accuracy"])
    np.testing.assert_array_equal(loss.get_lines()[0].get_xdata(), [1, 2, 3, 4])  # epochs
    _png(fig)


class _History:
    """Shaped like the training loop's History: list attributes and a metrics dict."""

    def __init__(self):
        self.train_loss = [1.0, 0.6, 0.4]
        self.val_loss = [1.1, 0.8, None]          # a missing validation epoch
        self.metrics = {"accuracy": {"train": [0.5, 0.7, 0.8], "val": [0.4, 0.6, 0.65]},
                        "train_f1": [0.3, 0.5, 0.6]}
        self.best_epoch = 1
        self.stopped_early = True                 # not a series: ignored


def test_history_from_an_object_with_attributes_and_a_metrics_dict():
    fig = plot_history(_History())
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "f1"]
    val = _lines(fig.axes[0])["validation"]
    assert np.isnan(val[2]) and val[1] == 0.8       # None is a gap
    np.testing.assert_array_equal(_lines(fig.axes[1])["validation"], [0.4, 0.6, 0.65])
    # best_epoch is 0-based: epoch index 1 is drawn at epoch 2.
    best = _lines(fig.axes[0])["best epoch (2)"]
    assert fig.axes[0].get_lines()[-1].get_xdata()[0] == 2 and len(best) == 2
    _png(fig)


def test_history_from_an_object_with_as_dict_and_picking_metrics():
    class WithAsDict:
        def as_dict(self):
            return HISTORY

    fig = plot_history(WithAsDict(), metrics=[], best_epoch=0)
    assert [ax.get_title() for ax in fig.axes] == ["loss"]
    assert "best epoch (1)" in _lines(fig.axes[0])
    with pytest.raises(ValueError, match=r"no curves for metric\(s\) \['f1'\].*accuracy"):
        plot_history(HISTORY, metrics=["f1"])


def test_history_accepts_values_and_suffix_names():
    fig = plot_history({"loss_train": [Value(1.0), Value(0.5)], "loss_val": [1.2, 0.9]})
    assert set(_lines(fig.axes[0])) == {"train", "validation"}


def test_history_errors():
    with pytest.raises(ValueError, match="no per-epoch lists"):
        plot_history({"epochs": 3, "name": "run 1"})
    with pytest.raises(TypeError, match="History"):
        plot_history(42)


# -- plot_decision_boundary ------------------------------------------------------------

X2 = np.array([[-1.0, -1.0], [-0.5, 0.5], [0.5, -0.5], [1.0, 1.0]])
Y2 = np.array([0, 0, 1, 1])


def test_decision_boundary_calls_the_classifier_once_on_a_padded_grid():
    calls = []

    def predict(G):
        calls.append(G.copy())
        return (G[:, 0] > 0).astype(int)

    fig = plot_decision_boundary(predict, X2, Y2, resolution=30, padding=0.1)
    assert len(calls) == 1 and calls[0].shape == (900, 2)
    assert calls[0][:, 0].min() == pytest.approx(-1.2) and calls[0][:, 1].max() == \
        pytest.approx(1.2)
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (30, 30)
    np.testing.assert_array_equal(image[:, :15], 0)   # left half: class 0
    np.testing.assert_array_equal(image[:, 15:], 1)   # right half: class 1
    assert fig.axes[0].get_legend() is not None
    _png(fig)


def test_decision_boundary_with_probabilities_shades_and_draws_the_05_line():
    fig = plot_decision_boundary(lambda G: 1 / (1 + np.exp(-3 * G[:, 0])), X2, Y2,
                                 resolution=40)
    assert len(fig.axes) == 2                          # the plot and its colour bar
    assert "boundary at 0.5" in fig.axes[1].get_ylabel()
    fig = plot_decision_boundary(lambda G: 3 * G[:, 0] + 0.1, X2, Y2, resolution=40)
    assert "boundary at 0" in fig.axes[1].get_ylabel()  # logits: threshold 0
    _png(fig)


def test_decision_boundary_with_several_scores_or_values():
    centres = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    y3 = np.array([0, 0, 2, 1])

    def scores(G):  # one batch Value per class, as a model with 3 outputs gives
        return [Value(-((G - c) ** 2).sum(axis=1)) for c in centres]

    fig = plot_decision_boundary(scores, X2, y3, resolution=25, class_names=["a", "b", "c"])
    assert set(np.unique(fig.axes[0].get_images()[0].get_array())) == {0, 1, 2}
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    fig = plot_decision_boundary(lambda G: Value((G[:, 1] > 0).astype(float)), X2, Y2,
                                 resolution=10)
    assert fig.axes[0].get_images()                    # whole-number Value data: labels
    _png(fig)


def test_decision_boundary_errors():
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        plot_decision_boundary(lambda G: G[:, 0], np.zeros((4, 3)), Y2)
    with pytest.raises(ValueError, match="4 rows but y has 3"):
        plot_decision_boundary(lambda G: G[:, 0], X2, Y2[:3])
    with pytest.raises(ValueError, match=r"got 100 grid points.*returned shape \(5,\)"):
        plot_decision_boundary(lambda G: np.zeros(5), X2, Y2, resolution=10)
    with pytest.raises(ValueError, match="NaN"):
        plot_decision_boundary(lambda G: np.full(len(G), np.nan), X2, Y2, resolution=10)
    with pytest.raises(ValueError, match="class_names has 1 names for 2 classes"):
        plot_decision_boundary(lambda G: G[:, 0] > 0, X2, Y2, resolution=10,
                               class_names=["a"])


# -- plot_confusion_matrix -------------------------------------------------------------

def test_confusion_matrix_heatmap_shows_counts_and_accuracy():
    fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["50", "3", "4", "43"]
    assert ax.get_title() == "Confusion matrix (accuracy 93.0%)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["benign", "malignant"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"
    # The big cells are dark, so their numbers are white.
    assert ax.texts[0].get_color() == "white" and ax.texts[1].get_color() == "black"
    _png(fig)


def test_confusion_matrix_normalized_shows_row_fractions():
    fig = plot_confusion_matrix(np.array([[8, 2, 0], [0, 5, 5], [0, 0, 0]]), normalize=True,
                                title="3 classes")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[:3] == ["8\n80%", "2\n20%", "0\n0%"]
    assert texts[-1] == "0\n0%"                       # an empty row does not divide by 0
    assert fig.axes[0].get_title() == "3 classes"


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="3 labels for a 2 x 2"):
        plot_confusion_matrix([[1, 2], [3, 4]], labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="counts"):
        plot_confusion_matrix([[1, -2], [3, 4]])


# -- plot_weight_histograms ------------------------------------------------------------

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
    _png(fig)


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
    _png(fig)


def test_weight_histogram_errors():
    with pytest.raises(ValueError, match="no weights"):
        plot_weight_histograms({"empty": []})
    with pytest.raises(ValueError, match="NaN"):
        plot_weight_histograms([1.0, float("nan")])
    with pytest.raises(ValueError, match="bins"):
        plot_weight_histograms([1.0], bins=0)


# -- without matplotlib, and without a display -----------------------------------------

@pytest.mark.parametrize("call", [
    lambda: plot_history(HISTORY),
    lambda: plot_decision_boundary(lambda G: G[:, 0] > 0, X2, Y2),
    lambda: plot_confusion_matrix([[1, 0], [0, 1]]),
    lambda: plot_weight_histograms([0.1, 0.2]),
])
def test_missing_matplotlib_says_what_to_install(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # `import matplotlib` now fails
    with pytest.raises(ImportError, match=r"pip install autograd-viz\[notebooks\].*"
                                          r"pip install matplotlib"):
        call()


def test_importing_autograd_plots_does_not_import_matplotlib():
    code = "import sys, autograd.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="display detection is for X11")
def test_headless_uses_the_agg_backend():
    code = textwrap.dedent("""
        import matplotlib
        from autograd.plots import plot_confusion_matrix
        plot_confusion_matrix([[1, 0], [0, 1]]).savefig("/dev/null", format="png")
        print(matplotlib.get_backend())
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip().lower() == "agg"
