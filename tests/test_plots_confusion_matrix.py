"""autograd.plots.confusion_matrix: counts, fractions and the accuracy."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from plot_helpers import png  # noqa: E402

from autograd.plots import plot_confusion_matrix  # noqa: E402


def test_confusion_matrix_heatmap_shows_counts_and_accuracy():
    fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["50", "3", "4", "43"]
    assert ax.get_title() == "Confusion matrix (accuracy 93.0%)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["benign", "malignant"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"
    # The big cells are dark, so their numbers are white.
    assert ax.texts[0].get_color() == "white" and ax.texts[1].get_color() == "black"
    at = png(fig)  # and the picture is so: cell (0, 0) dark, cell (0, 1) light
    assert sum(at(ax, -0.3, -0.3)) < 1.0 < 2.5 < sum(at(ax, 0.7, -0.3))


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
