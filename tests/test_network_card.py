"""viz.network.card: a neuron opened to its ops (focus=), with one sample's chain rule."""

from __future__ import annotations

import re

import pytest
from network_helpers import mlp_loss

import viz
from autograd import grad
from viz.network.units import read_network


def test_focus_opens_one_neuron_to_its_ops_with_the_chain_rule_of_one_sample():
    model, X, _, loss = mlp_loss()
    source = viz.draw(loss, view="network", focus="layers.1.neurons.3", sample=0).source
    assert source == viz.draw(loss, view="network", focus="L1.N3", sample=0).source
    card = source[source.index("opened [label="):]
    card = card[:card.index("</table>>")]
    assert "L1.N3: its ops (sample 0 of 100)" in card
    for j in range(16):
        assert f"w{j}·L0.N{j} = w{j} × L0.N{j} = " in card
    assert "z = b + Σ of the 16 products above" in card and "L1.N3 = max(0, z) = max(0, " in card
    # the chain rule along w0's edge, with sample 0's numbers: ∂loss/∂(w0 x) × x
    neuron = model.layers[1].neurons[3]
    product = next(v for v in read_network(loss).columns[2][3].nodes
                   if v.op == "mul" and neuron.w[0] in v.inputs)
    x = next(i for i in product.inputs if i is not neuron.w[0])
    g, xv = grad(loss, [product])[0].data[0], x.data[0]
    assert (f"∂loss/∂w0 += ({g:.4g}) × {xv:.4g} = {g * xv:.4g} (sample 0's part of the "
            f"sum)") in card
    # every other neuron is still one box, and the opened one is tied to its card
    assert source.count('">ReLU &#160;b ') == 32
    assert "style=dashed" in source


def test_a_focus_on_a_batch_mean_writes_formulas_not_products_of_means():
    loss = mlp_loss()[3]
    source = viz.draw(loss, view="network", focus="L1.N3").source
    card = source[source.index("opened [label="):]
    card = card[:card.index("</table>>")]
    assert "L1.N3: its ops (the 100 samples' mean)" in card
    assert "w0·L0.N0 = w0 × L0.N0<" in card  # no numbers after the formula
    assert not re.search(r"\d × [\d(]", card)


def test_focus_names_a_neuron_or_says_which_ones_exist():
    loss = mlp_loss()[3]
    with pytest.raises(ValueError, match="focus='L9.N0' names no neuron.*'layers.0.neurons.0'"):
        viz.draw(loss, view="network", focus="L9.N0")
    with pytest.raises(ValueError, match="pass view='network'"):
        viz.draw(loss, focus="L1.N3")
