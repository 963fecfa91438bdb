"""python -m viz: the command line round trip, and the inputs it must refuse."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viz.cli import main
from viz.expr import ExpressionError, evaluate

ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@needs_dot
def test_round_trip_prints_values_and_gradients_and_writes_both_files(tmp_path):
    svg, steps = tmp_path / "f.svg", tmp_path / "steps.html"
    code, out, err = run("(x + y) * z", "x=-2", "y=5", "z=-4", "-o", str(svg),
                         "--steps", str(steps))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "f = -12"
    assert lines[1].split() == ["x", "=", "-2", "∂f/∂x", "=", "-4"]
    assert lines[2].split() == ["y", "=", "5", "∂f/∂y", "=", "-4"]
    assert lines[3].split() == ["z", "=", "-4", "∂f/∂z", "=", "3"]
    text = svg.read_text(encoding="utf-8")
    assert "&#45;12" in text and "∂f/∂z = q" not in text  # q is unnamed here
    page = steps.read_text(encoding="utf-8")
    assert page.count('<section class="frame') == 5 + 5  # forward and backward, 5 nodes each
    assert f"wrote {svg}" in out and "(10 steps)" in out


@needs_dot
def test_title_and_legend_reach_the_diagram(tmp_path):
    svg = tmp_path / "seed.svg"
    code, _, err = run("q = x + y; f = q * z", "x=-2", "y=5", "z=-4", "-o", str(svg),
                       "--title", "f = (x + y) · z", "--legend")
    assert code == 0, err
    text = svg.read_text(encoding="utf-8")
    assert "f = (x + y) · z" in text and "data: forward value" in text
    assert "∂f/∂q = z = &#45;4" in text


def test_assignments_name_the_intermediate_values():
    code, out, _ = run("q = x + y; f = q * z", "x=-2", "y=5", "z=-4")
    assert code == 0
    assert out.splitlines()[0] == "f = -12"
    assert any(line.split() == ["q", "=", "3", "∂f/∂q", "=", "-4"] for line in out.splitlines())


def test_the_real_entry_point_runs_as_python_dash_m(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "viz", "x * x", "x=3"], cwd=tmp_path, env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "∂f/∂x = 6" in ok.stdout
    marker = tmp_path / "pwned"
    attack = f"__import__('os').system('touch {marker}')"
    bad = subprocess.run([sys.executable, "-m", "viz", attack],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "calling __import__('os').system is not allowed" in bad.stderr
    assert "^^^^" in bad.stderr
    assert not marker.exists()


REJECTED = [
    # (expression, what the message says, the part the carets mark)
    ("__import__('os').system('x')", "not allowed", "__import__('os').system"),
    ("x.real + 1", "attribute access is not allowed", "x.real"),
    ("x.__class__", "attribute access is not allowed", "x.__class__"),
    ("eval('x') + x", "unknown function 'eval'", "eval"),
    ("open", "unknown name 'open'", "open"),
    ("(lambda: x)()", "not allowed", "lambda: x"),
    ("[x][0] * 2", "indexing is not allowed", "[x][0]"),
    ("'a' * x", "str constant", "'a'"),
    ("x if x > 0 else 0", "an if-expression is not allowed", "x if x > 0 else 0"),
    ("x // 2", "the operator // is not allowed", "x // 2"),
    ("x < 2", "a comparison is not allowed", "x < 2"),
    ("tanh(x, x)", "takes one argument, got 2", "tanh(x, x)"),
    ("exp(x=1)", "keyword arguments are not allowed", "1"),
    ("x + w", "unknown name 'w': give it a value, e.g. w=1.5", "w"),
    ("x +* 2", "syntax error", "*"),
    ("import os", "an import is not allowed", "import os"),
    ("x = 3", "x is given a value on the command line", "x"),
    ("q = x; q = q * 2", "q is assigned twice", "q"),
    ("2 * 3", "uses no variable", None),
    ("log(-x)", "cannot compute this part: log", "log(-x)"),
    ("x / (x - 1)", "cannot compute this part", "x / (x - 1)"),
    ("True * x", "bool constant", "True"),
    ("", "empty", None),
]


@pytest.mark.parametrize("expression, message, marked", REJECTED)
def test_bad_expressions_exit_2_pointing_at_the_offending_part(expression, message, marked):
    code, out, err = run(expression, "x=1")
    assert code == 2
    assert out == ""
    assert message in err
    if marked is not None:
        line, carets = err.splitlines()[-2:]
        start = carets.index("^")
        assert line[start:start + len(carets.strip())] == marked


@pytest.mark.parametrize("values, message", [
    (["x"], "not NAME=VALUE"),
    (["x=abc"], "not a number"),
    (["1x=2"], "not a variable name"),
    (["x=1", "x=2"], "given twice"),
    (["exp=1"], "function name"),
    (["__x=1"], "may not start with '__'"),
])
def test_bad_values_exit_2(values, message):
    code, _, err = run("x + 1", *values)
    assert code == 2 and message in err


def test_bad_output_names_are_refused_before_any_work(tmp_path):
    code, out, err = run("x + 1", "x=1", "-o", str(tmp_path / "f.gif"))
    assert code == 2 and ".svg, .png, .pdf" in err and out == ""
    code, _, err = run("x + 1", "x=1", "--steps", str(tmp_path / "steps.svg"))
    assert code == 2 and "HTML" in err
    assert list(tmp_path.iterdir()) == []


def test_argparse_errors_exit_2():
    assert run()[0] == 2
    assert run("x", "x=1", "--rankdir", "up")[0] == 2


def test_missing_graphviz_exits_1_with_install_help(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out, err = run("x * 2", "x=1", "-o", str(tmp_path / "f.svg"))
    assert code == 1
    assert "f = 2" in out                     # the numbers are still printed
    assert "apt-get install graphviz" in err
    assert not (tmp_path / "f.svg").exists()


def test_an_unused_variable_is_reported_with_zero_gradient():
    code, out, _ = run("x * 2", "x=1", "y=5")
    assert code == 0
    assert any(line.split()[:2] == ["y", "="] and line.endswith("= 0  (not used)")
               for line in out.splitlines())


def test_a_long_expression_evaluates_and_a_too_deep_one_is_a_clear_error():
    names, out = evaluate("+".join(["x"] * 400), {"x": 1.0})
    out.backward()
    assert out.data == 400.0 and names["x"].grad == 400.0
    with pytest.raises(ExpressionError, match="nested too deeply"):
        evaluate("+".join(["x"] * 4000), {"x": 1.0})  # Python's own parser gives up


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
