"""viz.common.scope: scope levels, and where a node is drawn."""

from __future__ import annotations

from autograd.engine import Parameter, Value, scope, topological_order
from viz.common.scope import collapse_key, homes, is_penalty, levels


def test_scope_levels_keep_an_index_with_its_name():
    assert levels("layers.0.neurons.3") == ("layers.0", "neurons.3")
    assert levels("l2 penalty") == ("l2 penalty",)
    assert levels("") == ()
    assert collapse_key("layers.0.neurons.3", "neuron") == ("layers.0", "neurons.3")
    assert collapse_key("layers.0.neurons.3", "layer") == ("layers.0",)
    assert collapse_key("layers.0.layernorm", "layer") == ("layers.0",)
    assert collapse_key("layernorm", "layer") is None
    assert collapse_key("a.b.c", 2) == ("a", "b")
    assert is_penalty("l2 penalty") and is_penalty("model.Regularization")
    assert not is_penalty("loss")


def test_a_weight_made_outside_any_scope_is_drawn_in_the_scope_that_uses_it():
    w = Parameter(1.0, "w")
    x = Value(2.0, "x")
    with scope("neurons.0"):
        h = w * x
    with scope("l2 penalty"):
        p = w * w
    home = homes(topological_order(h + p))
    assert home[w] == "neurons.0"   # the penalty reads w but does not own it
    assert home[x] == ""            # data stays outside
