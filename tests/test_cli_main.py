"""python -m viz: the command line round trip, and the inputs it must refuse."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import viz.cli.main
from autograd.engine import Value
from viz.cli.expr import FUNCTIONS, ExpressionError, evaluate
from viz.cli.main import main
from viz.common.text import CAPTION_LIMIT

ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


PREFIX = "python -m viz: error: "


def error_line(code: int, out: str, err: str) -> str:
    """The one error line of a refused input (checked to be exit 2, no traceback)."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    lines = err.split("\n")
    assert lines[-1] == "" and lines[0].startswith(PREFIX), err
    # A bad expression may add its line and the carets under the offending part.
    assert len(lines) in (2, 4), err
    if len(lines) == 4:
        assert lines[2].strip() and set(lines[2].strip()) == {"^"}, err
    return lines[0][len(PREFIX):]


def succeeded_or_refused(code: int, out: str, err: str) -> None:
    """Success (nothing on stderr; the output's value, then each variable's value and
    gradient, a line each) or exit 2 with one error line."""
    if code != 0:
        error_line(code, out, err)
        return
    assert err == "", (out, err)
    first, *variables = out.splitlines()
    output = re.fullmatch(r"(\S+) = \S+", first)
    assert output and variables, out
    gradient = re.compile(rf"  \S+ = \S+ +∂{re.escape(output.group(1))}/∂\S+ = \S+"
                          r"(  \(not used\))?")
    assert all(gradient.fullmatch(line) for line in variables), out


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
    assert '<span id="counter">1 / 10</span>' in page  # forward and backward, 5 nodes each
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


# -- no traceback, whatever the input ------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["sqrt(x)", "x=0"],          # d sqrt(x)/dx is infinite at 0
    ["x ** 0.5", "x=0"],
    ["1e-320 ** z", "z=0"],      # d a^z/da = z a^(z-1): a^-1 overflows
    ["x ** 0", "x=0"],
    ["x ** 2", "x=1e300"],
    ["exp(x) * log(y)", "x=1000", "y=1e-320"],
])
def test_math_at_the_edge_of_floats_succeeds_or_is_one_error_line(argv):
    code, out, err = run(*argv)
    succeeded_or_refused(code, out, err)
    if code == 2:
        assert "cannot" in error_line(code, out, err)


def test_sqrt_at_zero_is_refused_naming_the_infinite_derivative():
    line = error_line(*run("sqrt(x)", "x=0"))
    assert line.startswith("cannot differentiate: the derivative of sqrt")
    assert "infinite" in line and "'x'" in line


@pytest.mark.parametrize("error", [
    ZeroDivisionError("the derivative of pow is infinite at a = 0"),
    OverflowError("(34, 'Numerical result out of range')"),
    FloatingPointError("detect_anomaly: mul gave a non-finite value"),
    ValueError("mul: batches of different lengths,\nshape (2,) and (3,)"),
])
def test_any_error_the_engine_raises_in_backward_is_one_error_line_with_its_message(
        error, monkeypatch):
    def backward(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(Value, "backward", backward)
    line = error_line(*run("x * y", "x=1", "y=2"))
    assert line == "cannot differentiate: " + " ".join(str(error).split("\n"))


def test_an_error_while_drawing_is_one_error_line(monkeypatch, tmp_path):
    def draw(*args, **kwargs):
        raise OverflowError("the colour scale overflowed")

    monkeypatch.setattr(viz.cli.main, "draw", draw)
    code, out, err = run("x * 2", "x=1", "-o", str(tmp_path / "f.svg"))
    assert error_line(code, "", err) == "cannot draw: the colour scale overflowed"
    assert "f = 2" in out and not (tmp_path / "f.svg").exists()


def test_dot_refusing_a_diagram_is_one_error_line_with_its_message(monkeypatch, tmp_path):
    def write(graph, path):
        raise subprocess.CalledProcessError(1, ["dot", "-Tsvg"],
                                            stderr=b"Error: syntax error in line 1\n")

    monkeypatch.setattr(viz.cli.main, "write", write)
    code, _, err = run("x * 2", "x=1", "-o", str(tmp_path / "f.svg"))
    assert code == 1
    assert err == PREFIX + "Graphviz could not draw the diagram: Error: syntax error in line 1\n"


BIG = "; ".join(["a0 = " + "+".join(["x"] * 500)]
                + [f"a{i} = " + "+".join([f"a{i - 1}"] * 500) for i in range(1, 5)])


@pytest.mark.parametrize("flag, name", [("-o", "f.svg"), ("--steps", "steps.html")])
def test_a_graph_over_the_size_guard_is_refused_before_any_work(flag, name, tmp_path):
    code, out, err = run(BIG, "x=1", flag, str(tmp_path / name))
    assert "more than 2000 values" in error_line(code, out, err)
    assert out == "" and list(tmp_path.iterdir()) == []
    code, out, _ = run(BIG, "x=1")  # without a drawing the numbers are printed
    assert code == 0 and out.splitlines()[0] == "a4 = 3.125e+13"


def test_a_title_longer_than_the_limit_is_refused(tmp_path):
    line = error_line(*run("x * 2", "x=1", "--title", "t" * 16_385, "-o",
                           str(tmp_path / "f.svg")))
    assert line == "--title is 16385 characters long; the limit is 10000"
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_a_long_title_is_drawn_cut_and_a_backslash_title_as_typed(tmp_path):
    svg = tmp_path / "f.svg"
    start = "C:\\Users\\Name \\G "
    code, _, err = run("x * 2", "x=1", "--title", start + "t" * 5000, "-o", str(svg))
    assert code == 0, err
    text = svg.read_text(encoding="utf-8")
    assert ">" + start + "t" * (CAPTION_LIMIT - 1 - len(start)) + "…</text>" in text


def test_names_are_nfkc_normalised_as_python_reads_them():
    code, out, err = run("ｘ*2", "ｘ=1")
    assert code == 0, err
    assert out.splitlines()[:2] == ["f = 2", "  x = 1    ∂f/∂x = 2"]
    code, out, _ = run("x * ｙ", "ｘ=3", "y=2")
    assert code == 0 and out.splitlines()[0] == "f = 6"
    assert error_line(*run("x", "x=1", "ｘ=2")) == "x is given twice (x and ｘ are one name " \
                                                  "to Python)"
    names, f = evaluate("ﬁ + 1", {"ﬁ": 2.0})
    assert f.data == 3.0 and list(names) == ["fi"]
    with pytest.raises(ValueError, match="are the same name 'x'"):
        evaluate("x", {"x": 1.0, "ｘ": 2.0})


def test_the_caret_marks_the_right_line_whatever_the_line_breaks():
    # str.splitlines() also splits at \x0c and \x1c, Python's parser does not.
    with pytest.raises(ExpressionError) as info:
        evaluate("q = x\x0c\nf = q.real", {"x": 1.0})
    assert str(info.value).endswith("\n  f = q.real\n      ^^^^^^")
    line = error_line(*run("(x\n).real(y)", "x=1", "y=1"))  # the message quotes "(x\n).real"
    assert line.startswith("calling (x ).real is not allowed")


def test_a_formula_the_parser_warns_about_prints_only_its_error(recwarn):
    warnings.simplefilter("always")
    assert "'and'/'or' is not allowed" in error_line(*run("1and x", "x=1"))
    assert [str(w.message) for w in recwarn] == []


NAMES = ["x", "y", "z", "ｘ", "q", "f", "_", "α", "x1", "ﬁ", "__x", "if", "None", "True"]
NUMBERS = ["0", "0.0", "1", "2", "0.5", "1e-320", "5e-324", "1e308", "1e999", "9" * 30,
           "0x10", "1_0", "1j", "2.", ".5"]
OPERATORS = ["+", "-", "*", "/", "**", "//", "%", "@", "=", ";", "\n", ",", ".", ":=", "<",
             "not", "and", "lambda", ":", "~"]
GARBAGE = ["(", ")", "[", "]", "{", "}", "'", '"', "#", "\\", "$", "`", " ", "\t", "\r",
           "∂", "é", "\u2028", "\x0c", "\x1c", "\x00", "\ud800", "\x85", "import", "__import__"]
TOKENS = NAMES + NUMBERS + OPERATORS + GARBAGE + [f"{name}(" for name in FUNCTIONS] + list(
    FUNCTIONS)
NUMBERS_GIVEN = ["0", "-0", "1", "-2", "1e-320", "5e-324", "1e308", "-1e308", "inf", "nan",
                 "0.5"]
VALUES = NUMBERS_GIVEN + ["abc", "", "1e999", "0x10"]

# Token soup: mostly refused, each refusal must still be one clean line.
soups = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=2)), max_size=14).flatmap(
    lambda tokens: st.sampled_from(["", " "]).map(lambda sep: sep.join(tokens)))
# Well-formed formulas over x, y, z: mostly computed, on the floats' extremes.
leaves = st.sampled_from(["x", "y", "z", "ｘ"] + NUMBERS[:9])
trees = st.recursive(leaves, lambda sub: st.one_of(
    st.builds("({} {} {})".format, sub, st.sampled_from(["+", "-", "*", "/", "**"]), sub),
    st.builds("{}({})".format, st.sampled_from(FUNCTIONS), sub),
    st.builds("-{}".format, sub)), max_leaves=8)
formulas = st.one_of(soups, trees, st.builds("q = {}; {}".format, trees, trees))
given_numbers = st.one_of(st.just("0"), st.sampled_from(NUMBERS_GIVEN))  # 0: half the time
assignments = st.tuples(
    st.lists(given_numbers, min_size=3, max_size=3).map(
        lambda v: [f"x={v[0]}", f"y={v[1]}", f"z={v[2]}"]),
    st.lists(st.builds("{}={}".format, st.sampled_from(["ｘ", "q", "w", "1x", "exp"]),
                       st.sampled_from(VALUES)), max_size=1)).map(lambda p: p[0] + p[1])


@settings(max_examples=200, deadline=None)
@given(formulas, assignments)
def test_fuzz_any_formula_succeeds_or_is_one_error_line_never_a_traceback(formula, values):
    with warnings.catch_warnings(record=True) as caught:  # a warning would print to stderr
        warnings.simplefilter("always")
        # "--" keeps a formula that starts with "-" from being read as an option.
        succeeded_or_refused(*run("--", formula, *values))
    assert [str(w.message) for w in caught] == []
