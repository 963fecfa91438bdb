"""autograd.plots as a package: Figures pyplot forgets, headless, a clear message without
matplotlib. Each picture has its own file of tests (test_plots_history.py, ...)."""

import doctest
import importlib
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt  # noqa: E402
from plot_helpers import HISTORY, X2, Y2  # noqa: E402

from autograd.plots import (  # noqa: E402
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_weight_histograms,
)


@pytest.mark.parametrize("module", ["", ".history", ".decision_boundary", ".confusion_matrix",
                                    ".weight_histograms", ".figures"])
def test_docstring_examples_run(module):
    assert doctest.testmod(importlib.import_module(f"autograd.plots{module}")).failed == 0


def test_figures_are_not_left_open_in_pyplot():
    before = plt.get_fignums()
    plot_history(HISTORY)
    plot_confusion_matrix([[1, 2], [3, 4]])
    assert plt.get_fignums() == before


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
