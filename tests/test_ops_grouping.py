"""viz.ops.grouping: collapsed scopes, clusters, and boxes kept in index order."""

from __future__ import annotations

import re

import pytest
from ops_helpers import needs_dot, node_labels, seed_nodes

import viz
from autograd.engine import Value, scope, topological_order
from autograd.nn import MLP
from autograd.regularizers import l2
from autograd.rnn import RNN
from viz.common.text import format_number
from viz.ops.dot import PALETTE


def top_to_bottom(root: Value, **options) -> dict[str, list[str]]:
    """Lay the diagram out with dot; each layer ("L1") and the inputs ("x"): the names of
    its neurons (or inputs) from the top of the picture down."""
    from viz.ops.builder import build_scene
    from viz.ops.dot import to_digraph
    from viz.ops.scene import Options
    scene = build_scene(root, Options(edge_labels=False, **options))
    title = {b.name: b.title for b in scene.boxes}
    title.update({g.name: g.outputs[0][0] for g in scene.groups if g.outputs})
    plain = to_digraph(scene).pipe(format="plain").decode()
    found: dict[str, list[tuple[float, str]]] = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node" and re.fullmatch(r"L\d\.N\d|x\d", title.get(parts[1], "")):
            name = title[parts[1]]
            found.setdefault(name.split(".")[0] if "." in name else "x", []).append(
                (-float(parts[3]), name))
    return {key: [name for _, name in sorted(found[key])] for key in sorted(found)}


@needs_dot
@pytest.mark.parametrize("options", [
    {}, {"clusters": False}, {"collapse": "neuron"}, {"collapse": "neuron", "clusters": False},
    {"collapse": "layer"}, {"collapse": "layer", "clusters": False}])
def test_neurons_and_inputs_are_drawn_in_index_order(options):
    model = MLP(3, [4, 8, 1], seed=0)
    x = [Value(v, f"x{i + 1}") for i, v in enumerate([0.5, -1.0, 2.0])]
    out = model(x)
    total = (out - 1.0) ** 2 + l2(model, 1e-3)  # the penalty reads every weight
    total.backward()
    drawn = top_to_bottom(total, **options)
    assert drawn["x"] == ["x1", "x2", "x3"]
    if options.get("collapse") != "layer":
        assert drawn["L0"] == [f"L0.N{j}" for j in range(4)]
        assert drawn["L1"] == [f"L1.N{j}" for j in range(8)]


def dot_clusters(source: str) -> dict[str, list[str]]:
    """DOT node name -> the labels of the clusters around it, outermost first."""
    stack: list[str | None] = []
    where: dict[str, list[str]] = {}
    for line in source.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append(None)
        elif s.startswith("graph [") and stack and stack[-1] is None:
            stack[-1] = re.search(r"label=<<b>(.*?)</b>>", s).group(1)
        elif s == "}" and stack:
            stack.pop()
        else:
            m = re.match(r"(n\d+|g\d+|op\d+) \[", s)
            if m:
                where[m.group(1)] = [label for label in stack if label]
    return where


def mlp_with_penalty(lam: float = 0.1):
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    with scope("loss"):
        loss = (out - 1.0) ** 2
    total = loss + l2(model, lam)
    total.label = "L"
    total.backward()
    return model, total


def test_every_mlp_parameter_lands_in_its_neurons_cluster():
    model, total = mlp_with_penalty()
    where = dot_clusters(viz.draw(total, edge_labels=False).source)
    order = topological_order(total)
    named = list(model.named_parameters())
    assert len(named) == 3 * 3 + 2 * 4 + 1 * 3
    for name, p in named:        # e.g. layers.0.neurons.2.w.1
        layer, neuron = re.match(r"(layers\.\d+)\.(neurons\.\d+)\.", name).groups()
        assert where[f"n{order.index(p)}"] == [layer, neuron], name


def test_collapse_neuron_draws_one_box_per_neuron():
    model, total = mlp_with_penalty()
    source = viz.draw(total, collapse="neuron").source
    labels = node_labels(source)
    boxes = {name: label for name, label in labels.items() if name.startswith("g")}
    neuron_boxes = [label for label in boxes.values() if "<b>neurons." in label]
    assert len(neuron_boxes) == 3 + 2 + 1
    assert sorted(re.search(r"(\d+) parameters", b).group(1) for b in neuron_boxes) == \
        ["3", "3", "3", "3", "4", "4"]
    # the penalty and the loss are boxes too; no parameter is drawn on its own
    assert any("<b>l2 penalty</b>" in b for b in boxes.values())
    assert not any("parameter</font>" in label for label in labels.values())
    assert len(labels) < 20
    where = dot_clusters(source)
    assert all(where[g] and where[g][0].startswith("layers.")
               for g, label in boxes.items() if "<b>neurons." in label)


def test_collapse_neuron_keeps_an_rnn_steps_loose_values_inside_the_step():
    y = RNN(1, 2, 1, seed=0).many_to_one([1.0, 0.0, 1.0])
    y.backward()
    source = viz.draw(y, collapse="neuron").source
    where = dot_clusters(source)
    steps = {name: re.search(r"<b>(t\d)</b>", label).group(1)
             for name, label in node_labels(source).items()
             if name.startswith("g") and re.search(r"<b>t\d</b>", label)}
    assert sorted(steps.values()) == ["t1", "t2", "t3"]  # each step's sums and tanh
    for name, step in steps.items():
        assert where[name] == [step], (name, step)


def test_collapse_that_matches_no_scope_is_a_clear_error():
    with pytest.raises(ValueError, match="matched no scope"):
        viz.draw(seed_nodes()[-1], collapse="neuron")


def test_penalty_branch_is_tinted_and_each_weight_shows_its_share():
    lam = 0.1
    model, total = mlp_with_penalty(lam)
    source = viz.draw(total, edge_labels=False).source
    labels = node_labels(source)
    order = topological_order(total)
    for _, p in model.named_parameters():
        label = labels[f"n{order.index(p)}"]
        shown = re.search(r">penalty</font></td><td[^>]*><font[^>]*>([^<]+)<", label).group(1)
        assert shown == format_number(lam * p.data)  # d(lam/2 sum w^2)/dw = lam w
    assert PALETTE["penalty"] in source and PALETTE["penalty line"] in source
    assert re.search(r'label=<<b>l2 penalty</b>>', source)
