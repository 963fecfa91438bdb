"""``Dropout``: inverted dropout, a regularizer that zeroes random features in training.

Kept features are scaled by 1 / (1 - p), so eval mode is the identity.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd.data import Seed, _rng
from autograd.engine import Value
from autograd.nn.module import Module, _batch_size, _is_samples
from autograd.nn.torch_format import _TorchUnit

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout: in training each feature is kept with probability 1 - p and
    scaled by 1 / (1 - p), else zeroed, so its expected value is unchanged; in eval
    it is the identity (the same Values pass through).

    ``y_j = x_j * m_j / (1 - p)``,  ``m_j ~ Bernoulli(1 - p)``, a new mask for every
    sample: for a batch input each feature gets an array of per-sample masks.
    The masks come from ``seed`` in sample order, so a batch and the same samples
    one at a time draw the same masks. ``mask`` holds the last masks used.
    """

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability p must be in [0, 1], got {p!r}")
        self.p = float(p)
        self._rng = _rng(seed)
        self.mask: np.ndarray | None = None

    def reseed(self, seed: Seed) -> None:
        """Restart the masks from ``seed``: the next calls draw the same masks again
        (for a repeatable forward, e.g. under ``gradcheck``)."""
        self._rng = _rng(seed)

    def forward(self, x: Any) -> Any:
        if _is_samples(x):
            return [self.forward(sample) for sample in x]
        single = isinstance(x, (Value, numbers.Real))
        features = [x] if single else list(x)
        if not self.training or self.p == 0.0:
            return x
        n = _batch_size(features)
        # (n_samples, n_features) draws, row by row: the same stream as one sample at a time
        u = self._rng.random((n or 1, len(features)))
        keep = (u >= self.p).astype(float)
        self.mask = keep[0] if n is None else keep
        scale = keep / (1.0 - self.p) if self.p < 1.0 else keep
        if n is None:
            out = [v * s for v, s in zip(features, scale[0].tolist())]
        else:
            out = [v * scale[:, j] for j, v in enumerate(features)]
        return out[0] if single else out

    def _torch_units(self) -> list[_TorchUnit]:
        return [_TorchUnit(f"nn.Dropout(p={self.p!r})", [])]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
