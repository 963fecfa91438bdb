"""Data for the course's examples: seeded toy generators, one real data set, and splits.

Everything is made with numpy from a seed or read from a file inside the
package; nothing is downloaded. Every generator takes ``seed`` (an int, a
``numpy.random.Generator``, or None for fresh randomness) and returns
``(X, y)`` with ``X`` of shape ``(n_samples, n_features)``, unless said otherwise.

>>> X, y = make_moons(200, noise=0.1, seed=0)
>>> Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=0)
>>> len(Xtr), len(Xva), len(Xte)
(140, 20, 40)
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = [
    "make_moons", "make_circles", "make_blobs", "make_spirals", "make_regression_curve",
    "true_curve", "make_first_symbol_sequences", "make_factory_sensors", "FactorySensors",
    "load_breast_cancer", "Dataset", "train_val_test_split",
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

def make_moons(n_samples: int = 100, noise: float = 0.1, seed: Seed = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: the classic data set a straight line cannot separate.

    Class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on the lower arc
    ``(1 - cos t, 0.5 - sin t)``, ``t`` uniform in ``[0, pi]``; Gaussian noise of
    standard deviation ``noise`` is added to both coordinates. Class 0 gets
    ``n_samples // 2`` points, class 1 the rest. Rows are shuffled.

    Returns ``X`` (float, shape ``(n_samples, 2)``) and ``y`` (int, 0 or 1).

    >>> X, y = make_moons(100, noise=0.1, seed=0)
    >>> X.shape, y.shape, int(y.sum())
    ((100, 2), (100,), 50)
    """
    n = _count(n_samples, "n_samples", 2)
    noise = _nonnegative(noise, "noise")
    rng = _rng(seed)
    n0 = n // 2
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n - n0)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += rng.normal(0.0, noise, X.shape)
    y = np.repeat([0, 1], [n0, n - n0])
    return _shuffled(rng, X, y)


def make_circles(n_samples: int = 100, noise: float = 0.05, factor: float = 0.5,
                 seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a big one: separable only by a curved boundary.

    Class 0 lies on the unit circle, class 1 on a circle of radius ``factor``
    (0 < factor < 1), angles uniform in ``[0, 2 pi)``; Gaussian noise of standard
    deviation ``noise`` is added to both coordinates. Class 0 gets
    ``n_samples // 2`` points, class 1 the rest. Rows are shuffled.

    >>> X, y = make_circles(100, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1])
    """
    n = _count(n_samples, "n_samples", 2)
    noise = _nonnegative(noise, "noise")
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"factor (the inner circle's radius) must be in (0, 1), got {factor!r}")
    rng = _rng(seed)
    n0 = n // 2
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(np.arange(n) < n0, 1.0, float(factor))
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    y = np.repeat([0, 1], [n0, n - n0])
    return _shuffled(rng, X, y)


def make_blobs(n_samples: int = 100, centers: int | np.ndarray | Sequence[Sequence[float]] = 3,
               n_features: int = 2, cluster_std: float = 1.0,
               center_box: tuple[float, float] = (-10.0, 10.0), seed: Seed = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class: ``x ~ N(center_k, cluster_std^2 I)`` for class k.

    ``centers`` is the number of classes (their centres drawn uniformly from
    ``center_box`` in every coordinate) or an array of shape ``(k, n_features)``
    giving the centres. Samples are shared out evenly (the first classes get
    one more when ``n_samples`` is not a multiple of k). Rows are shuffled.

    Returns ``X`` (float, shape ``(n_samples, n_features)``) and ``y`` (int, 0 .. k-1).

    >>> X, y = make_blobs(90, centers=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 2), [30, 30, 30])
    """
    n = _count(n_samples, "n_samples", 1)
    std = _nonnegative(cluster_std, "cluster_std")
    rng = _rng(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _count(centers, "centers", 1)
        d = _count(n_features, "n_features", 1)
        low, high = center_box
        if not low < high:
            raise ValueError(f"center_box must be (low, high) with low < high, got {center_box}")
        mu = rng.uniform(low, high, (k, d))
    else:
        mu = np.asarray(centers, dtype=float)
        if mu.ndim != 2 or len(mu) == 0:
            raise ValueError(f"centers must be an int or an array of shape (k, n_features), "
                             f"got shape {mu.shape}")
        k, d = mu.shape
    if n < k:
        raise ValueError(f"n_samples ({n}) must be at least the number of classes ({k})")
    sizes = np.full(k, n // k) + (np.arange(k) < n % k)
    y = np.repeat(np.arange(k), sizes)
    X = mu[y] + rng.normal(0.0, std, (n, d))
    return _shuffled(rng, X, y)


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


# -- the breast cancer data set (a CSV inside the package) ------------------------------

@dataclass(frozen=True, eq=False)
class Dataset:
    """A real data set: ``X`` (float, ``(n_samples, n_features)``), ``y`` (int labels),
    the names of X's columns, the class names (``target_names[k]`` is class k)
    and a short description with the source and licence."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    description: str

    def __repr__(self) -> str:
        counts = ", ".join(f"{int((self.y == k).sum())} {name}"
                           for k, name in enumerate(self.target_names))
        return f"Dataset({self.X.shape[0]} samples x {self.X.shape[1]} features; {counts})"


_BREAST_CANCER_DESCRIPTION = """\
Breast Cancer Wisconsin (Diagnostic): 569 fine-needle aspirates of breast masses, 30 features
of the cell nuclei in each image (10 measurements x mean / standard error / worst), and the
diagnosis: y = 1 malignant (212), y = 0 benign (357).
Source: W. H. Wolberg, W. N. Street, O. L. Mangasarian (1995), UCI Machine Learning Repository
(Dua & Graff), https://doi.org/10.24432/C5DW2B. Licence: CC BY 4.0.
See autograd/datasets/README.md for the columns."""


def load_breast_cancer(return_X_y: bool = False) -> Dataset | tuple[np.ndarray, np.ndarray]:
    """The Wisconsin diagnostic breast cancer data: 569 samples, 30 features, binary.

    Read from ``autograd/datasets/breast_cancer.csv`` inside the package (no
    network). Labels: ``y = 1`` means malignant (212 samples), ``y = 0`` benign
    (357), so precision and recall are about finding cancers. The features
    span very different scales: standardize them (fitted on the training
    split) before training.

    Returns a ``Dataset`` (``X``, ``y``, ``feature_names``, ``target_names =
    ("benign", "malignant")``, ``description``), or just ``(X, y)`` with
    ``return_X_y=True``.

    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((569, 30), 212)
    """
    text = resources.files("autograd").joinpath("datasets/breast_cancer.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if header[-1] != "target" or any(len(r) != len(header) for r in body):
        raise ValueError("autograd/datasets/breast_cancer.csv is damaged: expected a header "
                         "ending in 'target' and rows of equal length; reinstall autograd-viz")
    table = np.array(body, dtype=float)
    X, y = table[:, :-1], table[:, -1].astype(int)
    if return_X_y:
        return X, y
    return Dataset(X=X, y=y, feature_names=tuple(header[:-1]),
                   target_names=("benign", "malignant"),
                   description=_BREAST_CANCER_DESCRIPTION)


# -- splitting -------------------------------------------------------------------------

def _allocate(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total``, none above its cap.

    Largest-remainder rounding: each class gets the floor of its share, then the
    samples left over go one at a time to the class furthest below its share.
    """
    quota = total * weights / weights.sum()
    counts = np.minimum(np.floor(quota).astype(int), caps)
    while counts.sum() < total:
        k = int(np.argmax(np.where(counts < caps, quota - counts, -np.inf)))
        counts[k] += 1
    return counts


def _round_half_up(x: float) -> int:
    # Python's round() sends 2.5 to 2 (to even); a split of 25% of 10 should hold 3.
    # The small tolerance keeps 0.15 * 10 = 1.4999999999999998 a half.
    return int(np.floor(x + 0.5 + 1e-9))


def train_val_test_split(X: Any, y: Any, val: float = 0.1, test: float = 0.2, seed: Seed = 0,
                         stratify: bool | Any = False
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                    np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the samples and cut them into training, validation and test sets.

    ``val`` and ``test`` are the fractions of samples for validation and test
    (each in [0, 1), together below 1); the rest is for training: 70% by
    default, as the course recommends (70-80%). Sizes are
    ``n_test = round(test * n)``, ``n_val = round(val * n)`` (halves round up)
    and ``n_train = n - n_val - n_test``, which must be at least 1.

    The three sets are disjoint and together hold every sample once. The same
    ``seed`` gives the same split. With ``stratify=True`` each set keeps the
    class proportions of ``y`` (to within one sample per class) and the
    training set holds every class; pass an array instead to stratify by other
    labels (e.g. a category column). As in scikit-learn, stratifying is a
    ``ValueError`` when a class has a single sample, or when the training set
    is smaller than the number of classes.

    Rows of X and y stay paired. Returns ``Xtr, Xva, Xte, ytr, yva, yte`` as
    numpy arrays (a split of size 0 is an empty array).

    Fit preprocessing (scalers, imputers) on ``Xtr`` only and apply it to the
    others: the validation and test sets stand for data the model has not seen.

    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=1)
    >>> len(ytr), len(yva), len(yte), sorted(np.concatenate([ytr, yva, yte]).tolist()) == list(y)
    (7, 1, 2, True)
    """
    val = _fraction(val, "val")
    test = _fraction(test, "test")
    if val + test >= 1:
        raise ValueError(f"val + test must be below 1 to leave data for training, "
                         f"got val={val} + test={test} = {val + test}")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one entry (row) per sample, got a scalar")
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y must have the same number of samples, "
                         f"got {n} rows in X and {len(y)} labels in y")
    n_test, n_val = _round_half_up(test * n), _round_half_up(val * n)
    if n - n_test - n_val < 1:
        raise ValueError(f"{n} samples are too few: val={val} and test={test} take "
                         f"{n_val} + {n_test}, leaving none for training")
    rng = _rng(seed)

    if stratify is False or stratify is None:
        order = rng.permutation(n)
        test_idx, val_idx, train_idx = np.split(order, [n_test, n_test + n_val])
    else:
        groups = y if stratify is True else np.asarray(stratify)
        if len(groups) != n:
            raise ValueError(f"stratify must have one label per sample ({n}), got {len(groups)}")
        classes, inverse = np.unique(groups, return_inverse=True)
        members = [rng.permutation(np.flatnonzero(inverse == k)) for k in range(len(classes))]
        sizes = np.array([len(m) for m in members])
        lone = classes[sizes < 2].tolist()  # plain values: 3, not np.int64(3)
        if lone:
            raise ValueError(f"stratify: class {lone[0]!r} has only 1 sample ({len(lone)} "
                             f"class(es) in all), too few to stratify: each class needs at "
                             f"least 2, one of them for training; merge or drop the class, or "
                             f"split without stratify")
        n_train = n - n_test - n_val
        if n_train < len(classes):
            raise ValueError(f"stratify: {n_train} training sample(s) cannot hold one of each "
                             f"of the {len(classes)} classes; lower val={val} or test={test}")
        # Every class keeps at least one sample for training: the model must see it.
        k_test = _allocate(n_test, sizes, sizes - 1)
        k_val = _allocate(n_val, sizes, sizes - 1 - k_test)
        parts: tuple[list[np.ndarray], ...] = ([], [], [])
        for m, a, b in zip(members, k_test, k_val):
            for part, chunk in zip(parts, np.split(m, [a, a + b])):
                part.append(chunk)
        # Shuffle within each set so the classes do not come in blocks.
        test_idx, val_idx, train_idx = (rng.permutation(np.concatenate(p)) for p in parts)

    return (X[train_idx], X[val_idx], X[test_idx], y[train_idx], y[val_idx], y[test_idx])
