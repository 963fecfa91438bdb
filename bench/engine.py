"""Engine benchmark: autograd-viz's Value against micrograd's, side by side in one run.

    python bench/engine.py            # or: make bench

Measures, for each engine and each of two 200,000-node graphs:
- build:    making the graph (nodes per second),
- backward: backward through it (nodes per second);
and once:
- chain:    backward through a 1,000,000-node chain (micrograd's recursive walk dies near 1,000),
- memory:   bytes per live node (tracemalloc, while the graph is alive).

The graphs: "training-like" (``build_graph``: mul-add-relu chains over 100 shared
leaves) and "issue 17" (``issue_graph``: ``(a * b + c).relu()`` terms over 300 shared
leaves, the graph of issue "Engine speed"); both summed pairwise into one root.
Each timing is the median of several rounds in which the engines take turns;
ratios are ours / micrograd's speed, of the medians and of each engine's best round
(this machine's speed swings by a third from second to second).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograd import Value  # noqa: E402

try:
    from micrograd.engine import Value as MicroValue
except ImportError:  # pragma: no cover - the bench extra is not installed
    MicroValue = None


def build_graph(V: type, n_nodes: int) -> tuple[object, int]:
    """A graph of about ``n_nodes`` nodes shaped like a training step: many short
    mul-add-relu chains over 100 shared leaves, summed pairwise into one root.

    The pairwise sum keeps the depth near log2(n), so micrograd's recursive
    topological sort can walk it.
    """
    xs = [V(0.01 * (i % 100)) for i in range(100)]
    terms = []
    for i in range(max(1, (n_nodes - 100) // 4)):
        a, b = xs[i % 100], xs[(i * 7 + 3) % 100]
        terms.append((a * b + a).relu())  # 3 nodes, and one more in the sum below
    while len(terms) > 1:
        pairs = [terms[k] + terms[k + 1] for k in range(0, len(terms) - 1, 2)]
        terms = pairs + terms[len(terms) - len(terms) % 2:]
    return terms[0], 100 + 4 * ((n_nodes - 100) // 4) - 1


def issue_graph(V: type, n_nodes: int) -> tuple[object, int]:
    """The graph of issue "Engine speed": ``(a * b + c).relu()`` terms over 300
    shared leaves, summed pairwise into one root (about ``n_nodes`` nodes)."""
    xs = [V(0.003 * i - 0.4) for i in range(300)]
    n_terms = max(1, (n_nodes - 300) // 4)
    terms = [(xs[i % 300] * xs[(i * 7 + 1) % 300] + xs[(i * 13 + 2) % 300]).relu()
             for i in range(n_terms)]
    while len(terms) > 1:
        pairs = [terms[k] + terms[k + 1] for k in range(0, len(terms) - 1, 2)]
        terms = pairs + terms[len(terms) - len(terms) % 2:]
    return terms[0], 300 + 4 * n_terms - 1


GRAPHS = {"training-like": build_graph, "issue 17": issue_graph}


def time_once(V: type, graph: str, n_nodes: int) -> tuple[float, float]:
    """Build the graph and run its backward once: (build, backward) in nodes per second."""
    gc.collect()
    start = time.perf_counter()
    root, made = GRAPHS[graph](V, n_nodes)
    build = made / (time.perf_counter() - start)
    start = time.perf_counter()
    root.backward()
    return build, made / (time.perf_counter() - start)


def bytes_per_node(V: type, n_nodes: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root, made = build_graph(V, n_nodes)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del root
    return (after - before) / made


def measure(engines: dict[str, type], n_nodes: int, repeats: int) -> dict[str, dict]:
    """Medians over ``repeats`` rounds. The engines take turns within each round
    (starting engine alternating), after one discarded warm-up round, so neither
    gets a cold start or a quieter stretch of the machine."""
    times: dict[tuple[str, str], list[tuple[float, float]]] = {
        (name, graph): [] for name in engines for graph in GRAPHS}
    names = list(engines)
    for round_ in range(repeats + 1):
        for graph in GRAPHS:
            for name in names if round_ % 2 else names[::-1]:
                result = time_once(engines[name], graph, n_nodes)
                if round_:
                    times[name, graph].append(result)
    rows: dict[str, dict] = {name: {"bytes": bytes_per_node(engines[name], n_nodes)}
                             for name in engines}
    for (name, graph), results in times.items():
        for step, speeds in (("build", [b for b, _ in results]),
                             ("backward", [k for _, k in results])):
            rows[name][f"{step}, {graph}"] = statistics.median(speeds)
            rows[name][f"{step}, {graph}, best"] = max(speeds)
    return rows


def measure_chain(V: type, n: int) -> float | str:
    gc.collect()
    try:
        start = time.perf_counter()
        y = V(0.5)
        for _ in range(n):
            y = y + 1.0
        y.backward()
        return n / (time.perf_counter() - start)
    except RecursionError:
        return "RecursionError"


def profile(n_nodes: int) -> None:
    """Where our build and backward of the issue graph spend their time (cProfile,
    own time by function, top lines)."""
    import cProfile
    import pstats

    for what in ("build", "backward"):
        gc.collect()
        prof = cProfile.Profile()
        if what == "build":
            prof.enable()
            root, _ = issue_graph(Value, n_nodes)
            prof.disable()
        else:
            prof.enable()
            root.backward()
            prof.disable()
        print(f"\n# cProfile, {what} of the issue 17 graph ({n_nodes:,} nodes)")
        pstats.Stats(prof).sort_stats("tottime").print_stats(8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--chain", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--profile", action="store_true",
                        help="only profile our build and backward of the issue 17 graph")
    args = parser.parse_args()
    if args.profile:
        profile(args.nodes)
        return

    engines = {"autograd-viz": Value}
    if MicroValue is not None:
        engines["micrograd"] = MicroValue
    else:
        print("micrograd is not installed (pip install -e '.[bench]'): measuring ours alone")

    rows = measure(engines, args.nodes, args.repeats)
    names = list(engines)
    for name, V in engines.items():
        rows[name]["chain"] = measure_chain(V, args.chain)

    print(f"# engine benchmark: {args.nodes:,}-node graph, {args.chain:,}-node chain, "
          f"median of {args.repeats}")
    print(f"# python {platform.python_version()}, {platform.machine()}, "
          f"{__import__('os').cpu_count()} cores")
    print(f"{'metric':<36}" + "".join(f"{name:>16}" for name in engines) + f"{'ratio':>10}"
          + f"{'best':>8}")

    def fmt(x: float | str) -> str:
        return f"{x:>16,.0f}" if isinstance(x, float) else f"{x:>16}"

    metrics = [(f"{step}, {graph}", f"{step}, {graph} (nodes/s)", True)
               for graph in GRAPHS for step in ("build", "backward")]
    for key, title, higher_better in metrics + [("chain", "1e6 chain (nodes/s)", True),
                                                ("bytes", "bytes per live node", False)]:
        values = [rows[name][key] for name in engines]
        line = f"{title:<36}" + "".join(fmt(v) for v in values)
        if len(values) == 2 and all(isinstance(v, float) for v in values):
            ratio = values[0] / values[1] if higher_better else values[1] / values[0]
            line += f"{ratio:>9.1f}x"
            if f"{key}, best" in rows[names[0]]:
                best = [rows[name][f"{key}, best"] for name in engines]
                line += f"{best[0] / best[1]:>7.1f}x"
        elif len(values) == 2:
            line += f"{'n/a':>10}"
        print(line)


if __name__ == "__main__":
    main()
