"""Pictures of training: loss curves, decision boundaries, confusion matrices, weights.

One module a picture: ``history`` (``plot_history``), ``decision_boundary``,
``confusion_matrix`` and ``weight_histograms``; ``figures`` holds what they share.

matplotlib is an optional extra (``pip install autograd-viz[notebooks]``); it
is imported only when a function here is called, and without a display (a
server, CI) the non-interactive Agg backend is used.

Every function returns a ``matplotlib.figure.Figure``. The figure is not kept
open by pyplot: in Jupyter it shows once as the cell's result, and in a script
you save it with ``fig.savefig("loss.png")``. So a loop that makes hundreds of
figures does not pile them up in memory.

>>> fig = plot_confusion_matrix([[50, 3], [4, 43]], labels=["benign", "malignant"])
>>> fig.savefig("confusion.png")                                     # doctest: +SKIP
"""

from autograd.plots.confusion_matrix import plot_confusion_matrix
from autograd.plots.decision_boundary import plot_decision_boundary
from autograd.plots.history import plot_history
from autograd.plots.weight_histograms import plot_weight_histograms

__all__ = ["plot_history", "plot_decision_boundary", "plot_confusion_matrix",
           "plot_weight_histograms"]
