"""The engine: Value, the chain rule, backward, grad, no_grad, errors."""

from __future__ import annotations

import doctest
import math
import re
import sys

import numpy as np
import pytest

from autograd import (
    RULES,
    Constant,
    Value,
    add_n,
    current_scope,
    detect_anomaly,
    grad,
    gradcheck,
    is_grad_enabled,
    no_grad,
    scope,
    sum_abs,
    sum_squares,
    topological_order,
)


def numeric_derivative(f, x: float, eps: float = 1e-6) -> float:
    return (f(x + eps) - f(x - eps)) / (2 * eps)


# -- the seed example from the course ------------------------------------------------

def test_seed_example_exact():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    assert (f.data, q.data) == (-12.0, 3.0)
    assert (x.grad, y.grad, z.grad, q.grad, f.grad) == (-4.0, -4.0, 3.0, -4.0, 1.0)


def test_value_fields():
    x = Value(2, label="x")
    y = x * x
    assert x.data == 2.0 and isinstance(x.data, float)
    assert x.grad == 0.0 and x.op == "" and x.inputs == ()
    assert y.op == "mul" and y.inputs == (x, x)
    assert y.label == ""


# -- every op: value and local derivative ------------------------------------------

UNARY = {
    "exp": (lambda v: v.exp(), math.exp, math.exp, [-1.3, 0.0, 2.1]),
    "log": (lambda v: v.log(), math.log, lambda x: 1 / x, [0.2, 1.0, 3.5]),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.3, 4.0]),
    "tanh": (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, [-2.0, 0.0, 0.7]),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)),
                lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, [-3.0, 0.0, 1.5]),
    "relu": (lambda v: v.relu(), lambda x: max(0.0, x), lambda x: float(x > 0), [-1.0, 2.0]),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), lambda x: x if x > 0 else 0.1 * x,
                   lambda x: 1.0 if x > 0 else 0.1, [-1.5, 2.0]),
    "abs": (lambda v: v.abs(), abs, lambda x: math.copysign(1.0, x), [-1.5, 2.0]),
    "sin": (lambda v: v.sin(), math.sin, math.cos, [-1.0, 0.4, 2.0]),
    "cos": (lambda v: v.cos(), math.cos, lambda x: -math.sin(x), [-1.0, 0.4, 2.0]),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, [3.0]),
    "pow": (lambda v: v ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2, [-2.0, 0.5]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_value_and_derivative(name):
    build, forward, derivative, points = UNARY[name]
    for x0 in points:
        x = Value(x0)
        out = build(x)
        out.backward()
        assert out.op == name
        assert out.data == pytest.approx(forward(x0), rel=1e-12, abs=1e-12)
        assert x.grad == pytest.approx(derivative(x0), rel=1e-9, abs=1e-12)
        fd = numeric_derivative(lambda t: build(Value(t)).data, x0)
        assert x.grad == pytest.approx(fd, rel=1e-5, abs=1e-6)


BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2)),
    "powv": (lambda a, b: a ** b, lambda a, b: (b * a ** (b - 1), a ** b * math.log(a))),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("a0,b0", [(1.5, 2.5), (0.7, -1.2), (3.0, 0.5)])
def test_binary_op_value_and_derivatives(name, a0, b0):
    op, derivatives = BINARY[name]
    a, b = Value(a0), Value(b0)
    out = op(a, b)
    out.backward()
    assert out.op == name
    assert out.data == pytest.approx(op(a0, b0), rel=1e-12)
    da, db = derivatives(a0, b0)
    assert (a.grad, b.grad) == (pytest.approx(da, rel=1e-9), pytest.approx(db, rel=1e-9))
    assert a.grad == pytest.approx(numeric_derivative(lambda t: op(t, b0), a0), rel=1e-5)
    assert b.grad == pytest.approx(numeric_derivative(lambda t: op(a0, t), b0), rel=1e-5)


def test_numbers_mix_on_both_sides():
    x = Value(3.0)
    cases = {
        x + 2: 5.0, 2 + x: 5.0, x - 2: 1.0, 2 - x: -1.0, x * 2: 6.0, 2 * x: 6.0,
        x / 2: 1.5, 6 / x: 2.0, x ** 2: 9.0, 2 ** x: 8.0, -x: -3.0,
    }
    for v, expected in cases.items():
        assert isinstance(v, Value) and v.data == expected
    (2 - x).backward()
    assert x.grad == -1.0
    x.grad = 0.0
    (6 / x).backward()
    assert x.grad == pytest.approx(-6 / 9)


def test_numbers_become_constant_leaves():
    x = Value(3.0)
    y = x * 2
    assert isinstance(y.inputs[1], Constant) and y.inputs[1].data == 2.0
    assert not isinstance(x, Constant)


def test_value_exponent_and_rpow():
    x = Value(1.5)
    y = 2 ** x
    y.backward()
    assert y.op == "powv"
    assert x.grad == pytest.approx(2 ** 1.5 * math.log(2))


def test_inplace_add_and_sum():
    x = Value(1.0)
    acc = x
    acc += 2
    acc += x
    assert acc.data == 4.0
    total = sum([x, x * 2, Value(3.0)])
    total.backward()
    assert total.data == 6.0 and x.grad == 3.0


def test_add_n_is_one_node_with_the_sum_and_unit_derivatives():
    x, y, z = Value(1.5, "x"), Value(-2.0, "y"), Value(4.0, "z")
    s = add_n([x, y * z, 3, x])  # x twice, and a number
    assert s.op == "add_n" and len(s.inputs) == 4
    assert s.inputs[0] is x and s.inputs[3] is x and s.inputs[2].__class__ is Constant
    assert s.data == 1.5 + (-8.0) + 3.0 + 1.5
    s.backward()
    assert (x.grad, y.grad, z.grad) == (2.0, 4.0, -2.0)  # by hand: 1 + 1, z, y


def test_add_n_equals_a_chain_of_additions_bit_for_bit():
    rng = np.random.default_rng(0)
    terms = [Value(v) for v in rng.normal(size=30) * 10.0 ** rng.integers(-8, 8, size=30)]
    chain = terms[0]
    for t in terms[1:]:
        chain = chain + t
    assert add_n(terms).data == chain.data  # added left to right, as the chain does
    columns = rng.normal(size=(5, 30))
    batch_terms = [Value(c) for c in columns.T]
    chain = batch_terms[0]
    for t in batch_terms[1:]:
        chain = chain + t
    np.testing.assert_array_equal(add_n(batch_terms).data, chain.data)


def test_sum_squares_and_sum_abs_match_hand_derived_gradients():
    x, y = Value(3.0), Value(-0.5)
    s = sum_squares([x, y, x * y])  # 9 + 0.25 + 2.25
    s.backward()
    assert s.op == "sum_squares" and s.data == 11.5
    # d/dx = 2x + 2(xy) y = 6 + 1.5,  d/dy = 2y + 2(xy) x = -1 - 9
    assert (x.grad, y.grad) == (7.5, -10.0)
    x.grad = y.grad = 0.0
    s = sum_abs([x, y, x * y, 0.0])
    s.backward()
    assert s.op == "sum_abs" and s.data == 5.0
    # d/dx = sign(x) + sign(xy) y = 1 + 0.5,  d/dy = sign(y) + sign(xy) x = -1 - 3
    assert (x.grad, y.grad) == (1.5, -4.0)
    assert gradcheck(lambda a, b: sum_squares([a, b * a]) + sum_abs([a, b - 0.1]),
                     [Value(0.7), Value(-1.3)])
    a = Value(1.5)
    (da,) = grad(sum_squares([a, a * a]), [a], create_graph=True)  # 2a + 4a^3
    (d2a,) = grad(da, [a])  # 2 + 12a^2
    assert (da.data, d2a.data) == (16.5, 29.0)
    assert sum_squares([]).data == 0.0 and sum_abs([]).data == 0.0
    with pytest.raises(TypeError, match=r"sum_squares\(\) takes Values and numbers; item 0"):
        sum_squares(["w"])


def test_add_n_of_few_values_and_bad_input():
    x = Value(2.0)
    assert add_n([x]) is x
    assert add_n([]).data == 0.0
    assert add_n(v for v in (x, 1.0)).data == 3.0
    with pytest.raises(TypeError, match="iterable of Values, got Value"):
        add_n(x)
    with pytest.raises(TypeError, match="item 1 is str"):
        add_n([x, "a"])
    with no_grad():
        assert add_n([x, x]).inputs == ()


def test_add_n_under_detect_anomaly_and_create_graph():
    x, y = Value(1e308, "x"), Value(1e308, "y")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"add_n.*a_1 = 1e\+308"):
        add_n([x, y])
    a = Value(3.0)
    (da,) = grad(add_n([a * a, a, 2.0]), [a], create_graph=True)  # 2a + 1
    (d2a,) = grad(da, [a])
    assert (da.data, d2a.data) == (7.0, 2.0)


def test_float_and_identity_hash():
    a, b = Value(1.0), Value(1.0)
    assert float(a * 3) == 3.0
    assert len({a, b, a}) == 2
    assert a != b


def test_subgradients_at_zero():
    for build in (lambda v: v.relu(), lambda v: v.abs()):
        x = Value(0.0)
        build(x).backward()
        assert x.grad == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == pytest.approx(0.0)
    assert Value(800.0).sigmoid().data == pytest.approx(1.0)
    assert Value(800.0).exp().data == math.inf


# -- the rule table ----------------------------------------------------------------

def _evaluate_text(text: str, names: dict) -> float:
    env = {"log": math.log, "cos": math.cos, "sin": math.sin, "sign": np.sign, "abs": abs,
           **names}
    text = re.sub(r"\|(\w+)\|", r"abs(\1)", text)  # |x| as the diagrams write it
    return float(eval(text, {"__builtins__": {}}, env))


@pytest.mark.parametrize("name", sorted(set(RULES) - {"sum", "mean"}))
def test_rule_text_matches_rule_code(name):
    """The derivative text a diagram prints is the derivative the engine uses."""
    rule = RULES[name]
    for inputs in ([0.7, 1.3, -2.1], [-0.4, 2.0, 0.5], [1.9, 0.1, 3.0]):
        inputs = inputs if rule.variadic else inputs[: rule.arity]
        if any(np.any(guard.bad(*inputs)) for guard in rule.guards) or (
                name == "powv" and inputs[0] <= 0):
            continue
        names = dict(zip(rule.arg_names(len(inputs)), inputs))
        out = rule.forward(*inputs)
        if rule.variadic:  # its formula, written out for n inputs, is its forward
            assert _evaluate_text(rule.formula_for(len(inputs)), names) == pytest.approx(out)
        local = rule.local(out, *inputs)
        assert len(local) == len(inputs)
        names["out"] = out
        for position, value in enumerate(local):
            text = rule.derivative(position)
            assert _evaluate_text(text, names) == pytest.approx(value, rel=1e-12), text


def test_every_value_method_has_a_rule():
    x = Value(0.5)
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "abs", "sin",
                 "cos"):
        assert getattr(x, name)().op == name


# -- backward ----------------------------------------------------------------------

def test_shared_subexpressions_accumulate():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    x = Value(-1.5)
    (x * x).backward()
    assert x.grad == -3.0
    # a diamond: d = b * c with b = a + 1, c = a * 2
    a = Value(2.0)
    b, c = a + 1, a * 2
    d = b * c
    d.backward()
    assert a.grad == pytest.approx(c.data * 1 + b.data * 2)  # 4 + 6


def test_backward_twice_accumulates_like_pytorch():
    x, y = Value(2.0), Value(3.0)
    f = (x * y).tanh() + x
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == pytest.approx((2 * first[0], 2 * first[1]))
    f.zero_grad()
    assert (x.grad, y.grad, f.grad) == (0.0, 0.0, 0.0)
    f.backward()
    assert (x.grad, y.grad) == pytest.approx(first)


def test_backward_with_seed_gradient():
    x = Value(2.0)
    (x * 3).backward(gradient=0.5)
    assert x.grad == 1.5


def test_million_node_chain_has_no_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == pytest.approx(1_000_000.5)
    assert sys.getrecursionlimit() < 1_000_000


def test_topological_order_is_deterministic():
    def program():
        x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
        q = x + y
        f = q * z + q.tanh() * x
        return [(n.op, n.label, n.data) for n in topological_order(f)]

    first = program()
    assert first == program()
    # the order the program made them in: x, y, z, then q = x + y
    assert [(op, label) for op, label, _ in first[:4]] == [("", "x"), ("", "y"), ("", "z"),
                                                          ("add", "")]


def test_topological_order_puts_inputs_first():
    x = Value(1.0)
    nodes = [x]
    for k in range(50):
        nodes.append(nodes[-1] * nodes[k // 2] + 1)
    order = topological_order(nodes[-1])
    position = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for i in n.inputs:
            assert position[id(i)] < position[id(n)]
    assert len(order) == len({id(n) for n in order})


# -- grad and higher derivatives ----------------------------------------------------

def test_grad_leaves_dot_grad_untouched():
    x, y = Value(2.0), Value(-1.0)
    f = x * y + x.exp()
    dx, dy = grad(f, [x, y])
    assert dx.data == pytest.approx(-1.0 + math.exp(2.0))
    assert dy.data == 2.0
    assert x.grad == 0.0 and y.grad == 0.0 and f.grad == 0.0


def test_second_derivative_of_cube():
    for x0 in (-1.5, 0.5, 2.0):
        x = Value(x0)
        (dx,) = grad(x ** 3, [x], create_graph=True)
        (d2x,) = grad(dx, [x], create_graph=True)
        (d3x,) = grad(d2x, [x])
        assert dx.data == pytest.approx(3 * x0 ** 2)
        assert d2x.data == pytest.approx(6 * x0)
        assert d3x.data == pytest.approx(6.0)


def test_second_derivative_of_tanh():
    for x0 in (-0.8, 0.3, 1.7):
        x = Value(x0)
        (dx,) = grad(x.tanh(), [x], create_graph=True)
        (d2x,) = grad(dx, [x])
        t = math.tanh(x0)
        assert d2x.data == pytest.approx(-2 * t * (1 - t * t))
        fd = numeric_derivative(lambda s: 1 - math.tanh(s) ** 2, x0)
        assert d2x.data == pytest.approx(fd, rel=1e-6)


def test_second_derivatives_of_every_unary_op_match_finite_differences():
    for name, (build, _, derivative, points) in UNARY.items():
        for x0 in points:
            if name in ("relu", "leaky_relu", "abs", "neg"):
                continue  # piecewise linear: second derivative 0, checked below
            x = Value(x0)
            (dx,) = grad(build(x), [x], create_graph=True)
            (d2x,) = grad(dx, [x])
            assert d2x.data == pytest.approx(numeric_derivative(derivative, x0, 1e-5),
                                             rel=1e-4, abs=1e-6), name
    x = Value(-2.0)
    (dx,) = grad(x.relu() + x.abs(), [x], create_graph=True)
    assert grad(dx, [x])[0].data == 0.0


# Every rule, each applied to expressions of both inputs, so its second derivatives (and
# the chain rule through its first ones) show in every entry of the Hessian. Points stay
# away from kinks and domain edges; sum and mean reduce a batch made from a and b.
COLUMN = np.array([0.3, -1.2, 0.8])
EVERY_RULE = {
    "add": lambda a, b: (a * b) + (a * a),
    "add_n": lambda a, b: add_n([a * b, a, b * b, a * b]),
    "sum_squares": lambda a, b: sum_squares([a * b, a, b.tanh()]),
    "sum_abs": lambda a, b: sum_abs([a * b, a - b * b]),
    "sub": lambda a, b: (a * b) - (b * b * a),
    "mul": lambda a, b: (a * a) * (a * b),
    "div": lambda a, b: (a * b) / (a * a + b + 3.0),
    "neg": lambda a, b: -(a * b * b),
    "pow": lambda a, b: (a * b + 2.0) ** 3,
    "powv": lambda a, b: (a * a + 1.0) ** (a * b),
    "exp": lambda a, b: (a * b).exp(),
    "log": lambda a, b: (a * a + b * b).log(),
    "sqrt": lambda a, b: (a * a + b * b).sqrt(),
    "tanh": lambda a, b: (a * b).tanh(),
    "sigmoid": lambda a, b: (a * b).sigmoid(),
    "relu": lambda a, b: (a * b).relu() * a,
    "leaky_relu": lambda a, b: (a * b).leaky_relu(0.1) * b,
    "abs": lambda a, b: abs(a * b) * a,
    "sin": lambda a, b: (a * b).sin(),
    "cos": lambda a, b: (a * b).cos(),
    "sum": lambda a, b: ((a * COLUMN + b) * (a * COLUMN + b)).sum(),
    "mean": lambda a, b: ((a * COLUMN - b) * (a * COLUMN) * b).mean(),
}


def test_backward_runs_where_no_source_ships(tmp_path):
    """The engine reads no source text: from a zip of compiled modules only (as a frozen
    app ships it), every rule's backward gives the numbers it gives here."""
    import compileall
    import shutil
    import subprocess
    import zipfile
    from pathlib import Path

    import autograd

    package = tmp_path / "autograd"
    shutil.copytree(Path(autograd.__file__).parent, package)
    assert compileall.compile_dir(package, legacy=True, quiet=1)
    archive = tmp_path / "compiled.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in package.rglob("*.pyc"):
            if "__pycache__" not in path.parts:
                z.write(path, path.relative_to(tmp_path))
    program = f"""
import sys
sys.path.insert(0, {str(archive)!r})
import numpy as np
import autograd
from autograd import Value, add_n
assert autograd.__file__.endswith(".pyc"), autograd.__file__
a, b = Value(0.7), Value(1.3)
column = Value(np.array([0.4, -0.3]))
terms = [a + b, a - b, a * b, a / b, -a, a ** 3, a ** b, a.exp(), a.log(), a.sqrt(), a.tanh(),
         a.sigmoid(), a.relu(), a.leaky_relu(0.1), abs(a), a.sin(), a.cos(),
         autograd.sum_squares([a, b]), autograd.sum_abs([a, b])]
out = add_n(terms) + (column * a + b).sum() + (column * b).mean()
out.backward()
print(repr([a.grad, b.grad, *column.grad.tolist()]))
"""
    shipped = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                             cwd=tmp_path, check=True).stdout
    a, b = Value(0.7), Value(1.3)
    column = Value(np.array([0.4, -0.3]))
    terms = [a + b, a - b, a * b, a / b, -a, a ** 3, a ** b, a.exp(), a.log(), a.sqrt(),
             a.tanh(), a.sigmoid(), a.relu(), a.leaky_relu(0.1), abs(a), a.sin(), a.cos(),
             sum_squares([a, b]), sum_abs([a, b])]
    out = add_n(terms) + (column * a + b).sum() + (column * b).mean()
    out.backward()
    assert shipped.strip() == repr([a.grad, b.grad, *column.grad.tolist()])


def test_every_rule_has_a_second_derivative_case():
    assert set(EVERY_RULE) == set(RULES)


@pytest.mark.parametrize("name", sorted(EVERY_RULE))
@pytest.mark.parametrize("point", [(0.7, 1.3), (-1.1, 0.6)])
def test_second_derivatives_through_every_rule_match_finite_differences(name, point):
    f = EVERY_RULE[name]
    a, b = Value(point[0]), Value(point[1])
    first = grad(f(a, b), [a, b], create_graph=True)
    hessian = [[h.data for h in grad(g, [a, b])] for g in first]

    def gradient(x: float, y: float) -> list[float]:
        u, v = Value(x), Value(y)
        return [g.data for g in grad(f(u, v), [u, v])]

    eps = 1e-6
    for j, (dx, dy) in enumerate([(eps, 0.0), (0.0, eps)]):
        ahead, behind = gradient(point[0] + dx, point[1] + dy), \
            gradient(point[0] - dx, point[1] - dy)
        for i in range(2):
            expected = (ahead[i] - behind[i]) / (2 * eps)
            assert hessian[i][j] == pytest.approx(expected, rel=1e-5, abs=1e-6), (name, i, j)


def test_a_create_graph_walk_leaves_the_garbage_collector_as_it_found_it():
    import gc

    x = Value(2.0)
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            (dx,) = grad(x ** 3, [x], create_graph=True)
            assert gc.isenabled() is enabled and dx.data == 12.0
            with pytest.raises(ZeroDivisionError, match="derivative of sqrt"):
                grad(x.sqrt() * 0.0 + (x - 2.0).sqrt(), [x], create_graph=True)  # and if it raises
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_hessian_vector_product_on_a_small_net():
    """H v by differentiating (grad . v); checked against finite differences of the gradient."""
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=4)
    v = rng.normal(size=4)
    xs = [(0.5, -1.0), (1.5, 0.3), (-0.7, 0.8)]

    def loss(w):
        total = 0
        for x1, x2 in xs:
            h = (w[0] * x1 + w[1] * x2).tanh()
            total = total + (w[2] * h + w[3] - 1) ** 2
        return total

    def gradient_at(w_numbers):
        w = [Value(float(t)) for t in w_numbers]
        return np.array([g.data for g in grad(loss(w), w)])

    w = [Value(float(t)) for t in w0]
    g = grad(loss(w), w, create_graph=True)
    gv = sum(gi * float(vi) for gi, vi in zip(g, v))
    hv = np.array([h.data for h in grad(gv, w)])
    eps = 1e-5
    fd = (gradient_at(w0 + eps * v) - gradient_at(w0 - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, fd, rtol=1e-5, atol=1e-7)


def test_grad_of_unused_input_is_zero():
    x, y = Value(1.0), Value(2.0)
    assert grad(x * 3, [y])[0].data == 0.0


def test_grad_rejects_non_values():
    with pytest.raises(TypeError, match="input 0 is float"):
        grad(Value(1.0), [1.0])


# -- no_grad, scope -------------------------------------------------------------------

def test_no_grad_records_no_graph():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
    assert is_grad_enabled()
    assert y.data == 7.0 and y.op == "" and y.inputs == ()


def test_no_grad_as_decorator():
    @no_grad()
    def update(v):
        return v * 2

    assert update(Value(1.0)).inputs == ()


def test_scope_is_recorded_and_nests():
    x = Value(1.0)
    with scope("layers.0"):
        with scope("neurons.3"):
            assert current_scope() == "layers.0.neurons.3"
            y = x * 2
        z = y + 1
    w = z * 1
    assert (y.scope, z.scope, w.scope, x.scope) == ("layers.0.neurons.3", "layers.0", "", "")


# -- bad input: clear errors ----------------------------------------------------------

@pytest.mark.parametrize("bad,word", [("abc", "str"), (None, "NoneType"), ([1, 2], "list"),
                                      (1 + 2j, "complex")])
def test_bad_data_is_a_type_error_naming_the_type(bad, word):
    with pytest.raises(TypeError, match=word):
        Value(bad)


@pytest.mark.parametrize("build,error,words", [
    (lambda x: x.log(), ValueError, ["log", "a > 0", "0.0", "'x'"]),
    (lambda x: (x - 1).log(), ValueError, ["log", "-1.0"]),
    (lambda x: (x - 1).sqrt(), ValueError, ["sqrt", "-1.0"]),
    (lambda x: x ** -1, ZeroDivisionError, ["pow", "0.0", "'x'"]),
    (lambda x: 1 / x, ZeroDivisionError, ["div", "'x'", "b = 0.0"]),
    (lambda x: (x + 1) / 0, ZeroDivisionError, ["div", "constant"]),
    (lambda x: (x - 2) ** Value(2.0), ValueError, ["powv", "-2.0", "exponent is a Value"]),
    (lambda x: (x - 8) ** 0.5, ValueError, ["pow", "-8.0", "fractional"]),
])
def test_domain_errors_name_op_value_and_label(build, error, words):
    x = Value(0.0, label="x")
    with pytest.raises(error) as info:
        build(x)
    for word in words:
        assert word in str(info.value)


def test_explicit_nan_and_inf_are_allowed():
    x = Value(float("nan"))
    y = Value(float("inf"))
    assert math.isnan((x * 2).data) and (y + 1).data == math.inf
    assert math.isnan(x.log().data)


def test_detect_anomaly_names_the_first_bad_op():
    x = Value(1000.0, label="x")
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"exp.*'x'"):
            x.exp()
    y = x.exp()  # outside the block: inf is allowed
    assert y.data == math.inf


def test_detect_anomaly_catches_bad_gradients():
    x = Value(1e-300, label="x")
    f = (x * 1e300) * 1e300  # a finite value, 1e300, but d f / d x = 1e600 overflows
    f.backward()
    assert f.data == pytest.approx(1e300) and x.grad == math.inf
    x.grad = 0.0
    with detect_anomaly():
        f = (x * 1e300) * 1e300
        with pytest.raises(FloatingPointError, match="gradient"):
            f.backward()


def test_infinite_local_derivative_is_a_clear_error():
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        Value(0.0, label="x").sqrt().backward()


def test_unsupported_operand_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="negative_slope"):
        Value(1.0).leaky_relu("a")
    with pytest.raises(TypeError):
        float(Value(np.array([1.0, 2.0])))


# -- micrograd compatibility ----------------------------------------------------------

def test_micrograd_style_code_runs_unchanged():
    # the neuron from the well-known tutorial, with its hand-derived gradients
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5))
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))
    assert o._prev == {n} and o._op == "tanh" and x1w1._op == "*" and x1._op == ""

    # the tutorial's drawing helper walks _prev and reads _op, data, grad and label
    nodes, edges = set(), set()
    stack = [o]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    assert len(nodes) == 10 and len(edges) == 9
    labels = {"{ %s | data %.4f | grad %.4f }" % (v.label, v.data, v.grad)  # noqa: UP031
              for v in nodes}
    assert "{ w1 | data -3.0000 | grad 1.0000 }" in labels


def test_docstring_examples_run():
    import autograd
    import autograd.backward
    import autograd.engine
    import autograd.errors
    import autograd.modes
    import autograd.ops
    import autograd.tape

    for module in (autograd, autograd.engine, autograd.backward, autograd.errors,
                   autograd.modes, autograd.ops, autograd.tape):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_the_engines_modules_import_each_other_in_one_direction():
    """No import cycle: each of the engine's modules imports only those before it."""
    import ast
    from pathlib import Path

    import autograd

    order = ["ops", "modes", "errors", "tape", "backward", "engine"]
    folder = Path(autograd.__file__).parent
    for rank, name in enumerate(order):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd"):
                used = [node.module.split(".")[1]] if "." in node.module else \
                    [alias.name for alias in node.names]
                for module in used:
                    assert module in order[:rank], f"{name} imports {module}"


# -- seeds, graphs made under no_grad, powers at the edges -----------------------------

def test_a_seed_that_does_not_fit_the_output_is_refused_before_any_grad_changes():
    x = Value(2.0, "x")
    y = x * x
    with pytest.raises(ValueError, match=r"seed has shape \(4,\).*shape \(\) \(a scalar\)"):
        y.backward(np.ones(4))
    with pytest.raises(ValueError, match=r"seed has shape \(2,\)"):
        y.backward(Value(np.ones(2)))
    with pytest.raises(ValueError, match="seed is a number or a 1-D array"):
        y.backward("1")
    assert (x.grad, y.grad) == (0.0, 0.0)
    y.backward(np.array(1.0))  # a 0-d array is a number
    assert x.grad == 4.0


def test_backward_on_a_value_made_under_no_grad_says_why_nothing_flows():
    x = Value(2.0)
    with no_grad():
        y = x * 3
    y.label = "y"
    with pytest.raises(RuntimeError, match="'y' was computed under no_grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="no_grad"):
        grad(y, [x])
    assert (x.grad, y.grad) == (0.0, 0.0)
    # a leaf is no such Value: d x / d x = 1
    x.backward()
    assert x.grad == 1.0
    # and a Value made under no_grad used later is a leaf of the new graph
    z = y * x
    z.backward()
    assert y.grad == 2.0


def test_x_to_the_zero_has_derivative_zero_even_at_zero():
    x = Value(0.0)
    y = x ** 0
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)
    xb = Value(np.array([0.0, 2.0, -1.0]))
    (xb ** 0).sum().backward()
    np.testing.assert_array_equal(xb.grad, [0.0, 0.0, 0.0])
    (d,) = grad(Value(0.0) ** 0, [x], create_graph=True)
    assert d.data == 0.0
    # and a ** b with b = 0: d/da = 0 even where a**(b - 1) overflows
    a, b = Value(1e-320), Value(0.0)
    f = a ** b
    f.backward()
    assert (f.data, a.grad) == (1.0, 0.0)
    assert b.grad == pytest.approx(math.log(1e-320))


def test_powers_that_overflow_give_inf_as_multiplication_does():
    assert (Value(1e300) ** 2).data == math.inf == (Value(1e300) * 1e300).data
    assert (Value(-1e300) ** 3).data == -math.inf
    assert (Value(-1e300) ** 2).data == math.inf
    assert (Value(1e-300) ** -2).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf
    x = Value(1e200)
    (x ** 3).backward()  # 3 x^2 overflows too
    assert x.grad == math.inf


def test_sin_and_cos_of_infinity_are_nan_as_in_numpy():
    for op in ("sin", "cos"):
        assert math.isnan(getattr(Value(math.inf), op)().data)


def test_copies_and_pickles_of_a_value_made_under_no_grad_keep_its_mark():
    import copy
    import pickle

    x = Value(2.0)
    with no_grad():
        y = x * 3
    for twin in (copy.copy(y), copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        assert twin.data == 6.0 and twin.inputs == ()
        with pytest.raises(RuntimeError, match="computed under no_grad"):
            twin.backward()
        with pytest.raises(RuntimeError, match="no_grad"):
            grad(twin, [x])


# -- labels and data: what a Value holds ------------------------------------------------

@pytest.mark.parametrize("bad", [3, None, b"x", ["x"]])
def test_a_label_that_is_not_a_str_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match=rf"label is a str, got {type(bad).__name__}: "
                                        + re.escape(repr(bad))):
        Value(1.0, label=bad)
    v = Value(1.0, label="v")
    with pytest.raises(TypeError, match=f"got {type(bad).__name__}"):
        v.label = bad
    assert v.label == "v"


@pytest.mark.parametrize("text", ["", "x", "nul\0inside", "lone \ud800 surrogate", "y" * 100_000])
def test_any_str_is_a_label(text):
    with scope("s"):
        v = Value(1.0, label=text)
        w = v * 2.0
    w.label = text
    assert (v.label, w.label, v.scope, w.scope) == (text, text, "s", "s")


def test_an_array_of_text_is_not_a_number():
    with pytest.raises(TypeError, match="0-d array of dtype <U3"):
        Value(np.array("1.5"))
    with pytest.raises(ValueError, match="dtype <U3"):
        Value(np.array(["1.5", "2"]))
    assert Value(np.array(1.5)).data == 1.5 and Value(np.float32(0.5)).data == 0.5
