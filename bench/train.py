"""Training-step benchmark: MLP(2, [16, 16, 1]) on two moons, ours against micrograd and numpy.

    python bench/train.py               # the table kept in bench/README.md
    python bench/train.py --profile     # also: where a step's time goes (cProfile)

Every row trains the same model (the same initial weights, copied into each
implementation) on the same 100 two-moons points (noise 0.1, seed 0) with
micrograd's demo objective: mean hinge loss + 1e-4 * sum w^2 (our
``regularizers.l2`` with lam = 2e-4), one plain SGD step per iteration.

- micrograd: its demo's step, one graph per sample (micrograd 0.1.0 from PyPI);
- ours, per sample: the same loop on autograd-viz's Value and MLP;
- ours, batched: all 100 points in one batch (one graph, numpy in each node);
- ours, batched, L2 as weight decay: the penalty folded into SGD's update
  (the same update, shown by tests/test_optim.py), so the graph is the model's only;
- numpy: the same MLP with matrices and a hand-written backward: the floor
  for a design that runs one Python op per scalar node.

Before timing, every implementation's loss is checked to agree (to 1e-9) at the
first step and after one update. The rows take turns of equal length (see
``time_rows``). "time per step" is the median over a row's turns of the turn's
mean step time; "best turn" is the fastest turn's, the least disturbed by other
work on the machine. The ratios to micrograd divide like by like.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.datasets import make_moons

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograd import losses, optim, regularizers  # noqa: E402
from autograd.engine import Value, batch  # noqa: E402
from autograd.nn import MLP  # noqa: E402

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:  # pragma: no cover - the bench extra is not installed
    MicroValue = MicroMLP = None

ALPHA = 1e-4  # micrograd's demo: alpha * sum(p * p) == regularizers.l2(params, 2 * alpha)
LR = 0.1
SIZES = [16, 16, 1]


def make_data() -> tuple[np.ndarray, np.ndarray]:
    X, y = make_moons(100, noise=0.1, random_state=0)
    return X, 2.0 * y - 1.0


# -- the implementations: each returns (step function, first-step loss) ----------------

def ours_per_sample(X: np.ndarray, y: np.ndarray, weights: list[float]) -> Callable[[], float]:
    model = MLP(2, SIZES, seed=0)
    for p, w in zip(model.parameters(), weights):
        p.data = w
    opt = optim.SGD(model.parameters(), lr=LR)
    rows = [list(map(Value, row)) for row in X]

    def step() -> float:
        scores = [model(row) for row in rows]
        loss = losses.hinge(scores, y) + regularizers.l2(model.parameters(), 2 * ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data

    return step


def ours_batched(X: np.ndarray, y: np.ndarray, weights: list[float],
                 weight_decay: bool = False) -> Callable[[], float]:
    model = MLP(2, SIZES, seed=0)
    for p, w in zip(model.parameters(), weights):
        p.data = w
    params = model.parameters()
    opt = optim.SGD(params, lr=LR, weight_decay=2 * ALPHA if weight_decay else 0.0)
    xb = batch(X)

    def step() -> float:
        loss = losses.hinge(model(xb), y)
        if not weight_decay:
            loss = loss + regularizers.l2(params, 2 * ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data

    return step


def micrograd(X: np.ndarray, y: np.ndarray, weights: list[float]) -> Callable[[], float]:
    model = MicroMLP(2, SIZES)
    for p, w in zip(model.parameters(), weights):
        p.data = w

    def step() -> float:  # micrograd's demo loop, with a fixed learning rate
        inputs = [list(map(MicroValue, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        hinge = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(hinge) * (1.0 / len(hinge))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return total_loss.data

    return step


def numpy_mlp(X: np.ndarray, y: np.ndarray, weights: list[float]) -> Callable[[], float]:
    """The same MLP with matrices: forward, hand-written backward, SGD."""
    sizes = [2] + SIZES
    Ws, bs, k = [], [], 0
    for fan_in, fan_out in zip(sizes, sizes[1:]):  # neuron by neuron: w_0 .. w_n-1, b
        block = np.array(weights[k:k + fan_out * (fan_in + 1)]).reshape(fan_out, fan_in + 1)
        Ws.append(block[:, :-1].copy())
        bs.append(block[:, -1].copy())
        k += fan_out * (fan_in + 1)
    n = len(X)

    def step() -> float:
        acts, pre = [X], []
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = acts[-1] @ W.T + b
            pre.append(z)
            acts.append(np.maximum(z, 0.0) if i < len(Ws) - 1 else z)
        s = acts[-1][:, 0]
        margin = 1.0 - y * s
        loss = np.maximum(margin, 0.0).mean() + ALPHA * sum((W * W).sum() + (b * b).sum()
                                                            for W, b in zip(Ws, bs))
        dz = (-(y * (margin > 0)) / n)[:, None]  # d loss / d score; relu'(0) = 0
        for i in reversed(range(len(Ws))):
            dW = dz.T @ acts[i] + 2 * ALPHA * Ws[i]
            db = dz.sum(axis=0) + 2 * ALPHA * bs[i]
            if i > 0:
                dz = (dz @ Ws[i]) * (pre[i - 1] > 0)
            Ws[i] -= LR * dW
            bs[i] -= LR * db
        return float(loss)

    return step


# -- timing ------------------------------------------------------------------------------

class GCClock:
    """Adds up the time the cyclic garbage collector runs (via ``gc.callbacks``)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start

    def __enter__(self) -> GCClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def time_rows(steps: dict[str, Callable[[], float]], rounds: int, turn: float
              ) -> dict[str, tuple[list[float], int, float]]:
    """For each row: the mean step time of each of its turns, how many steps
    were timed, and the share of the timed time spent in the cyclic garbage
    collector.

    The rows take turns, ``rounds`` times, and every turn lasts about as long:
    at least ``turn`` seconds and at least 2 steps. This shared machine has
    slow spells of one to three seconds in which everything, numpy and pure
    Python alike, runs up to twice as slow. One of micrograd's steps (over a
    second) usually spans fast and slow spells, while a 5 ms step falls in one
    or the other, so the median of single steps would compare micrograd's
    average against our luckiest or unluckiest mode. Timing every row over
    turns of the same length, and taking each turn's mean, lets every row
    see the same weather. A turn is a run of consecutive steps, as in a real
    training loop: micrograd's graphs are reference cycles that only the
    cyclic garbage collector frees, and in training each step pays for
    collecting the garbage of the step before it (a step that starts from a
    clean heap takes micrograd about 40% less time). The heap is cleaned
    between turns, so no row pays for another's garbage, and then one untimed
    step leaves the garbage that a training step finds.
    """
    turn_means: dict[str, list[float]] = {name: [] for name in steps}
    counts = dict.fromkeys(steps, 0)
    in_gc = dict.fromkeys(steps, 0.0)
    clock = time.perf_counter
    for _ in range(rounds):
        for name, step in steps.items():
            gc.collect()
            step()
            with GCClock() as gc_clock:
                start = clock()
                n = 0
                while n < 2 or clock() - start < turn:
                    step()
                    n += 1
                elapsed = clock() - start
            turn_means[name].append(elapsed / n)
            counts[name] += n
            in_gc[name] += gc_clock.total / elapsed
    return {name: (means, counts[name], in_gc[name] / rounds)
            for name, means in turn_means.items()}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"numpy {np.__version__}, {platform.system()}")


def profile(name: str, step: Callable[[], float], steps: int) -> None:
    """Where a step's time goes: tottime by function, and the share per file."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        step()
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    by_file: dict[str, float] = {}
    rows = []
    for (file, line, func), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore
        where = Path(file).name if file.startswith("/") else file
        by_file[where] = by_file.get(where, 0.0) + tottime
        rows.append((tottime, f"{where}:{line}({func})"))
    print(f"\n{name}: {steps} steps under cProfile, {total:.2f} s")
    for where, t in sorted(by_file.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {100 * t / total:5.1f}%  {where}")
    print("  top functions (own time):")
    for t, func in sorted(rows, reverse=True)[:8]:
        print(f"  {100 * t / total:5.1f}%  {func}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns per row")
    parser.add_argument("--turn", type=float, default=1.5,
                        help="seconds per turn (at least 2 steps)")
    parser.add_argument("--profile", action="store_true", help="profile our rows with cProfile")
    args = parser.parse_args()

    X, y = make_data()
    weights = [p.data for p in MLP(2, SIZES, seed=0).parameters()]
    rows: list[tuple[str, Callable[[], float]]] = []
    if MicroMLP is not None:
        rows.append(("micrograd 0.1.0, per sample", micrograd(X, y, weights)))
    rows += [
        ("autograd-viz, per sample", ours_per_sample(X, y, weights)),
        ("autograd-viz, batched (100 in one batch)", ours_batched(X, y, weights)),
        ("autograd-viz, batched, L2 as weight decay", ours_batched(X, y, weights, True)),
        ("numpy, hand-written backward (floor)", numpy_mlp(X, y, weights)),
    ]

    # every implementation computes the same loss, before and after one update (fresh copies)
    check = {name: fn for name, fn in [
        ("micrograd", micrograd if MicroMLP is not None else None),
        ("per sample", ours_per_sample), ("batched", ours_batched),
        ("numpy", numpy_mlp)] if fn}
    losses_seen = {}
    for name, make in check.items():
        step = make(X, y, weights)
        losses_seen[name] = (step(), step())
    for k, when in enumerate(("first", "second")):
        values = [pair[k] for pair in losses_seen.values()]
        spread = max(values) - min(values)
        print(f"{when}-step loss: {values[-1]:.12f} in every implementation "
              f"(largest difference {spread:.1e})")
        if spread > 1e-9:
            raise SystemExit(f"the implementations disagree: {losses_seen}")
    # (the weight-decay row makes the same update: tests/test_optim.py shows it)

    print(f"machine: {machine()}")
    print(f"MLP(2, {SIZES}), 100 two-moons points, hinge + L2, SGD; {args.rounds} turns "
          f"of at least {args.turn} s per row\n")
    median, best, gc_share = {}, {}, {}
    for name, (means, n, share) in time_rows(dict(rows), args.rounds, args.turn).items():
        median[name], best[name], gc_share[name] = statistics.median(means), min(means), share
        print(f"  measured {name}: {n} steps", file=sys.stderr)
    micro = "micrograd 0.1.0, per sample"
    floor = median["numpy, hand-written backward (floor)"]
    table = [("implementation", "time per step", "best turn", "vs micrograd",
              "vs micrograd, best turns", "time / numpy floor", "in cyclic GC")]
    for name in median:
        table.append((name, _ms(median[name]), _ms(best[name]),
                      f"{median[micro] / median[name]:.1f}x" if micro in median else "n/a",
                      f"{best[micro] / best[name]:.1f}x" if micro in best else "n/a",
                      f"{median[name] / floor:.1f}x", f"{100 * gc_share[name]:.0f}%"))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for k, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if k == 0:
            print("|" + "|".join(["-" * (widths[0] + 2)]
                                 + ["-" * (w + 1) + ":" for w in widths[1:]]) + "|")

    if args.profile:
        profile("autograd-viz, per sample", ours_per_sample(X, y, weights), 3)
        profile("autograd-viz, batched", ours_batched(X, y, weights), 100)
        profile("autograd-viz, batched, L2 as weight decay",
                ours_batched(X, y, weights, True), 100)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


if __name__ == "__main__":
    main()
