"""autograd.nn.perceptron: the perceptron rule, by hand, on AND/OR/XOR and on a batch."""

from __future__ import annotations

import numpy as np
import pytest

from autograd.engine import batch
from autograd.nn import Perceptron


def test_perceptron_rule_updates_by_hand():
    p = Perceptron(2, lr=0.5)
    assert p([1.0, 2.0]) == 0.0  # step(0) = 0
    assert p.update([1.0, 2.0], 1) == 1  # a miss: w += 0.5 * (1 - 0) * x
    assert [w.data for w in p.w] == [0.5, 1.0] and p.b.data == 0.5
    assert p.update([1.0, 2.0], 1) == 0  # now right: nothing changes
    assert [w.data for w in p.w] == [0.5, 1.0] and p.b.data == 0.5
    assert p.update([3.0, 0.0], 0) == 1  # fires wrongly: w -= 0.5 * x
    assert [w.data for w in p.w] == [-1.0, 1.0] and p.b.data == 0.0
    assert p.net([1.0, 2.0]).data == 1.0


def test_perceptron_learns_linearly_separable_data_but_not_xor():
    inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    for targets in ([0, 0, 0, 1], [0, 1, 1, 1]):  # AND, OR
        p = Perceptron(2)
        history = p.fit(inputs, targets)
        assert history[-1] == 0 and len(history) < 100
        assert [p(x) for x in inputs] == targets
    xor = Perceptron(2)
    assert min(xor.fit(inputs, [0, 1, 1, 0], epochs=50)) > 0  # never separable
    with pytest.raises(ValueError, match="0 or 1"):
        Perceptron(2).update([1.0, 1.0], -1)


def test_perceptron_on_a_batch_sums_the_per_sample_corrections():
    p = Perceptron(2, lr=1.0)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    assert list(p(batch(X))) == [0.0, 0.0, 0.0]
    assert p.update(batch(X), np.array([1, 0, 1])) == 2
    assert [w.data for w in p.w] == [3.0, 2.0] and p.b.data == 2.0
