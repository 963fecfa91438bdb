"""Preprocessing: scaling, missing values, outliers and categories, fitted on training data.

Every transformer follows one rule, the one that keeps an evaluation honest:
``fit`` learns its statistics (a mean, a range, the known categories) from the
training split only; ``transform`` applies those saved statistics to any data,
training, validation or test. Fitting on all the data would let the test set
leak into training.

>>> from autograd.data import make_moons, train_val_test_split
>>> X, y = make_moons(200, seed=0)
>>> Xtr, Xva, Xte, ytr, yva, yte = train_val_test_split(X, y, seed=0)
>>> scaler = StandardScaler().fit(Xtr)          # statistics of the training split
>>> Xtr, Xva, Xte = scaler.transform(Xtr), scaler.transform(Xva), scaler.transform(Xte)
>>> np.allclose(Xtr.mean(axis=0), 0.0), np.allclose(Xtr.std(axis=0), 1.0)
(True, True)

Inputs are numpy arrays or (nested) lists of shape ``(n_samples, n_features)``.
A 1-D input is one column (one feature), and the result is 1-D again. An input
with no samples or no features is a ValueError: there is nothing to learn from.
Missing values are NaN (or None in a list or an object array); what each
transformer does with them is stated in its docstring.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "StandardScaler", "MinMaxScaler", "SimpleImputer", "OneHotEncoder",
    "find_outliers", "remove_outliers", "OutlierReport", "NotFittedError",
]


class NotFittedError(ValueError):
    """``transform`` (or ``inverse_transform``) was called before ``fit``."""


# -- input checks shared by the transformers -------------------------------------------

def _numeric_table(X: Any, who: str) -> tuple[np.ndarray, bool]:
    """``X`` as a 2-D float array (None becomes NaN), and whether it was 1-D."""
    try:
        A = np.array(X, dtype=float)  # a copy: we never change the caller's array
    except (TypeError, ValueError) as error:
        raise TypeError(f"{who} needs numbers, but X holds something else ({error}); encode "
                        f"categorical columns with OneHotEncoder first") from None
    A, was_1d = _as_table(A, who)
    if np.isinf(A).any():
        row, col = np.argwhere(np.isinf(A))[0]
        raise ValueError(f"{who}: X has an infinite value at row {row}, column {col}")
    return A, was_1d


def _object_table(X: Any, who: str) -> tuple[np.ndarray, bool]:
    """``X`` as a 2-D object array (any values: strings, numbers, None), and whether it was 1-D."""
    return _as_table(np.array(X, dtype=object), who)


def _as_table(A: np.ndarray, who: str) -> tuple[np.ndarray, bool]:
    """``A`` as 2-D (a 1-D input is one column) and whether it was 1-D; at least one
    sample and one feature, else a ValueError (there is nothing to learn or scale)."""
    was_1d = A.ndim == 1
    if was_1d:
        A = A[:, None]
    if A.ndim != 2:
        raise ValueError(f"{who} needs a 2-D array (n_samples, n_features) or one 1-D column, "
                         f"got an array of shape {A.shape}")
    if A.shape[0] == 0:
        raise ValueError(f"{who} got no samples (an array of shape "
                         f"{A.shape[:1] if was_1d else A.shape}); it needs at least one row")
    if A.shape[1] == 0:
        raise ValueError(f"{who} got samples with no features (an array of shape {A.shape}); "
                         f"it needs at least one column")
    return A, was_1d


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, numbers.Real) and math.isnan(value))


def _missing_mask(A: np.ndarray) -> np.ndarray:
    if A.dtype == object:
        return np.vectorize(_is_missing, otypes=[bool])(A) if A.size else np.zeros(A.shape, bool)
    return np.isnan(A)


def _reject_nan(A: np.ndarray, who: str, hint: str) -> None:
    missing = np.isnan(A)
    if missing.any():
        col = int(np.flatnonzero(missing.any(axis=0))[0])
        raise ValueError(f"{who}: X has {int(missing.sum())} missing value(s) (NaN), the first "
                         f"in column {col} (row {int(np.flatnonzero(missing[:, col])[0])}); "
                         f"{hint}")


def _shape_back(A: np.ndarray, was_1d: bool) -> np.ndarray:
    return A[:, 0] if was_1d else A


class _Fitted:
    """What every transformer shares: the fitted check, the column check, fit_transform."""

    n_features_in_: int | None = None

    def fit(self, X: Any) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def transform(self, X: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def fit_transform(self, X: Any) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: use it on the training split only."""
        return self.fit(X).transform(X)

    def _check_fitted(self, method: str) -> None:
        if self.n_features_in_ is None:
            name = type(self).__name__
            raise NotFittedError(f"this {name} is not fitted yet: call fit(X_train) before "
                                 f"{method}() (fit on the training split, then transform the "
                                 f"validation and test splits with the same {name})")

    def _check_columns(self, A: np.ndarray, method: str) -> None:
        if A.shape[1] != self.n_features_in_:
            raise ValueError(f"{type(self).__name__}.{method}: X has {A.shape[1]} column(s), "
                             f"but it was fitted on {self.n_features_in_}")


# -- scalers ---------------------------------------------------------------------------

class _Scaler(_Fitted):
    """What both scalers share: a numeric table whose NaNs are an error unless allowed."""

    allow_nan: bool = False

    def _table(self, X: Any, method: str, fitted: bool = False) -> tuple[np.ndarray, bool]:
        if fitted:
            self._check_fitted(method)
        who = f"{type(self).__name__}.{method}"
        A, was_1d = _numeric_table(X, who)
        if fitted:
            self._check_columns(A, method)
        if not self.allow_nan:
            _reject_nan(A, who, "fill them first with SimpleImputer (fitted on the training "
                        "split), or pass allow_nan=True to ignore them in fit and keep them")
        return A, was_1d


class StandardScaler(_Scaler):
    """Z-score standardization: ``z = (x - mean_) / scale_``, column by column.

    ``fit`` saves each column's mean (``mean_``), variance (``var_``, the
    population variance, divided by n) and standard deviation (``scale_``). A
    constant column has ``scale_ = 1``, so it becomes 0 instead of dividing by
    zero. ``inverse_transform`` maps back: ``x = z * scale_ + mean_``.

    NaN is an error by default (impute first); with ``allow_nan=True`` the
    statistics ignore NaN and ``transform`` keeps NaN where it was.

    >>> scaler = StandardScaler().fit([[1.0, 5.0], [3.0, 5.0]])
    >>> scaler.mean_.tolist(), scaler.scale_.tolist()
    ([2.0, 5.0], [1.0, 1.0])
    >>> scaler.transform([[5.0, 5.0]]).tolist()
    [[3.0, 0.0]]
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True,
                 allow_nan: bool = False) -> None:
        self.with_mean = with_mean
        self.with_std = with_std
        self.allow_nan = allow_nan
        self.mean_: np.ndarray | None = None
        self.var_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.n_samples_seen_: int = 0

    def fit(self, X: Any) -> StandardScaler:
        """Learn each column's mean and standard deviation from ``X`` (the training split)."""
        A, _ = self._table(X, "fit")
        with np.errstate(invalid="ignore"):
            if self.allow_nan and np.isnan(A).all(axis=0).any():
                col = int(np.flatnonzero(np.isnan(A).all(axis=0))[0])
                raise ValueError(f"StandardScaler.fit: column {col} has only missing values")
            mean = np.nanmean(A, axis=0)
            var = np.nanvar(A, axis=0)
        std = np.sqrt(var)
        # A constant column's variance can come out as a rounding error, not 0.
        constant = std <= 1e-12 * np.maximum(1.0, np.abs(mean))
        self.mean_ = mean if self.with_mean else np.zeros_like(mean)
        self.var_ = var
        self.scale_ = np.where(constant, 1.0, std) if self.with_std else np.ones_like(std)
        self.n_samples_seen_ = A.shape[0]
        self.n_features_in_ = A.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """``(X - mean_) / scale_`` with the statistics saved by ``fit``."""
        A, was_1d = self._table(X, "transform", fitted=True)
        return _shape_back((A - self.mean_) / self.scale_, was_1d)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo ``transform``: ``Z * scale_ + mean_`` (back to the original units)."""
        A, was_1d = self._table(Z, "inverse_transform", fitted=True)
        return _shape_back(A * self.scale_ + self.mean_, was_1d)

    def __repr__(self) -> str:
        return f"StandardScaler(with_mean={self.with_mean}, with_std={self.with_std})"


class MinMaxScaler(_Scaler):
    """Min-max scaling of each column to ``feature_range`` (default [0, 1]).

    ``x' = lo + (x - data_min_) * (hi - lo) / data_range_``, computed as
    ``x * scale_ + min_``. A constant column (range 0) maps to ``lo``. Data
    outside the training range lands outside ``feature_range``, as it should:
    the scaler uses the training statistics; ``clip=True`` clips it instead.

    NaN is an error by default; with ``allow_nan=True`` it is ignored in ``fit``
    and kept in ``transform``.

    >>> scaler = MinMaxScaler().fit([[0.0], [10.0]])
    >>> scaler.transform([[5.0], [20.0]]).tolist()
    [[0.5], [2.0]]
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0), clip: bool = False,
                 allow_nan: bool = False) -> None:
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(f"feature_range must be (low, high) with low < high, "
                             f"got {feature_range}")
        self.feature_range = (float(lo), float(hi))
        self.clip = clip
        self.allow_nan = allow_nan
        self.data_min_: np.ndarray | None = None
        self.data_max_: np.ndarray | None = None
        self.data_range_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.min_: np.ndarray | None = None

    def fit(self, X: Any) -> MinMaxScaler:
        """Learn each column's minimum and maximum from ``X`` (the training split)."""
        A, _ = self._table(X, "fit")
        if np.isnan(A).all(axis=0).any():
            col = int(np.flatnonzero(np.isnan(A).all(axis=0))[0])
            raise ValueError(f"MinMaxScaler.fit: column {col} has only missing values")
        lo, hi = self.feature_range
        self.data_min_ = np.nanmin(A, axis=0)
        self.data_max_ = np.nanmax(A, axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (hi - lo) / np.where(self.data_range_ == 0, 1.0, self.data_range_)
        self.min_ = lo - self.data_min_ * self.scale_
        self.n_features_in_ = A.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """``X * scale_ + min_`` with the statistics saved by ``fit``."""
        A, was_1d = self._table(X, "transform", fitted=True)
        out = A * self.scale_ + self.min_
        if self.clip:
            out = np.clip(out, *self.feature_range)
        return _shape_back(out, was_1d)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo ``transform``: ``(Z - min_) / scale_`` (back to the original units)."""
        A, was_1d = self._table(Z, "inverse_transform", fitted=True)
        return _shape_back((A - self.min_) / self.scale_, was_1d)

    def __repr__(self) -> str:
        return f"MinMaxScaler(feature_range={self.feature_range}, clip={self.clip})"


# -- missing values --------------------------------------------------------------------

class SimpleImputer(_Fitted):
    """Fill missing values (NaN or None) with a per-column statistic of the training data.

    ``strategy``:

    - ``"mean"``: the column's mean over its observed values (numbers only);
    - ``"median"``: the column's median (numbers only, robust to outliers);
    - ``"most_frequent"``: the commonest value, the smallest one on a tie;
      works for categories (strings) too;
    - ``"constant"``: ``fill_value`` everywhere (e.g. ``"unknown"``).

    ``fit`` saves the fill values in ``statistics_``. A column with no observed
    value in the training data is an error (there is nothing to learn from).
    Numeric input gives a float array; input with strings gives an object array.

    >>> SimpleImputer(strategy="median").fit_transform([[1.0], [np.nan], [3.0], [10.0]]).ravel()
    array([ 1.,  3.,  3., 10.])
    >>> SimpleImputer(strategy="most_frequent").fit_transform(["M1", None, "M2", "M1"]).tolist()
    ['M1', 'M1', 'M2', 'M1']
    """

    STRATEGIES = ("mean", "median", "most_frequent", "constant")

    def __init__(self, strategy: str = "mean", fill_value: Any = None) -> None:
        if strategy not in self.STRATEGIES:
            raise ValueError(f"strategy must be one of {list(self.STRATEGIES)}, got {strategy!r}")
        if strategy == "constant" and _is_missing(fill_value):
            raise ValueError("strategy='constant' needs a fill_value (a number or a string)")
        self.strategy = strategy
        self.fill_value = fill_value
        self.statistics_: np.ndarray | None = None
        self._numeric = True

    def fit(self, X: Any) -> SimpleImputer:
        """Learn each column's fill value from ``X`` (the training split)."""
        A, _, numeric = self._table(X, "fit")
        missing = _missing_mask(A)
        stats = []
        for col in range(A.shape[1]):
            observed = A[~missing[:, col], col]
            if self.strategy == "constant":
                stats.append(self.fill_value)
                continue
            if observed.size == 0:
                raise ValueError(f"SimpleImputer.fit: column {col} has no observed values in "
                                 f"the training data, so there is no {self.strategy} to fill "
                                 f"with; drop the column or use strategy='constant'")
            if self.strategy == "mean":
                stats.append(float(np.mean(observed)))
            elif self.strategy == "median":
                stats.append(float(np.median(observed)))
            else:
                stats.append(_most_frequent(observed, col))
        numeric = numeric and all(isinstance(s, numbers.Real) for s in stats)
        self.statistics_ = np.array(stats, dtype=float if numeric else object)
        self._numeric = numeric
        self.n_features_in_ = A.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Replace each missing value by its column's fill value from ``fit``."""
        self._check_fitted("transform")
        A, was_1d, numeric = self._table(X, "transform")
        self._check_columns(A, "transform")
        if self._numeric and not numeric:
            raise TypeError("SimpleImputer.transform: X holds non-numbers (e.g. strings), but "
                            "the imputer was fitted on numbers")
        if not self._numeric and A.dtype != object:
            A = A.astype(object)
        missing = _missing_mask(A)
        rows, cols = np.nonzero(missing)
        A[rows, cols] = self.statistics_[cols]
        return _shape_back(A, was_1d)

    def _table(self, X: Any, method: str) -> tuple[np.ndarray, bool, bool]:
        """The input as a float table if it holds only numbers, else as an object table."""
        who = f"SimpleImputer.{method}"
        try:
            A, was_1d = _numeric_table(X, who)
            return A, was_1d, True
        except TypeError:
            A, was_1d = _object_table(X, who)
        if self.strategy in ("mean", "median"):
            bad = next((v for v in A.ravel() if not _is_missing(v) and not _is_number(v)), None)
            raise TypeError(f"{who}: strategy={self.strategy!r} needs numbers, but X holds "
                            f"{bad!r}; use strategy='most_frequent' or 'constant' for categories")
        return A, was_1d, False

    def __repr__(self) -> str:
        fill = f", fill_value={self.fill_value!r}" if self.strategy == "constant" else ""
        return f"SimpleImputer(strategy={self.strategy!r}{fill})"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _most_frequent(values: np.ndarray, col: int) -> Any:
    counts = Counter(v.item() if isinstance(v, np.generic) else v for v in values)
    top = max(counts.values())
    tied = [v for v, c in counts.items() if c == top]
    try:
        return min(tied)
    except TypeError:
        raise ValueError(f"SimpleImputer.fit: column {col} mixes types that cannot be ordered "
                         f"({sorted({type(v).__name__ for v in tied})}); make it one type "
                         f"(e.g. all strings)") from None


# -- categories ------------------------------------------------------------------------

class OneHotEncoder(_Fitted):
    """One 0/1 column per category: ``"M2"`` of ``["M1", "M2", "M3"]`` becomes ``[0, 1, 0]``.

    ``fit`` saves each column's categories, sorted, in ``categories_``. In
    ``transform`` a category not seen in ``fit`` is an error naming it
    (``handle_unknown="error"``), or becomes all zeros (``"ignore"``).
    Missing values (None or NaN) are an error in ``fit``: fill them first, e.g.
    with ``SimpleImputer(strategy="most_frequent")`` or ``"constant"``; in
    ``transform`` they are treated as an unknown category.

    >>> enc = OneHotEncoder().fit(["M1", "M3", "M2", "M1"])
    >>> enc.transform(["M2", "M1"]).tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    >>> enc.get_feature_names_out(["machine"])
    ['machine_M1', 'machine_M2', 'machine_M3']
    """

    def __init__(self, handle_unknown: str = "error") -> None:
        if handle_unknown not in ("error", "ignore"):
            raise ValueError(f"handle_unknown must be 'error' or 'ignore', got {handle_unknown!r}")
        self.handle_unknown = handle_unknown
        self.categories_: list[np.ndarray] | None = None
        self.feature_names_in_: tuple[str, ...] | None = None
        self._index: list[dict[Any, int]] = []
        self._was_1d = False

    def fit(self, X: Any, feature_names: Sequence[str] | None = None) -> OneHotEncoder:
        """Learn the categories of each column of ``X`` (the training split).

        ``feature_names`` (optional) names the columns in error messages and in
        ``get_feature_names_out()``; the default is ``x0, x1, ...``.
        """
        A, was_1d = _object_table(X, "OneHotEncoder.fit")
        if feature_names is None:
            names = tuple(f"x{j}" for j in range(A.shape[1]))
        else:
            names = tuple(str(name) for name in feature_names)
            if len(names) != A.shape[1]:
                raise ValueError(f"OneHotEncoder.fit: {len(names)} feature_names for "
                                 f"{A.shape[1]} column(s)")
        missing = _missing_mask(A)
        if missing.any():
            col = int(np.flatnonzero(missing.any(axis=0))[0])
            rows = np.flatnonzero(missing[:, col])
            raise ValueError(f"OneHotEncoder.fit: column {names[col]!r} has {len(rows)} missing "
                             f"value(s) (None/NaN), e.g. at row {int(rows[0])}; fill them first "
                             f"with SimpleImputer(strategy='most_frequent') or 'constant'")
        categories = []
        for col in range(A.shape[1]):
            seen = {v.item() if isinstance(v, np.generic) else v for v in A[:, col]}
            try:
                ordered = sorted(seen)
            except TypeError:
                raise ValueError(f"OneHotEncoder.fit: column {names[col]!r} mixes types that "
                                 f"cannot be ordered ({sorted({type(v).__name__ for v in seen})})"
                                 f"; make it one type (e.g. all strings)") from None
            categories.append(np.array(ordered, dtype=object))
        self.categories_ = categories
        self.feature_names_in_ = names
        self._index = [{c: i for i, c in enumerate(cats)} for cats in categories]
        self._was_1d = was_1d
        self.n_features_in_ = A.shape[1]
        return self

    def fit_transform(self, X: Any, feature_names: Sequence[str] | None = None) -> np.ndarray:
        """``fit(X, feature_names)`` then ``transform(X)``: on the training split only."""
        return self.fit(X, feature_names).transform(X)

    def transform(self, X: Any) -> np.ndarray:
        """A float array of 0/1 columns: for each input column, one per known category."""
        self._check_fitted("transform")
        A, _ = _object_table(X, "OneHotEncoder.transform")
        self._check_columns(A, "transform")
        widths = [len(c) for c in self.categories_]
        offsets = np.concatenate([[0], np.cumsum(widths)[:-1]])
        out = np.zeros((A.shape[0], sum(widths)))
        for col, (index, offset) in enumerate(zip(self._index, offsets)):
            for row, value in enumerate(A[:, col]):
                key = value.item() if isinstance(value, np.generic) else value
                try:
                    k = index.get(key)
                except TypeError:  # an unhashable value (a list, say) is no known category
                    k = None
                if k is not None:
                    out[row, offset + k] = 1.0
                elif self.handle_unknown == "error":
                    self._unknown(col, row, value)
        return out

    def _unknown(self, col: int, row: int, value: Any) -> None:
        name = self.feature_names_in_[col]
        known = self.categories_[col].tolist()
        what = "a missing value (None/NaN)" if _is_missing(value) else f"category {value!r}"
        raise ValueError(f"OneHotEncoder.transform: column {name!r} has {what} at row {row} "
                         f"that was not seen in fit; known categories: {known}. Pass "
                         f"handle_unknown='ignore' to encode unseen categories as all zeros")

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """The categories back from 0/1 columns (the largest entry of each block wins);
        an all-zero block (an ignored unknown category) gives None."""
        self._check_fitted("inverse_transform")
        Z, _ = _numeric_table(Z, "OneHotEncoder.inverse_transform")
        widths = [len(c) for c in self.categories_]
        if Z.shape[1] != sum(widths):
            raise ValueError(f"OneHotEncoder.inverse_transform: Z has {Z.shape[1]} column(s), "
                             f"but the encoder makes {sum(widths)}")
        out = np.empty((Z.shape[0], len(widths)), dtype=object)
        start = 0
        for col, (cats, width) in enumerate(zip(self.categories_, widths)):
            block = Z[:, start:start + width]
            out[:, col] = np.where(block.max(axis=1) > 0, cats[block.argmax(axis=1)], None)
            start += width
        return _shape_back(out, self._was_1d)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> list[str]:
        """Names of the output columns, ``"<column>_<category>"`` (e.g. ``"machine_M2"``)."""
        self._check_fitted("get_feature_names_out")
        names = self.feature_names_in_ if input_features is None else tuple(input_features)
        if len(names) != self.n_features_in_:
            raise ValueError(f"{len(names)} input_features for {self.n_features_in_} column(s)")
        return [f"{name}_{c}" for name, cats in zip(names, self.categories_) for c in cats]

    def __repr__(self) -> str:
        return f"OneHotEncoder(handle_unknown={self.handle_unknown!r})"


# -- outliers --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class OutlierReport:
    """What an outlier rule flagged and which rows it removed.

    Attributes:
        method: ``"zscore"`` or ``"iqr"``.
        threshold: the rule's parameter (z limit, or the IQR multiplier k).
        keep: bool ``(n_samples,)``, True for the rows kept; ``data[report.keep]``
            applies the same removal to any other array (labels, a category column).
        flagged: bool ``(n_samples, n_features)``, True for each value outside its bounds.
        lower, upper: each column's bounds (``-inf``/``inf`` for unchecked columns).
        column_names: the columns' names (``x0, x1, ...`` unless given).

    ``outside(X)`` and ``as_missing(X)`` apply the same bounds to new rows:

    >>> report = find_outliers([[1.0], [2.0], [3.0], [2.0], [100.0]], method="iqr")
    >>> report.as_missing([[2.5], [-40.0]]).ravel().tolist()
    [2.5, nan]
    """

    method: str
    threshold: float
    keep: np.ndarray
    flagged: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    column_names: tuple[str, ...]

    @property
    def removed(self) -> np.ndarray:
        """Indices of the removed rows."""
        return np.flatnonzero(~self.keep)

    @property
    def n_removed(self) -> int:
        return int((~self.keep).sum())

    @property
    def per_column(self) -> dict[str, int]:
        """How many values each column had outside its bounds."""
        return {name: int(n) for name, n in zip(self.column_names, self.flagged.sum(axis=0))}

    def outside(self, X: Any) -> np.ndarray:
        """Which values of ``X`` lie outside these bounds: bool, the shape of ``X``.

        For new rows (validation, test, production data) judged by the training
        set's bounds: they keep their rows, so a glitch there is a value to
        repair, not a row to drop. Missing values (NaN) are never outside.
        """
        A, was_1d = _numeric_table(X, "OutlierReport.outside")
        return _shape_back(self._outside(A, "outside"), was_1d)

    def as_missing(self, X: Any) -> np.ndarray:
        """A copy of ``X`` in which every value outside these bounds is NaN (missing),
        for an imputer fitted on the training set to fill (see ``outside``)."""
        A, was_1d = _numeric_table(X, "OutlierReport.as_missing")
        A[self._outside(A, "as_missing")] = np.nan
        return _shape_back(A, was_1d)

    def _outside(self, A: np.ndarray, method: str) -> np.ndarray:
        if A.shape[1] != len(self.lower):
            raise ValueError(f"OutlierReport.{method}: X has {A.shape[1]} column(s), but the "
                             f"bounds were found on {len(self.lower)}")
        with np.errstate(invalid="ignore"):  # NaN compares False: never outside
            return (A < self.lower) | (A > self.upper)

    def __str__(self) -> str:
        rule = (f"|z| > {self.threshold:g}" if self.method == "zscore"
                else f"outside [Q1 - {self.threshold:g} IQR, Q3 + {self.threshold:g} IQR]")
        n = len(self.keep)
        lines = [f"{self.method} rule ({rule}): removed {self.n_removed} of {n} rows "
                 f"({100 * self.n_removed / n:.1f}%)"]
        for j, name in enumerate(self.column_names):
            count = int(self.flagged[:, j].sum())
            if count:
                lines.append(f"  {name}: {count} value(s) outside "
                             f"[{self.lower[j]:.4g}, {self.upper[j]:.4g}]")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"OutlierReport(method={self.method!r}, threshold={self.threshold:g}, "
                f"removed={self.n_removed} of {len(self.keep)} rows, "
                f"per_column={self.per_column})")


def find_outliers(X: Any, method: str = "zscore", threshold: float | None = None,
                  columns: Sequence[int] | None = None,
                  column_names: Sequence[str] | None = None) -> OutlierReport:
    """Flag the values an outlier rule rejects, column by column, and report them.

    - ``method="zscore"``: a value is an outlier when ``|x - mean| / std > threshold``
      (default 3). Simple, but the outliers themselves inflate ``std``, so a
      few huge ones can hide smaller ones.
    - ``method="iqr"``: outside ``[Q1 - k IQR, Q3 + k IQR]`` with ``IQR = Q3 - Q1``
      and ``k = threshold`` (default 1.5, Tukey's fences). Quartiles barely move
      when outliers are added, so this rule is robust.

    Missing values (NaN) are ignored by the statistics and never flagged: they
    are missing, not extreme (impute them separately). ``columns`` limits the
    check to some columns (e.g. not one-hot columns). A row is removed when any
    of its values is flagged. Finds only; ``remove_outliers`` also drops the rows.

    >>> report = find_outliers([[1.0], [2.0], [3.0], [2.0], [100.0]], method="iqr")
    >>> report.removed.tolist(), report.per_column
    ([4], {'x0': 1})
    """
    if method not in ("zscore", "iqr"):
        raise ValueError(f"method must be 'zscore' or 'iqr', got {method!r}")
    if threshold is None:
        threshold = 3.0 if method == "zscore" else 1.5
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not threshold > 0:
        raise ValueError(f"threshold must be a number > 0, got {threshold!r}")
    A, _ = _numeric_table(X, "find_outliers")
    n, d = A.shape
    names = tuple(f"x{j}" for j in range(d)) if column_names is None else tuple(column_names)
    if len(names) != d:
        raise ValueError(f"find_outliers: {len(names)} column_names for {d} column(s)")
    checked = np.zeros(d, dtype=bool)
    if columns is None:
        checked[:] = True
    else:
        for j in columns:
            if isinstance(j, bool) or not isinstance(j, numbers.Integral) or not -d <= j < d:
                raise ValueError(f"find_outliers: columns must be indices in [0, {d}), got {j!r}")
            checked[j] = True
    lower, upper = np.full(d, -np.inf), np.full(d, np.inf)
    for j in np.flatnonzero(checked):
        column = A[:, j][~np.isnan(A[:, j])]
        if column.size == 0:
            continue
        if method == "zscore":
            mean, std = column.mean(), column.std()
            lower[j], upper[j] = mean - threshold * std, mean + threshold * std
        else:
            q1, q3 = np.percentile(column, [25, 75])
            lower[j], upper[j] = q1 - threshold * (q3 - q1), q3 + threshold * (q3 - q1)
    with np.errstate(invalid="ignore"):  # NaN compares False: never flagged
        flagged = (A < lower) | (A > upper)
    return OutlierReport(method=method, threshold=float(threshold), keep=~flagged.any(axis=1),
                         flagged=flagged, lower=lower, upper=upper, column_names=names)


def remove_outliers(X: Any, y: Any = None, method: str = "zscore",
                    threshold: float | None = None, columns: Sequence[int] | None = None,
                    column_names: Sequence[str] | None = None
                    ) -> tuple[np.ndarray, np.ndarray | None, OutlierReport]:
    """Drop the rows with an outlier (see ``find_outliers`` for the rules).

    Returns ``(X_kept, y_kept, report)``; ``y_kept`` is None when ``y`` is None.
    Apply the same removal to other arrays with ``array[report.keep]``. Remove
    outliers from the training split only: validation and test data stand for
    the real world, which has outliers too.

    >>> X, y, report = remove_outliers([[1.0], [2.0], [3.0], [2.0], [100.0]], [0, 1, 0, 1, 1],
    ...                                method="iqr")
    >>> X.ravel().tolist(), y.tolist(), report.n_removed
    ([1.0, 2.0, 3.0, 2.0], [0, 1, 0, 1], 1)
    """
    report = find_outliers(X, method, threshold, columns, column_names)
    A, was_1d = _numeric_table(X, "remove_outliers")
    y_kept = None
    if y is not None:
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(A):
            raise ValueError(f"remove_outliers: X has {len(A)} rows but y has "
                             f"{y.size if y.ndim == 0 else len(y)} entries")
        y_kept = y[report.keep]
    return _shape_back(A[report.keep], was_1d), y_kept, report
