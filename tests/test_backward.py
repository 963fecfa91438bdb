"""The walk (autograd.backward): one chain rule for backward() and grad(), an order from the
tape or from a search with the same numbers, and no trace left by a walk that raises."""

from __future__ import annotations

import copy
import math
import pickle
import sys
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_threads import run_threads
from test_properties import BINARY, MIXED_UNARY

import autograd.backward as walk
from autograd import Value, add_n, detect_anomaly, grad, modes, no_grad, tape


@pytest.fixture
def switch_often() -> Iterator[None]:
    """Threads switch every few bytecodes, so a race shows in a few hundred steps."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.fixture
def searches(monkeypatch) -> list[Value]:
    """The roots the walk searches from (instead of reading the tape), as they happen."""
    searched: list[Value] = []
    search = walk.reachable

    def counted(root: Value) -> dict[Value, None]:
        searched.append(root)
        return search(root)

    monkeypatch.setattr(walk, "reachable", counted)
    return searched


def test_the_loss_just_made_is_walked_from_the_tape_without_a_search(searches):
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    f = (x * y + x.tanh()) * y
    assert modes.state().tape[-1] is f
    f.backward()
    t = math.tanh(1.5)
    assert x.grad == pytest.approx((-0.5 + (1 - t * t)) * -0.5, rel=1e-15)  # (y + tanh') y
    assert y.grad == pytest.approx(2 * 1.5 * -0.5 + t, rel=1e-15)  # x y + tanh x + x y
    assert f.grad == 1.0 and not searches
    assert not modes.state().tape  # the tape starts again after a walk


def test_the_seed_example_through_the_tape_and_again_through_a_search(searches):
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad, q.grad) == (-12.0, -4.0, -4.0, 3.0, -4.0)
    assert not searches
    f.backward()  # off the tape now: found by a search, added once more
    assert searches == [f] and (x.grad, y.grad, z.grad, q.grad, f.grad) == (-8, -8, 6, -8, 2)


def test_a_node_made_after_the_loss_does_not_take_part():
    x, y = Value(3.0), Value(-2.0)
    f = x * y
    g = f * 10.0  # made after f, so on the tape after it
    f.backward()
    assert (x.grad, y.grad, g.grad) == (-2.0, 3.0, 0.0)
    g.backward()  # off the tape now: a search, the same numbers
    assert (x.grad, y.grad, f.grad) == (-2.0 + 10 * -2.0, 3.0 + 10 * 3.0, 11.0)


def test_a_graph_that_straddles_a_backward_is_searched_with_every_contribution(searches):
    """h is made, then reached by one backward; a second loss made from h afterwards is
    on the tape, h is not: the walk sees a node it was given a gradient for but did not
    walk, and starts again from a search."""
    x, y = Value(0.4), Value(-1.3)
    h = (x * y).tanh()
    (h * 2.0).backward()
    second = h * h + x
    second.backward()
    assert searches == [second]
    hv = math.tanh(0.4 * -1.3)
    dh = 2.0 + 2 * hv  # d/dh of 2h, then of h^2
    assert h.grad == pytest.approx(dh, rel=1e-15)
    assert x.grad == pytest.approx(dh * (1 - hv * hv) * -1.3 + 1.0, rel=1e-14)
    assert y.grad == pytest.approx(dh * (1 - hv * hv) * 0.4, rel=1e-14)


def test_a_node_made_in_another_thread_while_this_one_records_is_found_by_a_search(searches):
    w = Value(0.5, "w")
    first = w * w  # on this thread's tape
    made: list[Value] = []
    thread = threading.Thread(target=lambda: made.append((first * 3.0).tanh()))
    thread.start()
    thread.join()
    f = made[0] * w + first  # made[0] is on the other thread's tape, between first and f
    f.backward()
    assert searches == [f]
    t = math.tanh(0.75)
    assert w.grad == pytest.approx((1 - t * t) * 3.0 * 2 * 0.5 * 0.5 + t + 2 * 0.5, rel=1e-14)


def test_a_grad_set_by_hand_counts_once_and_flows_nowhere():
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


def test_no_grad_makes_nothing_for_the_tape():
    del modes.state().tape[:]
    with no_grad():
        Value(1.0) * 2.0
    assert not modes.state().tape


# -- a walk that raises leaves no trace ------------------------------------------------

def sqrt_at_zero() -> tuple[Value, Value, Value]:
    """The issue's example: loss = sqrt(z) + w * 3 with z = 0, whose backward divides by 0
    at sqrt after w's share is known."""
    z, w = Value(0.0, "z"), Value(2.0, "w")
    return z.sqrt() + w * 3.0, z, w


@pytest.mark.parametrize("hand_set", [0.0, 5.0])
def test_a_backward_that_raises_leaves_every_grad_as_it_was_on_both_paths(hand_set, searches):
    loss, z, w = sqrt_at_zero()
    w.grad = z.grad = loss.grad = hand_set
    for path in ("tape", "search"):
        with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt.*'z'"):
            loss.backward()
        assert (w.grad, z.grad, loss.grad) == (hand_set, hand_set, hand_set), path
    assert searches == [loss]  # the second time, off the tape


def test_grad_that_raises_leaves_no_trace_for_the_next_walk():
    loss, z, w = sqrt_at_zero()
    with pytest.raises(ZeroDivisionError):
        grad(loss, [w])
    f = w * w
    f.backward()
    assert w.grad == 4.0 and z.grad == 0.0


def test_a_backward_stopped_by_detect_anomaly_changes_no_grad():
    x = Value(1e-300, "x")
    with detect_anomaly():
        f = (x * 1e300) * 1e300 + x  # d f / d x overflows on the first path only
        with pytest.raises(FloatingPointError, match="gradient"):
            f.backward()
    assert x.grad == 0.0 and f.grad == 0.0


def test_a_grad_that_cannot_be_added_to_changes_no_other_grad():
    x, y = Value(2.0), Value(3.0)
    q = x * y
    f = q + x
    q.grad = "by hand"
    with pytest.raises(TypeError):
        f.backward()
    assert (x.grad, y.grad, f.grad, q.grad) == (0.0, 0.0, 0.0, "by hand")
    q.grad = 0.0
    f.backward()
    assert (x.grad, y.grad, f.grad, q.grad) == (4.0, 2.0, 1.0, 1.0)


def test_threads_whose_walks_raise_leave_only_the_others_contributions(switch_often):
    w = Value(0.5, "w")

    def failing() -> None:
        for _ in range(200):
            with pytest.raises(ZeroDivisionError):
                (Value(0.0).sqrt() + w * 3.0).backward()

    def working() -> None:
        for _ in range(200):
            (w * w + w).backward()  # d/dw = 2w + 1 = 2

    run_threads(failing, working, failing)
    assert w.grad == 200 * 2.0


# -- threads ---------------------------------------------------------------------------

def test_threads_using_one_intermediate_made_elsewhere_add_every_contribution(switch_often):
    w = Value(0.7)
    h = (w * w).tanh()  # made here, then used by both threads' graphs

    def body(k: float) -> Callable[[], None]:
        def run() -> None:
            for _ in range(200):
                (h * k + w).backward()
        return run

    run_threads(body(1.0), body(2.0))
    t = math.tanh(0.49)
    assert h.grad == pytest.approx(200 * 3.0, rel=1e-13)
    assert w.grad == pytest.approx(200 * (3.0 * (1 - t * t) * 1.4 + 2.0), rel=1e-12)


def test_threads_building_and_walking_while_their_tapes_are_swept(monkeypatch, switch_often):
    """Two threads build and backward graphs over shared weights while a tiny sweep
    limit has each thread sweep its tape every few nodes."""
    monkeypatch.setattr("autograd.engine.SWEEP_BYTES", 2000)
    w, v = Value(0.3), Value(-0.7)

    def graph(k: float) -> Value:
        h = w * k + v
        for _ in range(30):
            h = (h * w).tanh() + v * k
        return h

    alone = {k: [g.data for g in grad(graph(k), [w, v])] for k in (0.5, 1.5)}

    def body(k: float) -> Callable[[], None]:
        def run() -> None:
            for _ in range(60):
                graph(k).backward()
        return run

    run_threads(*[body(k) for k in alone])
    for i, leaf in enumerate((w, v)):
        assert leaf.grad == pytest.approx(60 * sum(g[i] for g in alone.values()), rel=1e-12)


# -- the tape is only ever a shortcut ------------------------------------------------

events = st.lists(st.tuples(st.sampled_from(["op", "op", "op", "backward", "hand", "sweep"]),
                            st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
                  min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(events, st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2),
       st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_any_mix_of_graphs_backwards_and_hand_set_grads_gives_grads_numbers(
        steps, scalars, column):
    """Random graphs over scalar and batch leaves; now and then a backward() from some
    node, a .grad set by hand on some node, or the tape swept. Each leaf ends with the
    sum of grad()'s numbers over the backwards, whatever the tape held."""
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
        elif kind == "sweep":
            tape.sweep(modes.state())
    last = add_n([nodes[-1], nodes[len(nodes) // 2]]).sum()
    for k, g in enumerate(grad(last, leaves)):
        expected[k] = expected[k] + g.data
    last.backward()
    for leaf, e in zip(leaves, expected):
        np.testing.assert_allclose(leaf.grad, e, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy,
                                       lambda v: pickle.loads(pickle.dumps(v))])
def test_a_copied_node_is_a_new_node_whose_backward_reaches_its_inputs(duplicate):
    x, y = Value(2.0), Value(3.0)
    q = x * y
    twin = duplicate(q)
    assert twin._stamp > q._stamp and twin.op == "mul"
    (twin * 3.0).backward()
    inputs = twin.inputs  # a deep copy has inputs of its own
    assert [i.grad for i in inputs] == [9.0, 6.0] and twin.grad == 3.0
