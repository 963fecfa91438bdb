"""autograd.nn.activation: Activation as a layer of its own."""

from __future__ import annotations

import numpy as np
import pytest
from nn_helpers import X4

from autograd.engine import batch
from autograd.nn import Activation, Layer, Sequential


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_activation_after_a_linear_layer_equals_the_layers_own_activation(activation):
    own = Layer(3, 4, activation, seed=0, negative_slope=0.2)
    split = Sequential(Layer(3, 4, "linear", seed=0),
                       Activation(activation, negative_slope=0.2))
    for x in (X4[0].tolist(), batch(X4)):
        np.testing.assert_allclose([v.data for v in split(x)], [v.data for v in own(x)],
                                   rtol=0, atol=1e-15)
    assert [round(v.data, 12) for v in Activation("relu")([-1.0, 2])] == [0.0, 2.0]
    with pytest.raises(ValueError, match="activation must be one of"):
        Activation("softmax")
    with pytest.raises(TypeError, match="str"):
        Activation("tanh")(["a"])
