"""viz.page: what the interactive page shows, each view drawn once and each step a state."""

from __future__ import annotations

import re
import shutil

import pytest
from graphs import seed, small_mlp

import viz.render.budget
from autograd.engine import grad, topological_order
from viz.errors import TooLargeError
from viz.page.build import build_page, clean_svg, ids_of

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def test_the_seed_page_is_the_forward_then_the_backward_pass_on_one_picture():
    page = build_page(seed())
    assert [v.name for v in page.views] == ["ops"] and page.title == "f = -12"
    view = page.view("ops")
    captions = [s.caption for s in view.steps]
    assert captions[0] == "forward 1/5: x = -2 (given)"
    assert captions[5] == "backward 1/5: ∂f/∂f = 1 (the seed)"
    assert captions[-1] == "backward 5/5: ∂f/∂x = -4"
    assert page.end == "End of the backward pass: every gradient is known."
    assert view.svg.count("<svg") == 1
    # every id a step names is in the picture
    ids = set(ids_of(view.svg))
    for step in view.steps:
        assert set(step.marks) | set(step.edges) <= ids
    assert set(view.reveal) <= ids


def test_numbers_show_at_their_own_step_and_the_rows_are_there_from_the_first():
    f = seed()
    view = build_page(f).view("ops")
    order = topological_order(f)
    x_box = f"on{order.index(f.inputs[0].inputs[0])}"   # x
    t_forward = next(t for t, s in enumerate(view.steps) if s.caption.startswith("forward 1/"))
    t_x = next(t for t, s in enumerate(view.steps) if "∂f/∂x" in s.caption)
    assert view.reveal[f"{x_box}_d"] == t_forward       # x's value: its forward step
    assert view.reveal[f"{x_box}_g"] == t_x             # x's gradient: its backward step
    assert f'id="{x_box}_g"' in view.svg and "&#45;4</text>" in view.svg  # drawn, finished
    # forward highlights the box, its op and the edges into the op; backward the edges out
    q_step = next(s for s in view.steps if s.caption.startswith("forward 3/5"))
    assert len(q_step.marks) == 2 and q_step.marks[1].startswith("oop")
    assert len(q_step.edges) == 3
    x_step = view.steps[t_x]
    assert x_step.marks == [x_box] and len(x_step.edges) == 1


def test_a_backward_page_knows_every_value_from_the_start():
    view = build_page(seed(), direction="backward").view("ops")
    assert len(view.steps) == 5 and not any(k.endswith("_d") for k in view.reveal)
    forward = build_page(seed(), direction="forward")
    assert forward.end == "End of the forward pass: every value is known."
    assert "_g" not in "".join(forward.view("ops").reveal) and "grad" not in \
        forward.view("ops").svg


def test_a_collapsed_view_highlights_the_box_that_holds_the_node_and_names_it():
    loss = small_mlp(penalty=False, backward=False)
    view = build_page(loss, collapse="neuron").view("ops")
    inside = [s for s in view.steps if s.rule[0].startswith("inside ")]
    assert inside, "no step inside a collapsed neuron"
    step = next(s for s in inside if "L1.N2.z" in s.rule[0])
    assert step.rule[0] == "inside neurons.2: L1.N2.z" and step.marks[0].startswith("og")


def test_the_network_page_has_both_views_linked_step_for_step():
    loss = small_mlp(backward=False)
    page = build_page(loss, view="network")
    assert [v.name for v in page.views] == ["network", "ops"]
    net, ops = page.view("network"), page.view("ops")
    assert len(net.steps) == 2 * (2 + 9 + 3)   # inputs, neurons, mse + l2 = loss; 2 passes
    for step in net.steps:
        other = ops.steps[step.link]
        assert other.caption.split()[0] == step.caption.split()[0]   # same pass
    # the network's L1.N2 backward step links to the op step of its activation
    l1n2 = next(s for s in net.steps if s.caption.startswith("backward")
                and "δ L1.N2 " in s.caption)
    assert "∂loss/∂L1.N2 = " in ops.steps[l1n2.link].caption
    # each neuron opens to its card
    assert sorted(net.titles.values()) == sorted(
        f"L{layer}.N{k}" for layer, width in enumerate([4, 4, 1]) for k in range(width))
    assert all(card in ids_of(net.cards_svg) for card in net.cards.values())


def test_a_graph_without_neurons_has_no_network_view_to_ask_for():
    with pytest.raises(ValueError, match="found no neuron"):
        build_page(seed(), view="network")


def test_an_op_view_over_budget_leaves_the_network_view_alone(monkeypatch):
    monkeypatch.setattr(viz.budget, "LAYOUT_BUDGET", 500)
    page = build_page(small_mlp(backward=False), view="network")
    assert [v.name for v in page.views] == ["network"]
    assert page.notes and page.notes[0].startswith("The op view is left out: ")
    assert "view='network'" not in page.notes[0]          # the advice is for draw()
    with pytest.raises(TooLargeError):
        build_page(small_mlp(backward=False), view="ops")


def test_bad_page_arguments_are_named():
    with pytest.raises(ValueError, match="view is 'ops' or 'network'"):
        build_page(seed(), view="neurons")
    with pytest.raises(ValueError, match="direction is 'both', 'forward' or 'backward'"):
        build_page(seed(), direction="up")
    with pytest.raises(TypeError, match="click one"):
        build_page(seed(), focus="L1.N3")
    with pytest.raises(TypeError, match="a page needs a Value"):
        build_page([1, 2])
    with pytest.raises(TypeError, match="unknown draw options: colour_by"):
        build_page(seed(), colour_by="grad")


def test_the_gradients_on_the_page_are_computed_afresh_and_leave_grad_alone():
    f = seed()
    view = build_page(f).view("ops")
    assert all(n.grad == 0 for n in topological_order(f))
    assert view.steps[-1].rule[-1] == f"= {grad(f, [f.inputs[0].inputs[0]])[0].data:g}"


def test_clean_svg_keeps_what_a_page_needs():
    raw = ('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- made by dot -->\n'
           '<svg width="10pt" height="10pt" viewBox="0 0 10 10">\n<g id="graph0" class="graph">'
           '<title>%3</title>\n<g id="a_n0_d"><a xlink:href="#" xlink:title="&lt;TABLE&gt;">\n'
           '<text font-family="Helvetica,Arial,sans-serif">3</text>\n</a>\n</g>\n</g></svg>')
    svg = clean_svg(raw, "o")
    assert svg.startswith('<svg viewBox="0 0 10 10">')
    assert not re.search(r"<!--|<title>|xlink:href|font-family|<\?xml", svg)
    assert ids_of(svg) == ["ograph0", "on0_d"] and "<text>3</text>" in svg


def test_the_network_views_tooltips_leave_the_gradients_to_the_steps():
    svg = build_page(small_mlp(), view="network").view("network").svg
    assert "xlink:title=\"L0.N0.w0 = " in svg                # the weight, by name
    assert "∂loss/∂w" not in svg and "gradient ∂loss/∂value" not in svg
