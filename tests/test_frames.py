"""viz.step_backward / step_forward / show_steps: stepping through the passes, a frame each."""

from __future__ import annotations

import re
import shutil
import sys

import numpy as np
import pytest

import viz
from autograd.engine import Value, grad, topological_order
from autograd.nn import MLP, BatchNorm1d, Layer, Sequential
from autograd.regularizers import l2
from autograd.rnn import RNN
from viz.common.text import format_number
from viz.ops.order import backward_order, forward_order

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def seed() -> tuple[Value, ...]:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, q, f


def shared() -> Value:
    """A graph where x feeds two ops, so its gradient is a sum of two paths."""
    x = Value(0.5, "x")
    a = x * x
    a.label = "a"
    b = (a + x).tanh()
    b.label = "b"
    return b


def row_cells(source: str, row: str) -> dict[str, str]:
    """Box name -> the text of its ``row`` ("data" or "grad"; "" when blank)."""
    cells = {}
    for line in source.splitlines():
        m = re.match(r"\s*(n\d+) \[label=<(.*)>", line)
        if m:
            found = re.search(rf">{row}</font></td><td[^>]*>(.*?)</td>", m.group(2))
            if found:
                text = re.sub(r"<[^>]+>", "", found.group(1))
                cells[m.group(1)] = "" if text == "&#160;" else text
    return cells


def grad_cells(source: str) -> dict[str, str]:
    return row_cells(source, "grad")


def data_cells(source: str) -> dict[str, str]:
    return row_cells(source, "data")


def test_step_backward_yields_one_frame_per_node_in_backward_order():
    x, y, z, q, f = seed()
    frames = list(viz.step_backward(f))
    assert [frame.node for frame in frames] == backward_order(f) == [f, z, q, y, x]
    assert [frame.index for frame in frames] == list(range(5))
    assert all(frame.total == 5 and frame.direction == "backward" for frame in frames)
    assert frames[0].caption == "backward 1/5: ∂f/∂f = 1 (the seed)"
    assert frames[-1].caption == "backward 5/5: ∂f/∂x = -4"


@pytest.mark.parametrize("make", [lambda: seed()[-1], shared])
def test_each_backward_frame_shows_exactly_the_gradients_computed_so_far(make):
    root = make()
    order = topological_order(root)
    steps = [n for n in backward_order(root) if type(n).__name__ != "Constant"]
    exact = {n: format_number(g.data) for n, g in zip(order, grad(root, order))}
    frames = list(viz.step_backward(root))
    assert len(frames) == len(steps)
    for k, frame in enumerate(frames):
        cells = grad_cells(frame.source)
        done = set(steps[:k + 1])
        for node in steps:
            shown = cells[f"n{order.index(node)}"]
            assert shown == (exact[node] if node in done else ""), (k, node.label)
        # the node of this step is the highlighted one
        current = f"n{order.index(frame.node)}"
        assert re.search(rf"^\s*{current} \[.*penwidth=3", frame.source, flags=re.M)
    assert all(n.grad == 0.0 for n in order)  # stepping computes afresh, touches no .grad


def test_a_shared_value_gets_its_gradient_once_every_path_into_it_is_known():
    b = shared()
    frames = list(viz.step_backward(b))
    x_frame = next(f for f in frames if f.node.label == "x")
    b.backward()
    x = x_frame.node
    assert x_frame.caption.endswith(f"∂b/∂x = {format_number(x.grad)}, the sum over the 3 "
                                    f"edges leaving x")
    # the products along x's three edges are all on the picture by then
    assert x_frame.source.count("· ∂a/∂x") == 2 and x_frame.source.count("· ∂sum/∂x") == 1


def test_step_forward_fills_in_values_in_topological_order_and_shows_no_gradients():
    x, y, z, q, f = seed()
    frames = list(viz.step_forward(f))
    order = [x, y, q, z, f]  # each leaf just before the first node that uses it
    assert [frame.node for frame in frames] == forward_order(f) == order
    box = {node: f"n{i}" for i, node in enumerate(topological_order(f))}
    expected = {x: "-2", y: "5", q: "3", z: "-4", f: "-12"}
    for k, frame in enumerate(frames):
        cells = data_cells(frame.source)
        for i, node in enumerate(order):
            assert cells[box[node]] == (expected[node] if i <= k else "")
        assert grad_cells(frame.source) == {}
        assert "not computed yet" not in frame.source
    assert frames[2].caption == "forward 3/5: q = x + y = 3"
    assert frames[0].caption == "forward 1/5: x = -2 (given)"


def mlp_loss() -> tuple[MLP, Value]:
    model = MLP(2, [3, 2, 1], seed=0)
    out = model([Value(1.0, "x1"), Value(-2.0, "x2")])
    loss = (out - 1.0) ** 2 + l2(model, 1e-3)
    loss.label = "loss"
    return model, loss


def batchnorm_loss() -> Value:
    from autograd.engine import batch
    net = Sequential(Layer(2, 3, "tanh", seed=0), BatchNorm1d(3), Layer(3, 1, "linear", seed=1))
    out = net(batch(np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]])))
    return (out - 1.0).mean()


def rnn_loss() -> Value:
    ys = RNN(1, 2, 1, seed=0)([1.0, 0.5, -0.5])
    return ys[0] * ys[0] + ys[2]


@pytest.mark.parametrize("make", [lambda: mlp_loss()[1], batchnorm_loss, rnn_loss, shared])
def test_backward_order_is_a_reverse_topological_order_of_every_node(make):
    root = make()
    order = backward_order(root)
    assert sorted(map(id, order)) == sorted(map(id, topological_order(root)))
    place = {node: k for k, node in enumerate(order)}
    for node in order:  # every node that uses an input comes before it
        assert all(place[node] < place[inp] for inp in node.inputs)
    forward = forward_order(root)
    assert sorted(map(id, forward)) == sorted(map(id, order))
    place = {node: k for k, node in enumerate(forward)}
    assert all(place[inp] < place[node] for node in forward for inp in node.inputs)


def layer_of(node: Value) -> int:
    """0, 1, 2 for a node of that MLP layer (a weight by its label, an input as the
    first layer's), 3 for the loss and the penalty."""
    m = re.match(r"layers\.(\d+)", node.scope) or re.match(r"L(\d+)\.", node.label)
    if m:
        return int(m.group(1))
    return 0 if not node.inputs else 3


def test_step_backward_goes_layer_by_layer_from_the_loss_to_the_inputs():
    model, loss = mlp_loss()
    frames = list(viz.step_backward(loss))
    layers = [layer_of(frame.node) for frame in frames]
    assert layers == sorted(layers, reverse=True)  # never back to a later layer
    assert layers[0] == 3 and set(layers) == {0, 1, 2, 3}
    # within a layer, neuron by neuron in index order, each neuron's part contiguous
    for k, layer in enumerate(model.layers):
        neurons = [re.search(r"neurons\.(\d+)", f.node.scope or "") for f in frames
                   if layer_of(f.node) == k and f.node.inputs]
        seen = [int(m.group(1)) for m in neurons]
        assert seen == sorted(seen) and set(seen) == set(range(len(layer.neurons)))
    # each weight right after the product that uses it, a bias right after its sum
    for layer in model.layers:
        for neuron in layer.neurons:
            for p in [*neuron.w, neuron.b]:
                k = next(i for i, f in enumerate(frames) if f.node is p)
                assert p in frames[k - 1].node.inputs, (p.label, frames[k - 1].caption)
    assert frames[-1].node.label == "x1"  # the inputs last, not the output's bias


def test_within_a_neuron_backward_steps_its_ops_in_reverse():
    model, loss = mlp_loss()
    order = [n for n in backward_order(loss) if n.inputs]
    neuron = [n for n in order if n.scope == "layers.1.neurons.0"]
    act, z, *products = neuron
    assert act.op == "relu" and act.inputs == (z,) and z.op == "add_n"
    assert products == [t for t in reversed(z.inputs) if t.inputs]  # w2 x2, w1 x1, w0 x0
    first = order.index(act)
    assert order[first:first + len(neuron)] == neuron  # one neuron at a time


def test_step_forward_goes_from_the_inputs_through_each_layer_in_order():
    model, loss = mlp_loss()
    frames = list(viz.step_forward(loss))
    layers = [layer_of(f.node) for f in frames]
    assert layers == sorted(layers) and frames[0].node.label == "L0.N0.w0"
    w = model.layers[0].neurons[1].w[1]
    k = next(i for i, f in enumerate(frames) if f.node is w)
    assert w in frames[k + 1].node.inputs  # a weight just before the product that uses it


def test_stepping_takes_draws_options_and_checks_them_at_once():
    frames = list(viz.step_backward(seed()[-1], fmt=".2f"))
    assert "-4.00" in frames[-1].caption
    with pytest.raises(ValueError, match="fmt"):
        viz.step_backward(seed()[-1], fmt="d")  # raised by the call, not the first next()
    with pytest.raises(TypeError, match="Value"):
        viz.step_forward(3.0)
    x = Value(1.0)
    for _ in range(50):
        x = -x
    with pytest.raises(viz.TooLargeError):
        viz.step_backward(x, max_nodes=10)


@needs_dot
def test_show_steps_gives_a_slider_when_ipywidgets_is_installed():
    widgets = pytest.importorskip("ipywidgets")
    frames = list(viz.step_backward(seed()[-1]))
    box = viz.show_steps(frames)
    assert isinstance(box, widgets.VBox)
    controls, caption, picture = box.children
    back, slider, ahead = controls.children
    assert slider.max == 4 and "∂f/∂f = 1" in caption.value
    ahead.click()
    ahead.click()
    assert slider.value == 2 and "∂f/∂q = -4" in caption.value and "<svg" in picture.value
    back.click()
    assert slider.value == 1


@needs_dot
def test_show_steps_falls_back_to_the_html_page_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import now fails
    shown = viz.show_steps(viz.step_backward(seed()[-1]))
    page = shown._repr_html_()
    assert page.startswith("<!DOCTYPE html>") and '<span id="counter">1 / 5</span>' in page


@needs_dot
def test_a_frame_displays_like_a_diagram():
    frame = viz.step_backward(seed()[-1])[0]
    bundle = frame._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert frame.svg().lstrip().startswith("<?xml")


def test_a_pass_is_a_list_of_frames_drawn_as_they_are_read():
    b = shared()
    frames = viz.step_backward(b)
    assert isinstance(frames, viz.Frames) and len(frames) == 4
    assert frames[-1] is frames[3] and frames[1:3] == [frames[1], frames[2]]
    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert frames[3].caption == list(viz.step_backward(b))[3].caption
    with pytest.raises(IndexError, match="frame 4 of a pass of 4 steps"):
        frames[4]
    with pytest.raises(TypeError, match="indexed by an int or a slice"):
        frames["x"]
