"""autograd.plots.history: loss and metric curves from any shape of history."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure  # noqa: E402
from plot_helpers import HISTORY, close, lines, png  # noqa: E402

from autograd.engine import Value  # noqa: E402
from autograd.plots import plot_history  # noqa: E402


def test_history_from_a_mapping_has_a_loss_panel_and_a_metric_panel():
    fig = plot_history(HISTORY)
    assert isinstance(fig, Figure)
    loss, acc = fig.axes
    assert loss.get_title() == "loss" and acc.get_title() == "accuracy"
    np.testing.assert_array_equal(lines(loss)["train"], HISTORY["train_loss"])
    np.testing.assert_array_equal(lines(loss)["validation"], HISTORY["val_loss"])
    np.testing.assert_array_equal(lines(acc)["validation"], HISTORY["val_accuracy"])
    np.testing.assert_array_equal(loss.get_lines()[0].get_xdata(), [1, 2, 3, 4])  # epochs
    at = png(fig)  # the train curve is drawn through its points, in its colour
    assert close(at(loss, 2, 0.5), loss.get_lines()[0].get_color())
    assert not close(at(loss, 2, 0.8), loss.get_lines()[0].get_color())


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
    val = lines(fig.axes[0])["validation"]
    assert np.isnan(val[2]) and val[1] == 0.8       # None is a gap
    np.testing.assert_array_equal(lines(fig.axes[1])["validation"], [0.4, 0.6, 0.65])
    # best_epoch is 0-based: epoch index 1 is drawn at epoch 2.
    best = lines(fig.axes[0])["best epoch (2)"]
    assert fig.axes[0].get_lines()[-1].get_xdata()[0] == 2 and len(best) == 2
    at = png(fig)  # the validation curve passes through (1, 1.1), its own colour
    assert close(at(fig.axes[0], 1, 1.1), fig.axes[0].get_lines()[1].get_color())


def test_history_from_an_object_with_as_dict_and_picking_metrics():
    class WithAsDict:
        def as_dict(self):
            return HISTORY

    fig = plot_history(WithAsDict(), metrics=[], best_epoch=0)
    assert [ax.get_title() for ax in fig.axes] == ["loss"]
    assert "best epoch (1)" in lines(fig.axes[0])
    with pytest.raises(ValueError, match=r"no curves for metric\(s\) \['f1'\].*accuracy"):
        plot_history(HISTORY, metrics=["f1"])


def test_history_accepts_values_and_suffix_names():
    fig = plot_history({"loss_train": [Value(1.0), Value(0.5)], "loss_val": [1.2, 0.9]})
    assert set(lines(fig.axes[0])) == {"train", "validation"}


def test_history_errors():
    with pytest.raises(ValueError, match="no per-epoch lists"):
        plot_history({"epochs": 3, "name": "run 1"})
    with pytest.raises(TypeError, match="History"):
        plot_history(42)
