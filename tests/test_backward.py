"""backward()'s walk (autograd.backward): the tape gives the order when it covers the
graph and a search does otherwise. Whatever the tape holds, the numbers are grad()'s."""

from __future__ import annotations

import copy
import gc
import math
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import BINARY, MIXED_UNARY

import autograd.backward as walk
from autograd import Value, add_n, grad, no_grad


def no_search(*_: object) -> None:
    raise AssertionError("the walk searched the graph instead of reading the tape")


def test_the_loss_just_made_is_walked_from_the_tape_without_a_search(monkeypatch):
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    f = (x * y + x.tanh()) * y
    assert walk.tape[-1] is f
    monkeypatch.setattr(walk, "reachable", no_search)
    f.backward()
    t = math.tanh(1.5)
    assert x.grad == pytest.approx((-0.5 + (1 - t * t)) * -0.5, rel=1e-15)  # (y + tanh') y
    assert y.grad == pytest.approx(2 * 1.5 * -0.5 + t, rel=1e-15)  # x y + tanh x + x y
    assert f.grad == 1.0 and not walk.tape  # the tape starts again after a backward


def test_the_seed_example_through_the_tape_and_again_through_a_search(monkeypatch):
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad, q.grad) == (-12.0, -4.0, -4.0, 3.0, -4.0)
    searched = []
    monkeypatch.setattr(walk, "reachable", lambda roots: searched.append(1) or
                        dict.fromkeys([f, q, x, y, z]))
    f.backward()  # off the tape now: found by a search, added once more
    assert searched and (x.grad, y.grad, z.grad, q.grad, f.grad) == (-8.0, -8.0, 6.0, -8.0, 2.0)


def test_a_node_made_after_the_loss_does_not_take_part():
    x, y = Value(3.0), Value(-2.0)
    f = x * y
    g = f * 10.0  # made after f, so on the tape after it
    f.backward()
    assert (x.grad, y.grad, g.grad) == (-2.0, 3.0, 0.0)
    g.backward()  # g is now older than the tape: a search, the same numbers
    assert (x.grad, y.grad, f.grad) == (-2.0 + 10 * -2.0, 3.0 + 10 * 3.0, 11.0)


def test_a_graph_that_straddles_a_backward_gets_both_contributions():
    """h is made, then reached by one backward; a second loss made from h afterwards
    finds h below its tape: h is set aside, and the walk carries on from it."""
    x, y = Value(0.4), Value(-1.3)
    h = (x * y).tanh()
    (h * 2.0).backward()
    second = h * h + x  # on the tape, h is not
    second.backward()
    hv = math.tanh(0.4 * -1.3)
    dh = 2.0 + 2 * hv  # d/dh of 2h, then of h^2
    assert h.grad == pytest.approx(dh, rel=1e-15)
    assert x.grad == pytest.approx(dh * (1 - hv * hv) * -1.3 + 1.0, rel=1e-14)
    assert y.grad == pytest.approx(dh * (1 - hv * hv) * 0.4, rel=1e-14)


def test_a_grad_set_by_hand_on_the_tape_counts_once_and_flows_nowhere():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    q.grad = 5.0  # by hand, on a node still on the tape
    f.backward()
    assert q.grad == 5.0 - 4.0 and x.grad == -4.0 and z.grad == 3.0


def test_backward_of_a_leaf_and_of_a_batch():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0
    w, c = Value(0.5), Value(np.array([1.0, -2.0, 3.0]))
    out = (c * w).tanh() + w
    out.backward()  # one seed per sample
    t = np.tanh(c.data * 0.5)
    np.testing.assert_allclose(c.grad, (1 - t * t) * 0.5, rtol=1e-15)
    assert w.grad == pytest.approx(float(((1 - t * t) * c.data).sum() + 3.0), rel=1e-15)


def test_an_old_grad_array_is_never_changed_in_place():
    c = Value(np.array([1.0, 2.0]))
    (c * 3.0).sum().backward()
    kept = c.grad
    (c * 3.0).sum().backward()
    np.testing.assert_array_equal(kept, [3.0, 3.0])
    np.testing.assert_array_equal(c.grad, [6.0, 6.0])


def test_a_full_tape_is_emptied_at_the_next_collection_and_its_graphs_still_work(monkeypatch):
    monkeypatch.setattr(walk, "TAPE_LIMIT", 10)
    x = Value(0.5)
    y = x
    for _ in range(40):
        y = y * 1.01 + x
    gc.collect()
    assert not walk.tape  # the graph is no longer held by the tape
    z = y * y  # on the new tape, over a graph below it
    assert walk.tape == [z]
    expected = grad(z, [x])[0].data
    z.backward()
    assert x.grad == pytest.approx(expected, rel=1e-13)


def test_a_long_chain_never_holds_much_more_than_the_tape_limit(monkeypatch):
    monkeypatch.setattr(walk, "TAPE_LIMIT", 1000)
    x = Value(0.5)
    y, longest = x, 0
    for _ in range(20_000):
        y = y + 1.0
        longest = max(longest, len(walk.tape))
    assert longest <= 1000 + 2000  # emptied at a collection, every few hundred nodes
    y.backward()
    assert x.grad == 1.0 and y.data == 20_000.5


def test_an_error_in_a_searched_walk_leaves_every_grad_as_it_was():
    x = Value(0.0, "x")
    f = x.sqrt() * 3.0
    walk.restart_tape()  # f is below the tape now: the walk searches
    f.grad = 7.0
    with pytest.raises(ZeroDivisionError, match="derivative of sqrt.*'x'"):
        f.backward()
    assert (f.grad, x.grad) == (7.0, 0.0)


def test_no_grad_makes_nothing_for_the_tape():
    walk.restart_tape()
    with no_grad():
        Value(1.0) * 2.0
    assert not walk.tape


def test_threads_using_one_intermediate_made_elsewhere_add_every_contribution():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        w = Value(0.7)
        h = (w * w).tanh()  # made here, then used by both threads' graphs
        errors: list[BaseException] = []

        def body(k: float) -> None:
            try:
                for _ in range(200):
                    (h * k + w).backward()
            except BaseException as error:  # noqa: BLE001 - re-raised below
                errors.append(error)

        threads = [threading.Thread(target=body, args=(k,)) for k in (1.0, 2.0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
    finally:
        sys.setswitchinterval(previous)
    t = math.tanh(0.49)
    assert h.grad == pytest.approx(200 * 3.0, rel=1e-13)
    assert w.grad == pytest.approx(200 * (3.0 * (1 - t * t) * 1.4 + 2.0), rel=1e-12)


def test_threads_building_and_walking_while_the_tape_is_emptied_under_them(monkeypatch):
    """Two threads build and backward graphs over shared weights while a tiny limit has
    the collector empty the tape every few hundred nodes, in whichever thread it runs."""
    monkeypatch.setattr(walk, "TAPE_LIMIT", 50)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    w, v = Value(0.3), Value(-0.7)

    def graph(k: float) -> Value:
        h = w * k + v
        for _ in range(30):
            h = (h * w).tanh() + v * k
        return h

    alone = {k: [g.data for g in grad(graph(k), [w, v])] for k in (0.5, 1.5)}
    errors: list[BaseException] = []

    def body(k: float) -> None:
        try:
            for _ in range(60):
                graph(k).backward()
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    try:
        threads = [threading.Thread(target=body, args=(k,)) for k in alone]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        sys.setswitchinterval(previous)
    assert not errors
    for i, leaf in enumerate((w, v)):
        assert leaf.grad == pytest.approx(60 * sum(g[i] for g in alone.values()), rel=1e-12)


# -- the tape is only ever a shortcut ------------------------------------------------

events = st.lists(st.tuples(st.sampled_from(["op", "op", "op", "backward", "hand", "restart"]),
                            st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
                  min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(events, st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2),
       st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_any_mix_of_graphs_backwards_and_hand_set_grads_gives_grads_numbers(
        steps, scalars, column):
    """Random graphs over scalar and batch leaves; now and then a backward() from some
    node, a .grad set by hand on some node, or the tape restarted. Each leaf ends with
    the sum of grad()'s numbers over the backwards, whatever the tape held."""
    leaves = [Value(v) for v in scalars] + [Value(np.array(column))]
    nodes: list[Value] = list(leaves)
    expected = [np.zeros_like(np.asarray(v.data)) for v in leaves]
    for kind, op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if kind == "op":
            nodes.append(BINARY[op % len(BINARY)](a, b) if op % 2
                         else MIXED_UNARY[op % len(MIXED_UNARY)](a))
        elif kind == "backward" and a.op:
            for k, g in enumerate(grad(a, leaves)):
                expected[k] = expected[k] + g.data
            a.backward()
        elif kind == "hand" and a.op:
            a.grad = 0.25
        elif kind == "restart":
            walk.restart_tape()
    last = add_n([nodes[-1], nodes[len(nodes) // 2]]).sum()
    for k, g in enumerate(grad(last, leaves)):
        expected[k] = expected[k] + g.data
    last.backward()
    for leaf, e in zip(leaves, expected):
        np.testing.assert_allclose(leaf.grad, e, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy])
def test_a_copied_node_is_a_new_node_on_the_tape(duplicate):
    x, y = Value(2.0), Value(3.0)
    q = x * y
    twin = duplicate(q)
    assert twin._stamp > q._stamp and walk.tape[-1] is twin
    (twin * 3.0).backward()
    inputs = twin.inputs  # a deep copy has inputs of its own
    assert [i.grad for i in inputs] == [9.0, 6.0] and twin.grad == 3.0
