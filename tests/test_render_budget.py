"""viz.render.budget: the layout work a diagram would cost, estimated before dot runs, and
refused over the budget."""

from __future__ import annotations

import graphviz
import pytest
from render_helpers import hub_and_chain

import viz
from viz.render import diagram
from viz.render.budget import LAYOUT_BUDGET, estimate


def chain_into(x: str, same_rank: bool) -> graphviz.Digraph:
    g = graphviz.Digraph()
    with g.subgraph() as row:
        if same_rank:
            row.attr(rank="same")
        row.edge("a", "b", style="invis")
        row.edge("b", "c", style="invis")
    g.edge("a", x)
    g.edge("c", x)
    return g


def test_estimate_counts_a_bend_per_rank_an_edge_skips():
    g = graphviz.Digraph()
    g.edge("x", "y")
    g.edge("y", "z")
    g.edge("x", "z")  # x, y, z on ranks 0, 1, 2: this edge crosses rank 1
    assert estimate(g) == viz.budget.Estimate(nodes=3, edges=3, bends=1)


def test_estimate_of_a_hub_feeding_a_chain_grows_as_the_square():
    # the edge into link i spans i ranks, i - 1 bends: 0 + 1 + ... + (n - 1)
    assert estimate(hub_and_chain(10)).bends == 45
    assert estimate(hub_and_chain(100)).bends == 4950
    assert estimate(hub_and_chain(100)).work == 101 + 199 + 4950


def test_estimate_puts_a_rank_same_row_on_one_rank():
    assert estimate(chain_into("x", same_rank=True)).bends == 0
    # without the row, a, b, c, x are ranks 0..3 and a -> x crosses two of them
    assert estimate(chain_into("x", same_rank=False)).bends == 2


def test_an_edge_without_constraint_ranks_nothing_but_bends():
    g = graphviz.Digraph()
    for a, b in [("a", "b"), ("b", "c"), ("c", "d")]:
        g.edge(a, b)
    g.edge("d", "a", constraint="false")  # drawn back across the chain: two bends
    g.node("lonely")
    assert estimate(g) == viz.budget.Estimate(nodes=5, edges=4, bends=2)


def test_a_label_that_looks_like_an_edge_is_not_one():
    g = graphviz.Digraph()
    g.node("a", label="b -> c\nd -> e")
    assert estimate(g) == viz.budget.Estimate(nodes=1, edges=0, bends=0)


def test_over_budget_is_refused_before_any_dot_starts(monkeypatch, tmp_path):
    def no_dot(cmd, cwd):
        raise AssertionError(f"dot was started: {cmd}")

    monkeypatch.setattr(diagram, "_start", no_dot)
    graph = diagram.Diagram(name="big")
    for i in range(140):  # a hub feeding a chain of 140: 9,730 bends, over the budget
        graph.edge(f"c{i}", f"c{i + 1}")
        graph.edge("hub", f"c{i}")
    assert estimate(graph).work > LAYOUT_BUDGET
    old = tmp_path / "g.svg"
    old.write_text("an older diagram")
    renders = [lambda: diagram.render(graph, "svg"), lambda: viz.save(graph, old),
               lambda: graph.pipe(format="svg"), lambda: graph._repr_mimebundle_(),
               lambda: graph.render(tmp_path / "r", format="svg")]
    for render in renders:
        with pytest.raises(viz.TooLargeError, match="view='network'") as e:
            render()
        assert "bends" in str(e.value) and str(LAYOUT_BUDGET) in str(e.value)
        assert isinstance(e.value, ValueError)
    assert old.read_text() == "an older diagram"


def test_the_budget_is_read_at_each_render(monkeypatch):
    monkeypatch.setattr(viz.budget, "LAYOUT_BUDGET", 10)
    with pytest.raises(viz.TooLargeError, match="budget of 10 "):
        diagram.render(graphviz.Digraph(body=[f"\ta{i} -> b{i}" for i in range(6)]), "svg")
