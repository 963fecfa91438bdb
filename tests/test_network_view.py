"""viz.network.view: a model drawn as its architecture."""

from __future__ import annotations

import numpy as np
import pytest

import viz
from autograd import batch, nn
from autograd.rnn import RNN
from viz.network.draw import WEIGHT_COLORS


def test_a_model_is_drawn_as_its_architecture_and_keeps_its_state():
    model = nn.Sequential(nn.Layer(2, 4, "linear", seed=0), nn.BatchNorm1d(4),
                          nn.Activation("relu"), nn.Dropout(0.5, seed=1),
                          nn.Layer(4, 1, "linear", seed=2))
    model(batch(np.random.default_rng(0).normal(size=(6, 2))))  # some running statistics
    before = model.state_dict()
    masks = model.layers[3]._rng.bit_generator.state
    source = viz.draw(model).source
    assert model.state_dict() == before and model.layers[3]._rng.bit_generator.state == masks
    # every neuron and layer, each weight an edge by its sign, no values or gradients
    for name in ("L0.N3", "L1.BN2", "L2.ReLU1", "L3.drop0", "L4.N0"):
        assert f"<b>{name}</b>" in source
    assert source.count(WEIGHT_COLORS["positive"] + "cc") + source.count(
        WEIGHT_COLORS["negative"] + "cc") == 2 * 4 + 4
    assert "γ = 1, β = 0" in source and "a = " not in source and "δ" not in source
    # a model of the course and a trained estimator's model_ draw as well
    assert "<b>h3[1]</b>" in viz.draw(RNN(1, 2, 1, seed=0)).source
    assert "<b>L2.N0</b>" in viz.draw(nn.MLP(2, [3, 3, 1], seed=0)).source
    with pytest.raises(TypeError, match="cannot tell how many inputs Dropout"):
        viz.draw(nn.Dropout(0.3))
