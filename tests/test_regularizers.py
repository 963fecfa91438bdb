"""autograd.regularizers: L1 (Lasso), L2 (Ridge, lam/2 |w|^2), elastic net."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.datasets import make_moons

from autograd import losses, optim, regularizers
from autograd.engine import Parameter, batch
from autograd.gradcheck import gradcheck
from autograd.nn import MLP

W = [3.0, -4.0, 0.5, 0.0]


def params():
    return [Parameter(w, f"w{i}") for i, w in enumerate(W)]


def test_penalty_values_by_hand():
    assert regularizers.l1(params(), 0.1).data == pytest.approx(0.1 * 7.5, abs=1e-15)
    assert regularizers.l2(params(), 0.1).data == pytest.approx(0.05 * 25.25, abs=1e-15)
    assert regularizers.elastic_net(params(), 0.1, 0.2).data == \
        pytest.approx(0.1 * 7.5 + 0.1 * 25.25, abs=1e-15)


def test_penalty_gradients_are_lam_sign_w_and_lam_w():
    ps = params()
    regularizers.l1(ps, 0.1).backward()
    assert [p.grad for p in ps] == [0.1, -0.1, 0.1, 0.0]  # sign(0) = 0: zero stays put
    ps = params()
    regularizers.l2(ps, 0.1).backward()
    assert [p.grad for p in ps] == pytest.approx([0.1 * w for w in W], abs=1e-16)
    ps = params()
    regularizers.elastic_net(ps, 0.1, 0.2).backward()
    assert [p.grad for p in ps] == pytest.approx([0.1 * np.sign(w) + 0.2 * w for w in W],
                                                 abs=1e-16)


def test_penalty_gradients_pass_gradcheck():
    ps = [Parameter(w) for w in (3.0, -4.0, 0.5, -0.25)]  # away from |w|'s kink at 0
    for penalty in (lambda *p: regularizers.l1(p, 0.3), lambda *p: regularizers.l2(p, 0.3),
                    lambda *p: regularizers.elastic_net(p, 0.3, 0.7)):
        assert gradcheck(penalty, ps)


def test_penalties_open_their_scope_and_accept_a_module():
    model = MLP(2, [3, 1], seed=0)
    penalty = regularizers.l2(model, 1e-3)
    assert penalty.scope == "l2 penalty" and penalty.inputs[1].scope == "l2 penalty"
    assert penalty.data == pytest.approx(5e-4 * sum(p.data ** 2 for p in model.parameters()))
    assert regularizers.l1(model.parameters(), 1.0).scope == "l1 penalty"
    assert regularizers.elastic_net(model, 1.0, 1.0).scope == "elastic net penalty"
    assert regularizers.l2([], 1.0).data == 0.0


def test_penalties_reject_bad_arguments():
    with pytest.raises(ValueError, match="lam must be a number >= 0"):
        regularizers.l2(params(), -1.0)
    with pytest.raises(ValueError, match="l1 must be"):
        regularizers.elastic_net(params(), "big", 0.1)
    with pytest.raises(TypeError, match="item 1 is float"):
        regularizers.l1([Parameter(1.0), 2.0], 0.1)
    with pytest.raises(TypeError, match="list of parameters"):
        regularizers.l1(Parameter(1.0), 0.1)


def test_l1_drives_a_clearly_larger_share_of_weights_to_zero_than_l2():
    X, y = make_moons(100, noise=0.1, random_state=0)
    y = 2.0 * y - 1.0
    xb = batch(X)
    share, accuracy = {}, {}
    for name in ("l1", "l2"):
        model = MLP(2, [16, 16, 1], seed=0)  # the same start for both
        weights = [p for n, p in model.named_parameters() if ".w." in n]
        penalty = getattr(regularizers, name)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(150):
            loss = losses.hinge(model(xb), y) + penalty(weights, 1e-2)
            opt.zero_grad()
            loss.backward()
            opt.step()
        share[name] = np.mean([abs(w.data) < 1e-2 for w in weights])
        accuracy[name] = np.mean((model(xb).data > 0) == (y > 0))
    assert share["l1"] > 0.5 and share["l1"] > 5 * share["l2"]
    assert min(accuracy.values()) >= 0.95  # both still fit: L1 pruned weights it did not need


def test_docstring_examples_run():
    import autograd.regularizers

    assert doctest.testmod(autograd.regularizers).failed == 0
