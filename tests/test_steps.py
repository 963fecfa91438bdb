"""viz.steps and viz.network_steps: each step's caption and its rule with the numbers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from graphs import seed

from autograd import batch, losses, nn
from autograd.engine import Value, grad, scope
from viz.network_steps import unit_steps
from viz.scene import Options
from viz.steps import MAX_TERMS, op_steps
from viz.text import Summary


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
    assert step.rule[0] == "∂f/∂x = ∂f/∂square · ∂square/∂x + ∂f/∂square · ∂square/∂x + ∂f/∂f · ∂f/∂x"
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


def test_a_long_sum_is_cut_after_max_terms_and_still_gives_the_whole_total():
    x = Value(2.0, "x")
    terms = [x * float(k) for k in range(1, MAX_TERMS + 3)]
    f = terms[0]
    for t in terms[1:]:
        f = f + t
    f.label = "f"
    step = by_name(op_steps(f, Options(), "backward"), "x")
    assert step.rule[0].endswith("+ … (2 more)")
    assert step.rule[-1] == f"= {sum(range(1, MAX_TERMS + 3))}"   # d/dx Σ k x = Σ k


def test_a_batch_gives_the_formula_and_the_total_not_a_product_of_means():
    w = Value(0.5, "w")
    y = (w * Value(np.array([1.0, 2.0, 3.0]))).sum()
    y.label = "y"
    step = by_name(op_steps(y, Options(), "backward"), "w")
    assert step.rule[-1] == "summed over the batch: = 6"   # Σ x_i
    assert "·" not in step.rule[-1]


def test_op_steps_refuse_what_is_not_a_pass():
    with pytest.raises(ValueError, match="direction is 'forward' or 'backward'"):
        op_steps(seed(), Options(), "sideways")
    with pytest.raises(TypeError, match="needs a Value"):
        op_steps(3.0, Options(), "backward")


# -- the network view's rule -------------------------------------------------------------

def one_sample_mlp():
    model = nn.MLP(2, [4, 4, 1], seed=3)
    out = model([Value(0.7, "x0"), Value(-1.2, "x1")])
    loss = (out - 0.25) ** 2
    loss.label = "loss"
    return model, loss


def evaluate(line: str) -> float:
    """A rule's line of numbers ("= 0.5 × ((-1) × 2 + 3 × 4)") as Python arithmetic."""
    expr = line.removeprefix("= ").replace("×", "*")
    assert re.fullmatch(r"[-+*() .\deE]+", expr), expr
    return eval(expr)  # noqa: S307 - digits and operators only, checked above


def test_a_neurons_backward_rule_is_delta_j_with_numbers_that_add_up():
    _, loss = one_sample_mlp()
    net, steps = unit_steps(loss, "backward", Summary(fmt=".12g"))
    neurons = [s for s in steps if s.unit.kind == "neuron"]
    assert len(neurons) == 9
    sums = [z for s in neurons for z in s.unit.z]
    exact = dict(zip(sums, (g.data for g in grad(loss, sums))))
    for step in neurons:
        rule = step.rule
        delta = exact[step.unit.z[0]]                    # ∂loss/∂z_j, from autograd
        feeds = any(w.source is step.unit for w in net.weights)
        assert rule[0] == ("δ_j = f'(z_j) · Σ_k w_jk δ_k" if feeds else
                           "δ_j = f'(z_j) · ∂loss/∂a_j")
        assert float(rule[4].removeprefix("= ")) == pytest.approx(delta, rel=1e-9)
        assert evaluate(rule[3]) == pytest.approx(delta, rel=1e-9, abs=1e-12)


def test_a_neurons_forward_rule_is_its_weighted_sum_with_numbers_that_add_up():
    _, loss = one_sample_mlp()
    _, steps = unit_steps(loss, "forward", Summary(fmt=".12g"))
    for step in (s for s in steps if s.unit.kind == "neuron"):
        z = step.unit.z[0].data
        assert step.rule[0] == "a_j = f(z_j),  z_j = b_j + Σ_i w_ij x_i"
        assert evaluate(step.rule[2].removeprefix("z_j ")) == pytest.approx(z, abs=1e-10)
        assert float(step.rule[3].removeprefix("= ")) == pytest.approx(z, rel=1e-9)


def test_a_batchs_network_rule_uses_one_samples_numbers_and_says_so():
    rng = np.random.default_rng(0)
    model = nn.MLP(2, [3, 1], seed=0)
    loss = losses.mse(model(batch(rng.normal(size=(5, 2)))), np.ones(5))
    _, steps = unit_steps(loss, "backward", Summary(sample=2))
    step = next(s for s in steps if s.unit.kind == "neuron" and s.unit.name == "L0.N1")
    assert step.rule[-1] == "numbers of sample 2 of 5"
    _, steps = unit_steps(loss, "backward", Summary())
    step = next(s for s in steps if s.unit.name == "L0.N1")
    assert step.rule[-1] == "numbers of sample 0 of 5; the boxes show the batch's mean"
    mean = float(np.mean(step.known))
    assert step.caption.endswith(f"δ L0.N1 = ∂loss/∂a = {mean:.3g}")


def test_the_loss_is_the_seed_of_the_network_views_pass():
    _, loss = one_sample_mlp()
    _, steps = unit_steps(loss, "backward", Summary())
    assert steps[0].unit.outputs[0] is loss
    assert steps[0].rule == ("∂loss/∂loss = 1", "the seed: backward starts from the loss")
    assert steps[0].caption == f"backward 1/{len(steps)}: δ loss = 1 (the seed)"


def test_a_hand_built_neuron_reads_as_one():
    w = [Value(0.5, "w0"), Value(-1.0, "w1")]
    with scope("neurons.0"):
        from autograd.engine import Parameter, add_n
        ws = [Parameter(v.data, v.label) for v in w]
        z = add_n([ws[0] * 2.0, ws[1] * 3.0])
        a = z.tanh()
    a.label = "a"
    _, steps = unit_steps(a, "forward", Summary(fmt=".6g"))
    neuron = next(s for s in steps if s.unit.kind == "neuron")
    assert neuron.rule[-1] == f"a_j = tanh(-2) = {math.tanh(-2.0):.6g}"
