"""The DOT each view writes, byte for byte, against tests/snapshots/ (VIZ_UPDATE_SNAPSHOTS=1
rewrites them, for a change made on purpose): the op view plain, clustered, collapsed and as
a stepper's frame; the network view of a batch's mean and of one sample, a neuron opened, a
model's architecture, an RNN's frame."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphs import course_model, seed, small_mlp

import viz
from autograd import nn

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _cases():
    mlp = small_mlp()
    rnn = course_model("rnn", n=4, small=True)
    rnn.backward()
    bn = course_model("bn", n=6, small=True)
    bn.backward()
    return {
        "ops-seed": viz.draw(seed(), grads=True).source,
        "ops-mlp-clusters": viz.draw(mlp, legend=True, color_by="grad").source,
        "ops-mlp-collapsed": viz.draw(mlp, collapse="neuron", sample=2).source,
        "ops-seed-frame": viz.step_backward(seed())[3].source,
        "network-mlp-mean": viz.draw(mlp, view="network").source,
        "network-mlp-sample": viz.draw(mlp, view="network", sample=1, focus="L1.N2").source,
        "network-bn": viz.draw(bn, view="network", sample=0, color_by="grad").source,
        "network-rnn-frame": viz.step_backward(rnn, view="network", sample=1)[5].source,
        "network-model": viz.draw(nn.MLP(2, [3, 1], seed=0)).source,
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_view_writes_the_same_dot_as_its_snapshot(name):
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("VIZ_UPDATE_SNAPSHOTS"):
        path.write_text(CASES[name], encoding="utf-8")
    assert CASES[name] == path.read_text(encoding="utf-8"), \
        f"{name} changed; if on purpose, rerun with VIZ_UPDATE_SNAPSHOTS=1"
