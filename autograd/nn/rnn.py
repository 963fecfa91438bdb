"""A vanilla recurrent network, unrolled on the graph so every time step can be inspected.

    h_t = tanh(W_xh x_t + W_hh h_(t-1) + b_h),   h_0 = 0
    y_t = W_hy h_t + b_y

The same weights serve every step, so backpropagation through time is just
backpropagation through the unrolled graph. The gradient that reaches an early
step has been multiplied, once per later step, by ``W_hh`` and by tanh's
derivative ``1 - h^2 <= 1``; with small weights it shrinks geometrically toward
the start of the sequence (the long-term dependency problem).
``gradient_norms()`` shows it:

>>> rnn = RNN(1, 4, 1, seed=0)
>>> y = rnn.many_to_one([1.0, 0.0, 0.0, 0.0, 0.0])
>>> y.backward()
>>> norms = rnn.gradient_norms()          # ||d y / d h_t|| for t = 1 .. 5
>>> len(norms), norms[-1] > norms[0]
(5, True)

A sequence is a list of time steps, each one sample's inputs (a list of
``input_size`` numbers or Values, or one number when ``input_size == 1``) or a
batch (a list of ``input_size`` batch Values). A 3-D array
``(n_samples, steps, input_size)`` is taken as a batch of sequences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.data import Seed, _rng
from autograd.engine import Value, batch, grad, scope
from autograd.nn._checks import _size
from autograd.nn.linear import Layer
from autograd.nn.module import Module, _features, _TorchKey

__all__ = ["RNN"]


class RNN(Module):
    """A vanilla tanh RNN: ``xh`` (W_xh, b_h), ``hh`` (W_hh) and ``hy`` (W_hy, b_y) layers.

    - ``rnn(xs)``: many-to-many, the outputs y_1 .. y_T; with ``returns="last"``,
      many-to-one (y_T only), so ``training.fit`` can train a sequence classifier;
    - ``rnn.many_to_one(xs)``: the last output y_T only;
    - ``rnn.one_to_many(x, steps)``: x at the first step, zeros after, ``steps`` outputs.

    Each output is a Value when ``output_size == 1``, else a list of Values.
    Weights are initialised with ``init`` (default Xavier) from ``seed``;
    parameters are named ``xh.neurons.3.w.0`` and labelled ``xh.N3.w0``
    (row 3, column 0 of W_xh). Each step runs in the scope ``t1``, ``t2``, ...
    ``hidden_states`` holds the last call's h_1 .. h_T (each a list of Values).
    The matrices: ``rnn.hh.weight_matrix()`` is W_hh (``set_weight_matrix`` sets it),
    likewise ``xh`` and ``hy``.

    In PyTorch it is an ``nn.RNN(input_size, hidden_size, nonlinearity="tanh",
    batch_first=True)`` named ``rnn`` followed by an ``nn.Linear(hidden_size,
    output_size)`` named ``head`` (torch has no one module for both), and
    ``state_dict(format="torch")`` names its arrays so:

    - ``rnn.weight_ih_l0`` (hidden, input) W_xh, ``rnn.weight_hh_l0`` (hidden, hidden) W_hh,
    - ``rnn.bias_ih_l0`` b_h, and ``rnn.bias_hh_l0`` zeros: torch adds two biases,
      we have one (on load the two are added),
    - ``head.weight`` (output, hidden) W_hy, ``head.bias`` b_y.

    >>> state = RNN(1, 4, 1, seed=0).state_dict(format="torch")
    >>> [(name, a.shape) for name, a in state.items()]  # doctest: +NORMALIZE_WHITESPACE
    [('rnn.weight_ih_l0', (4, 1)), ('rnn.weight_hh_l0', (4, 4)), ('rnn.bias_ih_l0', (4,)),
     ('rnn.bias_hh_l0', (4,)), ('head.weight', (1, 4)), ('head.bias', (1,))]

    The torch model that loads it (``torch.from_numpy`` each array first):

    .. code-block:: python

        class TorchRNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.RNN(1, 4, nonlinearity="tanh", batch_first=True)
                self.head = nn.Linear(4, 1)

            def forward(self, x):          # x: (n_samples, steps, input_size)
                h, _ = self.rnn(x)         # h_1 .. h_T, each (n_samples, hidden_size)
                return self.head(h)        # y_1 .. y_T ([:, -1] for returns="last")
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, *,
                 init: str = "xavier", seed: Seed = None, returns: str = "sequence") -> None:
        if returns not in ("sequence", "last"):
            raise ValueError(f'returns is "sequence" (y_1 .. y_T) or "last" (y_T), '
                             f"got {returns!r}")
        self.returns = returns
        self.input_size = _size(input_size, "input_size")
        self.hidden_size = _size(hidden_size, "hidden_size")
        self.output_size = _size(output_size, "output_size")
        rng = _rng(seed)
        self.xh = Layer(input_size, hidden_size, "linear", init=init, seed=rng, label="xh",
                        squeeze=False)
        self.hh = Layer(hidden_size, hidden_size, "linear", init=init, seed=rng, bias=False,
                        label="hh", squeeze=False)
        self.hy = Layer(hidden_size, output_size, "linear", init=init, seed=rng, label="hy",
                        squeeze=False)
        self._hidden: list[list[Value]] = []

    @property
    def hidden_states(self) -> list[list[Value]]:
        """h_1 .. h_T from the last call, one list of ``hidden_size`` Values per step."""
        return list(self._hidden)

    def forward(self, xs: Any, h0: Any = None) -> Any:
        """Many-to-many: one output per input step (only the last with ``returns="last"``)."""
        outputs = self._run(self._steps(xs), h0)
        return outputs[-1] if self.returns == "last" else outputs

    def many_to_one(self, xs: Any, h0: Any = None) -> Any:
        """Read the whole sequence, output once at the end (e.g. classify a sentence)."""
        with self._scope():
            return self._run(self._steps(xs), h0)[-1]

    def one_to_many(self, x: Any, steps: int, h0: Any = None) -> list[Any]:
        """Input at the first step only (zeros after), ``steps`` outputs (e.g. describe
        an image with a sequence of words)."""
        steps = _size(steps, "steps")
        x = _features(x, self.input_size, self)
        zeros = [0.0] * self.input_size
        with self._scope():
            return self._run([x] + [zeros] * (steps - 1), h0)

    def _steps(self, xs: Any) -> list[Any]:
        if isinstance(xs, np.ndarray):
            if xs.ndim == 3 and xs.shape[2] == self.input_size:  # (samples, steps, features)
                return [batch(xs[:, t, :]) for t in range(xs.shape[1])]
            if xs.ndim == 2 and xs.shape[1] == self.input_size:  # one sequence (steps, features)
                return [row.tolist() for row in xs]
            if xs.ndim == 1 and self.input_size == 1:
                return xs.tolist()
            raise ValueError(f"{self!r}: a sequence array has shape (steps, {self.input_size}) "
                             f"or (n_samples, steps, {self.input_size}); got {xs.shape}")
        if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence) or len(xs) == 0:
            raise TypeError(f"{self!r} takes a non-empty sequence of time steps, "
                            f"got {type(xs).__name__}")
        return list(xs)

    def _run(self, xs: list[Any], h0: Any) -> list[Any]:
        h = None if h0 is None else _features(h0, self.hidden_size, self)
        outputs, hidden = [], []
        for t, x in enumerate(xs, start=1):
            with scope(f"t{t}"):
                a = self.xh(x)
                if h is not None:  # h_0 = 0 adds nothing: leave W_hh out of the first step
                    a = [ai + ri for ai, ri in zip(a, self.hh(h))]
                h = [ai.tanh() for ai in a]
                y = self.hy(h)
            hidden.append(h)
            outputs.append(y[0] if self.output_size == 1 else y)
        self._hidden = hidden
        return outputs

    def gradient_norms(self, output: Value | None = None) -> list[float]:
        """The size of the gradient reaching each hidden state, ``||d L / d h_t||``.

        With ``output``, the gradient of that Value (computed here, leaving every
        ``.grad`` untouched); without, the ``.grad`` left by the last ``backward()``.
        For a batch the norm is over all samples. Index 0 is h_1.
        """
        if not self._hidden:
            raise ValueError("gradient_norms: run the RNN on a sequence first")
        if output is not None:
            flat = [v for h in self._hidden for v in h]
            grads = iter(g.data for g in grad(output, flat))
            per_step = [[next(grads) for _ in h] for h in self._hidden]
        else:
            per_step = [[v.grad for v in h] for h in self._hidden]
        return [math.sqrt(sum(float(np.sum(np.square(g))) for g in gs)) for gs in per_step]

    def _torch_keys(self) -> list[_TorchKey]:
        """``rnn.*`` as torch's ``nn.RNN`` names them, ``head.*`` as an ``nn.Linear``."""
        hidden, inputs, outputs = self.hidden_size, self.input_size, self.output_size
        b_h = [n.b for n in self.xh.neurons]
        return [
            _TorchKey("rnn.weight_ih_l0", (hidden, inputs),
                      [w for n in self.xh.neurons for w in n.w]),
            _TorchKey("rnn.weight_hh_l0", (hidden, hidden),
                      [w for n in self.hh.neurons for w in n.w]),
            _TorchKey("rnn.bias_ih_l0", (hidden,), b_h),
            _TorchKey("rnn.bias_hh_l0", (hidden,), b_h, "add"),
            _TorchKey("head.weight", (outputs, hidden), [w for n in self.hy.neurons for w in n.w]),
            _TorchKey("head.bias", (outputs,), [n.b for n in self.hy.neurons]),
        ]

    def torch_equivalent(self) -> str:
        """The two PyTorch modules ``state_dict(format="torch")`` fits, as code."""
        return (f'rnn = nn.RNN({self.input_size}, {self.hidden_size}, nonlinearity="tanh", '
                f"batch_first=True); head = nn.Linear({self.hidden_size}, {self.output_size})")

    def __repr__(self) -> str:
        last = ', returns="last"' if self.returns == "last" else ""
        return f"RNN({self.input_size}, {self.hidden_size}, {self.output_size}{last})"
