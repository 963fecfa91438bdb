"""viz.draw and viz.save: what the diagram of a graph must show, and how it must behave."""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import graphviz
import pytest
from ops_helpers import name_of, needs_dot, seed_nodes, svg_nodes

import viz
from autograd.engine import Value, grad
from autograd.nn import MLP
from viz.common.text import format_number

SNAPSHOTS = Path(__file__).parent / "snapshots"
ROOT = Path(__file__).resolve().parents[1]



SNAPSHOTS = Path(__file__).parent / "snapshots"


ROOT = Path(__file__).resolve().parents[1]




@needs_dot
def test_seed_svg_holds_every_value_and_gradient_in_its_own_node():
    x, y, z, q, f = seed_nodes()
    svg = viz.draw(f).pipe(format="svg").decode()
    nodes = svg_nodes(svg)
    expected = {x: ("x", "-2", "-4"), y: ("y", "5", "-4"), z: ("z", "-4", "3"),
                q: ("q", "3", "-4"), f: ("f", "-12", "1")}
    for node, (label, data, gradient) in expected.items():
        texts = [t.strip() for t in nodes[name_of(f, node)]]
        assert texts[0] == label
        assert texts[texts.index("data") + 1] == data
        assert texts[texts.index("grad") + 1] == gradient


def test_seed_dot_matches_the_snapshot():
    source = viz.draw(seed_nodes()[-1]).source
    path = SNAPSHOTS / "seed.dot"
    if os.environ.get("VIZ_UPDATE_SNAPSHOTS"):
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8"), \
        "the seed diagram changed; if on purpose, rerun with VIZ_UPDATE_SNAPSHOTS=1"


def test_two_builds_of_one_program_give_byte_identical_dot():
    assert viz.draw(seed_nodes()[-1]).source == viz.draw(seed_nodes()[-1]).source


DETERMINISM_SCRIPT = textwrap.dedent("""
    import numpy as np, viz
    from autograd.engine import Value, scope
    from autograd.nn import MLP
    from autograd.regularizers import l2
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    with scope("loss"):
        loss = (out - 1.0) ** 2
    total = loss + l2(model, 0.1)
    total.backward()
    print(viz.draw(total).source)
    print(viz.draw(total, collapse="neuron", color_by="grad").source)
""")


def test_dot_is_identical_across_processes_and_hash_seeds():
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert "cluster_" in outputs[0] and "<i>L1.N0</i>" in outputs[0]  # names from scopes


@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                           (".pdf", b"%PDF"), (".SVG", b"<?xml")])
def test_save_writes_the_format_its_extension_names(tmp_path, suffix, magic):
    path = viz.save(seed_nodes()[-1], tmp_path / f"f{suffix}")
    assert path.read_bytes().startswith(magic)


def test_save_refuses_an_unknown_extension_before_writing(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        viz.save(seed_nodes()[-1], tmp_path / "f.gif")
    with pytest.raises(ValueError, match="no extension"):
        viz.save(seed_nodes()[-1], tmp_path / "f")
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_save_takes_a_finished_diagram_and_writes_into_existing_folders_only(tmp_path):
    graph = viz.draw(seed_nodes()[-1], fmt=".3f")
    assert b">&#45;2.000<" in viz.save(graph, tmp_path / "g.svg").read_bytes()
    with pytest.raises(TypeError, match="draw options"):
        viz.save(graph, tmp_path / "h.svg", fmt=".2f")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.save(graph, tmp_path / "missing" / "g.svg")


def test_without_graphviz_the_source_works_and_rendering_says_how_to_install(
        tmp_path, monkeypatch):
    old = tmp_path / "f.svg"
    old.write_text("an older diagram")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph = viz.draw(seed_nodes()[-1])
    assert "digraph" in graph.source and isinstance(graph, graphviz.Digraph)
    for render in (lambda: viz.save(graph, old), lambda: graph.pipe(format="svg"),
                   lambda: graph._repr_mimebundle_(), lambda: graph.render(tmp_path / "r")):
        with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz") as e:
            render()
        assert "brew install graphviz" in str(e.value)
        assert isinstance(e.value, graphviz.ExecutableNotFound)
    assert old.read_text() == "an older diagram"  # a failed save never clobbers a file


def test_reprs_hold_no_memory_address_so_notebook_outputs_are_stable():
    f = seed_nodes()[-1]
    frame = next(iter(viz.step_backward(f)))
    assert re.fullmatch(r"<viz Diagram: \d+ DOT statements>", repr(viz.draw(f)))
    assert "0x" not in repr(frame) and "caption=" in repr(frame)


@needs_dot
def test_docstring_examples_run():
    """Every module of viz, found by walking the package, runs its examples."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(viz.__path__, "viz."):
        if info.name.endswith(("__main__", "demo")):
            continue
        module = importlib.import_module(info.name)
        assert doctest.testmod(module).failed == 0, module.__name__
    assert doctest.testmod(viz).failed == 0


def test_gradients_are_never_another_graphs():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    first = (model([Value(1.0), Value(2.0)]) - 1.0) ** 2
    second = (model([Value(-1.0), Value(0.5)]) + 2.0) ** 2   # shares every weight
    first.backward()
    source = viz.draw(second).source
    assert "gradients not computed yet" in source
    net = viz.draw(second, view="network").source
    assert "δ = " not in net   # no gradients on a graph never differentiated
    # asked for them, the diagram computes this graph's own, not the weights' .grad
    w = model.layers[0].neurons[0].w[0]
    own = grad(second, [w])[0].data
    assert own != w.grad
    assert f"<b>{format_number(own)}</b>" in viz.draw(second, grads=True).source
    # a part of a graph shows the gradients of its own output
    f = seed_f()
    f.backward()
    q = f.inputs[0]
    assert "∂q/∂x = 1" in viz.draw(q).source


def seed_f():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f
