"""autograd.plots.decision_boundary: a classifier's regions, drawn from one call."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from plot_helpers import X2, Y2, png  # noqa: E402

from autograd.engine import Value  # noqa: E402
from autograd.plots import plot_decision_boundary  # noqa: E402


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
    at = png(fig)  # the two halves are drawn in two colours
    assert np.abs(at(fig.axes[0], -0.6, 0.9) - at(fig.axes[0], 0.6, 0.9)).sum() > 0.3


def test_decision_boundary_with_probabilities_shades_and_draws_the_05_line():
    fig = plot_decision_boundary(lambda G: 1 / (1 + np.exp(-3 * G[:, 0])), X2, Y2,
                                 resolution=40)
    assert len(fig.axes) == 2                          # the plot and its colour bar
    assert "boundary at 0.5" in fig.axes[1].get_ylabel()
    fig = plot_decision_boundary(lambda G: 3 * G[:, 0] + 0.1, X2, Y2, resolution=40)
    assert "boundary at 0" in fig.axes[1].get_ylabel()  # logits: threshold 0
    at = png(fig)  # shaded from one side to the other
    assert np.abs(at(fig.axes[0], -1.1, 0.9) - at(fig.axes[0], 1.1, 0.9)).sum() > 0.3


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
    at = png(fig)  # y > 0 and y < 0 are two regions of two colours
    assert np.abs(at(fig.axes[0], 0.2, 1.1) - at(fig.axes[0], 0.2, -1.1)).sum() > 0.3


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
