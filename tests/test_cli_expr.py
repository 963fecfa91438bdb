"""viz.cli.expr: a formula read safely, its values named as Python names them."""

from __future__ import annotations

import pytest

from viz.cli.expr import ExpressionError, evaluate


def test_evaluate_labels_the_output_and_points_errors_at_columns():
    names, out = evaluate("sigmoid(a) * leaky_relu(b, 0.1)", {"a": 0.0, "b": -2.0})
    assert out.label == "f" and out.data == pytest.approx(0.5 * -0.2)
    _, out = evaluate("f * 2", {"f": 1.0})
    assert out.label == "out"                   # "f" is taken by a variable
    with pytest.raises(ExpressionError) as info:
        evaluate("q = x\nf = (q +\n  y.z)", {"x": 1.0, "y": 2.0})
    assert info.value.line == 3 and info.value.start == 2
    assert str(info.value).endswith("\n    y.z)\n    ^^^")
    with pytest.raises(ExpressionError, match="characters long"):
        evaluate("x+" * 6000 + "x", {"x": 1.0})
