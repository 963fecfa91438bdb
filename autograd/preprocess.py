"""Outliers: find the values a simple rule rejects, report them, and drop their rows.

A rule learns its bounds (a mean and a standard deviation, or the quartiles)
from the training split only; ``OutlierReport.outside`` and ``as_missing``
apply the same bounds to new rows, which keep their rows (a glitch there is a
value to repair, not a row to drop). The rest of preprocessing (scalers,
imputers, encoders) is scikit-learn's: ``sklearn.preprocessing.StandardScaler``,
``sklearn.impute.SimpleImputer``, ``sklearn.preprocessing.OneHotEncoder``.

>>> X = [[1.0, 10.0], [2.0, 11.0], [3.0, 12.0], [2.0, 11.0], [100.0, 10.0]]
>>> X_kept, _, report = remove_outliers(X, method="iqr")
>>> report.removed.tolist(), report.per_column
([4], {'x0': 1, 'x1': 0})

Inputs are numpy arrays or (nested) lists of shape ``(n_samples, n_features)``.
A 1-D input is one column (one feature), and the result is 1-D again. An input
with no samples or no features is a ValueError. Missing values are NaN (or None
in a list); they are ignored by the rules and never flagged.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["find_outliers", "remove_outliers", "OutlierReport"]


# -- input checks ----------------------------------------------------------------------

def _numeric_table(X: Any, who: str) -> tuple[np.ndarray, bool]:
    """``X`` as a 2-D float array (None becomes NaN), and whether it was 1-D."""
    try:
        A = np.array(X, dtype=float)  # a copy: we never change the caller's array
    except (TypeError, ValueError) as error:
        raise TypeError(f"{who} needs numbers, but X holds something else ({error}); encode "
                        f"categorical columns first (sklearn's OneHotEncoder)") from None
    A, was_1d = _as_table(A, who)
    if np.isinf(A).any():
        row, col = np.argwhere(np.isinf(A))[0]
        raise ValueError(f"{who}: X has an infinite value at row {row}, column {col}")
    return A, was_1d


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


def _shape_back(A: np.ndarray, was_1d: bool) -> np.ndarray:
    return A[:, 0] if was_1d else A


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
