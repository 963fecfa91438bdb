"""Property tests: random expression graphs against central finite differences."""

from __future__ import annotations

import hypothesis
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    Value,
    add_n,
    detect_anomaly,
    grad,
    gradcheck,
    sum_abs,
    sum_squares,
    topological_order,
)

# Ops that are smooth on the whole real line, so finite differences are exact enough
# wherever hypothesis lands; log and sqrt are fed positive arguments on purpose.
UNARY = [
    lambda v: v.tanh(),
    lambda v: v.sin(),
    lambda v: v.cos(),
    lambda v: v.sigmoid(),
    lambda v: (v * 0.5).exp(),
    lambda v: (v * v + 1.0).log(),
    lambda v: (v * v + 0.5).sqrt(),
    lambda v: -v,
    lambda v: v ** 2,
    lambda v: v * 0.5 + 1.0,
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: (a * a + 1.0) ** b.tanh(),
    # add_n with repeated inputs, constants, and leaves before and after made values
    lambda a, b: add_n([a, b, a * 0.5, b]),
    lambda a, b: add_n([b, 2.0, a, b * a, a]),
    lambda a, b: sum_squares([a, b.tanh(), a]) * 0.1,
]

program = st.lists(
    st.tuples(st.booleans(), st.integers(0, 9), st.integers(0, 100), st.integers(0, 100)),
    min_size=1, max_size=25)
points = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


def run(steps, xs, made=None):
    """Build a random graph over the inputs: each step applies an op to earlier nodes
    (so nodes are shared and gradients must accumulate). ``made`` collects the nodes
    in the order the program makes them."""
    nodes = list(xs)
    for binary, op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op](a))
    out = nodes[-1] + nodes[len(nodes) // 2]
    if made is not None:
        made.extend(nodes + [out])
    return out


@settings(max_examples=120, deadline=None)
@given(program, points)
def test_random_graphs_match_finite_differences(steps, values):
    xs = [Value(v) for v in values]
    assert gradcheck(lambda *inputs: run(steps, inputs), xs, eps=1e-6, atol=1e-5, rtol=1e-4)


@settings(max_examples=60, deadline=None)
@given(program, points)
def test_backward_and_grad_agree(steps, values):
    xs = [Value(v) for v in values]
    out = run(steps, xs)
    expected = [g.data for g in grad(out, xs)]
    out.backward()
    assert [x.grad for x in xs] == expected


@settings(max_examples=60, deadline=None)
@given(program, points)
def test_order_is_topological_and_repeatable(steps, values):
    out = run(steps, [Value(v) for v in values])
    order = topological_order(out)
    position = {id(n): k for k, n in enumerate(order)}
    assert order[-1] is out
    assert all(position[id(i)] < position[id(n)] for n in order for i in n.inputs)
    again = run(steps, [Value(v) for v in values])
    assert [(n.op, n.data) for n in topological_order(again)] == [(n.op, n.data) for n in order]
    assert {id(n) for n in order} == reachable(out)
    # the order the program made them in: its own nodes keep their order
    made: list = []
    third = run(steps, [Value(v) for v in values], made)
    ids = {id(n) for n in made}
    expected = [n for k, n in enumerate(made) if id(n) in reachable(third)
                and all(m is not n for m in made[:k])]
    assert [n for n in topological_order(third) if id(n) in ids] == expected


def reachable(root):
    """The ids of every node ``root`` depends on (root included), found by recursion."""
    seen = set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for i in node.inputs:
                visit(i)

    visit(root)
    return seen


@settings(max_examples=40, deadline=None)
@given(program, st.lists(st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3),
                         min_size=2, max_size=5))
def test_a_batch_equals_its_samples_one_by_one(steps, rows):
    X = np.array(rows)
    batched = [Value(X[:, k]) for k in range(3)]
    out = run(steps, batched)
    out.sum().backward()
    for s, row in enumerate(rows):
        xs = [Value(v) for v in row]
        single = run(steps, xs)
        single.backward()
        np.testing.assert_allclose(np.broadcast_to(out.data, len(rows))[s], single.data,
                                   rtol=1e-12, atol=1e-12)
        for k in range(3):
            grad_k = np.broadcast_to(batched[k].grad, len(rows))  # 0.0 if unused
            np.testing.assert_allclose(grad_k[s], xs[k].grad, rtol=1e-10, atol=1e-12)


# Every rule, for graphs that mix scalar and batch inputs: the reductions (sum, mean)
# turn a batch into a scalar mid-graph, and the ops with a constant local derivative
# (+, -, neg, relu, abs, times a number) pass a plain array down to a scalar input.
MIXED_UNARY = UNARY + [
    lambda v: v.relu(),
    lambda v: abs(v),
    lambda v: v.leaky_relu(0.1),
    lambda v: v.sum(),
    lambda v: v.mean() * 2.0,
    lambda v: v ** 3,
    lambda v: (v * v + 0.5) ** 0.5,
    lambda v: (v * v + 1.0) ** -1,
    lambda v: sum_abs([v, v * 2.0]),
]


def run_mixed(steps, xs):
    nodes = list(xs)
    for binary, op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(BINARY[op % len(BINARY)](a, b) if binary
                     else MIXED_UNARY[op % len(MIXED_UNARY)](a))
    return (nodes[-1] * nodes[len(nodes) // 2]).sum()


@settings(max_examples=150, deadline=None)
@given(program, st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2),
       st.lists(st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4), min_size=2, max_size=2))
def test_create_graph_gradients_equal_plain_gradients_on_mixed_batches(steps, scalars, columns):
    xs = [Value(v) for v in scalars] + [Value(np.array(c)) for c in columns]
    out = run_mixed(steps, xs)
    plain = grad(out, xs)
    on_graph = grad(out, xs, create_graph=True)
    for x, p, g in zip(xs, plain, on_graph):
        assert np.shape(g.data) == np.shape(x.data)
        np.testing.assert_allclose(g.data, p.data, rtol=1e-12, atol=1e-12)
    out.backward()
    for x, p in zip(xs, plain):
        np.testing.assert_allclose(x.grad, p.data, rtol=1e-12, atol=1e-12)


def test_backward_and_grad_give_the_same_bits_with_and_without_detect_anomaly():
    """backward() and grad() are one walk: on numbers and on mixed batches they give the
    same floats, bit for bit, and so does grad() within detect_anomaly(), which refuses a
    graph where something overflows. Those graphs are counted: most examples must get
    through detect_anomaly, or this test would check nothing there."""
    refused: list[int] = []
    checked: list[int] = []

    @settings(max_examples=100, deadline=None)
    @given(program, st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2),
           st.lists(st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4), min_size=2,
                    max_size=2))
    @hypothesis.example(  # a node read twice by one op: its two terms added a, then b
        steps=[(False, 0, 0, 0)] * 3 + [(False, 1, 38, 0)] + [(False, 0, 0, 0)] * 3
        + [(True, 1, 0, 0), (False, 0, 0, 0), (False, 0, 0, 0), (True, 6, 0, 67)],
        scalars=[0.0, 0.0], columns=[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    def example(steps, scalars, columns):
        numbers = [Value(v) for v in scalars + columns[0][:1]]
        mixed = [Value(v) for v in scalars] + [Value(np.array(c)) for c in columns]
        for xs, out in ((numbers, run(steps, numbers)), (mixed, run_mixed(steps, mixed))):
            by_grad = [g.data for g in grad(out, xs)]
            try:
                with detect_anomaly():
                    checked_grad = [g.data for g in grad(out, xs)]
            except FloatingPointError:  # an overflow somewhere: detect_anomaly refuses it
                refused.append(1)
                checked_grad = by_grad
            else:
                checked.append(1)
            out.backward()
            for x, g, h in zip(xs, by_grad, checked_grad):
                np.testing.assert_array_equal(x.grad, g)
                np.testing.assert_array_equal(h, g)

    example()
    assert len(checked) >= 3 * len(refused), (len(checked), len(refused))
