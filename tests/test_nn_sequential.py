"""autograd.nn.sequential: a Sequential of every layer family, batched, trained, gradchecked."""

from __future__ import annotations

import numpy as np
from nn_helpers import X4

from autograd import losses, optim
from autograd.engine import batch
from autograd.gradcheck import gradcheck
from autograd.nn import BatchNorm1d, Dropout, Layer, LayerNorm, Sequential


def test_a_network_of_every_layer_trains_batched_and_passes_gradcheck():
    net = Sequential(Layer(3, 4, "tanh", seed=0, label="L0"), BatchNorm1d(4),
                     Dropout(0.25, seed=1), LayerNorm(4), Layer(4, 1, "linear", seed=2, label="L1"))
    xb = batch(X4)
    y = np.array([1.0, -1.0, 0.5, 0.0])

    def loss(*_):
        net.layers[2].reseed(1)  # the same dropout masks at every call
        return losses.mse(net(xb), y)

    assert gradcheck(loss, net.parameters() + xb)
    opt = optim.Adam(net.parameters(), lr=0.05)
    first = loss().data
    for _ in range(30):
        value = loss()
        opt.zero_grad()
        value.backward()
        opt.step()
    assert loss().data < 0.2 * first
