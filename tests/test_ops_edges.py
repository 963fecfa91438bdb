"""viz.ops.edges: the chain rule written on the op view's edges."""

from __future__ import annotations

import re

import pytest
from ops_helpers import cell, name_of, needs_dot, node_labels, seed_nodes

import viz
from autograd.engine import Parameter, Value, add_n
from autograd.regularizers import l2


def test_edges_carry_the_local_derivative_and_the_chain_rule_product():
    source = viz.draw(seed_nodes()[-1]).source
    assert "∂q/∂x = 1" in source
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4" in source
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = -4 · 1 = -4" in source
    # the rule's derivative text, in the diagram's names: d(q z)/dq = z
    assert "∂f/∂q = z = -4" in source
    assert "∂f/∂z = q = 3" in source


def test_x_times_x_draws_two_edges_each_with_its_own_share_of_the_gradient():
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    y.backward()
    source = viz.draw(y).source
    assert len(re.findall(r"^\s*n0 -> op1 ", source, flags=re.M)) == 2
    # one use of two: the product is a contribution, and the box shows the sum 6
    assert source.count("∂y/∂y · ∂y/∂x") == 0  # the edge into the output needs no product
    assert cell(node_labels(source)["n0"], "grad") == "6"
    assert source.count("∂y/∂x = x = 3") == 2


@needs_dot
def test_an_add_n_node_labels_every_edge_and_names_its_formula():
    x, y, z = Value(2.0, "x"), Value(-3.0, "y"), Value(0.5, "z")
    p = y * z
    p.label = "p"
    s = add_n([x, p, z, x])  # four inputs, x twice
    s.label = "s"
    s.backward()
    source = viz.draw(s).source
    assert len(re.findall(r"^\s*n\d+ -> op\d+ ", source, flags=re.M)) == 4 + 2  # and p's two
    assert source.count("∂s/∂x = 1") == 2 and "∂s/∂p = 1" in source and "∂s/∂z = 1" in source
    assert "add_n: out = a_1 + a_2 + a_3 + a_4" in source  # the op node's tooltip
    assert cell(node_labels(source)[name_of(s, z)], "grad") == "-2"  # 1 + y
    frames = list(viz.step_forward(s))
    assert frames[-1].caption == "forward 5/5: s = x + p + z + x = 3"


def test_products_of_a_value_used_twice_add_up_to_its_gradient():
    x = Value(2.0, "x")
    a = x * 3.0
    a.label = "a"
    b = x.tanh()
    b.label = "b"
    f = a * b
    f.label = "f"
    f.backward()
    source = viz.draw(f).source
    products = [float(m) for m in re.findall(r"∂f/∂\w · ∂\w/∂x = [^=]+= (-?[\d.e+-]+)<", source)]
    assert len(products) == 2
    assert sum(products) == pytest.approx(x.grad, rel=1e-3)
    # used twice, so neither edge claims to be the whole ∂f/∂x
    assert "∂f/∂x = ∂f/" not in source


def test_a_penalty_sums_its_weights_in_one_node_whose_edges_show_each_derivative():
    w0, w1 = Parameter(0.5, "w0"), Parameter(-2.0, "w1")
    penalty = l2([w0, w1], 0.1)
    penalty.label = "P"
    penalty.backward()
    source = viz.draw(penalty).source
    assert "sum_squares: out = a_1² + a_2²" in source
    # the rule's text, then its value; the sum is named after its scope and role
    assert "∂l2.Σw²/∂w0 = 2 × w0 = 1<" in source
    assert "∂l2.Σw²/∂w1 = 2 × w1 = -4<" in source
    assert (w0.grad, w1.grad) == pytest.approx((0.05, -0.2))  # lam * w


def test_the_derivative_label_shows_inf_where_the_rule_is_infinite():
    x = Value(0.0, "x")
    y = x.sqrt()
    y.label = "y"
    source = viz.draw(y, grads=False).source
    assert "∂y/∂x = 0.5/y = inf" in source
