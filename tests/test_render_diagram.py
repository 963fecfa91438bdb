"""viz.diagram and viz.budget: renders stay within budget and never leave ``dot`` running."""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import numpy as np
import pytest
from render_helpers import hub_and_chain

import viz
from autograd.engine import Value, add_n, topological_order
from autograd.nn import MLP
from viz.render import diagram
from viz.render.budget import estimate

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed")
needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="the parent-death signal is Linux's")


def dot_children() -> list[Any]:
    """Our child processes running dot (a zombie counts as gone: it is dead)."""
    psutil = pytest.importorskip("psutil")
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.name() == "dot" and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.fixture
def unbounded(monkeypatch):
    """dot without the runner's iteration bound: hub_and_chain(150) then takes minutes."""
    monkeypatch.setattr(viz.budget, "BOUNDED_FROM", math.inf)


@pytest.fixture
def started(monkeypatch):
    """Every dot process the runner starts, and an event set when one has started."""
    processes: list[subprocess.Popen[bytes]] = []
    event = threading.Event()
    original = diagram._start

    def start(cmd, cwd):
        process = original(cmd, cwd)
        processes.append(process)
        event.set()
        return process

    monkeypatch.setattr(diagram, "_start", start)
    return processes, event


def assert_gone(process: subprocess.Popen[bytes]) -> None:
    psutil = pytest.importorskip("psutil")
    assert process.returncode is not None  # reaped by the runner
    assert not psutil.pid_exists(process.pid) or \
        psutil.Process(process.pid).status() == psutil.STATUS_ZOMBIE
    assert dot_children() == []


# -- the estimate -----------------------------------------------------------------------


# -- the runner -----------------------------------------------------------------------

@needs_dot
def test_every_render_path_goes_through_the_runner(started, tmp_path):
    processes, _ = started
    graph = viz.draw(Value(2.0, "x") * 3)
    assert graph._repr_mimebundle_()["image/svg+xml"].startswith("<?xml")
    assert graph.pipe(format="png")[:4] == b"\x89PNG"
    assert diagram.render(graph, "svg").startswith(b"<?xml")
    assert viz.save(graph, tmp_path / "g.pdf").read_bytes()[:4] == b"%PDF"
    out = graph.render(tmp_path / "r.gv", format="svg")
    assert out == os.fspath(tmp_path / "r.gv.svg") and open(out).read().startswith("<?xml")
    assert graph.render(outfile=tmp_path / "o.svg") == os.fspath(tmp_path / "o.svg")
    assert (tmp_path / "o.gv").exists()  # the source beside it, as graphviz names it
    formats = [next(a for a in p.args if a.startswith("-T")) for p in processes]
    assert formats == ["-Tsvg", "-Tpng", "-Tsvg", "-Tpdf", "-Tsvg", "-Tsvg"]
    assert all(p.returncode == 0 for p in processes)


@needs_dot
def test_dot_refusing_the_source_is_a_called_process_error_with_its_message():
    with pytest.raises(subprocess.CalledProcessError) as e:
        diagram.run_dot("digraph { a -> }", ["-Tsvg"])
    assert b"syntax error" in e.value.stderr


@needs_dot
def test_a_big_diagram_within_budget_gets_bounded_iterations(started):
    processes, _ = started
    small, big = hub_and_chain(10), hub_and_chain(100)  # work 75 and 5,250
    assert estimate(big).work > viz.budget.BOUNDED_FROM > estimate(small).work
    diagram.run_dot(small, ["-Tsvg"])
    diagram.run_dot(big, ["-Tsvg"])
    assert "-Gnslimit=2" not in processes[0].args and "-Gnslimit=2" in processes[1].args


@needs_dot
def test_a_timeout_kills_dot_and_says_what_to_draw_instead(started, unbounded):
    processes, _ = started
    begin = time.monotonic()
    with pytest.raises(diagram.RenderTimeout, match=r"within 0\.5 s .*view='network'") as e:
        diagram.run_dot(hub_and_chain(150), ["-Tsvg"], timeout=0.5,
                        budget=math.inf)
    assert isinstance(e.value, viz.TooLargeError)
    assert time.monotonic() - begin < 20  # minutes without the timeout; this is "no hang"
    [process] = processes
    assert_gone(process)


class Interrupted(Exception):
    pass


def _raise_interrupted(signum, frame):
    raise Interrupted()


@needs_dot
@pytest.mark.parametrize("signum, error", [(signal.SIGINT, KeyboardInterrupt),
                                           (signal.SIGUSR1, Interrupted)])
def test_an_interrupt_while_dot_runs_kills_it(started, unbounded, signum, error):
    processes, event = started
    if signum == signal.SIGUSR1:  # any exception raised while waiting, not only Ctrl-C
        previous = signal.signal(signal.SIGUSR1, _raise_interrupted)
    main = threading.main_thread().ident
    assert main == threading.get_ident()

    def interrupt():
        if event.wait(10):
            time.sleep(0.3)  # dot is laying out by now
            signal.pthread_kill(main, signum)

    thread = threading.Thread(target=interrupt)
    thread.start()
    try:
        with pytest.raises(error):
            diagram.run_dot(hub_and_chain(150), ["-Tsvg"],
                            timeout=math.inf, budget=math.inf)
    finally:
        thread.join()
        if signum == signal.SIGUSR1:
            signal.signal(signal.SIGUSR1, previous)
    [process] = processes
    assert_gone(process)


@needs_dot
@needs_linux
def test_killing_python_from_outside_kills_its_dot_too(tmp_path):
    psutil = pytest.importorskip("psutil")
    script = textwrap.dedent(f"""
        import math, sys
        sys.path.insert(0, {os.getcwd()!r})
        from viz.render import budget, diagram
        budget.BOUNDED_FROM = math.inf  # minutes of layout
        original = diagram._start
        def start(cmd, cwd):
            process = original(cmd, cwd)
            print(process.pid, flush=True)
            return process
        diagram._start = start
        diagram.run_dot(open({os.fspath(tmp_path / "slow.dot")!r}).read(), ["-Tsvg"],
                        timeout=math.inf, budget=math.inf)
    """)
    (tmp_path / "slow.dot").write_text(hub_and_chain(150))
    python = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(python.stdout.readline())
        dot = psutil.Process(pid)
        assert dot.name() == "dot" and dot.ppid() == python.pid
        python.kill()  # SIGKILL: no Python code runs, no except clause
        python.wait()
        try:
            dot.wait(timeout=10)  # the kernel's SIGKILL ends it (an orphan would run on)
        except psutil.NoSuchProcess:
            pass
        assert not dot.is_running() or dot.status() == psutil.STATUS_ZOMBIE
    finally:
        python.kill()
        python.stdout.close()


def test_without_dot_every_path_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        diagram.run_dot("digraph { a }", ["-Tsvg"])


# -- the graph of the issue: micrograd's demo, per sample ---------------------------------

def demo_graph(total):
    """micrograd's demo: MLP(2, [16, 16, 1]) on 100 points one sample at a time, with
    its max-margin loss written outside any scope and summed by ``total``."""
    X = np.random.default_rng(0).normal(size=(100, 2))
    y = np.sign(X[:, 0] * X[:, 1])
    model = MLP(2, [16, 16, 1], seed=0)
    scores = [model([Value(float(a)), Value(float(b))]) for a, b in X]
    loss = total([(1 + -yi * score).relu() for yi, score in zip(y, scores)]) * (1.0 / len(X))
    loss.backward()
    return loss


@needs_dot
def test_the_demo_graph_collapsed_by_layer_lays_out(started):
    loss = demo_graph(add_n)
    assert len(topological_order(loss)) == 37_940
    svg = diagram.render(viz.draw(loss, collapse="layer"), "svg").decode()
    assert svg.count('class="node"') >= 1_000  # the 200 inputs and the per-sample loss
    [process] = started[0]
    assert process.returncode == 0


@needs_dot
def test_the_demo_graph_summed_in_python_is_refused_and_the_advice_works(monkeypatch):
    loss = demo_graph(sum)  # a chain of 100 additions, each fed from the output layer's box
    graph = viz.draw(loss, collapse="layer")
    monkeypatch.setattr(diagram, "_start", lambda cmd, cwd: pytest.fail("dot was started"))
    with pytest.raises(viz.TooLargeError, match="view='network'"):
        diagram.render(graph, "svg")
    monkeypatch.undo()
    svg = diagram.render(viz.draw(loss, view="network"), "svg").decode()
    assert svg.startswith("<?xml")


def test_print_of_a_diagram_is_one_line_and_the_dot_stays_at_source():
    from autograd.engine import Value

    x = Value(2.0, "x")
    f = x * x
    f.backward()
    graph = viz.draw(f)
    text = str(graph)
    assert "\n" not in text and text.startswith("viz diagram: ")
    assert "3 nodes, 3 edges" in text and ".source" in text  # x, the op, f; x enters twice
    assert graph.source.startswith("digraph autograd {")
