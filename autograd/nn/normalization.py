"""Normalization layers: ``BatchNorm1d`` over a mini-batch, ``LayerNorm`` over one sample.

Both compute ``y = (x - mean) / sqrt(var + eps) * gamma + beta`` with learned
gamma and beta; they differ in what the mean and variance are taken over, and
so in what eval mode does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import Parameter, Value, add_n
from autograd.nn._checks import _size
from autograd.nn.module import Module, _as_value, _batch_size, _features, _is_samples
from autograd.nn.torch_format import _TorchKey, _TorchUnit

__all__ = ["BatchNorm1d", "LayerNorm"]


class BatchNorm1d(Module):
    """Batch normalization over a mini-batch, per feature j:

        mu_j = mean_i x_ij,   var_j = mean_i (x_ij - mu_j)^2          (training)
        y_ij = gamma_j * (x_ij - mu_j) / sqrt(var_j + eps) + beta_j

    gamma starts at 1 and beta at 0 and both are learned. In training each call
    also updates the running statistics (the course's convention):

        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var  = momentum * running_var  + (1 - momentum) * var

    and in eval they replace mu and var. Note: PyTorch's ``momentum`` is 1 minus
    ours (its default 0.1 is our 0.9), and PyTorch keeps the unbiased variance
    (times m / (m - 1)) in ``running_var``; we keep the batch variance as
    normalized, as the course does.

    Input is either a mini-batch as a list of samples, each a list of
    ``num_features`` Values (the output is the same shape), or a batch as a list
    of ``num_features`` batch Values (statistics over the batch axis; the
    natural form). Both build the same computation. In eval a single sample
    (a list of scalar Values) is fine too.

    >>> bn = BatchNorm1d(1)
    >>> [round(s[0].data, 4) for s in bn([[1.0], [3.0]])]
    [-1.0, 1.0]
    >>> # running: 0.9 * 0 + 0.1 * 2 and 0.9 * 1 + 0.1 * 1
    >>> [round(bn.running_mean[0], 12), round(bn.running_var[0], 12)]
    [0.2, 1.0]
    """

    _buffers = ("running_mean", "running_var")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9) -> None:
        self.num_features = _size(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1] (the course uses 0.9, 0.99, 0.999; "
                             f"PyTorch's momentum m is our 1 - m), got {momentum!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        self.gamma = [Parameter(1.0, f"BN.gamma{j}") for j in range(self.num_features)]
        self.beta = [Parameter(0.0, f"BN.beta{j}") for j in range(self.num_features)]
        self.running_mean = [0.0] * self.num_features
        self.running_var = [1.0] * self.num_features

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return self._samples(x)
        x = _features(x, self.num_features, self)
        if self.training:
            n = _batch_size(x)
            if n is None:
                raise ValueError(f"{self!r} in training needs a batch to take statistics "
                                 f"over: a list of samples, or a list of batch Values; got one "
                                 f"sample (call .eval() to use the running statistics)")
            if n < 2:
                raise ValueError(f"{self!r} in training needs at least 2 samples, got {n}")
            for j, v in enumerate(x):
                if not (isinstance(v, Value) and isinstance(v.data, np.ndarray)):
                    raise TypeError(f"{self!r}: feature {j} is not a batch Value; a batch is a "
                                    f"list of {self.num_features} batch Values (autograd.batch)")
            return [self._normalize_feature(j, [v], n)[0] for j, v in enumerate(x)]
        return [self._eval_feature(j, v) for j, v in enumerate(x)]

    def _samples(self, samples: Sequence[Sequence[Any]]) -> list[list[Value]]:
        rows = [_features(s, self.num_features, self) for s in samples]
        if not self.training:
            return [[self._eval_feature(j, v) for j, v in enumerate(row)] for row in rows]
        m = len(rows)
        if m < 2:
            raise ValueError(f"{self!r} in training needs at least 2 samples, got {m}")
        if _batch_size([v for row in rows for v in row]) is not None:
            raise TypeError(f"{self!r} takes a list of samples of scalar Values, or a list of "
                            f"batch Values, not samples of batch Values")
        columns = [self._normalize_feature(j, [_as_value(row[j]) for row in rows], m)
                   for j in range(self.num_features)]
        return [list(sample) for sample in zip(*columns)]

    def _normalize_feature(self, j: int, xs: list[Value], m: int) -> list[Value]:
        """Normalize feature j over the batch: ``xs`` is one batch Value, or m scalars."""
        if len(xs) == 1:  # one batch Value: reductions over the batch axis
            mu = xs[0].mean()
            d = [xs[0] - mu]
            var = (d[0] * d[0]).mean()
        else:
            mu = add_n(xs) / m
            d = [v - mu for v in xs]
            var = add_n([di * di for di in d]) / m
        std = (var + self.eps).sqrt()
        gamma, beta = self.gamma[j], self.beta[j]
        out = [di / std * gamma + beta for di in d]
        mom = self.momentum
        self.running_mean[j] = mom * self.running_mean[j] + (1.0 - mom) * float(mu.data)
        self.running_var[j] = mom * self.running_var[j] + (1.0 - mom) * float(var.data)
        return out

    def _eval_feature(self, j: int, v: Any) -> Value:
        std = math.sqrt(self.running_var[j] + self.eps)
        return (_as_value(v) - self.running_mean[j]) / std * self.gamma[j] + self.beta[j]

    def _torch_units(self) -> list[_TorchUnit]:
        n = self.num_features
        # torch's momentum weighs the new batch, ours the running value; running_var is
        # exported as it is, so that eval agrees (see Module.state_dict)
        code = f"nn.BatchNorm1d({n}, eps={self.eps!r}, momentum={1.0 - self.momentum:.12g})"
        return [_TorchUnit(code, [
            _TorchKey("weight", (n,), list(self.gamma)),
            _TorchKey("bias", (n,), list(self.beta)),
            _TorchKey("running_mean", (n,), [(self.running_mean, j) for j in range(n)]),
            _TorchKey("running_var", (n,), [(self.running_var, j) for j in range(n)]),
            _TorchKey("num_batches_tracked", (), [], "count"),
        ])]

    def __repr__(self) -> str:
        return (f"BatchNorm1d({self.num_features}, eps={self.eps:g}, "
                f"momentum={self.momentum:g})")


class LayerNorm(Module):
    """Layer normalization: each sample normalized over its own features,

        mu = mean_j x_j,   var = mean_j (x_j - mu)^2
        y_j = gamma_j * (x_j - mu) / sqrt(var + eps) + beta_j

    so it needs no batch and behaves the same in training and eval. Takes one
    sample (a list of ``num_features`` Values), a batch (a list of batch Values:
    every sample is normalized on its own) or a list of samples.

    >>> ln = LayerNorm(2)
    >>> [round(v.data, 4) for v in ln([1.0, 3.0])]
    [-1.0, 1.0]
    """

    def __init__(self, num_features: int, eps: float = 1e-5,
                 elementwise_affine: bool = True) -> None:
        self.num_features = _size(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps!r}")
        self.eps = float(eps)
        self.affine = bool(elementwise_affine)
        if self.affine:
            self.gamma = [Parameter(1.0, f"LN.gamma{j}") for j in range(self.num_features)]
            self.beta = [Parameter(0.0, f"LN.beta{j}") for j in range(self.num_features)]

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        x = [_as_value(v) for v in _features(x, self.num_features, self)]
        n = self.num_features
        mu = add_n(x) / n
        d = [v - mu for v in x]
        var = add_n([di * di for di in d]) / n
        std = (var + self.eps).sqrt()
        if not self.affine:
            return [di / std for di in d]
        return [di / std * g + b for di, g, b in zip(d, self.gamma, self.beta)]

    def _torch_units(self) -> list[_TorchUnit]:
        n = self.num_features
        if not self.affine:
            return [_TorchUnit(f"nn.LayerNorm({n}, eps={self.eps!r}, elementwise_affine=False)",
                               [])]
        return [_TorchUnit(f"nn.LayerNorm({n}, eps={self.eps!r})",
                           [_TorchKey("weight", (n,), list(self.gamma)),
                            _TorchKey("bias", (n,), list(self.beta))])]

    def __repr__(self) -> str:
        return f"LayerNorm({self.num_features}, eps={self.eps:g})"
