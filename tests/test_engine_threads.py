"""The engine under threads: grad mode, scope, anomaly mode and each walk's bookkeeping
belong to one thread, so threads that build, differentiate and train at once get the
numbers they would get alone."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from autograd import (
    Value,
    current_scope,
    detect_anomaly,
    grad,
    is_grad_enabled,
    losses,
    nn,
    no_grad,
    optim,
    scope,
)


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    """Make the interpreter switch threads every few bytecodes, so that a race, if any,
    shows up in a few hundred iterations rather than in one run of thousands."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def run_threads(*targets: Callable[[], None]) -> None:
    """Run each target in its own thread; re-raise the first exception one raised."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def hold_in_other_thread(context: Callable[[], object]) -> tuple[threading.Event,
                                                                  threading.Thread]:
    """A thread that enters ``context()`` and stays inside it until the returned event
    is set; returns once the thread is inside."""
    inside, release = threading.Event(), threading.Event()

    def body() -> None:
        with context():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=body)
    thread.start()
    assert inside.wait(10)
    return release, thread


def test_overlapping_no_grad_threads_leave_grad_mode_on_everywhere():
    # the reproduction from the issue: two no_grad blocks overlapping in two threads
    def block(seconds: float) -> None:
        with no_grad():
            time.sleep(seconds)

    t1 = threading.Thread(target=block, args=(0.2,))
    t1.start()
    time.sleep(0.05)
    t2 = threading.Thread(target=block, args=(0.3,))
    t2.start()
    t1.join()
    t2.join()
    x = Value(2.0)
    (x * 3).backward()
    assert is_grad_enabled() and x.grad == 3.0


def test_no_grad_in_another_thread_does_not_switch_off_this_one():
    release, thread = hold_in_other_thread(no_grad)
    try:
        assert is_grad_enabled()
        x = Value(2.0)
        y = x * x
        assert y.op == "mul" and y.inputs == (x, x)
        y.backward()
        assert x.grad == 4.0
    finally:
        release.set()
        thread.join()


def test_a_new_thread_starts_with_grad_mode_on_and_no_scope():
    seen = {}

    def body() -> None:
        seen["grad"], seen["scope"] = is_grad_enabled(), current_scope()
        seen["value scope"] = Value(1.0).scope

    with no_grad(), scope("outer"):
        run_threads(body)
    assert seen == {"grad": True, "scope": "", "value scope": ""}


def test_a_scope_in_another_thread_does_not_leak_into_this_one():
    release, thread = hold_in_other_thread(lambda: scope("worker"))
    try:
        assert current_scope() == ""
        with scope("main"):
            v = Value(1.0) * 2
        assert v.scope == "main"
        assert (Value(1.0) * 2).scope == ""
    finally:
        release.set()
        thread.join()


def test_detect_anomaly_in_another_thread_does_not_fire_here():
    release, thread = hold_in_other_thread(detect_anomaly)
    try:
        out = Value(float("inf")) * 0.0  # NaN: allowed outside detect_anomaly
        assert np.isnan(out.data)
    finally:
        release.set()
        thread.join()


def test_concurrent_grad_calls_on_graphs_sharing_a_weight():
    w = Value(2.0, "w")

    def graph(k: float) -> Value:
        # w is used on several edges, so its gradient gathers from many of them
        h = (w * k + w * w).tanh() + w * w * w
        return h * h

    expected = {k: grad(graph(k), [w])[0].data for k in (0.5, 1.5)}
    results: dict[float, list[float]] = {0.5: [], 1.5: []}

    def worker(k: float) -> Callable[[], None]:
        def body() -> None:
            for _ in range(300):
                results[k].append(grad(graph(k), [w])[0].data)
        return body

    run_threads(worker(0.5), worker(1.5))
    for k, values in results.items():
        assert values == [expected[k]] * 300
    assert w.grad == 0.0  # grad() never touches .grad


def test_concurrent_backward_into_a_shared_weight_adds_every_contribution():
    w = Value(1.5, "w")

    def body() -> None:
        for _ in range(200):
            (w * w * 2.0 + w).backward()  # d/dw = 4w + 1 = 7

    run_threads(body, body)
    assert w.grad == 2 * 200 * 7.0


def train(seed: int, steps: int = 15) -> list[float]:
    """A small MLP trained on fixed data; its final weights."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(8, 2)), rng.normal(size=8)
    model = nn.MLP(2, [4, 1], seed=seed)
    opt = optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        loss = losses.mse([model([Value(a), Value(b)]) for a, b in X], list(y))
        loss.backward()
        opt.step()
    return [p.data for p in model.parameters()]


def test_two_threads_training_and_one_in_no_grad_match_one_thread_alone():
    alone = {seed: train(seed) for seed in (1, 2)}
    for _ in range(3):
        assert train_beside_inference((1, 2)) == alone


def train_beside_inference(seeds: tuple[int, ...]) -> dict[int, list[float]]:
    """Train one model per seed, each in its own thread, while another thread keeps
    running a model under no_grad; the trained weights per seed."""
    trained: dict[int, list[float]] = {}
    stop = threading.Event()

    def inference() -> None:
        model = nn.MLP(2, [4, 1], seed=9)
        while not stop.is_set():
            with no_grad():
                model([Value(0.1), Value(0.2)])

    def trainer(seed: int) -> Callable[[], None]:
        return lambda: trained.__setitem__(seed, train(seed))

    side = threading.Thread(target=inference)
    side.start()
    try:
        run_threads(*[trainer(seed) for seed in seeds])
    finally:
        stop.set()
        side.join()
    return trained
