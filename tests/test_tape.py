"""The tape (autograd.tape): the order a thread's nodes were made in, and what it keeps for
nobody: never more than SWEEP_BYTES, with the garbage collector on or off."""

from __future__ import annotations

import gc
import timeit
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest

from autograd import Value, batch, modes, nn, tape

# What each case below may allocate at its peak, the model included: the tape's
# SWEEP_BYTES (16 MB, counted at NODE_BYTES a node: some 20 MB with the constants the
# nodes hold) and a margin. Without the sweeps each case passes 45 MB.
LIMIT = 32 << 20


def peak_bytes(run: Callable[[], None], collector: bool = True) -> int:
    """The most memory ``run()`` had allocated at once, with the garbage collector on or
    off (as it was, after)."""
    gc.collect()
    was = gc.isenabled()
    (gc.enable if collector else gc.disable)()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        (gc.enable if was else gc.disable)()


def test_take_gives_the_root_and_what_was_made_before_it_newest_first():
    state = modes.state()
    del state.tape[:]
    x = Value(1.0)
    a = x * 2.0
    b = a + x
    c = b.tanh()
    assert state.tape == [a, b, c]
    assert tape.take(state, b) == [b, a] and state.tape == []
    assert tape.take(state, c) is None  # no longer recorded: a walk searches for it


def test_a_sweep_lets_go_of_a_whole_dropped_graph_and_keeps_what_someone_holds():
    state = modes.state()
    del state.tape[:]
    x = Value(0.5)
    kept = (x * 3.0).tanh()  # its input, x * 3.0, is held by kept alone
    y = x
    for _ in range(1000):  # a chain nobody will hold: each node held by the next
        y = y * 1.01 + x
    del y
    tape.sweep(state)
    assert state.tape == [kept.inputs[0], kept]


@pytest.mark.parametrize("collector", ["on", "off"])
def test_predicting_on_batches_without_no_grad_keeps_memory_bounded(collector):
    """The issue's notebook predicting: MLP(4, [16, 16, 1]) on 1000-row batches, each
    call about 3 MB of graph; kept, 150 calls would hold some 500 MB."""
    model = nn.MLP(4, [16, 16, 1], seed=0)
    X = batch(np.random.default_rng(0).normal(size=(1000, 4)))

    def predict() -> None:
        for _ in range(150):
            model(X)

    peak = peak_bytes(predict, collector=collector == "on")
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"


def test_timeit_of_a_prediction_keeps_memory_bounded():
    """timeit turns the collector off; 700 calls of some 460 nodes would hold 50 MB."""
    model = nn.MLP(4, [16, 16, 1], seed=0)
    x = [0.5, -1.0, 0.25, 2.0]
    peak = peak_bytes(lambda: timeit.timeit(lambda: model(x), number=700) and None)
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"


def test_graphs_dropped_with_the_collector_off_are_freed_at_the_next_sweep():
    model = nn.MLP(4, [16, 16, 1], seed=0)
    x = [0.5, -1.0, 0.25, 2.0]
    state = modes.state()

    def predict() -> None:
        for _ in range(700):
            model(x)

    peak = peak_bytes(predict, collector=False)
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"
    assert state.unswept <= tape.SWEEP_BYTES
    assert len(state.tape) * tape.NODE_BYTES <= tape.SWEEP_BYTES + tape.NODE_BYTES
