"""Memory benchmark: what the engine keeps of graphs nobody holds, in three ways to predict.

    python bench/memory.py            # or: make bench

Each case runs in a fresh interpreter and reports its peak resident memory
(``ru_maxrss``): ``MLP(4, [16, 16, 1])`` predicting without ``no_grad()``

- "batch": on a 1000-row batch, 700 times (a notebook predicting);
- "timeit": one sample, ``timeit.timeit(lambda: model(x), number=20000)``
  (timeit turns the garbage collector off while it times);
- "gc off": one sample, 10,000 times after ``gc.disable()``.

A graph nobody holds costs nothing once it is freed, so the peaks should stay
near what importing the package and building the model take.
"""

from __future__ import annotations

import gc
import platform
import resource
import subprocess
import sys
import timeit
from pathlib import Path

import numpy as np

CASES = {
    "batch": "1000-row batch, 700 calls",
    "timeit": "timeit, 20,000 calls (collector off)",
    "gc off": "gc.disable(), 10,000 calls",
}


def run(case: str) -> float:
    """Run one case in this interpreter; its peak resident memory in MB."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from autograd import batch, nn

    model = nn.MLP(4, [16, 16, 1], seed=0)
    rng = np.random.default_rng(0)
    if case == "batch":
        X = batch(rng.normal(size=(1000, 4)))
        for _ in range(700):
            model(X)
    elif case == "timeit":
        x = list(rng.normal(size=4))
        timeit.timeit(lambda: model(x), number=20000)
    else:
        x = list(rng.normal(size=4))
        gc.disable()
        for _ in range(10000):
            model(x)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main() -> None:
    if len(sys.argv) > 1:
        print(run(sys.argv[1]))
        return
    print(f"# memory benchmark: MLP(4, [16, 16, 1]) predicting without no_grad(), "
          f"peak RSS; python {platform.python_version()}, {platform.machine()}")
    print(f"{'case':<40}{'peak MB':>10}")
    for case, text in CASES.items():
        done = subprocess.run([sys.executable, __file__, case], capture_output=True, text=True)
        peak = f"{float(done.stdout):.0f}" if done.returncode == 0 else \
            done.stderr.strip().splitlines()[-1][:60]
        print(f"{text:<40}{peak:>10}")


if __name__ == "__main__":
    main()
