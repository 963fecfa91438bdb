"""Diagram benchmark: how long drawing takes at the course's model sizes.

    python bench/viz.py              # or: make bench

For each case it times, as medians over ``--repeats`` rounds:
- draw:   ``viz.draw`` (reading the graph and writing the DOT text),
- layout: Graphviz's ``dot`` laying it out and writing the SVG,
and gives the SVG's size. The stepper rows time making every frame of a pass and
rendering one of them; the page rows, writing the interactive page (``viz.to_html``,
both passes). Targets: every network view under 2 s, the 37,740-node graph's network
view under 5 s (issue "See a whole network"); the network page of MLP 2-16-16-1 and
the op page of MLP 2-4-4-1 with an L2 penalty each under 2 MB, written in under 3 s
(issue "The interactive page"), with eleven choices of sample each (issue "Every picture
tells the truth"). The language rows write the network pages in English and in Korean,
taking turns (``lang="ko"``: every word looked up in the Korean table), and time one
lookup, ``tr``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import viz  # noqa: E402
from autograd import Value, batch, losses, nn, regularizers, topological_order  # noqa: E402
from autograd.language import language, tr  # noqa: E402
from autograd.rnn import RNN  # noqa: E402
from viz.demo import seed_example as seed  # noqa: E402


def one_neuron() -> Value:
    out = nn.Neuron(3, activation="tanh", seed=0)([1.0, -2.0, 0.5])
    out.backward()
    return out


def mlp(penalty: bool = True, hidden: tuple[int, ...] = (16, 16)) -> Value:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    model = nn.MLP(2, [*hidden, 1], seed=0)
    loss = losses.mse(model(batch(X)), np.sign(X[:, 0] * X[:, 1]))
    if penalty:
        loss = loss + regularizers.l2(model, 1e-3)
    loss.backward()
    return loss


def bn_dropout() -> Value:
    """A Sequential with batch norm and dropout on 64 samples (notebook 05's kind)."""
    X = np.random.default_rng(2).normal(size=(64, 2))
    model = nn.Sequential(nn.Layer(2, 8, "linear", seed=0), nn.BatchNorm1d(8),
                          nn.Activation("relu"), nn.Dropout(0.3, seed=1),
                          nn.Layer(8, 1, "linear", seed=2))
    loss = losses.bce_with_logits(model(batch(X)), (X[:, 1] > 0).astype(float))
    loss.backward()
    return loss


def breast_cancer_sized() -> Value:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(455, 30))
    model = nn.MLP(30, [16, 1], seed=0)
    loss = losses.bce_with_logits(model(batch(X)), (X[:, 0] > 0).astype(float))
    loss.backward()
    return loss


def rnn() -> Value:
    model = RNN(1, 8, 1, seed=0)
    X = np.random.default_rng(2).normal(size=(32, 10, 1))
    loss = losses.mse(model(X)[-1], np.ones(32))
    loss.backward()
    return loss


def per_sample() -> Value:
    """micrograd's demo graph: MLP(2, [16, 16, 1]) run sample by sample over 100 points."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = losses.mse([model([Value(a), Value(b)]) for a, b in X], list(np.sign(X[:, 0])))
    loss.backward()
    return loss


CASES: list[tuple[str, Callable[[], Value], dict]] = [
    ("seed, op view", seed, {}),
    ("one neuron, op view", one_neuron, {}),
    ("MLP 2-16-16-1, op view", lambda: mlp(penalty=False), {"edge_labels": False}),
    ("MLP 2-16-16-1, network", mlp, {"view": "network"}),
    ("MLP 2-16-16-1, focus L1.N3", mlp, {"view": "network", "focus": "L1.N3"}),
    ("MLP 30-16-1, network", breast_cancer_sized, {"view": "network"}),
    ("RNN 1-8-1 x 10 steps, network", rnn, {"view": "network"}),
    ("per sample, 37,740 nodes, network", per_sample, {"view": "network"}),
]

STEPPED: list[tuple[str, Callable[[], Value], dict]] = [
    ("seed, op view", seed, {}),
    ("one neuron, op view", one_neuron, {}),
    ("MLP 2-16-16-1, network", mlp, {"view": "network"}),
    ("MLP 30-16-1, network", breast_cancer_sized, {"view": "network"}),
    ("RNN 1-8-1 x 10 steps, network", rnn, {"view": "network"}),
]


PAGES: list[tuple[str, Callable[[], Value], dict]] = [
    ("seed, op view", seed, {}),
    ("MLP 2-4-4-1 + L2, op view", lambda: mlp(hidden=(4, 4)), {}),
    ("MLP 2-16-16-1 + L2, network", mlp, {"view": "network"}),
    ("MLP 30-16-1, network", breast_cancer_sized, {"view": "network"}),
    ("RNN 1-8-1 x 10 steps, network", rnn, {"view": "network"}),
    ("BN + dropout 2-8-1, network", bn_dropout, {"view": "network"}),
]


def median_seconds(repeats: int, fn: Callable[..., object], *args: object,
                   **kwargs: object) -> tuple[float, object]:
    """The median time of ``fn(*args, **kwargs)`` over ``repeats`` calls, and its result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def language_rows(repeats: int, folder: str) -> None:
    """The pages in English and in Korean, taking turns; the ratio of the medians."""
    print(f"{'page, English and Korean':<36}{'en s':>8}{'ko s':>9}{'ko / en':>10}")
    path = Path(folder) / "page.html"
    for name, make, options in PAGES:
        if options.get("view") != "network":
            continue
        root = make()
        times: dict[str, list[float]] = {"en": [], "ko": []}
        for _ in range(repeats):
            for lang in times:
                start = time.perf_counter()
                viz.to_html(root, path, lang=lang, **options)
                times[lang].append(time.perf_counter() - start)
        en, ko = (statistics.median(times[lang]) for lang in ("en", "ko"))
        print(f"{name:<36}{en:>8.3f}{ko:>9.3f}{ko / en:>10.3f}")
    calls = 100_000
    with language("ko"):
        start = time.perf_counter()
        for _ in range(calls):
            tr("epoch {epoch}", epoch=3)
    print(f"{'tr(), one lookup with a field (µs)':<36}"
          f"{(time.perf_counter() - start) / calls * 1e6:>8.2f}")


def all_frames(root: Value, **options: object) -> list:
    return list(viz.step_backward(root, **options))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"# diagram benchmark, median of {args.repeats}; python "
          f"{platform.python_version()}, {platform.machine()}, {__import__('os').cpu_count()} "
          f"cores")
    print(f"{'case':<36}{'nodes':>8}{'draw s':>9}{'layout s':>10}{'total s':>9}{'SVG KB':>9}")
    for name, make, options in CASES:
        root = make()
        nodes = len(topological_order(root))
        draw, graph = median_seconds(args.repeats, viz.draw, root, **options)
        layout, svg = median_seconds(args.repeats, graph.pipe, "svg")
        print(f"{name:<36}{nodes:>8,}{draw:>9.3f}{layout:>10.3f}{draw + layout:>9.3f}"
              f"{len(svg) / 1024:>9.0f}")
    print()
    print(f"{'stepper (backward)':<36}{'frames':>8}{'frames s':>9}{'1 frame s':>10}")
    for name, make, options in STEPPED:
        root = make()
        made, frames = median_seconds(args.repeats, all_frames, root, **options)
        one, _ = median_seconds(args.repeats, frames[len(frames) // 2].svg)
        print(f"{name:<36}{len(frames):>8}{made:>9.3f}{one:>10.3f}")
    print()
    print(f"{'page (viz.to_html, both passes)':<36}{'steps':>8}{'write s':>9}{'page KB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for name, make, options in PAGES:
            root = make()
            path = Path(folder) / "page.html"
            write, _ = median_seconds(args.repeats, viz.to_html, root, path, **options)
            page = path.read_text(encoding="utf-8")
            steps = page.split('<span id="counter">1 / ', 1)[1].split("<", 1)[0]
            print(f"{name:<36}{steps:>8}{write:>9.3f}{len(page.encode()) / 1024:>10.0f}")
        print()
        language_rows(args.repeats, folder)


if __name__ == "__main__":
    main()
