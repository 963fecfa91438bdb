"""Data scikit-learn does not ship: spirals, a wavy curve, long-memory sequences, a dirty table.

Everything is made with numpy from a seed; nothing is downloaded. Every
generator takes ``seed`` (an int, a ``numpy.random.Generator``, or None for
fresh randomness) and returns ``(X, y)`` with ``X`` of shape ``(n_samples,
n_features)``, unless said otherwise. For moons, circles, blobs and the breast
cancer data use ``sklearn.datasets``; to split, ``sklearn.model_selection.train_test_split``.

>>> X, y = make_spirals(200, n_classes=2, seed=0)
>>> X.shape, np.bincount(y).tolist()
((200, 2), [100, 100])
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "make_spirals", "make_regression_curve", "true_curve", "make_first_symbol_sequences",
    "make_factory_sensors", "FactorySensors",
]

Seed = int | np.random.Generator | None


# -- argument checks shared by the generators ------------------------------------------

def _rng(seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy.random.Generator or None, "
                    f"got {type(seed).__name__}: {seed!r}")


def _count(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _nonnegative(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    if not value >= 0 or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


def _fraction(value: Any, name: str) -> float:
    value = _nonnegative(value, name)
    if value >= 1:
        raise ValueError(f"{name} must be a fraction in [0, 1), got {value}")
    return value


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(X))
    return X[order], y[order]


# -- 2-D classification ----------------------------------------------------------------

def make_spirals(n_samples: int = 100, n_classes: int = 2, noise: float = 0.05,
                 turns: float = 1.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: hard for a small network, easy for a deep one.

    Arm k is ``r * (cos a, sin a)`` with ``r`` uniform in ``[0.05, 1]`` and angle
    ``a = 2 pi (turns * r + k / n_classes)``; Gaussian noise of standard
    deviation ``noise`` is added to both coordinates. Rows are shuffled.

    >>> X, y = make_spirals(120, n_classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((120, 2), [40, 40, 40])
    """
    n = _count(n_samples, "n_samples", 1)
    k = _count(n_classes, "n_classes", 2)
    noise = _nonnegative(noise, "noise")
    turns = _nonnegative(turns, "turns")
    if n < k:
        raise ValueError(f"n_samples ({n}) must be at least n_classes ({k})")
    rng = _rng(seed)
    sizes = np.full(k, n // k) + (np.arange(k) < n % k)
    y = np.repeat(np.arange(k), sizes)
    r = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * (turns * r + y / k)
    X = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    return _shuffled(rng, X, y)


# -- regression and sequences ----------------------------------------------------------

def true_curve(x: Any) -> np.ndarray:
    """The noiseless curve behind ``make_regression_curve``: ``f(x) = sin(2x) + 0.3 x``."""
    x = np.asarray(x, dtype=float)
    return np.sin(2.0 * x) + 0.3 * x


def make_regression_curve(n_samples: int = 100, noise: float = 0.1,
                          x_range: tuple[float, float] = (-3.0, 3.0), seed: Seed = 0
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a wavy 1-D curve: ``y = sin(2x) + 0.3 x + eps``, ``eps ~ N(0, noise^2)``.

    ``x`` is uniform in ``x_range`` (unsorted). A straight line cannot follow
    the curve; a small MLP can, and with too many parameters it also fits the
    noise (overfitting). ``true_curve(x)`` gives the noiseless curve to draw.

    Returns ``X`` (float, shape ``(n_samples, 1)``) and ``y`` (float, shape ``(n_samples,)``).

    >>> X, y = make_regression_curve(50, noise=0.0, seed=0)
    >>> X.shape, bool(np.allclose(y, true_curve(X[:, 0])))
    ((50, 1), True)
    """
    n = _count(n_samples, "n_samples", 1)
    noise = _nonnegative(noise, "noise")
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range}")
    rng = _rng(seed)
    x = rng.uniform(low, high, n)
    y = true_curve(x) + rng.normal(0.0, noise, n)
    return x[:, None], y


def make_first_symbol_sequences(n_samples: int = 200, length: int = 20, n_symbols: int = 2,
                                seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences whose label is "was the first symbol 1?": a task that needs long memory.

    Every symbol is drawn uniformly from ``0 .. n_symbols - 1``; the label is
    ``y = 1 if X[:, 0] == 1 else 0``. The other ``length - 1`` symbols are
    distractors, so a recurrent network must carry the first input across
    every step: a plain RNN forgets it as ``length`` grows (vanishing
    gradients), a gated one remembers. The classes are balanced: the first
    symbol is 1 for half of the sequences (rounded down).

    Returns ``X`` (float, shape ``(n_samples, length)``, ``X[:, t]`` is the
    symbol at time step t) and ``y`` (int, 0 or 1). Feed an RNN one column per
    step, e.g. ``batch(X[:, t])``.

    >>> X, y = make_first_symbol_sequences(10, length=5, seed=0)
    >>> X.shape, bool(np.array_equal(y, (X[:, 0] == 1).astype(int)))
    ((10, 5), True)
    """
    n = _count(n_samples, "n_samples", 1)
    length = _count(length, "length", 1)
    k = _count(n_symbols, "n_symbols", 2)
    rng = _rng(seed)
    X = rng.integers(0, k, (n, length)).astype(float)
    y = (np.arange(n) < n // 2).astype(int)
    rng.shuffle(y)
    # The first symbol is 1 exactly when y is 1; otherwise any of the other symbols.
    others = rng.integers(0, k - 1, n)
    X[:, 0] = np.where(y == 1, 1, np.where(others >= 1, others + 1, others))
    return X, y


# -- a tabular data set with the problems preprocessing solves --------------------------

@dataclass(frozen=True, eq=False)
class FactorySensors:
    """The factory sensor table from ``make_factory_sensors``.

    Attributes:
        X: float array ``(n_samples, 5)``, the numeric sensor columns, with NaN
            where a reading is missing and some glitched readings (outliers).
        categorical: object array ``(n_samples,)``, the machine each part was made
            on (``"M1"``, ``"M2"`` or ``"M3"``), None where it was not recorded.
        y: int array ``(n_samples,)``, the target: 1 = the part is defective, 0 = good.
        numeric_names: the names of X's columns, in order.
        categorical_name: the name of the categorical column (``"machine"``).
        target_name: the name of the target (``"defect"``).
        outliers: bool array shaped like X, True where a glitch replaced the reading
            (the ground truth an outlier rule should find).
    """

    X: np.ndarray
    categorical: np.ndarray
    y: np.ndarray
    numeric_names: tuple[str, ...]
    categorical_name: str
    target_name: str
    outliers: np.ndarray

    @property
    def column_names(self) -> tuple[str, ...]:
        """All input columns: the numeric ones, then the categorical one."""
        return (*self.numeric_names, self.categorical_name)

    def __repr__(self) -> str:
        return (f"FactorySensors({len(self.y)} parts, numeric={list(self.numeric_names)}, "
                f"categorical={self.categorical_name!r}, target={self.target_name!r}: "
                f"{int(self.y.sum())} defective, {int(np.isnan(self.X).sum())} missing "
                f"readings, {int(self.outliers.sum())} glitches)")


# name, unit, mean, standard deviation of the clean readings
_SENSORS = (
    ("temperature", "degC", 70.0, 5.0),
    ("vibration", "mm/s", 3.0, 0.8),
    ("pressure", "bar", 6.0, 0.5),
    ("humidity", "%", 45.0, 8.0),
    ("speed", "rpm", 1500.0, 100.0),
)
_MACHINES = ("M1", "M2", "M3")


def make_factory_sensors(n_samples: int = 500, missing_rate: float = 0.05,
                         outlier_rate: float = 0.02, seed: Seed = 0) -> FactorySensors:
    """A table of parts made in a factory: sensor readings, the machine, and defect yes/no.

    Five numeric columns (``temperature`` degC, ``vibration`` mm/s, ``pressure``
    bar, ``humidity`` %, ``speed`` rpm), one categorical column ``machine``
    (``"M1"``, ``"M2"``, ``"M3"``; M3 is the old one) and a binary target
    ``defect``. A part is defective with probability ``sigmoid(s)``, where

        s = 3 z_temperature + 2.5 z_vibration + 2 |z_pressure| + 2.5 [machine = M3] - 4

    and ``z_c`` is the clean reading of column c in standard units. Humidity and
    speed carry no signal (distractors); pressure matters in both directions.
    About 35% of the parts are defective, and the best possible classifier on
    the clean features is right about 89% of the time (the labels are random
    draws, so no model reaches 100%).

    Then the table is made dirty, as real data is. Each reading is missing
    (NaN; None for the machine) with probability ``missing_rate``, and with
    probability ``outlier_rate`` replaced by a sensor glitch 8 to 15 standard
    deviations from the mean (``FactorySensors.outliers`` marks them). The label
    depends on the clean readings only, so imputing and removing glitches helps.

    >>> data = make_factory_sensors(200, seed=0)
    >>> data.X.shape, data.categorical.shape, data.y.shape
    ((200, 5), (200,), (200,))
    >>> data.numeric_names[0], data.categorical_name, data.target_name
    ('temperature', 'machine', 'defect')
    """
    n = _count(n_samples, "n_samples", 1)
    missing_rate = _fraction(missing_rate, "missing_rate")
    outlier_rate = _fraction(outlier_rate, "outlier_rate")
    rng = _rng(seed)
    means = np.array([s[2] for s in _SENSORS])
    stds = np.array([s[3] for s in _SENSORS])
    z = rng.standard_normal((n, len(_SENSORS)))
    X = means + stds * z
    machine = rng.choice(len(_MACHINES), n, p=[0.4, 0.35, 0.25])
    score = 3 * z[:, 0] + 2.5 * z[:, 1] + 2 * np.abs(z[:, 2]) + 2.5 * (machine == 2) - 4
    y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-score))).astype(int)

    outliers = rng.uniform(size=X.shape) < outlier_rate
    glitch = rng.uniform(8.0, 15.0, X.shape) * rng.choice([-1.0, 1.0], X.shape)
    X = np.where(outliers, means + glitch * stds, X)
    X[rng.uniform(size=X.shape) < missing_rate] = np.nan
    outliers &= ~np.isnan(X)  # a glitch that then went missing is just missing

    categorical = np.array(_MACHINES, dtype=object)[machine]
    categorical[rng.uniform(size=n) < missing_rate] = None
    return FactorySensors(X=X, categorical=categorical, y=y,
                          numeric_names=tuple(s[0] for s in _SENSORS),
                          categorical_name="machine", target_name="defect",
                          outliers=outliers)
