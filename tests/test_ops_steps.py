"""viz.steps and viz.network_steps: each step's caption and its rule with the numbers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from graphs import seed

from autograd.engine import Value
from viz.common.chain import MAX_TERMS
from viz.ops.scene import Options
from viz.ops.steps import op_steps


def by_name(steps, name):
    return next(s for s in steps if s.node.label == name)


def test_the_seeds_backward_rules_are_the_chain_rule_with_its_numbers():
    steps = op_steps(seed(), Options(), "backward")
    assert [s.node.label for s in steps] == ["f", "z", "q", "y", "x"]
    assert by_name(steps, "f").rule == ("∂f/∂f = 1", "the seed: backward starts from the output")
    assert by_name(steps, "z").rule == ("∂f/∂z = ∂f/∂f · ∂f/∂z", "∂f/∂z = q = 3", "= 1 · 3",
                                        "= 3")
    assert by_name(steps, "x").rule == ("∂f/∂x = ∂f/∂q · ∂q/∂x", "∂q/∂x = 1", "= -4 · 1",
                                        "= -4")
    assert by_name(steps, "x").caption == "backward 5/5: ∂f/∂x = -4"


def test_the_seeds_forward_rules_put_the_inputs_numbers_in_the_formula():
    steps = op_steps(seed(), Options(), "forward")
    assert by_name(steps, "x").rule == ("x = -2", "given")
    assert by_name(steps, "q").rule == ("q = x + y", "= (-2) + 5", "= 3")
    assert by_name(steps, "f").rule == ("f = q × z", "= 3 × (-4)", "= -12")  # × as on a slide


def test_a_value_read_three_times_sums_one_term_per_edge():
    x = Value(3.0, "x")
    f = x * x + x            # df/dx = 2x + 1 = 7
    f.label = "f"
    step = by_name(op_steps(f, Options(), "backward"), "x")
    assert step.rule[0] == ("∂f/∂x = ∂f/∂square · ∂square/∂x + ∂f/∂square · ∂square/∂x "
                            "+ ∂f/∂f · ∂f/∂x")
    assert step.rule[-2:] == ("= 1 · 3 + 1 · 3 + 1 · 1", "= 7")
    assert "the sum over the 3 edges leaving x" in step.caption


def test_a_rule_is_written_in_the_diagrams_notation():
    n = Value(0.5, "n")
    o = n.tanh()
    o.label = "o"
    step = by_name(op_steps(o, Options(fmt=".3g"), "backward"), "n")
    slope = 1 - math.tanh(0.5) ** 2
    assert step.rule[1] == f"∂o/∂n = 1 - o² = {slope:.3g}"  # not 1 - o**2
    assert "**" not in "".join(step.rule) and "*" not in "".join(step.rule)


def test_a_long_sum_gets_a_line_an_edge_whose_parts_add_up_to_the_total():
    x = Value(2.0, "x")
    terms = [x * float(k) for k in range(1, MAX_TERMS + 3)]
    f = terms[0]
    for t in terms[1:]:
        f = f + t
    f.label = "f"
    step = by_name(op_steps(f, Options(), "backward"), "x")
    assert step.rule[0] == f"∂f/∂x = Σ over the {MAX_TERMS + 2} edges of ∂f/∂reader · ∂reader/∂x"
    edges = step.rule[1:-1]
    assert len(edges) == MAX_TERMS + 2
    parts = [float(line.rsplit(" = ", 1)[1]) for line in edges]
    for k, line in enumerate(edges, start=1):   # ∂f/∂(k x) · ∂(k x)/∂x = 1 · k = k
        assert line.endswith(f"= 1 · {k} = {k}")
    assert step.rule[-1] == f"= {sum(range(1, MAX_TERMS + 3))}" == f"= {sum(parts):g}"


def test_a_batch_mean_gives_the_formula_and_the_total_not_a_product_of_means():
    w = Value(0.5, "w")
    y = (w * Value(np.array([1.0, 2.0, 3.0]))).sum()
    y.label = "y"
    step = by_name(op_steps(y, Options(), "backward"), "w")
    assert step.rule[-1] == "summed over the batch: = 6"   # Σ x_i
    assert not any("·" in line and re.search(r"\d", line) for line in step.rule)


def test_a_sample_gives_its_own_term_and_the_batch_total_of_a_weight():
    w = Value(0.5, "w")
    y = (w * Value(np.array([1.0, 2.0, 3.0]))).sum()
    y.label = "y"
    step = by_name(op_steps(y, Options(sample=1), "backward"), "w")
    assert step.rule[-2:] == ("= 1 · 2", "sample 1's terms: = 2; summed over all 3 samples: = 6")
    x = Value(np.array([1.0, -2.0, 3.0]), "x")
    z = (x * x).mean()
    z.label = "z"
    step = by_name(op_steps(z, Options(sample=1), "backward"), "x")  # 2 x_1 / 3
    assert step.rule[-2:] == ("= 0.3333 · (-2) + 0.3333 · (-2)", "= -1.333")
    step = by_name(op_steps(z, Options(sample=1), "forward"), "x")
    assert step.caption.endswith("x = -2 (given)")


def test_op_steps_refuse_what_is_not_a_pass():
    with pytest.raises(ValueError, match="direction is 'forward' or 'backward'"):
        op_steps(seed(), Options(), "sideways")
    with pytest.raises(TypeError, match="needs a Value"):
        op_steps(3.0, Options(), "backward")
