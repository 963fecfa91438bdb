"""gradcheck: passes correct gradients, names the worst input when they are wrong."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import RULES, GradcheckError, Value, gradcheck
from autograd.ops import Rule


def test_gradcheck_passes_a_correct_graph():
    x, y = Value(0.3, "x"), Value(-1.2, "y")
    assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / (b * b + 1), [x, y]) is True


def test_gradcheck_catches_a_wrong_rule_and_names_the_input(monkeypatch):
    broken = Rule("mul", "*", "a * b", lambda a, b: a * b,
                  lambda g, out, a, b: (g * b, g * 2 * a), ("b", "2a"))  # wrong d/db
    monkeypatch.setattr("autograd.engine.MUL", broken)
    x, y = Value(1.5, "x"), Value(2.0, "y")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a * b, [x, y])
    message = str(info.value)
    assert "'y'" in message and "3.0" in message and "1.5" in message
    assert "difference" in message


def test_gradcheck_on_batched_inputs_names_the_sample(monkeypatch):
    X = Value(np.array([0.5, -1.0, 2.0]), "X")
    w = Value(0.7, "w")
    assert gradcheck(lambda a, b: (a * b).tanh(), [X, w])
    broken = Rule("tanh", "tanh", "tanh(a)", RULES["tanh"].forward,
                  lambda g, out, a: (g * (1.0 - out),), ("1 - out",))
    monkeypatch.setattr("autograd.engine.TANH", broken)
    with pytest.raises(GradcheckError, match="sample"):
        gradcheck(lambda a: a.tanh(), [X])


def test_gradcheck_rejects_bad_arguments():
    with pytest.raises(TypeError, match="input 1"):
        gradcheck(lambda a, b: a, [Value(1.0), 2.0])
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 3.0, [Value(1.0)])
